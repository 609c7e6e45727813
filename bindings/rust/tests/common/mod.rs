//! Helpers of the integration tests: the emulator, temporary folders,
//! Beijing dates and a minimal executor.
#![allow(dead_code)]

use std::fs;
use std::future::Future;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::pin::{pin, Pin};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use gioexport::{Client, Config};

pub const DEMO_AI: &str = "a1b2c3d4e5f60718";

/// A folder under the system's temporary folder, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!(
            "gioexport-rust-{label}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A gioexport-emulator on 127.0.0.1, stopped on drop. Its chunk cache is
/// in its own temporary folder, so a kill leaves nothing behind.
pub struct Emulator {
    child: Child,
    dir: TempDir,
    pub url: String,
    port: u16,
}

/// Returns $GIOEXPORT_EMULATOR, or the emulator of the Meson build folder
/// `build` at the top of the repository.
fn emulator_path() -> PathBuf {
    match std::env::var_os("GIOEXPORT_EMULATOR") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../build/tools/emulator/gioexport-emulator"),
    }
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        let dir = TempDir::new("emulator");
        let port_file = dir.path().join("port");
        let cache = dir.path().join("cache");
        let log = fs::File::create(dir.path().join("emulator.log")).unwrap();
        let child = Command::new(emulator_path())
            .args(["--listen", "127.0.0.1", "--port", "0", "--port-file"])
            .arg(&port_file)
            .arg("--cache-dir")
            .arg(&cache)
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {} (set GIOEXPORT_EMULATOR): {e}", emulator_path().display()));
        let mut emulator = Emulator {
            child,
            dir,
            url: String::new(),
            port: 0,
        };

        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(text) = fs::read_to_string(&port_file) {
                emulator.port = text.trim().parse().expect("invalid port file");
                emulator.url = format!("http://127.0.0.1:{}", emulator.port);
                return emulator;
            }
            thread::sleep(Duration::from_millis(10));
        }
        let output = fs::read_to_string(emulator.dir.path().join("emulator.log")).unwrap_or_default();
        panic!("the emulator wrote no port file within 20 s; output:\n{output}");
    }

    /// Adds one fault rule through the control API.
    pub fn add_fault(&self, rule: &str) {
        let body = format!("{{\"faults\":[{rule}]}}");
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "POST /_control/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(
            reply.starts_with("HTTP/1.1 200"),
            "POST /_control/faults {rule}: {reply}"
        );
    }

    /// Returns a client with the demo credentials and settings that keep
    /// tests fast.
    pub fn client(&self) -> Client {
        Client::new(&self.config()).unwrap()
    }

    pub fn config(&self) -> Config {
        Config {
            base_url: Some(self.url.clone()),
            api_calls_per_second: Some(50.0),
            retry_base_delay: Some(Duration::from_millis(10)),
            threads: Some(2),
            // The tests talk to 127.0.0.1 only, whatever proxy the
            // environment names.
            proxy_from_environment: false,
            ..Config::new("demo-client-id", "demo-secret", "demoPrj1", DEMO_AI)
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns the civil date of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Returns Beijing time (UTC+8) `offset_seconds` from now as
/// (year, month, day, hour).
fn beijing(offset_seconds: i64) -> (i64, u32, u32, u32) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let local = now + 8 * 3600 + offset_seconds;
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    (year, month, day, (local.rem_euclid(86_400) / 3600) as u32)
}

/// Returns the Beijing hour that began 3 hours ago as yyyyMMddHH: complete,
/// and well inside the emulator's retention.
pub fn recent_hour() -> String {
    let (year, month, day, hour) = beijing(-3 * 3600);
    format!("{year:04}{month:02}{day:02}{hour:02}")
}

/// Returns the previous Beijing day as yyyyMMdd.
pub fn yesterday() -> String {
    let (year, month, day, _) = beijing(-86_400);
    format!("{year:04}{month:02}{day:02}")
}

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on the current thread, parking it between
/// polls.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        thread::park();
    }
}

/// Polls a future once with a waker that does nothing.
pub fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    let mut context = Context::from_waker(Waker::noop());
    Pin::new(future).poll(&mut context)
}
