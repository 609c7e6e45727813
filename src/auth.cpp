#include <gioexport/auth.hpp>
#include <gioexport/error.hpp>

#include "detail/hex.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace gioexport {
namespace {

// A value that goes into the signed form string and into API paths
// unencoded. The server recomputes the signature from the raw body, so a
// character such as '&' or '=' would make the signature and the parsed fields
// disagree; '/' or '?' would change the path. Documented values are letters
// and digits, so only URL-unreserved characters are accepted.
void check_form_value(std::string_view field, std::string_view value)
{
    if (value.empty())
        throw error(errc::invalid_argument, "missing " + std::string(field) + ": it must not be empty");
    for (unsigned char c : value) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        if (!unreserved)
            throw error(errc::invalid_argument,
                        "invalid " + std::string(field) + " \"" + std::string(value.substr(0, 80)) +
                            "\": expected only letters, digits and - _ . ~");
    }
}

}  // namespace

void validate_credentials(const credentials& creds)
{
    check_form_value("ai (project ID)", creds.ai);
    if (creds.client_id.empty())
        throw error(errc::invalid_argument, "missing client ID (X-Client-Id): it must not be empty");
    for (unsigned char c : creds.client_id)
        if (c < 0x20 || c == 0x7f)
            throw error(errc::invalid_argument, "invalid client ID: it contains control characters");
    if (!creds.token.empty()) {
        for (unsigned char c : creds.token)
            if (c <= 0x20 || c == 0x7f)
                throw error(errc::invalid_argument,
                            "invalid token: it contains spaces or control characters");
        return;
    }
    check_form_value("project (project UID)", creds.project);
    if (creds.secret.empty())
        throw error(errc::invalid_argument,
                    "missing secret (private key): set a secret or a token");
}

std::string token_signing_message(std::string_view project, std::string_view ai, std::int64_t tm_ms)
{
    std::string message = "POST\n/auth/token\nproject=";
    message += project;
    message += "&ai=";
    message += ai;
    message += "&tm=";
    message += std::to_string(tm_ms);
    return message;
}

std::string sign_token_request(std::string_view secret, std::string_view project,
                               std::string_view ai, std::int64_t tm_ms)
{
    const std::string message = token_signing_message(project, ai, tm_ms);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
              &length))
        throw error(errc::internal, "HMAC-SHA256 failed");
    return detail::to_hex(digest, length);
}

std::string token_request_body(const credentials& creds, std::int64_t tm_ms)
{
    std::string body = "project=" + creds.project + "&ai=" + creds.ai +
                       "&tm=" + std::to_string(tm_ms) + "&auth=";
    body += sign_token_request(creds.secret, creds.project, creds.ai, tm_ms);
    return body;
}

}  // namespace gioexport
