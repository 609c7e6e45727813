package gioexport

/*
#cgo pkg-config: gioexport
#include <gioexport.h>

// The oldest header this package is written for: 0.1.0.
#if GIOEXPORT_C_VERSION_NUMBER < 1000
#error "gioexport.h is older than 0.1.0, the version this package needs"
#endif

enum { gioexport_go_header_version = GIOEXPORT_C_VERSION_NUMBER };
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
)

// HeaderVersion is the version of gioexport.h that the package was built
// with, encoded as MAJOR*1000000 + MINOR*1000 + PATCH.
const HeaderVersion = uint32(C.gioexport_go_header_version)

// ErrLibraryTooOld is returned by NewClient when the loaded library is older
// than the header the package was built with.
var ErrLibraryTooOld = errors.New("gioexport: the loaded libgioexport is older than its header")

// Version returns the version of the loaded library, such as "0.1.0".
func Version() string {
	return C.GoString(C.gioexport_version())
}

// VersionNumber returns the version of the loaded library, encoded as
// HeaderVersion is.
func VersionNumber() uint32 {
	return uint32(C.gioexport_version_number())
}

var checkVersion = sync.OnceValue(func() error {
	if loaded := VersionNumber(); loaded < HeaderVersion {
		return fmt.Errorf("%w: the library is %s (%d), the header %d; install a library at least as new as gioexport.h",
			ErrLibraryTooOld, Version(), loaded, HeaderVersion)
	}
	return nil
})
