//! Safe Rust binding of `libgioexport.so.1`, the C interface of the
//! gioexport client of GrowingIO's raw-data export API v2.
//!
//! A [`Client`] stores the project's keys, a token and a pool of
//! connections, and runs every request on the I/O threads of its own
//! runtime. Each call comes in two forms: a blocking method, and an
//! `_async` method that returns an [`Operation`], a [`Future`](std::future::Future) that the
//! library's completion callback wakes. Dropping an unfinished
//! [`Operation`] cancels it.
//!
//! ```no_run
//! use gioexport::{Client, Config, ExportRequest, ExportType};
//! use std::time::Duration;
//!
//! let secret = std::env::var("GIOEXPORT_SECRET").unwrap_or_default();
//! let client = Client::new(&Config::new("3c9f0e7d1a2b4c5d", secret, "nxog09md", "2a1b4018cd954ec2bcc69da5138bdb96"))?;
//!
//! let mut request = ExportRequest::new(ExportType::Hour, "2026120409", "/data/gio");
//! request.data_types = vec!["visit".into(), "page".into()];
//! request.wait = Duration::from_secs(2 * 3600); // keep polling while RUNNING
//!
//! let result = client.download_export_with_progress(&request, |p| {
//!     eprint!("\r{}/{} files, {} bytes", p.files_done, p.files_total, p.bytes_done);
//!     true // false would cancel
//! })?;
//! for file in &result.files {
//!     if let Err(error) = &file.outcome {
//!         eprintln!("{}: {error}", file.path.display());
//!     }
//! }
//! println!("\nmanifest: {}", result.manifest_path.display());
//! # Ok::<(), gioexport::Error>(())
//! ```
//!
//! # Errors
//!
//! Every call returns [`Error`]. A failure of the library is
//! [`Error::Library`], which carries the [`Code`], the message, the HTTP
//! status, the server's message and whether a retry can help.
//!
//! # Callbacks and panics
//!
//! Progress closures run on the library's I/O threads, one call at a time
//! per operation, so they must be `Send`. A panic in one is caught before
//! it reaches C: the operation is cancelled, the closure is never called
//! again, and the call returns [`Error::CallbackPanicked`] with the panic
//! message. With `panic = "abort"` in the Cargo profile a panic aborts the
//! process at once, as every panic does there, so nothing is caught.
//!
//! Blocking methods must not be called from a progress closure: there they
//! fail with [`Code::WOULD_DEADLOCK`]. The `_async` methods may be.
//!
//! # Memory
//!
//! Every string and result that the library hands out is copied into Rust
//! values and freed once with the library's own free function. This crate
//! never frees library memory with `CString::from_raw` or libc `free`.
//!
//! # Linking
//!
//! The build script links `libgioexport` from `$GIOEXPORT_LIB_DIR` when it
//! is set, and otherwise finds it with `pkg-config gioexport` (0.1.0 or
//! newer). [`Client::new`] also rejects a loaded library older than the
//! header this crate was written for.

#![warn(missing_docs)]

mod callback;
mod client;
mod config;
mod error;
mod operation;
pub mod sys;
mod types;
mod util;

pub use client::Client;
pub use config::Config;
pub use error::{Code, Error, LibraryError, Result};
pub use operation::Operation;
pub use types::{
    DownloadOptions, DownloadResult, ExportRequest, ExportResult, ExportStatus, ExportType, FileError, FileInfo,
    FileOutcome, Links, Progress, TypeLinks,
};

/// The lifetime of download links when the caller has no preference, in
/// minutes.
pub const DEFAULT_EXPIRY_MINUTES: u32 = sys::GIOEXPORT_DEFAULT_EXPIRY_MINUTES as u32;

/// Returns the version of the loaded library, such as `"0.1.0"`.
pub fn version() -> &'static str {
    // SAFETY: the function returns static text.
    let text = unsafe { std::ffi::CStr::from_ptr(sys::gioexport_version()) };
    text.to_str().unwrap_or("")
}

/// Returns the version of the loaded library, encoded as
/// `MAJOR * 1000000 + MINOR * 1000 + PATCH`.
pub fn version_number() -> u32 {
    // SAFETY: the function takes no arguments and only returns a number.
    unsafe { sys::gioexport_version_number() }
}

fn check_version() -> Result<()> {
    let loaded = version_number();
    if loaded < sys::GIOEXPORT_C_VERSION_NUMBER {
        return Err(Error::LibraryTooOld {
            loaded,
            required: sys::GIOEXPORT_C_VERSION_NUMBER,
        });
    }
    Ok(())
}
