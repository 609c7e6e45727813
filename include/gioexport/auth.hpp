// Signing of the token request (POST /auth/token). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gioexport {

// The project's keys and identifiers.
struct credentials {
    std::string client_id;  // public key, sent as X-Client-Id
    std::string secret;     // private key, the HMAC key; never sent or logged
    std::string project;    // project UID, e.g. "nxog09md"
    std::string ai;         // project ID, e.g. "2a1b4018cd954ec2bcc69da5138bdb96"
    std::string token;      // a token obtained earlier; when set, no token request is made
};

// Throws errc::invalid_argument if a value is empty where the request needs
// it, or if project or ai contains anything but letters, digits and - _ . ~
// (characters such as '&', '=' or '/' would change the signed form string or
// the request path). Needs a project and a secret only when no token is given.
void validate_credentials(const credentials& creds);

// The message that is signed: "POST\n/auth/token\nproject=P&ai=A&tm=TM", with
// LF line ends and no trailing newline.
std::string token_signing_message(std::string_view project, std::string_view ai,
                                  std::int64_t tm_ms);

// HMAC-SHA256 of the signing message under the secret, as 64 lower-case hex
// digits.
std::string sign_token_request(std::string_view secret, std::string_view project,
                               std::string_view ai, std::int64_t tm_ms);

// The raw POST body "project=P&ai=A&tm=TM&auth=SIG". The same tm_ms must be
// used for the signature and the body, so the clock is read once by the caller.
std::string token_request_body(const credentials& creds, std::int64_t tm_ms);

}  // namespace gioexport
