//! Raw declarations of `gioexport.h`, written by hand.
//!
//! Handles are opaque structs that only the library creates and frees. C
//! enums cross as `c_int` with named constants, so a value that a newer
//! library adds is an ordinary integer here, never an invalid Rust enum.
//! Every function is `unsafe` to call: the header states the ownership and
//! lifetime rules that the caller must keep.
#![allow(non_camel_case_types, missing_docs)]

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::marker::{PhantomData, PhantomPinned};

/// The header version these declarations were written from, encoded as
/// `MAJOR * 1000000 + MINOR * 1000 + PATCH`.
pub const GIOEXPORT_C_VERSION_MAJOR: u32 = 0;
pub const GIOEXPORT_C_VERSION_MINOR: u32 = 1;
pub const GIOEXPORT_C_VERSION_PATCH: u32 = 0;
pub const GIOEXPORT_C_VERSION_NUMBER: u32 =
    GIOEXPORT_C_VERSION_MAJOR * 1_000_000 + GIOEXPORT_C_VERSION_MINOR * 1_000 + GIOEXPORT_C_VERSION_PATCH;

/// `enum gioexport_status`.
pub type gioexport_status = c_int;
pub const GIOEXPORT_OK: gioexport_status = 0;
pub const GIOEXPORT_E_INVALID_ARGUMENT: gioexport_status = 1;
pub const GIOEXPORT_E_INVALID_URL: gioexport_status = 2;
pub const GIOEXPORT_E_AUTH_FAILED: gioexport_status = 10;
pub const GIOEXPORT_E_API_ERROR: gioexport_status = 11;
pub const GIOEXPORT_E_INVALID_RESPONSE: gioexport_status = 12;
pub const GIOEXPORT_E_RESPONSE_TOO_LARGE: gioexport_status = 13;
pub const GIOEXPORT_E_EXPORT_NOT_EXISTS: gioexport_status = 20;
pub const GIOEXPORT_E_EXPORT_FAILED: gioexport_status = 21;
pub const GIOEXPORT_E_EXPORT_NOT_READY: gioexport_status = 22;
pub const GIOEXPORT_E_EXPORT_PAST_RETENTION: gioexport_status = 23;
pub const GIOEXPORT_E_EXPORT_NOT_ENABLED: gioexport_status = 24;
pub const GIOEXPORT_E_RATE_LIMITED: gioexport_status = 25;
pub const GIOEXPORT_E_UNKNOWN_STATUS: gioexport_status = 26;
pub const GIOEXPORT_E_CONNECT_FAILED: gioexport_status = 30;
pub const GIOEXPORT_E_TLS_FAILED: gioexport_status = 31;
pub const GIOEXPORT_E_TIMEOUT: gioexport_status = 32;
pub const GIOEXPORT_E_TRUNCATED: gioexport_status = 33;
pub const GIOEXPORT_E_HTTP_ERROR: gioexport_status = 34;
pub const GIOEXPORT_E_LINK_EXPIRED: gioexport_status = 35;
pub const GIOEXPORT_E_ACCESS_DENIED: gioexport_status = 36;
pub const GIOEXPORT_E_TOO_MANY_REDIRECTS: gioexport_status = 37;
pub const GIOEXPORT_E_SERVER_BUSY: gioexport_status = 38;
pub const GIOEXPORT_E_PROXY_AUTH_REQUIRED: gioexport_status = 39;
pub const GIOEXPORT_E_CHECKSUM_MISMATCH: gioexport_status = 40;
pub const GIOEXPORT_E_MD5_MISSING: gioexport_status = 41;
pub const GIOEXPORT_E_DISK_FULL: gioexport_status = 50;
pub const GIOEXPORT_E_IO_ERROR: gioexport_status = 51;
pub const GIOEXPORT_E_CANCELLED: gioexport_status = 60;
pub const GIOEXPORT_E_INTERNAL: gioexport_status = 99;
pub const GIOEXPORT_E_WOULD_DEADLOCK: gioexport_status = 100;

/// `enum gioexport_export_status`.
pub type gioexport_export_status = c_int;
pub const GIOEXPORT_EXPORT_FINISHED: gioexport_export_status = 0;
pub const GIOEXPORT_EXPORT_RUNNING: gioexport_export_status = 1;
pub const GIOEXPORT_EXPORT_NOT_EXISTS: gioexport_export_status = 2;
pub const GIOEXPORT_EXPORT_ERROR: gioexport_export_status = 3;
pub const GIOEXPORT_EXPORT_UNKNOWN: gioexport_export_status = 4;

pub const GIOEXPORT_DEFAULT_EXPIRY_MINUTES: c_int = 5;

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(
    gioexport_error,
    gioexport_runtime,
    gioexport_client,
    gioexport_operation,
    gioexport_links,
    gioexport_download_result,
    gioexport_export_result,
);

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gioexport_runtime_options {
    pub struct_size: usize,
    pub thread_count: c_uint,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gioexport_client_options {
    pub struct_size: usize,
    pub base_url: *const c_char,
    pub client_id: *const c_char,
    pub secret: *const c_char,
    pub project: *const c_char,
    pub ai: *const c_char,
    pub token: *const c_char,
    pub tls_verify_peer: c_int,
    pub tls_ca_file: *const c_char,
    pub connect_timeout_ms: u32,
    pub tls_handshake_timeout_ms: u32,
    pub first_byte_timeout_ms: u32,
    pub idle_timeout_ms: u32,
    pub request_timeout_ms: u32,
    pub retry_max_attempts: u32,
    pub retry_base_delay_ms: u32,
    pub retry_max_delay_ms: u32,
    pub retry_deadline_ms: u32,
    pub max_retry_after_seconds: u32,
    pub api_calls_per_second: f64,
    pub proxy_url: *const c_char,
    pub proxy_from_environment: c_int,
    pub no_proxy: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gioexport_progress {
    pub struct_size: usize,
    pub path: *const c_char,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub files_total: usize,
    pub files_done: usize,
    pub files_failed: usize,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gioexport_download_options {
    pub struct_size: usize,
    pub require_md5: c_int,
    pub buffer_size: usize,
    pub no_fsync: c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gioexport_export_request {
    pub struct_size: usize,
    pub export_type: *const c_char,
    pub export_date: *const c_char,
    pub expiry_minutes: c_int,
    pub data_types: *const *const c_char,
    pub data_type_count: usize,
    pub out_dir: *const c_char,
    pub concurrency: usize,
    pub wait_seconds: u32,
    pub poll_interval_seconds: u32,
    pub require_md5: c_int,
    pub buffer_size: usize,
    pub no_fsync: c_int,
}

pub type gioexport_release_fn = Option<unsafe extern "C" fn(user_data: *mut c_void)>;
pub type gioexport_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const gioexport_progress) -> c_int>;
pub type gioexport_token_complete_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: gioexport_status,
        token: *mut c_char,
        error: *const gioexport_error,
    ),
>;
pub type gioexport_links_complete_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: gioexport_status,
        links: *mut gioexport_links,
        error: *const gioexport_error,
    ),
>;
pub type gioexport_download_complete_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: gioexport_status,
        result: *mut gioexport_download_result,
        error: *const gioexport_error,
    ),
>;
pub type gioexport_export_complete_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        status: gioexport_status,
        result: *mut gioexport_export_result,
        error: *const gioexport_error,
    ),
>;

extern "C" {
    pub fn gioexport_version() -> *const c_char;
    pub fn gioexport_version_number() -> u32;

    pub fn gioexport_status_name(status: c_int) -> *const c_char;
    pub fn gioexport_error_code(error: *const gioexport_error) -> gioexport_status;
    pub fn gioexport_error_message(error: *const gioexport_error) -> *const c_char;
    pub fn gioexport_error_http_status(error: *const gioexport_error) -> c_int;
    pub fn gioexport_error_server_message(error: *const gioexport_error) -> *const c_char;
    pub fn gioexport_error_is_retryable(error: *const gioexport_error) -> c_int;
    pub fn gioexport_error_free(error: *mut gioexport_error);
    pub fn gioexport_string_free(text: *mut c_char);

    pub fn gioexport_runtime_options_init(options: *mut gioexport_runtime_options, struct_size: usize);
    pub fn gioexport_runtime_new(
        options: *const gioexport_runtime_options,
        out_runtime: *mut *mut gioexport_runtime,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_runtime_free(runtime: *mut gioexport_runtime);

    pub fn gioexport_client_options_init(options: *mut gioexport_client_options, struct_size: usize);
    pub fn gioexport_client_new(
        runtime: *mut gioexport_runtime,
        options: *const gioexport_client_options,
        out_client: *mut *mut gioexport_client,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_free(client: *mut gioexport_client);

    pub fn gioexport_operation_cancel(operation: *mut gioexport_operation);
    pub fn gioexport_operation_wait(
        operation: *mut gioexport_operation,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_operation_is_done(operation: *const gioexport_operation) -> c_int;
    pub fn gioexport_operation_free(operation: *mut gioexport_operation);

    pub fn gioexport_client_fetch_token(
        client: *mut gioexport_client,
        out_token: *mut *mut c_char,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_fetch_token_async(
        client: *mut gioexport_client,
        on_complete: gioexport_token_complete_fn,
        on_release: gioexport_release_fn,
        user_data: *mut c_void,
        out_error: *mut *mut gioexport_error,
    ) -> *mut gioexport_operation;

    pub fn gioexport_client_fetch_links(
        client: *mut gioexport_client,
        export_type: *const c_char,
        export_date: *const c_char,
        expiry_minutes: c_int,
        out_links: *mut *mut gioexport_links,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_fetch_type_links(
        client: *mut gioexport_client,
        export_type: *const c_char,
        data_type: *const c_char,
        export_date: *const c_char,
        expiry_minutes: c_int,
        out_links: *mut *mut gioexport_links,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_fetch_links_async(
        client: *mut gioexport_client,
        export_type: *const c_char,
        export_date: *const c_char,
        expiry_minutes: c_int,
        on_complete: gioexport_links_complete_fn,
        on_release: gioexport_release_fn,
        user_data: *mut c_void,
        out_error: *mut *mut gioexport_error,
    ) -> *mut gioexport_operation;
    pub fn gioexport_client_fetch_type_links_async(
        client: *mut gioexport_client,
        export_type: *const c_char,
        data_type: *const c_char,
        export_date: *const c_char,
        expiry_minutes: c_int,
        on_complete: gioexport_links_complete_fn,
        on_release: gioexport_release_fn,
        user_data: *mut c_void,
        out_error: *mut *mut gioexport_error,
    ) -> *mut gioexport_operation;

    pub fn gioexport_links_status(links: *const gioexport_links) -> gioexport_export_status;
    pub fn gioexport_links_status_text(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_export_type(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_data_type(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_export_date(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_export_version(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_request_time(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_error_message(links: *const gioexport_links) -> *const c_char;
    pub fn gioexport_links_total_count(links: *const gioexport_links) -> usize;
    pub fn gioexport_links_type_count(links: *const gioexport_links) -> usize;
    pub fn gioexport_links_type_name(links: *const gioexport_links, type_index: usize) -> *const c_char;
    pub fn gioexport_links_url_count(links: *const gioexport_links, type_index: usize) -> usize;
    pub fn gioexport_links_url(links: *const gioexport_links, type_index: usize, url_index: usize) -> *const c_char;
    pub fn gioexport_links_free(links: *mut gioexport_links);

    pub fn gioexport_download_options_init(options: *mut gioexport_download_options, struct_size: usize);
    pub fn gioexport_client_download_link(
        client: *mut gioexport_client,
        url: *const c_char,
        path: *const c_char,
        options: *const gioexport_download_options,
        on_progress: gioexport_progress_fn,
        user_data: *mut c_void,
        out_result: *mut *mut gioexport_download_result,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_download_link_async(
        client: *mut gioexport_client,
        url: *const c_char,
        path: *const c_char,
        options: *const gioexport_download_options,
        on_progress: gioexport_progress_fn,
        on_complete: gioexport_download_complete_fn,
        on_release: gioexport_release_fn,
        user_data: *mut c_void,
        out_error: *mut *mut gioexport_error,
    ) -> *mut gioexport_operation;
    pub fn gioexport_download_result_path(result: *const gioexport_download_result) -> *const c_char;
    pub fn gioexport_download_result_bytes(result: *const gioexport_download_result) -> u64;
    pub fn gioexport_download_result_md5(result: *const gioexport_download_result) -> *const c_char;
    pub fn gioexport_download_result_verified(result: *const gioexport_download_result) -> c_int;
    pub fn gioexport_download_result_free(result: *mut gioexport_download_result);

    pub fn gioexport_export_request_init(request: *mut gioexport_export_request, struct_size: usize);
    pub fn gioexport_client_download_export(
        client: *mut gioexport_client,
        request: *const gioexport_export_request,
        on_progress: gioexport_progress_fn,
        user_data: *mut c_void,
        out_result: *mut *mut gioexport_export_result,
        out_error: *mut *mut gioexport_error,
    ) -> gioexport_status;
    pub fn gioexport_client_download_export_async(
        client: *mut gioexport_client,
        request: *const gioexport_export_request,
        on_progress: gioexport_progress_fn,
        on_complete: gioexport_export_complete_fn,
        on_release: gioexport_release_fn,
        user_data: *mut c_void,
        out_error: *mut *mut gioexport_error,
    ) -> *mut gioexport_operation;
    pub fn gioexport_export_result_export_dir(result: *const gioexport_export_result) -> *const c_char;
    pub fn gioexport_export_result_manifest_path(result: *const gioexport_export_result) -> *const c_char;
    pub fn gioexport_export_result_listing(result: *const gioexport_export_result) -> *const gioexport_links;
    pub fn gioexport_export_result_file_count(result: *const gioexport_export_result) -> usize;
    pub fn gioexport_export_result_failed_count(result: *const gioexport_export_result) -> usize;
    pub fn gioexport_export_result_file_data_type(
        result: *const gioexport_export_result,
        index: usize,
    ) -> *const c_char;
    pub fn gioexport_export_result_file_position(result: *const gioexport_export_result, index: usize) -> usize;
    pub fn gioexport_export_result_file_path(result: *const gioexport_export_result, index: usize) -> *const c_char;
    pub fn gioexport_export_result_file_status(
        result: *const gioexport_export_result,
        index: usize,
    ) -> gioexport_status;
    pub fn gioexport_export_result_file_error_message(
        result: *const gioexport_export_result,
        index: usize,
    ) -> *const c_char;
    pub fn gioexport_export_result_file_bytes(result: *const gioexport_export_result, index: usize) -> u64;
    pub fn gioexport_export_result_file_md5(result: *const gioexport_export_result, index: usize) -> *const c_char;
    pub fn gioexport_export_result_file_verified(result: *const gioexport_export_result, index: usize) -> c_int;
    pub fn gioexport_export_result_free(result: *mut gioexport_export_result);
}

#[cfg(test)]
mod tests {
    //! Layout checks: each _init function writes the size of the struct in
    //! the library, and the defaults it writes show whether the fields sit
    //! at the offsets the library uses.
    use super::*;
    use std::mem::{size_of, size_of_val};

    /// Calls `init` on a zeroed buffer larger than any option struct, with
    /// the buffer's size, and returns the struct_size it wrote: the size of
    /// the struct in the library.
    fn size_written_by<T>(init: unsafe extern "C" fn(*mut T, usize)) -> usize {
        let mut buffer = [0u64; 64];
        unsafe { init(buffer.as_mut_ptr().cast(), size_of_val(&buffer)) };
        buffer[0] as usize
    }

    fn initialized<T: crate::util::OptionStruct>(init: unsafe extern "C" fn(*mut T, usize)) -> T {
        crate::util::defaults(init)
    }

    #[test]
    fn option_struct_sizes_match_library() {
        assert_eq!(
            size_written_by(gioexport_runtime_options_init),
            size_of::<gioexport_runtime_options>()
        );
        assert_eq!(
            size_written_by(gioexport_client_options_init),
            size_of::<gioexport_client_options>()
        );
        assert_eq!(
            size_written_by(gioexport_download_options_init),
            size_of::<gioexport_download_options>()
        );
        assert_eq!(
            size_written_by(gioexport_export_request_init),
            size_of::<gioexport_export_request>()
        );
    }

    #[test]
    fn client_option_defaults_at_declared_offsets() {
        let options = initialized(gioexport_client_options_init);
        assert!(options.base_url.is_null());
        assert_eq!(options.tls_verify_peer, 1);
        assert!(options.tls_ca_file.is_null());
        assert_eq!(options.connect_timeout_ms, 30_000);
        assert_eq!(options.tls_handshake_timeout_ms, 30_000);
        assert_eq!(options.first_byte_timeout_ms, 60_000);
        assert_eq!(options.idle_timeout_ms, 60_000);
        assert_eq!(options.request_timeout_ms, 0);
        assert_eq!(options.retry_max_attempts, 5);
        assert_eq!(options.retry_base_delay_ms, 200);
        assert_eq!(options.retry_max_delay_ms, 30_000);
        assert_eq!(options.retry_deadline_ms, 0);
        assert_eq!(options.max_retry_after_seconds, 120);
        assert_eq!(options.api_calls_per_second, 2.0);
        assert!(options.proxy_url.is_null());
        assert_eq!(options.proxy_from_environment, 1);
        assert!(options.no_proxy.is_null());
    }

    #[test]
    fn request_defaults_at_declared_offsets() {
        let request = initialized(gioexport_export_request_init);
        assert_eq!(request.expiry_minutes, GIOEXPORT_DEFAULT_EXPIRY_MINUTES);
        assert_eq!(request.data_type_count, 0);
        assert_eq!(request.concurrency, 8);
        assert_eq!(request.wait_seconds, 0);
        assert_eq!(request.poll_interval_seconds, 30);
        assert_eq!(request.require_md5, 0);
        assert_eq!(request.buffer_size, 262_144);
        assert_eq!(request.no_fsync, 0);

        let download = initialized(gioexport_download_options_init);
        assert_eq!(download.require_md5, 0);
        assert_eq!(download.buffer_size, 262_144);
        assert_eq!(download.no_fsync, 0);
    }

    #[test]
    fn library_not_older_than_declarations() {
        assert!(unsafe { gioexport_version_number() } >= GIOEXPORT_C_VERSION_NUMBER);
    }
}
