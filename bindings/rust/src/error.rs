//! Result codes and the error type.

use std::ffi::{c_int, CStr};
use std::fmt;

use crate::sys;
use crate::util::copy_string;

/// A result code of the library, the C type `gioexport_status`.
///
/// Codes cross the C interface as integers. A newer library may return a
/// code that has no constant here. It is kept as it is, and [`Code::name`]
/// returns `"unknown"` for it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code(i32);

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:path;)*) => {
        impl Code {
            $($(#[$doc])* pub const $name: Code = Code($value);)*
        }
    };
}

codes! {
    /// Success.
    OK = sys::GIOEXPORT_OK;
    /// Caller input was rejected before any request was sent.
    INVALID_ARGUMENT = sys::GIOEXPORT_E_INVALID_ARGUMENT;
    /// The base URL or a link is not a valid URL.
    INVALID_URL = sys::GIOEXPORT_E_INVALID_URL;
    /// The token request rejected the credentials.
    AUTH_FAILED = sys::GIOEXPORT_E_AUTH_FAILED;
    /// The export API returned a non-2xx response.
    API_ERROR = sys::GIOEXPORT_E_API_ERROR;
    /// A body of the export API is not the documented JSON.
    INVALID_RESPONSE = sys::GIOEXPORT_E_INVALID_RESPONSE;
    /// A body of the export API exceeds the size limit.
    RESPONSE_TOO_LARGE = sys::GIOEXPORT_E_RESPONSE_TOO_LARGE;
    /// The listing has status `NOT_EXISTS`.
    EXPORT_NOT_EXISTS = sys::GIOEXPORT_E_EXPORT_NOT_EXISTS;
    /// The listing has status `ERROR`.
    EXPORT_FAILED = sys::GIOEXPORT_E_EXPORT_FAILED;
    /// The export was still `RUNNING` when the wait ended.
    EXPORT_NOT_READY = sys::GIOEXPORT_E_EXPORT_NOT_READY;
    /// The period is older than the retention of the export API.
    EXPORT_PAST_RETENTION = sys::GIOEXPORT_E_EXPORT_PAST_RETENTION;
    /// Exports are not enabled for the project.
    EXPORT_NOT_ENABLED = sys::GIOEXPORT_E_EXPORT_NOT_ENABLED;
    /// The server asked for a longer wait (`Retry-After`) than the client
    /// allows.
    RATE_LIMITED = sys::GIOEXPORT_E_RATE_LIMITED;
    /// The listing has a status value that the library does not know.
    UNKNOWN_STATUS = sys::GIOEXPORT_E_UNKNOWN_STATUS;
    /// The TCP connection could not be made.
    CONNECT_FAILED = sys::GIOEXPORT_E_CONNECT_FAILED;
    /// The TLS handshake or certificate check failed.
    TLS_FAILED = sys::GIOEXPORT_E_TLS_FAILED;
    /// A deadline passed.
    TIMEOUT = sys::GIOEXPORT_E_TIMEOUT;
    /// A body ended before its `Content-Length`.
    TRUNCATED = sys::GIOEXPORT_E_TRUNCATED;
    /// A download got an unexpected HTTP status.
    HTTP_ERROR = sys::GIOEXPORT_E_HTTP_ERROR;
    /// The object storage reports that a download link has expired.
    LINK_EXPIRED = sys::GIOEXPORT_E_LINK_EXPIRED;
    /// The object storage rejected a link for another reason.
    ACCESS_DENIED = sys::GIOEXPORT_E_ACCESS_DENIED;
    /// A request was redirected too often.
    TOO_MANY_REDIRECTS = sys::GIOEXPORT_E_TOO_MANY_REDIRECTS;
    /// The server returned 5xx or 429 until the attempts ran out.
    SERVER_BUSY = sys::GIOEXPORT_E_SERVER_BUSY;
    /// A proxy asked for credentials.
    PROXY_AUTH_REQUIRED = sys::GIOEXPORT_E_PROXY_AUTH_REQUIRED;
    /// The MD5 of a file differs from the server's.
    CHECKSUM_MISMATCH = sys::GIOEXPORT_E_CHECKSUM_MISMATCH;
    /// The server sent no MD5 header and the download requires one.
    MD5_MISSING = sys::GIOEXPORT_E_MD5_MISSING;
    /// The disk is full.
    DISK_FULL = sys::GIOEXPORT_E_DISK_FULL;
    /// A local file operation failed.
    IO_ERROR = sys::GIOEXPORT_E_IO_ERROR;
    /// The operation was cancelled.
    CANCELLED = sys::GIOEXPORT_E_CANCELLED;
    /// An internal error of the library.
    INTERNAL = sys::GIOEXPORT_E_INTERNAL;
    /// A blocking function was called on an I/O thread of the library, for
    /// example from a progress closure.
    WOULD_DEADLOCK = sys::GIOEXPORT_E_WOULD_DEADLOCK;
}

impl Code {
    /// Wraps a raw `gioexport_status` value, known or not.
    pub const fn from_raw(value: i32) -> Code {
        Code(value)
    }

    /// Returns the raw `gioexport_status` value.
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// Returns the library's stable lower-case name, such as
    /// `"checksum_mismatch"`, or `"unknown"` for a value it does not know.
    pub fn name(self) -> &'static str {
        // SAFETY: the function accepts any int and returns static text.
        let name = unsafe { CStr::from_ptr(sys::gioexport_status_name(self.0 as c_int)) };
        name.to_str().unwrap_or("unknown")
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({} {})", self.0, self.name())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A failure that the library reported, copied out of its error object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LibraryError {
    /// The result code.
    pub code: Code,
    /// A complete English sentence that names the value involved. It never
    /// contains the secret, a token or a signed URL.
    pub message: String,
    /// The HTTP status of the response that caused the error, or 0.
    pub http_status: u16,
    /// The server's own `errorMsg`, empty when there was none. It is text
    /// from the network.
    pub server_message: String,
    /// Whether repeating the same operation later can succeed.
    pub retryable: bool,
}

impl LibraryError {
    /// Copies a library error. It borrows `error` and frees nothing.
    ///
    /// # Safety
    /// `error` must be NULL or a live error object.
    pub(crate) unsafe fn copy_from(error: *const sys::gioexport_error) -> LibraryError {
        LibraryError {
            code: Code(sys::gioexport_error_code(error)),
            message: copy_string(sys::gioexport_error_message(error)),
            http_status: u16::try_from(sys::gioexport_error_http_status(error)).unwrap_or(0),
            server_message: copy_string(sys::gioexport_error_server_message(error)),
            retryable: sys::gioexport_error_is_retryable(error) != 0,
        }
    }

    /// Copies an error that the caller owns, then frees it once with the
    /// library's own `gioexport_error_free`.
    ///
    /// # Safety
    /// `error` must be NULL or a live error object owned by the caller. It
    /// is invalid afterwards.
    pub(crate) unsafe fn take(error: *mut sys::gioexport_error) -> LibraryError {
        let copied = LibraryError::copy_from(error);
        sys::gioexport_error_free(error);
        copied
    }
}

impl fmt::Display for LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "gioexport: {}", self.code)
        } else {
            write!(f, "gioexport: {}", self.message)
        }
    }
}

impl std::error::Error for LibraryError {}

/// The error type of this crate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A failure that the library reported.
    Library(LibraryError),
    /// A progress closure panicked. The panic was caught on the library's
    /// I/O thread, the operation was cancelled, and the closure was not
    /// called again. Carries the panic message.
    CallbackPanicked(String),
    /// An argument was rejected in Rust before any call into the library:
    /// a string with a NUL byte, which cannot cross to C, or a number out
    /// of the range of its C field. Carries a message that names the value.
    InvalidArgument(String),
    /// The loaded library is older than the header this crate was written
    /// for. Both versions are encoded as `MAJOR * 1000000 + MINOR * 1000 +
    /// PATCH`.
    LibraryTooOld {
        /// The version of the loaded library.
        loaded: u32,
        /// The oldest version this crate accepts.
        required: u32,
    },
    /// The library returned a value of a C enum that this crate does not
    /// know.
    UnknownValue {
        /// The C type of the value.
        type_name: &'static str,
        /// The value.
        value: i32,
    },
}

impl Error {
    /// Returns the library's code: the code of a [`Error::Library`],
    /// [`Code::CANCELLED`] for [`Error::CallbackPanicked`] (the library
    /// ended the operation as cancelled), [`Code::INVALID_ARGUMENT`] for
    /// [`Error::InvalidArgument`], and `None` otherwise.
    pub fn code(&self) -> Option<Code> {
        match self {
            Error::Library(error) => Some(error.code),
            Error::CallbackPanicked(_) => Some(Code::CANCELLED),
            Error::InvalidArgument(_) => Some(Code::INVALID_ARGUMENT),
            Error::LibraryTooOld { .. } | Error::UnknownValue { .. } => None,
        }
    }

    /// Returns whether repeating the same operation later can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Library(error) if error.retryable)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Library(error) => error.fmt(f),
            Error::CallbackPanicked(message) => {
                write!(
                    f,
                    "gioexport: a progress closure panicked, so the operation was cancelled: {message}"
                )
            }
            Error::InvalidArgument(message) => write!(f, "gioexport: {message}"),
            Error::LibraryTooOld { loaded, required } => write!(
                f,
                "gioexport: the loaded libgioexport ({loaded}) is older than the header of this crate \
                 ({required}); install a newer library"
            ),
            Error::UnknownValue { type_name, value } => {
                write!(
                    f,
                    "gioexport: the library returned {value}, an unknown value of {type_name}"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Library(error) => Some(error),
            _ => None,
        }
    }
}

impl From<LibraryError> for Error {
    fn from(error: LibraryError) -> Error {
        Error::Library(error)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
