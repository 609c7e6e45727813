// Settings of a gioexport::client.
#pragma once

#include <gioexport/auth.hpp>
#include <gioexport/links.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace gioexport {

enum class log_level { debug, info, warning, error };

std::string_view to_string(log_level level) noexcept;

// Receives one log line without a trailing newline. Lines never contain the
// secret, a token or the signed query of a link. Called from I/O threads, and
// possibly from several at once.
using log_sink = std::function<void(log_level, std::string_view)>;

struct tls_options {
    // Verify the server certificate chain and host name. Turn off only for tests.
    bool verify_peer = true;
    // PEM file with the trusted CA certificates; empty uses the system store.
    std::string ca_file;
};

// Deadlines per phase of one HTTP exchange. Zero turns a deadline off.
struct timeout_options {
    std::chrono::milliseconds connect{std::chrono::seconds(30)};        // resolve and TCP connect
    std::chrono::milliseconds tls_handshake{std::chrono::seconds(30)};
    std::chrono::milliseconds first_byte{std::chrono::seconds(60)};     // request sent to response header
    std::chrono::milliseconds idle{std::chrono::seconds(60)};           // silence between body reads
    std::chrono::milliseconds request{0};                               // whole exchange; off by default
};

// An HTTP proxy reached with CONNECT, for the API and the downloads alike.
struct proxy_options {
    // http://[user:password@]host:port for every request; empty falls back to
    // the environment.
    std::string url;
    // Read HTTPS_PROXY (for https targets), HTTP_PROXY (for http targets) and
    // NO_PROXY, in lower or upper case, when `url` is empty.
    bool from_environment = true;
    // Comma-separated host names (a leading dot optional, "*" for all) that
    // are reached directly; empty falls back to NO_PROXY.
    std::string no_proxy;
};

// When and how often a failed request is repeated. Connection errors,
// timeouts, bodies cut short, 5xx and 429 are retried; other 4xx are not.
struct retry_options {
    int max_attempts = 5;                                           // per request, the first included
    std::chrono::milliseconds base_delay{200};                      // first backoff floor
    std::chrono::milliseconds max_delay{std::chrono::seconds(30)};  // cap of one backoff delay
    std::chrono::milliseconds deadline{0};                          // all attempts of one request; 0 = none
    // Export API calls (token and listings) of one client, all coroutines
    // together, start at most this often per second. 0 turns the budget off.
    double api_calls_per_second = 2;
    // A Retry-After longer than this fails with errc::rate_limited instead of
    // sleeping.
    std::chrono::seconds max_retry_after{120};
};

struct client_options {
    // Where the export API lives. http:// is accepted, for local emulators.
    std::string base_url = "https://www.growingio.com";
    credentials creds;
    tls_options tls;
    timeout_options timeouts;
    retry_options retry;
    proxy_options proxy;
    response_limits limits;
    log_sink logger;
};

}  // namespace gioexport
