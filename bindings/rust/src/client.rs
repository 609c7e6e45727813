//! The client and its calls.

use std::ffi::{c_int, c_void};
use std::fmt;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::{Arc, Mutex};

use crate::callback::{blocking_progress, ProgressFn, ProgressSlot};
use crate::config::{raw_config, Config};
use crate::error::{Error, LibraryError, Result};
use crate::operation::{Operation, Owned};
use crate::sys;
use crate::types::{DownloadOptions, DownloadResult, ExportRequest, ExportResult, ExportType, Links, Progress};
use crate::util::{c_path, c_string, c_string_opt, copy_string, defaults, expiry};

/// The library's client and its runtime, freed when the last [`Client`]
/// clone and the last [`Operation`] drop.
struct Handles {
    client: NonNull<sys::gioexport_client>,
    runtime: NonNull<sys::gioexport_runtime>,
}

// SAFETY: the library allows a client to be used by any number of threads
// at once, and gioexport_client_free and gioexport_runtime_free to be
// called from any thread, an I/O thread included.
unsafe impl Send for Handles {}
unsafe impl Sync for Handles {}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: both handles are owned here. Freeing the runtime cancels
        // the operations still running and waits for their callbacks.
        unsafe {
            sys::gioexport_client_free(self.client.as_ptr());
            sys::gioexport_runtime_free(self.runtime.as_ptr());
        }
    }
}

/// A client of the export API and of the object storage behind its links.
///
/// It owns a runtime of I/O threads, on which all network work and every
/// callback run. It is `Send` and `Sync`, because the library allows one
/// client to be used from any number of threads at once, and cloning it is
/// cheap. The library's handles are freed when the last clone and the last
/// [`Operation`] of the client drop. That drop cancels the operations still
/// running and waits for their callbacks.
///
/// Blocking methods must not be called from a progress closure, which runs
/// on an I/O thread: they fail there with [`crate::Code::WOULD_DEADLOCK`].
#[derive(Clone)]
pub struct Client {
    handles: Arc<Handles>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("client", &self.handles.client).finish()
    }
}

/// Turns the status and outputs of a blocking call into a result. The
/// progress closure's panic, if any, wins over the status: the call then
/// returns [`Error::CallbackPanicked`] and frees whatever it received.
fn finish_blocking<H, T>(
    status: c_int,
    error: *mut sys::gioexport_error,
    result: Owned<H>,
    slot: Option<Mutex<ProgressSlot<'_>>>,
    convert: impl FnOnce(*const H) -> Result<T>,
) -> Result<T> {
    let panic = slot.and_then(|slot| {
        slot.into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take_panic()
    });
    if let Some(message) = panic {
        // SAFETY: the error, NULL or not, belongs to this call.
        unsafe { sys::gioexport_error_free(error) };
        return Err(Error::CallbackPanicked(message));
    }
    if status != sys::GIOEXPORT_OK {
        // SAFETY: on failure the call set an error that the caller owns.
        return Err(Error::Library(unsafe { LibraryError::take(error) }));
    }
    convert(result.0)
}

/// Returns the C progress callback and `user_data` for a blocking call's
/// slot, which lives on the caller's stack for the whole call.
fn progress_arguments(slot: &Option<Mutex<ProgressSlot<'_>>>) -> (sys::gioexport_progress_fn, *mut c_void) {
    match slot {
        Some(slot) => (
            Some(blocking_progress),
            slot as *const Mutex<ProgressSlot<'_>> as *mut c_void,
        ),
        None => (None, ptr::null_mut()),
    }
}

impl Client {
    /// Starts a runtime and creates a client on it. No request is sent.
    ///
    /// # Errors
    /// [`Error::LibraryTooOld`] when the loaded library is older than the
    /// header this crate was written for. [`crate::Code::INVALID_ARGUMENT`]
    /// for a missing or invalid key, [`crate::Code::INVALID_URL`] for a bad
    /// base URL and [`crate::Code::TLS_FAILED`] when the CA file cannot be
    /// loaded.
    pub fn new(config: &Config) -> Result<Client> {
        crate::check_version()?;
        let options = raw_config(config)?;

        let mut runtime_options = defaults(sys::gioexport_runtime_options_init);
        if let Some(threads) = config.threads {
            runtime_options.thread_count = threads;
        }

        let mut error = ptr::null_mut();
        let mut runtime = ptr::null_mut();
        // SAFETY: the options are initialized, and the outputs are ours.
        let status = unsafe { sys::gioexport_runtime_new(&runtime_options, &mut runtime, &mut error) };
        if status != sys::GIOEXPORT_OK {
            return Err(Error::Library(unsafe { LibraryError::take(error) }));
        }
        let mut client = ptr::null_mut();
        // SAFETY: the strings of `options` live until the call returns.
        let status = unsafe { sys::gioexport_client_new(runtime, &options.raw, &mut client, &mut error) };
        if status != sys::GIOEXPORT_OK {
            unsafe { sys::gioexport_runtime_free(runtime) };
            return Err(Error::Library(unsafe { LibraryError::take(error) }));
        }
        let handles = Handles {
            client: NonNull::new(client).expect("gioexport_client_new returned OK and NULL"),
            runtime: NonNull::new(runtime).expect("gioexport_runtime_new returned OK and NULL"),
        };
        Ok(Client {
            handles: Arc::new(handles),
        })
    }

    fn raw(&self) -> *mut sys::gioexport_client {
        self.handles.client.as_ptr()
    }

    /// Requests a token with the signed token call, stores it in the
    /// client for later calls and returns a copy. With [`Config::token`]
    /// set it returns that token without a request.
    pub fn fetch_token(&self) -> Result<String> {
        let mut token = ptr::null_mut();
        let mut error = ptr::null_mut();
        // SAFETY: the outputs are ours, and the guard frees the token.
        let status = unsafe { sys::gioexport_client_fetch_token(self.raw(), &mut token, &mut error) };
        let token = Owned(token, sys::gioexport_string_free);
        finish_blocking(status, error, token, None, |token| Ok(unsafe { copy_string(token) }))
    }

    /// Fetches the links of every data type of one export.
    ///
    /// `export_date` is Beijing time (UTC+8) as `yyyyMMdd`, `yyyyMMddHH` or
    /// `yyyyMMddHHmm`, and is truncated to the hour or day of
    /// `export_type`. `expiry_minutes` is the lifetime of the links, 1 to
    /// 10080 ([`crate::DEFAULT_EXPIRY_MINUTES`] when you have no
    /// preference). A listing whose status is not
    /// [`crate::ExportStatus::Finished`] is a success: check
    /// [`Links::status`].
    ///
    /// ```no_run
    /// use gioexport::{Client, Config, ExportType};
    ///
    /// let client = Client::new(&Config::new("demo-client-id", "demo-secret", "demoPrj1", "a1b2c3d4e5f60718"))?;
    /// let links = client.fetch_links(ExportType::Hour, "2026120409", gioexport::DEFAULT_EXPIRY_MINUTES)?;
    /// for data_type in &links.types {
    ///     println!("{}: {} files", data_type.data_type, data_type.urls.len());
    /// }
    /// # Ok::<(), gioexport::Error>(())
    /// ```
    pub fn fetch_links(&self, export_type: ExportType, export_date: &str, expiry_minutes: u32) -> Result<Links> {
        self.fetch_links_blocking(export_type, None, export_date, expiry_minutes)
    }

    /// Fetches the links of one data type, which must match
    /// `[a-z0-9_]{1,64}`. The other parameters are as for
    /// [`Client::fetch_links`].
    pub fn fetch_type_links(
        &self,
        export_type: ExportType,
        data_type: &str,
        export_date: &str,
        expiry_minutes: u32,
    ) -> Result<Links> {
        self.fetch_links_blocking(export_type, Some(data_type), export_date, expiry_minutes)
    }

    fn fetch_links_blocking(
        &self,
        export_type: ExportType,
        data_type: Option<&str>,
        export_date: &str,
        expiry_minutes: u32,
    ) -> Result<Links> {
        let export_type = c_string("export_type", export_type.as_str())?;
        let data_type = c_string_opt("data_type", data_type)?;
        let export_date = c_string("export_date", export_date)?;
        let mut links = ptr::null_mut();
        let mut error = ptr::null_mut();
        // SAFETY: the strings live until the call returns, and the outputs
        // are ours.
        let status = unsafe {
            match &data_type {
                None => sys::gioexport_client_fetch_links(
                    self.raw(),
                    export_type.as_ptr(),
                    export_date.as_ptr(),
                    expiry(expiry_minutes),
                    &mut links,
                    &mut error,
                ),
                Some(data_type) => sys::gioexport_client_fetch_type_links(
                    self.raw(),
                    export_type.as_ptr(),
                    data_type.as_ptr(),
                    export_date.as_ptr(),
                    expiry(expiry_minutes),
                    &mut links,
                    &mut error,
                ),
            }
        };
        let links = Owned(links, sys::gioexport_links_free);
        finish_blocking(status, error, links, None, |links| unsafe { Links::copy_from(links) })
    }

    /// Downloads `url` to `path`. The bytes go to `path` + `.part` first,
    /// and the file takes its final name only once its length and MD5
    /// check out. Missing parent folders are created, and no credentials
    /// are sent.
    pub fn download_link(
        &self,
        url: &str,
        path: impl AsRef<Path>,
        options: &DownloadOptions,
    ) -> Result<DownloadResult> {
        self.download_link_blocking(url, path.as_ref(), options, None)
    }

    /// Downloads `url` to `path` as [`Client::download_link`] does, and
    /// calls `progress` on an I/O thread as bytes arrive, never twice at
    /// once. The closure should return quickly, because it holds up the
    /// I/O thread.
    ///
    /// The closure returns `true` to go on. When it returns `false`, the
    /// download is cancelled, only the `.part` file is left, and the call
    /// fails with [`crate::Code::CANCELLED`]. When it panics, the panic is
    /// caught on the I/O thread, the download is cancelled in the same way,
    /// the closure is not called again, and the call returns
    /// [`Error::CallbackPanicked`] with the panic message. With
    /// `panic = "abort"` in the profile, a panic aborts the process
    /// instead, as every panic does there.
    ///
    /// ```no_run
    /// use gioexport::{Client, Config, DownloadOptions};
    ///
    /// # let client = Client::new(&Config::new("id", "secret", "project", "ai"))?;
    /// # let url = "";
    /// let result = client.download_link_with_progress(url, "/data/visit.csv.gz", &DownloadOptions::default(), |p| {
    ///     eprintln!("{} of {} bytes", p.bytes_done, p.bytes_total);
    ///     true
    /// })?;
    /// assert!(result.verified);
    /// # Ok::<(), gioexport::Error>(())
    /// ```
    pub fn download_link_with_progress<F>(
        &self,
        url: &str,
        path: impl AsRef<Path>,
        options: &DownloadOptions,
        progress: F,
    ) -> Result<DownloadResult>
    where
        F: FnMut(&Progress<'_>) -> bool + Send,
    {
        self.download_link_blocking(url, path.as_ref(), options, Some(Box::new(progress)))
    }

    fn download_link_blocking(
        &self,
        url: &str,
        path: &Path,
        options: &DownloadOptions,
        progress: Option<Box<ProgressFn<'_>>>,
    ) -> Result<DownloadResult> {
        let url = c_string("url", url)?;
        let path = c_path("path", path)?;
        let options = options.to_raw();
        let slot = progress.map(|p| Mutex::new(ProgressSlot::new(Some(p))));
        let (on_progress, user_data) = progress_arguments(&slot);
        let mut result = ptr::null_mut();
        let mut error = ptr::null_mut();
        // SAFETY: the strings, options and slot live until the call
        // returns, and the library makes no progress call after that.
        let status = unsafe {
            sys::gioexport_client_download_link(
                self.raw(),
                url.as_ptr(),
                path.as_ptr(),
                &options,
                on_progress,
                user_data,
                &mut result,
                &mut error,
            )
        };
        let result = Owned(result, sys::gioexport_download_result_free);
        finish_blocking(status, error, result, slot, |result| {
            Ok(unsafe { DownloadResult::copy_from(result) })
        })
    }

    /// Lists the export, waits while it is `RUNNING` (up to
    /// [`ExportRequest::wait`]), downloads every file and writes
    /// `manifest.json` in the export folder.
    ///
    /// A failed file is reported in [`ExportResult::files`] and
    /// [`ExportResult::failed_count`], not as an error. Listing failures
    /// and cancellation are errors.
    pub fn download_export(&self, request: &ExportRequest) -> Result<ExportResult> {
        self.download_export_blocking(request, None)
    }

    /// Runs [`Client::download_export`] and calls `progress` on I/O
    /// threads, never twice at once, with the bytes and files done so far.
    /// The closure's return value and panics are handled as in
    /// [`Client::download_link_with_progress`]. A cancelled export keeps
    /// the files that were complete.
    pub fn download_export_with_progress<F>(&self, request: &ExportRequest, progress: F) -> Result<ExportResult>
    where
        F: FnMut(&Progress<'_>) -> bool + Send,
    {
        self.download_export_blocking(request, Some(Box::new(progress)))
    }

    fn download_export_blocking(
        &self,
        request: &ExportRequest,
        progress: Option<Box<ProgressFn<'_>>>,
    ) -> Result<ExportResult> {
        let request = request.to_raw()?;
        let slot = progress.map(|p| Mutex::new(ProgressSlot::new(Some(p))));
        let (on_progress, user_data) = progress_arguments(&slot);
        let mut result = ptr::null_mut();
        let mut error = ptr::null_mut();
        // SAFETY: as in download_link_blocking.
        let status = unsafe {
            sys::gioexport_client_download_export(
                self.raw(),
                &request.raw,
                on_progress,
                user_data,
                &mut result,
                &mut error,
            )
        };
        let result = Owned(result, sys::gioexport_export_result_free);
        finish_blocking(status, error, result, slot, |result| unsafe {
            ExportResult::copy_from(result)
        })
    }

    /// Starts [`Client::fetch_token`] and returns its future.
    pub fn fetch_token_async(&self) -> Operation<String> {
        Operation::start(self, None, |callbacks, user_data, error| unsafe {
            sys::gioexport_client_fetch_token_async(self.raw(), callbacks.complete, callbacks.release, user_data, error)
        })
    }

    /// Starts [`Client::fetch_links`] and returns its future. Arguments
    /// are checked before the start, so a bad one makes the future ready at
    /// once with the error.
    ///
    /// ```no_run
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output { unimplemented!() }
    /// use gioexport::{Client, Config, ExportType};
    ///
    /// let client = Client::new(&Config::new("demo-client-id", "demo-secret", "demoPrj1", "a1b2c3d4e5f60718"))?;
    /// let links = block_on(client.fetch_links_async(ExportType::Day, "20261203", 30))?;
    /// println!("{} links", links.total_count());
    /// # Ok::<(), gioexport::Error>(())
    /// ```
    pub fn fetch_links_async(
        &self,
        export_type: ExportType,
        export_date: &str,
        expiry_minutes: u32,
    ) -> Operation<Links> {
        self.fetch_links_operation(export_type, None, export_date, expiry_minutes)
    }

    /// Starts [`Client::fetch_type_links`] and returns its future.
    pub fn fetch_type_links_async(
        &self,
        export_type: ExportType,
        data_type: &str,
        export_date: &str,
        expiry_minutes: u32,
    ) -> Operation<Links> {
        self.fetch_links_operation(export_type, Some(data_type), export_date, expiry_minutes)
    }

    fn fetch_links_operation(
        &self,
        export_type: ExportType,
        data_type: Option<&str>,
        export_date: &str,
        expiry_minutes: u32,
    ) -> Operation<Links> {
        let arguments = (|| {
            Ok::<_, Error>((
                c_string("export_type", export_type.as_str())?,
                c_string_opt("data_type", data_type)?,
                c_string("export_date", export_date)?,
            ))
        })();
        let (export_type, data_type, export_date) = match arguments {
            Ok(arguments) => arguments,
            Err(error) => return Operation::failed(error),
        };
        // SAFETY: the library copies the strings before the call returns.
        Operation::start(self, None, |callbacks, user_data, error| unsafe {
            match &data_type {
                None => sys::gioexport_client_fetch_links_async(
                    self.raw(),
                    export_type.as_ptr(),
                    export_date.as_ptr(),
                    expiry(expiry_minutes),
                    callbacks.complete,
                    callbacks.release,
                    user_data,
                    error,
                ),
                Some(data_type) => sys::gioexport_client_fetch_type_links_async(
                    self.raw(),
                    export_type.as_ptr(),
                    data_type.as_ptr(),
                    export_date.as_ptr(),
                    expiry(expiry_minutes),
                    callbacks.complete,
                    callbacks.release,
                    user_data,
                    error,
                ),
            }
        })
    }

    /// Starts [`Client::download_link`] and returns its future. Dropping
    /// the future before it is ready cancels the download.
    pub fn download_link_async(
        &self,
        url: &str,
        path: impl AsRef<Path>,
        options: &DownloadOptions,
    ) -> Operation<DownloadResult> {
        self.download_link_operation(url, path.as_ref(), options, None)
    }

    /// Starts [`Client::download_link_with_progress`] and returns its
    /// future. The closure's return value and panics are handled as there,
    /// and the future then resolves to the error.
    pub fn download_link_with_progress_async<F>(
        &self,
        url: &str,
        path: impl AsRef<Path>,
        options: &DownloadOptions,
        progress: F,
    ) -> Operation<DownloadResult>
    where
        F: FnMut(&Progress<'_>) -> bool + Send + 'static,
    {
        self.download_link_operation(url, path.as_ref(), options, Some(Box::new(progress)))
    }

    fn download_link_operation(
        &self,
        url: &str,
        path: &Path,
        options: &DownloadOptions,
        progress: Option<Box<ProgressFn<'static>>>,
    ) -> Operation<DownloadResult> {
        let (url, path) = match c_string("url", url).and_then(|url| Ok((url, c_path("path", path)?))) {
            Ok(arguments) => arguments,
            Err(error) => return Operation::failed(error),
        };
        let options = options.to_raw();
        // SAFETY: the library copies the strings and options before the
        // call returns.
        Operation::start(self, progress, |callbacks, user_data, error| unsafe {
            sys::gioexport_client_download_link_async(
                self.raw(),
                url.as_ptr(),
                path.as_ptr(),
                &options,
                callbacks.progress,
                callbacks.complete,
                callbacks.release,
                user_data,
                error,
            )
        })
    }

    /// Starts [`Client::download_export`] and returns its future. Dropping
    /// the future before it is ready cancels the run.
    pub fn download_export_async(&self, request: &ExportRequest) -> Operation<ExportResult> {
        self.download_export_operation(request, None)
    }

    /// Starts [`Client::download_export_with_progress`] and returns its
    /// future.
    pub fn download_export_with_progress_async<F>(
        &self,
        request: &ExportRequest,
        progress: F,
    ) -> Operation<ExportResult>
    where
        F: FnMut(&Progress<'_>) -> bool + Send + 'static,
    {
        self.download_export_operation(request, Some(Box::new(progress)))
    }

    fn download_export_operation(
        &self,
        request: &ExportRequest,
        progress: Option<Box<ProgressFn<'static>>>,
    ) -> Operation<ExportResult> {
        let request = match request.to_raw() {
            Ok(request) => request,
            Err(error) => return Operation::failed(error),
        };
        // SAFETY: the library checks and copies the request before the call
        // returns.
        Operation::start(self, progress, |callbacks, user_data, error| unsafe {
            sys::gioexport_client_download_export_async(
                self.raw(),
                &request.raw,
                callbacks.progress,
                callbacks.complete,
                callbacks.release,
                user_data,
                error,
            )
        })
    }
}
