// Retry decisions that need no I/O: backoff delays, Retry-After, and the
// shared budget of export API calls.
#pragma once

#include <gioexport/options.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>

namespace gioexport::detail {

// The delay before the next attempt after `failures` failed ones (1 or more):
// an exponential floor base * 2^(failures-1) plus a random part of up to the
// same amount, capped at max_delay. The jitter only adds time, so the floor
// is a guaranteed gap. `random` is any 64-bit random value.
std::chrono::milliseconds backoff_delay(const retry_options& retry, int failures, std::uint64_t random);

// Parses a Retry-After value: delta seconds ("3") or an HTTP-date ("Fri, 04
// Dec 2026 02:00:05 GMT"). An HTTP-date is measured against the server's Date
// header when one is given, else against `now`. Returns nothing for a value
// that is neither; a date in the past gives zero.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                            std::optional<std::string_view> server_date,
                                                            std::chrono::system_clock::time_point now);

// Parses an IMF-fixdate such as "Fri, 04 Dec 2026 02:00:05 GMT".
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// Whether an HTTP status is worth repeating: 429, and 5xx other than 501 and 505.
bool is_retryable_status(unsigned status) noexcept;

// The budget of export API calls shared by all work of one client: calls
// start at most `per_second` times in any second (with a 10 percent margin,
// and up to that many at once), and a Retry-After
// from the server pauses every call until it has passed. Zero turns the
// budget off. Thread-safe.
class api_rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    explicit api_rate_limiter(double per_second) : per_second_(per_second) {}

    // Reserves the next start slot and returns how long the caller must wait
    // before it starts its call (zero when it may start now).
    clock::duration reserve(clock::time_point now);

    // Holds every later reservation until `until`.
    void pause_until(clock::time_point until);

private:
    std::mutex mutex_;
    double per_second_;
    std::deque<clock::time_point> starts_;  // the last `window` reserved starts
    clock::time_point last_start_{};
    clock::time_point paused_until_{};
};

}  // namespace gioexport::detail
