//! Conversions between Rust values and the C strings of the library.

use std::any::Any;
use std::ffi::{c_char, c_int, CStr, CString, OsStr};
use std::mem::{size_of, MaybeUninit};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sys;

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

/// An option struct of the library.
///
/// # Safety
/// The struct must start with `size_t struct_size` and hold only integers,
/// floats and raw pointers, so that any bytes form a valid value.
pub(crate) unsafe trait OptionStruct: Copy {}

unsafe impl OptionStruct for sys::gioexport_runtime_options {}
unsafe impl OptionStruct for sys::gioexport_client_options {}
unsafe impl OptionStruct for sys::gioexport_download_options {}
unsafe impl OptionStruct for sys::gioexport_export_request {}

/// Returns an option struct filled with the library's defaults by its
/// `_init` function.
///
/// The function gets the size of `T` and writes at most that many bytes. A
/// newer library, whose struct is larger, writes only the part that `T`
/// declares and sets `struct_size` to it, so it uses its defaults beyond.
/// An older library writes its smaller struct and its own size, and the
/// bytes beyond stay zero and unread.
pub(crate) fn defaults<T: OptionStruct>(init: unsafe extern "C" fn(*mut T, usize)) -> T {
    let mut value = MaybeUninit::<T>::zeroed();
    // SAFETY: `init` writes at most size_of::<T>() bytes into the value.
    unsafe { init(value.as_mut_ptr(), size_of::<T>()) };
    // SAFETY: any bytes form a valid T (see OptionStruct).
    unsafe { value.assume_init() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::c_char;

    /// The first fields of gioexport_client_options, as a binding written
    /// for an older, smaller struct would declare them.
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct OlderClientOptions {
        struct_size: usize,
        base_url: *const c_char,
    }

    unsafe impl OptionStruct for OlderClientOptions {}

    #[test]
    fn defaults_fit_older_declarations() {
        // SAFETY: both function types take a pointer and a size and return
        // nothing, and the library writes only the size it is passed.
        let init: unsafe extern "C" fn(*mut OlderClientOptions, usize) = unsafe {
            std::mem::transmute::<unsafe extern "C" fn(*mut sys::gioexport_client_options, usize), _>(
                sys::gioexport_client_options_init,
            )
        };
        let older = defaults(init);
        assert_eq!(older.struct_size, size_of::<OlderClientOptions>());
        assert!(older.base_url.is_null());
    }

    #[test]
    fn defaults_set_library_size() {
        let options = defaults(sys::gioexport_client_options_init);
        assert_eq!(options.struct_size, size_of::<sys::gioexport_client_options>());
    }
}
