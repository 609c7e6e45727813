//! A progress closure that panics: the panic is caught before it reaches
//! C, the transfer is cancelled, the closure is not called again, and the
//! call returns Error::CallbackPanicked. The emulator sends 1 MiB.

mod common;

use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::thread;
use std::time::Duration;

use common::{block_on, recent_hour, Emulator, TempDir};
use gioexport::{DownloadOptions, Error, ExportRequest, ExportType};

const PANIC_TEXT: &str = "progress closure failed on call 3";

/// Keeps the panic hook from printing the panics these tests expect. Other
/// panics still reach the default hook.
fn silence_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let text = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or(payload.downcast_ref::<&str>().copied());
            if text != Some(PANIC_TEXT) {
                default_hook(info);
            }
        }));
    });
}

/// Returns options with a buffer of 64 KiB, so that 1 MiB arrives in more
/// than 3 progress reports.
fn options() -> DownloadOptions {
    DownloadOptions {
        buffer_size: Some(65536),
        ..Default::default()
    }
}

#[test]
fn panic_in_blocking_download_returns_error() {
    silence_expected_panics();
    let emulator = Emulator::start(&["--chunk-bytes", "1048576"]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let out = TempDir::new("panic");
    let path = out.path().join("visit.csv.gz");

    let mut calls = 0;
    let result = client.download_link_with_progress(&links.types[0].urls[0], &path, &options(), |_| {
        calls += 1;
        if calls == 3 {
            panic!("{PANIC_TEXT}");
        }
        true
    });

    assert_eq!(result, Err(Error::CallbackPanicked(PANIC_TEXT.to_string())));
    assert_eq!(calls, 3);
    assert!(!path.exists());
    assert!(out.path().join("visit.csv.gz.part").exists());
    // The process and the client survive.
    client.fetch_token().unwrap();
}

#[test]
fn panic_in_async_download_returns_error() {
    silence_expected_panics();
    let emulator = Emulator::start(&["--chunk-bytes", "1048576"]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let out = TempDir::new("panic-async");
    let path = out.path().join("visit.csv.gz");

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let operation = client.download_link_with_progress_async(&links.types[0].urls[0], &path, &options(), move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
            panic!("{PANIC_TEXT}");
        }
        true
    });
    let result = block_on(operation);

    assert_eq!(result, Err(Error::CallbackPanicked(PANIC_TEXT.to_string())));
    // No later report reaches the closure.
    thread::sleep(Duration::from_millis(300));
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert!(!path.exists());
}

#[test]
fn panic_in_export_progress_returns_error() {
    silence_expected_panics();
    let emulator = Emulator::start(&["--chunk-bytes", "1048576"]);
    let out = TempDir::new("panic-export");
    let mut request = ExportRequest::new(ExportType::Hour, recent_hour(), out.path());
    request.data_types = vec!["visit".into(), "page".into()];
    request.buffer_size = Some(65536);

    let mut calls = 0;
    let result = emulator.client().download_export_with_progress(&request, |_| {
        calls += 1;
        if calls == 3 {
            panic!("{}", String::from(PANIC_TEXT));
        }
        true
    });

    assert_eq!(result, Err(Error::CallbackPanicked(PANIC_TEXT.to_string())));
    assert_eq!(calls, 3);
}
