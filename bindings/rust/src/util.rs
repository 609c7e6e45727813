//! Conversions between Rust values and the C strings of the library.

use std::any::Any;
use std::ffi::{c_char, c_int, CStr, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

/// Copies a string that the library lends. NULL gives an empty string.
///
/// # Safety
/// `text` must be NULL or point to a NUL-terminated string that stays valid
/// during the call.
pub(crate) unsafe fn copy_string(text: *const c_char) -> String {
    if text.is_null() {
        return String::new();
    }
    CStr::from_ptr(text).to_string_lossy().into_owned()
}

/// Borrows a path that the library lends, as the bytes it holds.
///
/// # Safety
/// As for [`copy_string`], and the result must not outlive the string.
pub(crate) unsafe fn borrow_path<'a>(text: *const c_char) -> Option<&'a Path> {
    if text.is_null() {
        return None;
    }
    Some(Path::new(OsStr::from_bytes(CStr::from_ptr(text).to_bytes())))
}

/// Copies a path that the library lends. NULL gives an empty path.
///
/// # Safety
/// As for [`copy_string`].
pub(crate) unsafe fn copy_path(text: *const c_char) -> PathBuf {
    borrow_path(text).map(Path::to_path_buf).unwrap_or_default()
}

/// Makes a C copy of an argument, rejecting a NUL byte inside it.
pub(crate) fn c_string(name: &str, value: &str) -> Result<CString> {
    CString::new(value).map_err(|_| Error::InvalidArgument(format!("invalid {name}: it contains a NUL byte")))
}

/// Makes a C copy of an optional argument. `None` stays NULL.
pub(crate) fn c_string_opt(name: &str, value: Option<&str>) -> Result<Option<CString>> {
    value.map(|v| c_string(name, v)).transpose()
}

pub(crate) fn c_path(name: &str, value: &Path) -> Result<CString> {
    CString::new(value.as_os_str().as_bytes())
        .map_err(|_| Error::InvalidArgument(format!("invalid {name}: the path contains a NUL byte")))
}

/// Returns the pointer of an optional C string, NULL for `None`.
pub(crate) fn ptr_or_null(value: &Option<CString>) -> *const c_char {
    value.as_ref().map_or(std::ptr::null(), |v| v.as_ptr())
}

/// Converts a duration to a count of `unit`, rounded up so that a nonzero
/// duration never becomes 0, which the library reads as "off".
pub(crate) fn duration_count(name: &str, value: Duration, unit: Duration) -> Result<u32> {
    let count = value.as_nanos().div_ceil(unit.as_nanos());
    u32::try_from(count).map_err(|_| Error::InvalidArgument(format!("invalid {name} {value:?}: it is too long")))
}

/// Returns the message of a panic payload, as the default panic hook shows
/// it.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic payload that is not a string".to_string()
    }
}

/// Converts a link lifetime for C. A value above `c_int::MAX` becomes
/// `c_int::MAX`, which the library rejects as out of range like any value
/// above 10080.
pub(crate) fn expiry(minutes: u32) -> c_int {
    c_int::try_from(minutes).unwrap_or(c_int::MAX)
}
