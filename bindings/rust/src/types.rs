//! Requests and results, copied out of the library's handles.

use std::ffi::{c_char, c_int, CString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Code, Error, Result};
use crate::sys;
use crate::util::{borrow_path, c_path, c_string, copy_path, copy_string, defaults, duration_count, expiry};

/// The period an export covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportType {
    /// One Beijing hour.
    Hour,
    /// One Beijing day.
    Day,
}

impl ExportType {
    /// Returns the name the export API uses: `"hour"` or `"day"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportType::Hour => "hour",
            ExportType::Day => "day",
        }
    }
}

/// The status field of a listing, the C type `gioexport_export_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportStatus {
    /// The export is done, and the listing carries its links.
    Finished,
    /// The export is still being prepared.
    Running,
    /// There is no export for this period.
    NotExists,
    /// The export failed on the server.
    Error,
    /// The server sent a status that the library does not know;
    /// [`Links::status_text`] has its text.
    Unknown,
}

impl TryFrom<c_int> for ExportStatus {
    type Error = Error;

    /// Converts a raw value. A value that this crate does not know is an
    /// error, never an invalid enum.
    fn try_from(value: c_int) -> Result<ExportStatus> {
        match value {
            sys::GIOEXPORT_EXPORT_FINISHED => Ok(ExportStatus::Finished),
            sys::GIOEXPORT_EXPORT_RUNNING => Ok(ExportStatus::Running),
            sys::GIOEXPORT_EXPORT_NOT_EXISTS => Ok(ExportStatus::NotExists),
            sys::GIOEXPORT_EXPORT_ERROR => Ok(ExportStatus::Error),
            sys::GIOEXPORT_EXPORT_UNKNOWN => Ok(ExportStatus::Unknown),
            _ => Err(Error::UnknownValue {
                type_name: "gioexport_export_status",
                value,
            }),
        }
    }
}

/// A parsed listing: the export's status and, when it is
/// [`ExportStatus::Finished`], the links of each data type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Links {
    /// The status of the export.
    pub status: ExportStatus,
    /// The status as the server sent it, also when it is unknown.
    pub status_text: String,
    /// `"hour"` or `"day"`.
    pub export_type: String,
    /// The data type of a one-type listing, empty for all types.
    pub data_type: String,
    /// The period, truncated to the hour or day.
    pub export_date: String,
    /// The export format version, such as `"v2"`.
    pub export_version: String,
    /// The server's time of the listing call, in Beijing time.
    pub request_time: String,
    /// The server's `errorMsg`, empty when there was none.
    pub error_message: String,
    /// The data types in server order, with their links.
    pub types: Vec<TypeLinks>,
}

impl Links {
    /// Returns the number of links over all data types.
    pub fn total_count(&self) -> usize {
        self.types.iter().map(|t| t.urls.len()).sum()
    }

    /// Copies a listing. It borrows `links` and frees nothing.
    ///
    /// # Safety
    /// `links` must be a live listing handle.
    pub(crate) unsafe fn copy_from(links: *const sys::gioexport_links) -> Result<Links> {
        let type_count = sys::gioexport_links_type_count(links);
        let mut types = Vec::with_capacity(type_count);
        for t in 0..type_count {
            let url_count = sys::gioexport_links_url_count(links, t);
            types.push(TypeLinks {
                data_type: copy_string(sys::gioexport_links_type_name(links, t)),
                urls: (0..url_count)
                    .map(|u| copy_string(sys::gioexport_links_url(links, t, u)))
                    .collect(),
            });
        }
        Ok(Links {
            status: ExportStatus::try_from(sys::gioexport_links_status(links))?,
            status_text: copy_string(sys::gioexport_links_status_text(links)),
            export_type: copy_string(sys::gioexport_links_export_type(links)),
            data_type: copy_string(sys::gioexport_links_data_type(links)),
            export_date: copy_string(sys::gioexport_links_export_date(links)),
            export_version: copy_string(sys::gioexport_links_export_version(links)),
            request_time: copy_string(sys::gioexport_links_request_time(links)),
            error_message: copy_string(sys::gioexport_links_error_message(links)),
            types,
        })
    }
}

/// The links of one data type. The index of a URL is the file's part
/// number.
#[derive(Clone, PartialEq, Eq)]
pub struct TypeLinks {
    /// The data type, such as `"visit"`.
    pub data_type: String,
    /// The download links. Each carries a signature: do not log it.
    pub urls: Vec<String>,
}

impl fmt::Debug for TypeLinks {
    /// Shows the number of links but not the links, which are signed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypeLinks")
            .field("data_type", &self.data_type)
            .field("urls", &format_args!("[{} signed links]", self.urls.len()))
            .finish()
    }
}

/// A progress report, valid during one call of a progress closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress<'a> {
    /// The final path of the file of a link download; `None` for an
    /// export.
    pub path: Option<&'a Path>,
    /// Bytes received so far: of the one file for a link download, over
    /// all files of the run for an export.
    pub bytes_done: u64,
    /// The expected size of the file of a link download, or 0 when the
    /// server sent no `Content-Length` or for an export.
    pub bytes_total: u64,
    /// Files of an export: listed, finished and failed so far.
    pub files_total: usize,
    /// See [`Progress::files_total`].
    pub files_done: usize,
    /// See [`Progress::files_total`].
    pub files_failed: usize,
}

impl Progress<'_> {
    /// # Safety
    /// `progress` must be the pointer a progress callback received, and the
    /// result must not outlive the callback.
    pub(crate) unsafe fn borrow_from<'a>(progress: *const sys::gioexport_progress) -> Progress<'a> {
        let raw = &*progress;
        Progress {
            path: borrow_path(raw.path),
            bytes_done: raw.bytes_done,
            bytes_total: raw.bytes_total,
            files_total: raw.files_total,
            files_done: raw.files_done,
            files_failed: raw.files_failed,
        }
    }
}

/// Settings of a link download.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownloadOptions {
    /// Fail with [`Code::MD5_MISSING`] when the server sends no MD5 header.
    /// Without it such a file is kept, marked unverified.
    pub require_md5: bool,
    /// The size of the buffer a transfer reads into, hashes and writes
    /// from. `None` keeps the default of 256 KiB, and values below 16 KiB
    /// are raised to 16 KiB.
    pub buffer_size: Option<usize>,
    /// Whether to skip the fsync of each file before it takes its final
    /// name, as curl does. That is faster for many small files, but a power
    /// loss or kernel crash may then lose or damage files reported as done.
    /// An export marks such files in its journal, and a later run checks
    /// their MD5 before trusting them.
    pub no_fsync: bool,
}

impl DownloadOptions {
    pub(crate) fn to_raw(&self) -> sys::gioexport_download_options {
        let mut raw = defaults(sys::gioexport_download_options_init);
        raw.require_md5 = c_int::from(self.require_md5);
        if let Some(size) = self.buffer_size {
            raw.buffer_size = size;
        }
        raw.no_fsync = c_int::from(self.no_fsync);
        raw
    }
}

/// One file that arrived whole under its final name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadResult {
    /// The final path.
    pub path: PathBuf,
    /// The size in bytes.
    pub bytes: u64,
    /// The MD5 of the bytes on disk as 32 lower-case hex digits.
    pub md5: String,
    /// Whether the MD5 equals the server's `x-amz-meta-md5-hash`. It is
    /// `false` when the server sent no MD5 and the file was kept unchecked.
    pub verified: bool,
}

impl DownloadResult {
    /// # Safety
    /// `result` must be a live download result handle.
    pub(crate) unsafe fn copy_from(result: *const sys::gioexport_download_result) -> DownloadResult {
        DownloadResult {
            path: copy_path(sys::gioexport_download_result_path(result)),
            bytes: sys::gioexport_download_result_bytes(result),
            md5: copy_string(sys::gioexport_download_result_md5(result)),
            verified: sys::gioexport_download_result_verified(result) != 0,
        }
    }
}

/// A whole export to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRequest {
    /// Hour or day.
    pub export_type: ExportType,
    /// Beijing time as `yyyyMMdd`, `yyyyMMddHH` or `yyyyMMddHHmm`.
    pub export_date: String,
    /// The lifetime of the links, 1 to 10080 minutes.
    pub expiry_minutes: u32,
    /// The data types to fetch, each through the one-type endpoint. Empty
    /// means every type, through the all-types endpoint.
    pub data_types: Vec<String>,
    /// The folder under which files land as
    /// `out_dir/<ai>/<exportType>/<exportDate>/<dataType>/part-NNNNN.csv.gz`.
    pub out_dir: PathBuf,
    /// Downloads in flight at once, 1 to 256. `None` keeps the default of 8.
    pub concurrency: Option<usize>,
    /// How long to keep polling while the export is `RUNNING`, rounded up
    /// to whole seconds. Zero fails at once with [`Code::EXPORT_NOT_READY`].
    pub wait: Duration,
    /// The time between two polls, whole seconds of at least 1. `None`
    /// keeps the default of 30 s.
    pub poll_interval: Option<Duration>,
    /// As in [`DownloadOptions`].
    pub require_md5: bool,
    /// As in [`DownloadOptions`].
    pub buffer_size: Option<usize>,
    /// As in [`DownloadOptions`].
    pub no_fsync: bool,
}

impl ExportRequest {
    /// Creates a request for every data type of one period, with the
    /// library's defaults and no wait.
    pub fn new(export_type: ExportType, export_date: impl Into<String>, out_dir: impl Into<PathBuf>) -> ExportRequest {
        ExportRequest {
            export_type,
            export_date: export_date.into(),
            expiry_minutes: crate::DEFAULT_EXPIRY_MINUTES,
            data_types: Vec::new(),
            out_dir: out_dir.into(),
            concurrency: None,
            wait: Duration::ZERO,
            poll_interval: None,
            require_md5: false,
            buffer_size: None,
            no_fsync: false,
        }
    }
}

/// A C copy of an [`ExportRequest`], alive while `raw` points into it.
pub(crate) struct RawRequest {
    _strings: Vec<CString>,
    _names: Vec<*const c_char>,
    pub(crate) raw: sys::gioexport_export_request,
}

impl ExportRequest {
    /// Makes the C form of the request, which borrows from the result.
    pub(crate) fn to_raw(&self) -> Result<RawRequest> {
        let export_date = c_string("export_date", &self.export_date)?;
        let out_dir = c_path("out_dir", &self.out_dir)?;
        let mut strings = Vec::with_capacity(self.data_types.len() + 2);
        for (i, name) in self.data_types.iter().enumerate() {
            strings.push(c_string(&format!("data_types[{i}]"), name)?);
        }
        let names: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();

        let mut raw = defaults(sys::gioexport_export_request_init);
        // The export type is a static C string, so it needs no copy.
        raw.export_type = match self.export_type {
            ExportType::Hour => c"hour".as_ptr(),
            ExportType::Day => c"day".as_ptr(),
        };
        raw.export_date = export_date.as_ptr();
        raw.out_dir = out_dir.as_ptr();
        raw.expiry_minutes = expiry(self.expiry_minutes);
        if !names.is_empty() {
            raw.data_types = names.as_ptr();
            raw.data_type_count = names.len();
        }
        if let Some(concurrency) = self.concurrency {
            raw.concurrency = concurrency;
        }
        raw.wait_seconds = duration_count("wait", self.wait, Duration::from_secs(1))?;
        if let Some(interval) = self.poll_interval {
            if interval < Duration::from_secs(1) {
                return Err(Error::InvalidArgument(format!(
                    "invalid poll_interval {interval:?}: it must be at least 1 s"
                )));
            }
            raw.poll_interval_seconds = duration_count("poll_interval", interval, Duration::from_secs(1))?;
        }
        raw.require_md5 = c_int::from(self.require_md5);
        if let Some(size) = self.buffer_size {
            raw.buffer_size = size;
        }
        raw.no_fsync = c_int::from(self.no_fsync);
        strings.push(export_date);
        strings.push(out_dir);
        Ok(RawRequest {
            _strings: strings,
            _names: names,
            raw,
        })
    }
}

/// The outcome of a whole export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportResult {
    /// `out_dir/<ai>/<exportType>/<exportDate>`.
    pub export_dir: PathBuf,
    /// The manifest, `manifest.json` in the export folder.
    pub manifest_path: PathBuf,
    /// The listing the run used.
    pub listing: Option<Links>,
    /// Every listed file in listing order: data types as listed, then
    /// position.
    pub files: Vec<FileOutcome>,
    /// The number of files that did not arrive.
    pub failed_count: usize,
}

impl ExportResult {
    /// # Safety
    /// `result` must be a live export result handle.
    pub(crate) unsafe fn copy_from(result: *const sys::gioexport_export_result) -> Result<ExportResult> {
        let listing = sys::gioexport_export_result_listing(result);
        let count = sys::gioexport_export_result_file_count(result);
        let mut files = Vec::with_capacity(count);
        for i in 0..count {
            let status = Code::from_raw(sys::gioexport_export_result_file_status(result, i));
            let outcome = if status == Code::OK {
                Ok(FileInfo {
                    bytes: sys::gioexport_export_result_file_bytes(result, i),
                    md5: copy_string(sys::gioexport_export_result_file_md5(result, i)),
                    verified: sys::gioexport_export_result_file_verified(result, i) != 0,
                })
            } else {
                Err(FileError {
                    code: status,
                    message: copy_string(sys::gioexport_export_result_file_error_message(result, i)),
                })
            };
            files.push(FileOutcome {
                data_type: copy_string(sys::gioexport_export_result_file_data_type(result, i)),
                position: sys::gioexport_export_result_file_position(result, i),
                path: copy_path(sys::gioexport_export_result_file_path(result, i)),
                outcome,
            });
        }
        Ok(ExportResult {
            export_dir: copy_path(sys::gioexport_export_result_export_dir(result)),
            manifest_path: copy_path(sys::gioexport_export_result_manifest_path(result)),
            listing: if listing.is_null() {
                None
            } else {
                Some(Links::copy_from(listing)?)
            },
            files,
            failed_count: sys::gioexport_export_result_failed_count(result),
        })
    }
}

/// One file of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileOutcome {
    /// The data type the file was listed under.
    pub data_type: String,
    /// The index of the file's link in its data type's list.
    pub position: usize,
    /// The path below the export folder, such as `page/part-00000.csv.gz`.
    pub path: PathBuf,
    /// The file's size and checksum when it arrived, else its failure.
    pub outcome: std::result::Result<FileInfo, FileError>,
}

/// A file of an export that arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// The size in bytes.
    pub bytes: u64,
    /// The MD5 as 32 lower-case hex digits.
    pub md5: String,
    /// Whether the MD5 equals the server's.
    pub verified: bool,
}

/// The failure of one file of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The code of the failure.
    pub code: Code,
    /// The library's message.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gioexport: {}", self.message)
    }
}

impl std::error::Error for FileError {}
