// Decisions about a download response that need no I/O: what a status means,
// whether a 403 is an expired link, and whether the bytes verify.
#pragma once

#include <gioexport/download.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gioexport::detail {

enum class download_action {
    stream,         // 200: the body is the file
    redirect,       // 301, 302, 303, 307, 308
    refused,        // 403: an expired link or another refusal, see classify_refusal
    retry_later,    // 429 and 5xx
    fail,           // anything else
};

download_action classify_download_status(unsigned status) noexcept;

// Tells an expired presigned link ("Request has expired" in the S3 or OSS
// error body) from other refusals such as SignatureDoesNotMatch or a plain
// AccessDenied. Returns errc::link_expired or errc::access_denied.
errc classify_refusal(std::string_view body) noexcept;

// Reads the value of x-amz-meta-md5-hash. Returns nothing when the header is
// absent, the lower-cased digest when it is 32 hex digits, and throws
// errc::invalid_response otherwise.
std::optional<std::string> parse_md5_header(std::optional<std::string_view> value);

// Compares the MD5 of the received bytes with the header's. Returns verified
// on a match (case-insensitive), unverified when no header was sent and
// require_md5 is off. Throws errc::checksum_mismatch with both values, or
// errc::md5_missing when require_md5 is on and no header was sent.
verification check_md5(const std::optional<std::string>& expected, std::string_view actual,
                       bool require_md5, std::string_view file_name);

}  // namespace gioexport::detail
