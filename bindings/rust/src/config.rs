//! The settings of a client and their C form.

use std::ffi::{c_int, CString};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Result;
use crate::sys;
use crate::util::{c_path, c_string, c_string_opt, defaults, duration_count, ptr_or_null};

/// Settings of a [`crate::Client`]. `None` keeps the library's default.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// The base URL of the export API. `None` means
    /// `"https://www.growingio.com"`. `http://` is accepted, for local
    /// emulators.
    pub base_url: Option<String>,
    /// The client id, sent as `X-Client-Id`. Required.
    pub client_id: String,
    /// The HMAC key of token requests, never sent. Required unless `token`
    /// is set.
    pub secret: Option<String>,
    /// The project UID. Required.
    pub project: String,
    /// The project ID. Required.
    pub ai: String,
    /// A token to use without a token request.
    pub token: Option<String>,
    /// Verify the server's certificate chain and host name (default
    /// `true`). Turn it off only for tests.
    pub tls_verify_peer: bool,
    /// A PEM file of trusted CA certificates. `None` uses the system store.
    pub tls_ca_file: Option<PathBuf>,
    /// Deadline of resolving and connecting (default 30 s). Zero turns it
    /// off. Deadlines are rounded up to whole milliseconds.
    pub connect_timeout: Option<Duration>,
    /// Deadline of the TLS handshake (default 30 s).
    pub tls_handshake_timeout: Option<Duration>,
    /// Deadline from the request sent to the response header (default 60 s).
    pub first_byte_timeout: Option<Duration>,
    /// Deadline of the silence between two body reads (default 60 s).
    pub idle_timeout: Option<Duration>,
    /// Deadline of a whole exchange (default none).
    pub request_timeout: Option<Duration>,
    /// Attempts per request, the first included, at least 1 (default 5).
    /// Connection errors, timeouts, bodies cut short, 5xx and 429 are
    /// retried, but other 4xx are not.
    pub retry_max_attempts: Option<u32>,
    /// The floor of the first backoff delay (default 200 ms).
    pub retry_base_delay: Option<Duration>,
    /// The cap of one backoff delay (default 30 s).
    pub retry_max_delay: Option<Duration>,
    /// The time for all attempts of one request (default none).
    pub retry_deadline: Option<Duration>,
    /// A `Retry-After` longer than this fails with
    /// [`crate::Code::RATE_LIMITED`] instead of waiting (default 120 s),
    /// rounded up to whole seconds.
    pub max_retry_after: Option<Duration>,
    /// How often export API calls (token and listings) of the client may
    /// start per second, over all threads (default 2, the limit the API
    /// documentation states). Zero turns the cap off. Downloads do not
    /// count.
    pub api_calls_per_second: Option<f64>,
    /// An HTTP proxy reached with `CONNECT`, for the API and the downloads
    /// alike, as `http://[user:password@]host:port`. `None` uses the
    /// environment when `proxy_from_environment` is set.
    pub proxy_url: Option<String>,
    /// Read `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, in lower or upper
    /// case, when `proxy_url` is `None` (default `true`).
    pub proxy_from_environment: bool,
    /// Comma-separated host names reached directly, a leading dot optional
    /// and `"*"` for all. `None` uses `NO_PROXY`.
    pub no_proxy: Option<String>,
    /// I/O threads of the client's runtime, 1 to 256. `None` uses the
    /// number of hardware threads.
    pub threads: Option<u32>,
}

impl Config {
    /// Creates settings with the project's keys and every other value at
    /// the library's default.
    pub fn new(
        client_id: impl Into<String>,
        secret: impl Into<String>,
        project: impl Into<String>,
        ai: impl Into<String>,
    ) -> Config {
        Config {
            client_id: client_id.into(),
            secret: Some(secret.into()),
            project: project.into(),
            ai: ai.into(),
            ..Config::default()
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            base_url: None,
            client_id: String::new(),
            secret: None,
            project: String::new(),
            ai: String::new(),
            token: None,
            tls_verify_peer: true,
            tls_ca_file: None,
            connect_timeout: None,
            tls_handshake_timeout: None,
            first_byte_timeout: None,
            idle_timeout: None,
            request_timeout: None,
            retry_max_attempts: None,
            retry_base_delay: None,
            retry_max_delay: None,
            retry_deadline: None,
            max_retry_after: None,
            api_calls_per_second: None,
            proxy_url: None,
            proxy_from_environment: true,
            no_proxy: None,
            threads: None,
        }
    }
}

impl fmt::Debug for Config {
    /// Shows every setting but the secret, the token and the proxy URL,
    /// which can carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("secret", &redacted(&self.secret))
            .field("project", &self.project)
            .field("ai", &self.ai)
            .field("token", &redacted(&self.token))
            .field("tls_verify_peer", &self.tls_verify_peer)
            .field("tls_ca_file", &self.tls_ca_file)
            .field("connect_timeout", &self.connect_timeout)
            .field("tls_handshake_timeout", &self.tls_handshake_timeout)
            .field("first_byte_timeout", &self.first_byte_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("retry_max_attempts", &self.retry_max_attempts)
            .field("retry_base_delay", &self.retry_base_delay)
            .field("retry_max_delay", &self.retry_max_delay)
            .field("retry_deadline", &self.retry_deadline)
            .field("max_retry_after", &self.max_retry_after)
            .field("api_calls_per_second", &self.api_calls_per_second)
            .field("proxy_url", &self.proxy_url.as_ref().map(|_| "<redacted>"))
            .field("proxy_from_environment", &self.proxy_from_environment)
            .field("no_proxy", &self.no_proxy)
            .field("threads", &self.threads)
            .finish()
    }
}

/// A C copy of a [`Config`], alive while `raw` points into it.
pub(crate) struct RawConfig {
    _strings: [Option<CString>; 9],
    pub(crate) raw: sys::gioexport_client_options,
}

pub(crate) fn raw_config(config: &Config) -> Result<RawConfig> {
    let base_url = c_string_opt("base_url", config.base_url.as_deref())?;
    let client_id = Some(c_string("client_id", &config.client_id)?);
    let secret = c_string_opt("secret", config.secret.as_deref())?;
    let project = Some(c_string("project", &config.project)?);
    let ai = Some(c_string("ai", &config.ai)?);
    let token = c_string_opt("token", config.token.as_deref())?;
    let ca_file = config
        .tls_ca_file
        .as_deref()
        .map(|p| c_path("tls_ca_file", p))
        .transpose()?;
    let proxy_url = c_string_opt("proxy_url", config.proxy_url.as_deref())?;
    let no_proxy = c_string_opt("no_proxy", config.no_proxy.as_deref())?;

    let mut raw = defaults(sys::gioexport_client_options_init);
    raw.base_url = ptr_or_null(&base_url);
    raw.client_id = ptr_or_null(&client_id);
    raw.secret = ptr_or_null(&secret);
    raw.project = ptr_or_null(&project);
    raw.ai = ptr_or_null(&ai);
    raw.token = ptr_or_null(&token);
    raw.tls_ca_file = ptr_or_null(&ca_file);
    raw.tls_verify_peer = c_int::from(config.tls_verify_peer);
    raw.proxy_url = ptr_or_null(&proxy_url);
    raw.proxy_from_environment = c_int::from(config.proxy_from_environment);
    raw.no_proxy = ptr_or_null(&no_proxy);

    let millisecond = Duration::from_millis(1);
    let durations = [
        (
            "connect_timeout",
            config.connect_timeout,
            millisecond,
            &mut raw.connect_timeout_ms,
        ),
        (
            "tls_handshake_timeout",
            config.tls_handshake_timeout,
            millisecond,
            &mut raw.tls_handshake_timeout_ms,
        ),
        (
            "first_byte_timeout",
            config.first_byte_timeout,
            millisecond,
            &mut raw.first_byte_timeout_ms,
        ),
        (
            "idle_timeout",
            config.idle_timeout,
            millisecond,
            &mut raw.idle_timeout_ms,
        ),
        (
            "request_timeout",
            config.request_timeout,
            millisecond,
            &mut raw.request_timeout_ms,
        ),
        (
            "retry_base_delay",
            config.retry_base_delay,
            millisecond,
            &mut raw.retry_base_delay_ms,
        ),
        (
            "retry_max_delay",
            config.retry_max_delay,
            millisecond,
            &mut raw.retry_max_delay_ms,
        ),
        (
            "retry_deadline",
            config.retry_deadline,
            millisecond,
            &mut raw.retry_deadline_ms,
        ),
        (
            "max_retry_after",
            config.max_retry_after,
            Duration::from_secs(1),
            &mut raw.max_retry_after_seconds,
        ),
    ];
    for (name, value, unit, field) in durations {
        if let Some(value) = value {
            *field = duration_count(name, value, unit)?;
        }
    }
    if let Some(attempts) = config.retry_max_attempts {
        raw.retry_max_attempts = attempts;
    }
    if let Some(rate) = config.api_calls_per_second {
        raw.api_calls_per_second = rate;
    }
    Ok(RawConfig {
        _strings: [
            base_url, client_id, secret, project, ai, token, ca_file, proxy_url, no_proxy,
        ],
        raw,
    })
}
