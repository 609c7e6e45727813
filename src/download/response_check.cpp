#include "download/response_check.hpp"

#include "detail/hex.hpp"

#include <gioexport/error.hpp>

#include <algorithm>
#include <cctype>

namespace gioexport::detail {

download_action classify_download_status(unsigned status) noexcept
{
    switch (status) {
    case 200: return download_action::stream;
    case 301: case 302: case 303: case 307: case 308: return download_action::redirect;
    case 403: return download_action::refused;
    case 429: return download_action::retry_later;
    default: break;
    }
    if (status >= 500 && status <= 599)
        return download_action::retry_later;
    return download_action::fail;
}

errc classify_refusal(std::string_view body) noexcept
{
    // S3 and OSS both send <Message>Request has expired</Message> with Code
    // AccessDenied. Other refusals share the code, so only the message counts.
    constexpr std::string_view marker = "request has expired";
    const auto it = std::search(body.begin(), body.end(), marker.begin(), marker.end(),
                                [](char a, char b) {
                                    return std::tolower(static_cast<unsigned char>(a)) == b;
                                });
    return it != body.end() ? errc::link_expired : errc::access_denied;
}

std::optional<std::string> parse_md5_header(std::optional<std::string_view> value)
{
    if (!value)
        return std::nullopt;
    std::string_view text = *value;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (!is_hex(text, 32))
        throw error(errc::invalid_response,
                    "header x-amz-meta-md5-hash \"" + std::string(text.substr(0, 64)) +
                        "\" is not an MD5 digest: expected 32 hex digits");
    std::string digest(text);
    std::transform(digest.begin(), digest.end(), digest.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return digest;
}

verification check_md5(const std::optional<std::string>& expected, std::string_view actual,
                       bool require_md5, std::string_view file_name)
{
    if (!expected) {
        if (require_md5)
            throw error(errc::md5_missing, "the server sent no x-amz-meta-md5-hash header for " +
                                               std::string(file_name) +
                                               ", and an MD5 is required");
        return verification::unverified;
    }
    if (!hex_equal_ignore_case(*expected, actual))
        throw error(errc::checksum_mismatch, "MD5 mismatch for " + std::string(file_name) +
                                                 ": expected " + *expected + ", got " +
                                                 std::string(actual));
    return verification::verified;
}

}  // namespace gioexport::detail
