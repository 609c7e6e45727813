// Error codes and the exception type of the gioexport core.
#pragma once

#include <stdexcept>
#include <string>
#include <system_error>

namespace gioexport {

// Stable error codes. The numbers are part of the C ABI as well: a value is
// never renumbered or reused, and retired codes keep their slot.
enum class errc : int {
    ok = 0,

    // Caller input, rejected before any request is sent.
    invalid_argument = 1,
    invalid_url = 2,

    // The export API.
    auth_failed = 10,          // POST /auth/token rejected the credentials
    api_error = 11,            // a non-2xx response from the export API
    invalid_response = 12,     // a body that is not the documented JSON
    response_too_large = 13,   // a body over the configured limit
    export_not_exists = 20,    // status NOT_EXISTS
    export_failed = 21,        // status ERROR
    export_not_ready = 22,     // still RUNNING when the wait deadline passed
    export_past_retention = 23,
    export_not_enabled = 24,
    rate_limited = 25,
    unknown_status = 26,       // a status value this version does not know

    // Transport.
    connect_failed = 30,
    tls_failed = 31,
    timeout = 32,
    truncated = 33,            // the body ended before Content-Length
    http_error = 34,           // a download got an unexpected HTTP status
    link_expired = 35,         // object storage: "Request has expired"
    access_denied = 36,        // object storage refused the link otherwise
    too_many_redirects = 37,
    server_busy = 38,          // 5xx or 429 until the attempts ran out
    proxy_auth_required = 39,

    // Content.
    checksum_mismatch = 40,
    md5_missing = 41,          // no MD5 header while require_md5 is set

    // Local files.
    disk_full = 50,
    io_error = 51,

    cancelled = 60,
    internal = 99,

    // Misuse of the C interface: a blocking call on a runtime I/O thread,
    // which would wait for work that only that thread can run.
    would_deadlock = 100,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

// Returns the stable lower-case name of a code, such as "checksum_mismatch".
const char* errc_name(errc e) noexcept;

// Whether repeating the same operation later can succeed.
bool is_retryable(errc e) noexcept;

// The exception every gioexport operation throws. what() is a complete English
// sentence that names the value involved and never contains a secret, a token
// or the signed query string of a link.
class error : public std::runtime_error {
public:
    error(errc code, const std::string& message, int http_status = 0,
          std::string server_message = {});

    errc code() const noexcept { return code_; }

    // The HTTP status of the response that caused the error, or 0.
    int http_status() const noexcept { return http_status_; }

    // The server's own errorMsg, kept apart from our message because it is
    // text from the network.
    const std::string& server_message() const noexcept { return server_message_; }

    bool retryable() const noexcept { return is_retryable(code_); }

private:
    errc code_;
    int http_status_;
    std::string server_message_;
};

}  // namespace gioexport

template <>
struct std::is_error_code_enum<gioexport::errc> : std::true_type {};
