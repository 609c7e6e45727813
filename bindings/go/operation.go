package gioexport

/*
#include <stdint.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"sync"
)

// ProgressFunc receives progress reports on one of the library's I/O
// threads, one call at a time for an operation. It must return quickly,
// because it holds up the I/O thread. It must not call runtime.Goexit
// (t.Fatal and t.FailNow do), which ends the process on a thread that the
// Go runtime did not create.
// A non-nil error cancels the operation, which then fails with an *Error of
// code CodeCancelled that wraps the returned error. A panic also cancels the
// operation, and the call that started it then panics again with the same
// value in the caller's goroutine.
type ProgressFunc func(Progress) error

// operation is the Go state of one library operation. C refers to it only
// through a cgo.Handle, which the release callback deletes.
type operation struct {
	progress ProgressFunc

	// Written by the progress callback under mu, read after done.
	mu          sync.Mutex
	stopped     bool // the progress function asked to stop or panicked
	callbackErr error
	panicked    bool
	panicValue  any

	// Written by the completion callback, read after done is closed.
	err    *Error
	result any

	done chan struct{} // closed by the release callback
}

// starter calls one of the gioexport_go_* starters of shim.c.
type starter func(client *C.gioexport_client, handle C.uintptr_t, outError **C.gioexport_error) *C.gioexport_operation

// run starts an operation, waits for its end and returns its result. When
// ctx ends first, the operation is cancelled and run still waits for its
// completion, so no callback runs after run has returned.
func (c *Client) run(ctx context.Context, progress ProgressFunc, start starter) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{Code: CodeCancelled, Message: "the operation was cancelled before it started", cause: context.Cause(ctx)}
	}
	op := &operation{progress: progress, done: make(chan struct{})}
	handle := cgo.NewHandle(op)

	c.mu.RLock()
	if c.client == nil {
		c.mu.RUnlock()
		handle.Delete()
		return nil, ErrClosed
	}
	var cError *C.gioexport_error
	cOperation := start(c.client, C.uintptr_t(handle), &cError)
	c.mu.RUnlock()
	if cOperation == nil {
		// On a failed start the library calls no callback, so the handle
		// is still ours to delete.
		handle.Delete()
		return nil, takeError(cError)
	}
	defer C.gioexport_operation_free(cOperation)

	select {
	case <-op.done:
	case <-ctx.Done():
		C.gioexport_operation_cancel(cOperation)
		<-op.done
	}
	// The client must stay reachable while its operation runs, or its
	// cleanup could free it and so cancel the operation.
	runtime.KeepAlive(c)

	if op.panicked {
		panic(op.panicValue)
	}
	if op.err == nil {
		return op.result, nil
	}
	if op.err.Code == CodeCancelled {
		switch {
		case op.callbackErr != nil:
			op.err.cause = op.callbackErr
		case ctx.Err() != nil:
			op.err.cause = context.Cause(ctx)
		case c.isClosed():
			op.err.cause = ErrClosed
		}
	}
	return nil, op.err
}

func lookup(handle C.uintptr_t) *operation {
	return cgo.Handle(handle).Value().(*operation)
}

// report calls the progress function and returns 1 to cancel, 0 to go on.
func (op *operation) report(progress Progress) (verdict C.int) {
	op.mu.Lock()
	defer op.mu.Unlock()
	if op.stopped {
		return 1
	}
	defer func() {
		// A panic must not unwind into C, where it would end the process.
		if recovered := recover(); recovered != nil {
			op.stopped = true
			op.panicked = true
			op.panicValue = recovered
			verdict = 1
		}
	}()
	if err := op.progress(progress); err != nil {
		op.stopped = true
		op.callbackErr = err
		return 1
	}
	return 0
}

// complete records the outcome. cError is borrowed, so it is copied here.
// The result handle is owned, so the result function copies and frees it.
func (op *operation) complete(status C.int, cError *C.gioexport_error, result func() any) {
	if status == C.GIOEXPORT_OK {
		op.result = result()
		return
	}
	if cError == nil {
		op.err = &Error{Code: Code(status)}
		return
	}
	op.err = copyError(cError)
}

//export gioexportGoProgress
func gioexportGoProgress(handle C.uintptr_t, progress *C.gioexport_progress) C.int {
	return lookup(handle).report(copyProgress(progress))
}

//export gioexportGoRelease
func gioexportGoRelease(handle C.uintptr_t) {
	h := cgo.Handle(handle)
	op := h.Value().(*operation)
	h.Delete()
	close(op.done)
}

//export gioexportGoTokenComplete
func gioexportGoTokenComplete(handle C.uintptr_t, status C.int, token *C.char, cError *C.gioexport_error) {
	lookup(handle).complete(status, cError, func() any {
		defer C.gioexport_string_free(token)
		return C.GoString(token)
	})
}

//export gioexportGoLinksComplete
func gioexportGoLinksComplete(handle C.uintptr_t, status C.int, links *C.gioexport_links, cError *C.gioexport_error) {
	lookup(handle).complete(status, cError, func() any {
		defer C.gioexport_links_free(links)
		return copyLinks(links)
	})
}

//export gioexportGoDownloadComplete
func gioexportGoDownloadComplete(handle C.uintptr_t, status C.int, result *C.gioexport_download_result, cError *C.gioexport_error) {
	lookup(handle).complete(status, cError, func() any {
		defer C.gioexport_download_result_free(result)
		return copyDownloadResult(result)
	})
}

//export gioexportGoExportComplete
func gioexportGoExportComplete(handle C.uintptr_t, status C.int, result *C.gioexport_export_result, cError *C.gioexport_error) {
	lookup(handle).complete(status, cError, func() any {
		defer C.gioexport_export_result_free(result)
		return copyExportResult(result)
	})
}
