//! Error objects of the library: 10,000 failing calls whose messages are
//! all read. The binding copies each message with CStr and frees the
//! object once with gioexport_error_free. bindings/test.sh also runs this
//! file under valgrind, which reports invalid frees and leaks.

mod common;

use gioexport::{Client, Code, Config, Error, ExportRequest, ExportType};

const EXPECTED: &str = "invalid export date \"20261304\": no such date or time: \
                        expected Beijing time as yyyyMMddHHmm (12 digits), yyyyMMddHH or yyyyMMdd";

/// Creates a client for calls that fail before any request, so no server
/// is needed.
fn offline_client() -> Client {
    let config = Config {
        base_url: Some("http://127.0.0.1:9".into()),
        threads: Some(1),
        proxy_from_environment: false,
        ..Config::new("demo-client-id", "demo-secret", "demoPrj1", "a1b2c3d4e5f60718")
    };
    Client::new(&config).unwrap()
}

#[test]
fn failing_calls_copy_every_message() {
    let client = offline_client();
    for i in 0..10_000 {
        let result = client.fetch_links(ExportType::Hour, "20261304", 5);
        let Err(Error::Library(error)) = result else {
            panic!("call {i}: {result:?}")
        };
        assert_eq!(error.code, Code::INVALID_ARGUMENT, "call {i}");
        assert_eq!(error.message, EXPECTED, "call {i}");
        assert_eq!(error.http_status, 0, "call {i}");
    }
}

#[test]
fn failing_export_requests_copy_message() {
    let client = offline_client();
    let mut request = ExportRequest::new(ExportType::Hour, "20261304", "/nonexistent");
    request.data_types = vec!["visit".into()];
    for _ in 0..100 {
        let Err(Error::Library(error)) = client.download_export(&request) else {
            panic!("the export started")
        };
        assert_eq!(error.message, EXPECTED);
        let Err(Error::Library(error)) = common::block_on(client.download_export_async(&request)) else {
            panic!("the async export started")
        };
        assert_eq!(error.message, EXPECTED);
    }
}

#[test]
fn code_names_and_unknown_values() {
    assert_eq!(Code::OK.name(), "ok");
    assert_eq!(Code::CHECKSUM_MISMATCH.name(), "checksum_mismatch");
    assert_eq!(Code::WOULD_DEADLOCK.name(), "would_deadlock");
    assert_eq!(Code::from_raw(12345).name(), "unknown");
    assert_eq!(Code::from_raw(12345).raw(), 12345);
    assert_eq!(
        gioexport::ExportStatus::try_from(99),
        Err(Error::UnknownValue {
            type_name: "gioexport_export_status",
            value: 99
        })
    );
}
