//! The blocking and async calls against gioexport-emulator.

mod common;

use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use common::{block_on, poll_once, recent_hour, yesterday, Emulator, TempDir, DEMO_AI};
use gioexport::{Client, Code, Config, DownloadOptions, Error, ExportRequest, ExportStatus, ExportType};

const ALL_TYPES: [&str; 10] = [
    "visit",
    "page",
    "action",
    "action_tag",
    "custom_event",
    "pvar",
    "evar",
    "vstr",
    "ads_track_activation",
    "ads_track_click",
];

fn library_code(result: &Result<impl std::fmt::Debug, Error>) -> Option<Code> {
    result.as_ref().err().and_then(Error::code)
}

#[test]
fn version_not_older_than_header() {
    assert!(gioexport::version_number() >= gioexport::sys::GIOEXPORT_C_VERSION_NUMBER);
    assert!(!gioexport::version().is_empty());
}

#[test]
fn fetch_token_returns_token() {
    let emulator = Emulator::start(&[]);
    let token = emulator.client().fetch_token().unwrap();
    assert_eq!(token.len(), 64);
}

#[test]
fn fetch_links_lists_all_types() {
    let emulator = Emulator::start(&[]);
    let hour = recent_hour();
    let links = emulator
        .client()
        .fetch_links(ExportType::Hour, &hour, gioexport::DEFAULT_EXPIRY_MINUTES)
        .unwrap();

    assert_eq!(links.status, ExportStatus::Finished);
    assert_eq!(links.status_text, "FINISHED");
    assert_eq!(links.export_type, "hour");
    assert_eq!(links.export_date, hour);
    assert_eq!(links.data_type, "");
    let names: Vec<&str> = links.types.iter().map(|t| t.data_type.as_str()).collect();
    assert_eq!(names, ALL_TYPES);
    assert!(links.types.iter().all(|t| t.urls.len() == 1));
    assert_eq!(links.total_count(), ALL_TYPES.len());
}

#[test]
fn fetch_type_links_lists_day() {
    let emulator = Emulator::start(&[]);
    let day = yesterday();
    let links = emulator
        .client()
        .fetch_type_links(ExportType::Day, "page", &day, 30)
        .unwrap();

    assert_eq!(links.data_type, "page");
    assert_eq!(links.export_date, day);
    assert_eq!(links.types.len(), 1);
    assert_eq!(links.types[0].urls.len(), 24);
}

#[test]
fn type_links_debug_hides_urls() {
    let emulator = Emulator::start(&[]);
    let links = emulator
        .client()
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let shown = format!("{links:?}");
    assert!(!shown.contains("X-Gio-Signature"), "{shown}");
    assert!(shown.contains("[1 signed links]"), "{shown}");
}

#[test]
fn download_link_verifies_file() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let dir = TempDir::new("download");
    let path = dir.path().join("sub").join("visit.csv.gz");

    let mut reports = Vec::new();
    let options = DownloadOptions {
        require_md5: true,
        ..DownloadOptions::default()
    };
    let result = client
        .download_link_with_progress(&links.types[0].urls[0], &path, &options, |p| {
            reports.push((p.path.map(|p| p.to_path_buf()), p.bytes_done, p.bytes_total));
            true
        })
        .unwrap();

    let size = fs::metadata(&path).unwrap().len();
    assert_eq!(result.path, path);
    assert_eq!(result.bytes, size);
    assert!(result.verified);
    assert_eq!(result.md5.len(), 32);
    assert!(result
        .md5
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let last = reports.last().expect("no progress report");
    assert_eq!(last, &(Some(path.clone()), size, size));
}

#[test]
fn download_export_two_types() {
    let emulator = Emulator::start(&[]);
    let out = TempDir::new("export");
    let hour = recent_hour();
    let mut request = ExportRequest::new(ExportType::Hour, hour.clone(), out.path());
    request.data_types = vec!["visit".into(), "page".into()];
    request.no_fsync = true;

    let last = Mutex::new(None);
    let result = emulator
        .client()
        .download_export_with_progress(&request, |p| {
            *last.lock().unwrap() = Some((p.files_total, p.files_done, p.files_failed));
            true
        })
        .unwrap();

    let export_dir = out.path().join(DEMO_AI).join("hour").join(&hour);
    assert_eq!(result.export_dir, export_dir);
    assert_eq!(result.manifest_path, export_dir.join("manifest.json"));
    assert!(result.manifest_path.is_file());
    assert_eq!(result.failed_count, 0);
    assert_eq!(result.files.len(), 2);
    for (file, data_type) in result.files.iter().zip(["visit", "page"]) {
        assert_eq!(file.data_type, data_type);
        assert_eq!(file.position, 0);
        assert_eq!(file.path, std::path::Path::new(data_type).join("part-00000.csv.gz"));
        let info = file.outcome.as_ref().unwrap();
        assert!(info.verified);
        assert_eq!(fs::metadata(export_dir.join(&file.path)).unwrap().len(), info.bytes);
    }
    assert_eq!(result.listing.as_ref().map(|l| l.types.len()), Some(2));
    assert_eq!(last.into_inner().unwrap(), Some((2, 2, 0)));
    // Without syncs the journal marks both files, for a re-run to check.
    let journal = fs::read_to_string(export_dir.join(".gioexport-journal")).unwrap();
    let marked = journal
        .lines()
        .filter(|line| line.starts_with("verified ") && line.ends_with(" unsynced"))
        .count();
    assert_eq!(marked, 2, "journal:\n{journal}");
}

#[test]
fn download_export_reports_failed_file() {
    let emulator = Emulator::start(&[]);
    emulator
        .add_fault(r#"{"kind":"wrong_md5","target":"objects","match":{"data_type":"page","position":0},"count":-1}"#);
    let out = TempDir::new("export-failed");
    let mut request = ExportRequest::new(ExportType::Hour, recent_hour(), out.path());
    request.data_types = vec!["visit".into(), "page".into()];

    let result = emulator.client().download_export(&request).unwrap();

    assert_eq!(result.failed_count, 1);
    assert!(result.files[0].outcome.is_ok());
    let failure = result.files[1].outcome.as_ref().unwrap_err();
    assert_eq!(failure.code, Code::CHECKSUM_MISMATCH);
    assert!(!failure.message.is_empty());
}

#[test]
fn auth_failure_carries_details() {
    let emulator = Emulator::start(&[]);
    let config = Config {
        secret: Some("wrong-secret".into()),
        ..emulator.config()
    };
    let result = Client::new(&config)
        .unwrap()
        .fetch_links(ExportType::Hour, &recent_hour(), 5);

    let Err(Error::Library(error)) = &result else {
        panic!("expected a library error, got {result:?}")
    };
    assert_eq!(error.code, Code::AUTH_FAILED);
    assert_eq!(error.code.name(), "auth_failed");
    assert_eq!(error.http_status, 401);
    assert!(!error.retryable);
    assert!(
        error.server_message.starts_with("signature mismatch"),
        "{}",
        error.server_message
    );
    assert!(!result.as_ref().unwrap_err().to_string().contains("wrong-secret"));
    let source = std::error::Error::source(result.as_ref().unwrap_err());
    assert!(source.is_some());
}

#[test]
fn server_busy_is_retryable() {
    let emulator = Emulator::start(&[]);
    emulator.add_fault(r#"{"kind":"status","target":"api","status":503,"count":1}"#);
    let config = Config {
        retry_max_attempts: Some(1),
        ..emulator.config()
    };
    let result = Client::new(&config)
        .unwrap()
        .fetch_links(ExportType::Hour, &recent_hour(), 5);

    let error = result.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    let Error::Library(details) = error else {
        panic!("expected a library error")
    };
    assert_eq!(details.http_status, 503);
}

#[test]
fn new_rejects_bad_config() {
    let emulator = Emulator::start(&[]);
    let cases = [
        (
            "missing ai",
            Config {
                ai: String::new(),
                ..emulator.config()
            },
            Code::INVALID_ARGUMENT,
        ),
        (
            "NUL in secret",
            Config {
                secret: Some("demo\0secret".into()),
                ..emulator.config()
            },
            Code::INVALID_ARGUMENT,
        ),
        (
            "bad base url",
            Config {
                base_url: Some("ftp://example.invalid".into()),
                ..emulator.config()
            },
            Code::INVALID_URL,
        ),
        (
            "ftp proxy",
            Config {
                proxy_url: Some("ftp://proxy.invalid:21".into()),
                ..emulator.config()
            },
            Code::INVALID_ARGUMENT,
        ),
    ];
    for (name, config, code) in cases {
        let result = Client::new(&config);
        assert_eq!(
            result.as_ref().err().and_then(Error::code),
            Some(code),
            "{name}: {result:?}"
        );
    }
}

#[test]
fn config_debug_hides_secret() {
    let config = Config {
        token: Some("token-text".into()),
        ..Config::new("id", "secret-text", "p", "a")
    };
    let shown = format!("{config:?}");
    assert!(
        !shown.contains("secret-text") && !shown.contains("token-text"),
        "{shown}"
    );
}

#[test]
fn nul_byte_rejected_before_call() {
    let emulator = Emulator::start(&[]);
    let result = emulator
        .client()
        .fetch_type_links(ExportType::Hour, "visit\0page", &recent_hour(), 5);
    assert!(matches!(result, Err(Error::InvalidArgument(_))), "{result:?}");
}

#[test]
fn async_calls_complete() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let hour = recent_hour();

    let token = block_on(client.fetch_token_async()).unwrap();
    assert_eq!(token.len(), 64);
    let links = block_on(client.fetch_links_async(ExportType::Hour, &hour, 5)).unwrap();
    assert_eq!(links.types.len(), ALL_TYPES.len());
    let page = block_on(client.fetch_type_links_async(ExportType::Hour, "page", &hour, 5)).unwrap();
    assert_eq!(page.data_type, "page");

    let out = TempDir::new("async");
    let path = out.path().join("page.csv.gz");
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let download =
        client.download_link_with_progress_async(&page.types[0].urls[0], &path, &Default::default(), move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
            true
        });
    let result = block_on(download).unwrap();
    assert!(result.verified);
    assert!(path.is_file());
    assert!(calls.load(Ordering::Relaxed) > 0);

    let mut request = ExportRequest::new(ExportType::Hour, hour, out.path());
    request.data_types = vec!["visit".into(), "page".into()];
    let export = block_on(client.download_export_async(&request)).unwrap();
    assert_eq!(export.files.len(), 2);
    assert_eq!(export.failed_count, 0);
}

#[test]
fn async_bad_argument_ready_at_once() {
    let emulator = Emulator::start(&[]);
    let mut operation = emulator.client().fetch_links_async(ExportType::Hour, "20261304", 5);
    let Poll::Ready(result) = poll_once(&mut operation) else {
        panic!("the operation is pending")
    };
    assert_eq!(library_code(&result), Some(Code::INVALID_ARGUMENT));
}

#[test]
fn async_futures_run_on_threads() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let hour = recent_hour();
    let handles: Vec<_> = ALL_TYPES
        .iter()
        .map(|data_type| {
            let operation = client.fetch_type_links_async(ExportType::Hour, data_type, &hour, 5);
            thread::spawn(move || block_on(operation))
        })
        .collect();
    for (handle, data_type) in handles.into_iter().zip(ALL_TYPES) {
        assert_eq!(handle.join().unwrap().unwrap().data_type, data_type);
    }
}

#[test]
fn dropped_future_cancels_download() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    emulator.add_fault(r#"{"kind":"slow","target":"objects","bytes_per_second":4096,"count":-1}"#);
    let out = TempDir::new("dropped");
    let path = out.path().join("visit.csv.gz");

    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let mut operation =
        client.download_link_with_progress_async(&links.types[0].urls[0], &path, &Default::default(), move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = started_tx.send(());
            true
        });
    assert!(poll_once(&mut operation).is_pending());
    started_rx
        .recv_timeout(Duration::from_secs(20))
        .expect("no progress report");
    drop(operation);

    // The cancel is asynchronous: wait until the progress reports stop.
    let mut seen = calls.load(Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        thread::sleep(Duration::from_millis(500));
        let now = calls.load(Ordering::SeqCst);
        if now == seen {
            break;
        }
        seen = now;
        assert!(
            Instant::now() < deadline,
            "progress went on after the future was dropped"
        );
    }
    assert!(!path.exists());
    assert!(out.path().join("visit.csv.gz.part").exists());
    // The client still works.
    client.fetch_token().unwrap();
}

#[test]
fn cancel_ends_operation() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    emulator.add_fault(r#"{"kind":"slow","target":"objects","bytes_per_second":4096,"count":-1}"#);
    let out = TempDir::new("cancel");

    let operation = client.download_link_async(
        &links.types[0].urls[0],
        out.path().join("visit.csv.gz"),
        &Default::default(),
    );
    thread::sleep(Duration::from_millis(200));
    operation.cancel();
    let started = Instant::now();
    let result = block_on(operation);
    assert_eq!(library_code(&result), Some(Code::CANCELLED), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn progress_false_cancels_download() {
    let emulator = Emulator::start(&["--chunk-bytes", "1048576"]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let out = TempDir::new("false");
    let path = out.path().join("visit.csv.gz");

    let mut calls = 0;
    let options = DownloadOptions {
        buffer_size: Some(16384),
        ..Default::default()
    };
    let result = client.download_link_with_progress(&links.types[0].urls[0], &path, &options, |_| {
        calls += 1;
        calls < 2
    });

    assert_eq!(library_code(&result), Some(Code::CANCELLED), "{result:?}");
    assert_eq!(calls, 2);
    assert!(!path.exists());
}

#[test]
fn blocking_call_in_callback_would_deadlock() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let links = client
        .fetch_type_links(ExportType::Hour, "visit", &recent_hour(), 5)
        .unwrap();
    let out = TempDir::new("deadlock");

    let mut nested = None;
    client
        .download_link_with_progress(
            &links.types[0].urls[0],
            out.path().join("v.csv.gz"),
            &Default::default(),
            |_| {
                if nested.is_none() {
                    nested = Some(client.fetch_token());
                }
                true
            },
        )
        .unwrap();

    let nested = nested.expect("no progress report");
    assert_eq!(library_code(&nested), Some(Code::WOULD_DEADLOCK), "{nested:?}");
}

#[test]
fn client_shared_by_threads() {
    let emulator = Emulator::start(&[]);
    let client = emulator.client();
    let hour = recent_hour();
    thread::scope(|scope| {
        for data_type in ALL_TYPES {
            let client = &client;
            let hour = &hour;
            scope.spawn(move || {
                let links = client.fetch_type_links(ExportType::Hour, data_type, hour, 5).unwrap();
                assert_eq!(links.data_type, data_type);
            });
        }
    });
}

#[test]
fn client_and_operation_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
    assert_send_sync::<gioexport::Operation<gioexport::Links>>();
}
