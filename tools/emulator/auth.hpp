// Token issuing (POST /auth/token) and checking of API credentials.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emulator {

struct Options;

struct TokenOutcome {
    std::optional<std::string> token; // set on success
    std::string error;                // reason for a 401 otherwise
};

class TokenIssuer {
public:
    explicit TokenIssuer(const Options& options);

    // Checks a token request and issues a token that expires after the
    // configured TTL. `client_id` is the X-Client-Id header, if any.
    TokenOutcome issue(std::optional<std::string_view> client_id, std::string_view body, std::int64_t now_ms);

    // Returns the reason to reject an API call, or nothing when X-Client-Id
    // and `Authorization: Token <code>` name a live token of this emulator.
    std::optional<std::string> check_api_credentials(std::optional<std::string_view> client_id,
                                                     std::optional<std::string_view> authorization,
                                                     std::int64_t now_ms);

private:
    void remove_expired(std::int64_t now_ms);

    const Options& options_;
    std::unordered_map<std::string, std::int64_t> token_expiry_ms_;
};

} // namespace emulator
