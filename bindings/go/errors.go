package gioexport

/*
#include <gioexport.h>
*/
import "C"

import (
	"errors"
	"strconv"
)

// Code is a result code of the library, the C type gioexport_status. The
// values never change. A newer library may return a code that this package
// has no constant for, and its String method then returns "unknown".
type Code int

// The codes of the library, with the values of gioexport.h.
const (
	CodeOK                  Code = C.GIOEXPORT_OK
	CodeInvalidArgument     Code = C.GIOEXPORT_E_INVALID_ARGUMENT
	CodeInvalidURL          Code = C.GIOEXPORT_E_INVALID_URL
	CodeAuthFailed          Code = C.GIOEXPORT_E_AUTH_FAILED
	CodeAPIError            Code = C.GIOEXPORT_E_API_ERROR
	CodeInvalidResponse     Code = C.GIOEXPORT_E_INVALID_RESPONSE
	CodeResponseTooLarge    Code = C.GIOEXPORT_E_RESPONSE_TOO_LARGE
	CodeExportNotExists     Code = C.GIOEXPORT_E_EXPORT_NOT_EXISTS
	CodeExportFailed        Code = C.GIOEXPORT_E_EXPORT_FAILED
	CodeExportNotReady      Code = C.GIOEXPORT_E_EXPORT_NOT_READY
	CodeExportPastRetention Code = C.GIOEXPORT_E_EXPORT_PAST_RETENTION
	CodeExportNotEnabled    Code = C.GIOEXPORT_E_EXPORT_NOT_ENABLED
	CodeRateLimited         Code = C.GIOEXPORT_E_RATE_LIMITED
	CodeUnknownStatus       Code = C.GIOEXPORT_E_UNKNOWN_STATUS
	CodeConnectFailed       Code = C.GIOEXPORT_E_CONNECT_FAILED
	CodeTLSFailed           Code = C.GIOEXPORT_E_TLS_FAILED
	CodeTimeout             Code = C.GIOEXPORT_E_TIMEOUT
	CodeTruncated           Code = C.GIOEXPORT_E_TRUNCATED
	CodeHTTPError           Code = C.GIOEXPORT_E_HTTP_ERROR
	CodeLinkExpired         Code = C.GIOEXPORT_E_LINK_EXPIRED
	CodeAccessDenied        Code = C.GIOEXPORT_E_ACCESS_DENIED
	CodeTooManyRedirects    Code = C.GIOEXPORT_E_TOO_MANY_REDIRECTS
	CodeServerBusy          Code = C.GIOEXPORT_E_SERVER_BUSY
	CodeProxyAuthRequired   Code = C.GIOEXPORT_E_PROXY_AUTH_REQUIRED
	CodeChecksumMismatch    Code = C.GIOEXPORT_E_CHECKSUM_MISMATCH
	CodeMD5Missing          Code = C.GIOEXPORT_E_MD5_MISSING
	CodeDiskFull            Code = C.GIOEXPORT_E_DISK_FULL
	CodeIOError             Code = C.GIOEXPORT_E_IO_ERROR
	CodeCancelled           Code = C.GIOEXPORT_E_CANCELLED
	CodeInternal            Code = C.GIOEXPORT_E_INTERNAL
	CodeWouldDeadlock       Code = C.GIOEXPORT_E_WOULD_DEADLOCK
)

// String returns the library's stable lower-case name of the code, such as
// "checksum_mismatch", or "unknown".
func (c Code) String() string {
	return C.GoString(C.gioexport_status_name(C.int(c)))
}

// Error makes each Code usable as a sentinel error: an *Error unwraps to its
// Code, so errors.Is(err, ErrTimeout) tests the code of any wrapped *Error.
func (c Code) Error() string {
	return "gioexport: " + c.String() + " (code " + strconv.Itoa(int(c)) + ")"
}

// Sentinels for errors.Is, one per code of the library.
var (
	ErrInvalidArgument     error = CodeInvalidArgument
	ErrInvalidURL          error = CodeInvalidURL
	ErrAuthFailed          error = CodeAuthFailed
	ErrAPIError            error = CodeAPIError
	ErrInvalidResponse     error = CodeInvalidResponse
	ErrResponseTooLarge    error = CodeResponseTooLarge
	ErrExportNotExists     error = CodeExportNotExists
	ErrExportFailed        error = CodeExportFailed
	ErrExportNotReady      error = CodeExportNotReady
	ErrExportPastRetention error = CodeExportPastRetention
	ErrExportNotEnabled    error = CodeExportNotEnabled
	ErrRateLimited         error = CodeRateLimited
	ErrUnknownStatus       error = CodeUnknownStatus
	ErrConnectFailed       error = CodeConnectFailed
	ErrTLSFailed           error = CodeTLSFailed
	ErrTimeout             error = CodeTimeout
	ErrTruncated           error = CodeTruncated
	ErrHTTPError           error = CodeHTTPError
	ErrLinkExpired         error = CodeLinkExpired
	ErrAccessDenied        error = CodeAccessDenied
	ErrTooManyRedirects    error = CodeTooManyRedirects
	ErrServerBusy          error = CodeServerBusy
	ErrProxyAuthRequired   error = CodeProxyAuthRequired
	ErrChecksumMismatch    error = CodeChecksumMismatch
	ErrMD5Missing          error = CodeMD5Missing
	ErrDiskFull            error = CodeDiskFull
	ErrIOError             error = CodeIOError
	ErrCancelled           error = CodeCancelled
	ErrInternal            error = CodeInternal
	ErrWouldDeadlock       error = CodeWouldDeadlock
)

// ErrClosed is returned by calls on a closed Client, and is the cause of
// the CodeCancelled error of an operation that Close stopped.
var ErrClosed = errors.New("gioexport: the client is closed")

// Error is a failure reported by the library.
//
// It unwraps to its Code, so errors.Is(err, ErrRateLimited) works, and to
// its cause when it has one: the context's error when the context ended the
// operation, the error a progress function returned, or ErrClosed.
type Error struct {
	Code Code
	// Message is a complete English sentence that names the value
	// involved. It never contains the secret, a token or a signed URL.
	Message string
	// HTTPStatus is the status of the response that caused the error, or 0.
	HTTPStatus int
	// ServerMessage is the server's own errorMsg, "" when there was none.
	// It is text from the network.
	ServerMessage string
	// Retryable reports whether repeating the same operation later can
	// succeed.
	Retryable bool

	cause error
}

func (e *Error) Error() string {
	text := "gioexport: " + e.Message
	if e.Message == "" {
		text = e.Code.Error()
	}
	if e.cause != nil {
		text += ": " + e.cause.Error()
	}
	return text
}

// Unwrap returns the code and, when there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.cause == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.cause}
}

// copyError copies a library error into Go memory. It does not free it.
func copyError(err *C.gioexport_error) *Error {
	return &Error{
		Code:          Code(C.gioexport_error_code(err)),
		Message:       C.GoString(C.gioexport_error_message(err)),
		HTTPStatus:    int(C.gioexport_error_http_status(err)),
		ServerMessage: C.GoString(C.gioexport_error_server_message(err)),
		Retryable:     C.gioexport_error_is_retryable(err) != 0,
	}
}

// takeError copies an error that the caller owns and frees it once, with
// the library's own free function.
func takeError(err *C.gioexport_error) *Error {
	copied := copyError(err)
	C.gioexport_error_free(err)
	return copied
}

func invalidArgument(message string) *Error {
	return &Error{Code: CodeInvalidArgument, Message: message}
}
