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

struct client_options {
    // Where the export API lives. http:// is accepted, for local emulators.
    std::string base_url = "https://www.growingio.com";
    credentials creds;
    tls_options tls;
    timeout_options timeouts;
    response_limits limits;
    log_sink logger;
};

}  // namespace gioexport
