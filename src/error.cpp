#include <gioexport/error.hpp>

namespace gioexport {
namespace {

class category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "gioexport"; }

    std::string message(int value) const override
    {
        switch (static_cast<errc>(value)) {
        case errc::ok: return "success";
        case errc::invalid_argument: return "invalid argument";
        case errc::invalid_url: return "invalid URL";
        case errc::auth_failed: return "authentication failed";
        case errc::api_error: return "the export API returned an error";
        case errc::invalid_response: return "the server sent a response that is not the documented JSON";
        case errc::response_too_large: return "the response is larger than the configured limit";
        case errc::export_not_exists: return "the export does not exist";
        case errc::export_failed: return "the export job failed on the server";
        case errc::export_not_ready: return "the export is not ready yet";
        case errc::export_past_retention: return "the export is older than the 15-day retention";
        case errc::export_not_enabled: return "raw-data export is not enabled for this project";
        case errc::rate_limited: return "rate limited by the server";
        case errc::unknown_status: return "the server sent an unknown export status";
        case errc::connect_failed: return "could not connect";
        case errc::tls_failed: return "TLS handshake or certificate check failed";
        case errc::timeout: return "timed out";
        case errc::truncated: return "the body ended early";
        case errc::http_error: return "unexpected HTTP status";
        case errc::link_expired: return "the download link has expired";
        case errc::access_denied: return "object storage denied access to the link";
        case errc::too_many_redirects: return "too many redirects";
        case errc::server_busy: return "the server stayed busy";
        case errc::proxy_auth_required: return "the proxy requires authentication";
        case errc::checksum_mismatch: return "MD5 mismatch";
        case errc::md5_missing: return "the server sent no MD5 header";
        case errc::disk_full: return "no space left on the device";
        case errc::io_error: return "local file I/O failed";
        case errc::cancelled: return "cancelled";
        case errc::internal: return "internal error";
        case errc::would_deadlock: return "a blocking call on a runtime I/O thread would deadlock";
        }
        return "unknown gioexport error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& error_category() noexcept
{
    static const category_impl instance;
    return instance;
}

const char* errc_name(errc e) noexcept
{
    switch (e) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::invalid_url: return "invalid_url";
    case errc::auth_failed: return "auth_failed";
    case errc::api_error: return "api_error";
    case errc::invalid_response: return "invalid_response";
    case errc::response_too_large: return "response_too_large";
    case errc::export_not_exists: return "export_not_exists";
    case errc::export_failed: return "export_failed";
    case errc::export_not_ready: return "export_not_ready";
    case errc::export_past_retention: return "export_past_retention";
    case errc::export_not_enabled: return "export_not_enabled";
    case errc::rate_limited: return "rate_limited";
    case errc::unknown_status: return "unknown_status";
    case errc::connect_failed: return "connect_failed";
    case errc::tls_failed: return "tls_failed";
    case errc::timeout: return "timeout";
    case errc::truncated: return "truncated";
    case errc::http_error: return "http_error";
    case errc::link_expired: return "link_expired";
    case errc::access_denied: return "access_denied";
    case errc::too_many_redirects: return "too_many_redirects";
    case errc::server_busy: return "server_busy";
    case errc::proxy_auth_required: return "proxy_auth_required";
    case errc::checksum_mismatch: return "checksum_mismatch";
    case errc::md5_missing: return "md5_missing";
    case errc::disk_full: return "disk_full";
    case errc::io_error: return "io_error";
    case errc::cancelled: return "cancelled";
    case errc::internal: return "internal";
    case errc::would_deadlock: return "would_deadlock";
    }
    return "unknown";
}

bool is_retryable(errc e) noexcept
{
    switch (e) {
    case errc::connect_failed:
    case errc::timeout:
    case errc::truncated:
    case errc::link_expired:
    case errc::server_busy:
    case errc::rate_limited:
    case errc::export_not_ready:
    case errc::checksum_mismatch:
        return true;
    default:
        return false;
    }
}

error::error(errc code, const std::string& message, int http_status, std::string server_message)
    : std::runtime_error(message),
      code_(code),
      http_status_(http_status),
      server_message_(std::move(server_message))
{
}

}  // namespace gioexport
