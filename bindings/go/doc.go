// Package gioexport downloads GrowingIO raw-data exports through
// libgioexport, the C interface of the gioexport client of the export API
// v2.
//
// A [Client] holds the project's keys, a token and a pool of connections,
// and runs every request on the I/O threads of its own runtime. Its
// methods take a [context.Context]: when the context is cancelled or its
// deadline passes, the operation in the library is cancelled, and the
// returned [*Error] has code [CodeCancelled] and wraps the context's
// error, so errors.Is(err, context.DeadlineExceeded) holds.
//
// Errors are [*Error] values carrying the library's [Code], the HTTP
// status and whether a retry can help. Each code has a sentinel for
// errors.Is, such as [ErrRateLimited] or [ErrChecksumMismatch].
//
// # Building
//
// The package uses cgo and finds the library with pkg-config under the
// name gioexport. To build against a Meson build directory that is not
// installed, point pkg-config at its uninstalled file and the loader at
// the library:
//
//	export PKG_CONFIG_PATH=$PWD/build/meson-uninstalled
//	export LD_LIBRARY_PATH=$PWD/build/capi
//
// The header must be 0.1.0 or newer, and NewClient rejects a loaded
// library older than the header with [ErrLibraryTooOld].
//
// # Callbacks and memory
//
// Progress functions run on the library's I/O threads, one call at a time
// per operation. C holds only a runtime/cgo.Handle for each operation,
// never a Go pointer, and the handle is deleted when the library releases
// the operation. Every string and result the library hands out is copied
// into Go memory and freed with the library's own free functions before
// the method returns. A panic in a progress function is recovered on the
// I/O thread, cancels the operation, and is raised again in the goroutine
// that called the method.
package gioexport
