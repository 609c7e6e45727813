#include "auth.hpp"

#include "crypto.hpp"
#include "options.hpp"

#include <array>
#include <charconv>

namespace emulator {

namespace {

// The token request's tm may differ from the emulator clock by this much.
constexpr std::int64_t tm_window_ms = 10 * 60 * 1000;
constexpr std::size_t token_length = 64;
// Expired tokens are swept once the table holds this many.
constexpr std::size_t sweep_threshold = 4096;

struct TokenRequestBody {
    std::string_view project;
    std::string_view ai;
    std::string_view tm;
    std::string_view auth;
};

// Splits `project=<p>&ai=<a>&tm=<ms>&auth=<hex>`, which must have exactly these
// four keys in this order, non-empty values, a decimal tm and 64 hex digits.
std::optional<TokenRequestBody> parse_token_body(std::string_view body)
{
    static constexpr std::array<std::string_view, 4> keys{"project=", "ai=", "tm=", "auth="};
    std::array<std::string_view, 4> values;
    std::string_view rest = body;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!rest.starts_with(keys[i])) {
            return std::nullopt;
        }
        rest.remove_prefix(keys[i].size());
        const auto amp = rest.find('&');
        if ((i + 1 < keys.size()) == (amp == std::string_view::npos)) {
            return std::nullopt;
        }
        values[i] = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (values[i].empty() || values[i].find('=') != std::string_view::npos) {
            return std::nullopt;
        }
    }
    const auto& tm = values[2];
    const auto& auth = values[3];
    if (tm.size() > 18 || tm.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    if (auth.size() != 64 || auth.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
        return std::nullopt;
    }
    return TokenRequestBody{values[0], values[1], tm, auth};
}

} // namespace

TokenIssuer::TokenIssuer(const Options& options) : options_(options) {}

TokenOutcome TokenIssuer::issue(std::optional<std::string_view> client_id, std::string_view body,
                                std::int64_t now_ms)
{
    if (!client_id) {
        return {std::nullopt, "unknown client id: the X-Client-Id header is missing"};
    }
    if (!equal_constant_time(*client_id, options_.client_id)) {
        return {std::nullopt, "unknown client id"};
    }
    const auto parsed = parse_token_body(body);
    if (!parsed) {
        return {std::nullopt,
                "malformed body: expected project=<project>&ai=<ai>&tm=<epoch ms>&auth=<64 hex digits> "
                "in this order"};
    }

    // The signed message is rebuilt here from the body's own values, without
    // any code shared with the client library, so a client signing bug shows.
    const std::string message = "POST\n/auth/token\nproject=" + std::string(parsed->project) + "&ai="
        + std::string(parsed->ai) + "&tm=" + std::string(parsed->tm);
    const std::string expected = hmac_sha256_hex(options_.secret, message);
    if (!equal_constant_time(parsed->auth, expected)) {
        return {std::nullopt, "signature mismatch: auth must be the lower-case hex HMAC-SHA256 of "
                              "\"POST\\n/auth/token\\nproject=<project>&ai=<ai>&tm=<tm>\""};
    }

    std::int64_t tm = 0;
    std::from_chars(parsed->tm.data(), parsed->tm.data() + parsed->tm.size(), tm);
    if (tm < now_ms - tm_window_ms || tm > now_ms + tm_window_ms) {
        return {std::nullopt, "tm outside the allowed window: tm " + std::string(parsed->tm)
                                  + " must be within 10 minutes of the server time "
                                  + std::to_string(now_ms) + " (epoch milliseconds)"};
    }
    if (parsed->project != options_.project || parsed->ai != options_.ai) {
        return {std::nullopt, "wrong project or ai"};
    }

    if (token_expiry_ms_.size() >= sweep_threshold) {
        remove_expired(now_ms);
    }
    std::string token = random_alphanumeric(token_length);
    token_expiry_ms_[token] = now_ms + options_.token_ttl_seconds * 1000;
    return {std::move(token), {}};
}

std::optional<std::string> TokenIssuer::check_api_credentials(std::optional<std::string_view> client_id,
                                                              std::optional<std::string_view> authorization,
                                                              std::int64_t now_ms)
{
    if (!client_id) {
        return "unknown client id: the X-Client-Id header is missing";
    }
    if (!equal_constant_time(*client_id, options_.client_id)) {
        return "unknown client id";
    }
    if (!authorization) {
        return "missing Authorization header: expected 'Token <code>'";
    }
    static constexpr std::string_view scheme = "Token ";
    if (!authorization->starts_with(scheme) || authorization->size() == scheme.size()
        || authorization->find(' ', scheme.size()) != std::string_view::npos) {
        return "malformed Authorization header: expected 'Token <code>' with exactly one space";
    }
    const std::string token(authorization->substr(scheme.size()));
    const auto found = token_expiry_ms_.find(token);
    if (found == token_expiry_ms_.end()) {
        return "invalid token: not issued by this server";
    }
    if (found->second <= now_ms) {
        return "token expired";
    }
    return std::nullopt;
}

void TokenIssuer::remove_expired(std::int64_t now_ms)
{
    std::erase_if(token_expiry_ms_, [now_ms](const auto& entry) { return entry.second <= now_ms; });
}

} // namespace emulator
