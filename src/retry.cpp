#include "retry.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace gioexport::detail {

using namespace std::chrono;

milliseconds backoff_delay(const retry_options& retry, int failures, std::uint64_t random)
{
    const int exponent = std::clamp(failures - 1, 0, 30);
    const double floor_ms = static_cast<double>(retry.base_delay.count()) * std::ldexp(1.0, exponent);
    const double cap_ms = static_cast<double>(retry.max_delay.count());
    const double jitter_ms = floor_ms * (static_cast<double>(random >> 11) * 0x1.0p-53);
    return milliseconds(static_cast<std::int64_t>(std::min(floor_ms + jitter_ms, cap_ms)));
}

std::optional<system_clock::time_point> parse_http_date(std::string_view text)
{
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", 29 characters.
    static constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (text.size() != 29 || text[3] != ',' || text.substr(25) != " GMT")
        return std::nullopt;
    auto number = [&](std::size_t pos, std::size_t len, int& out) {
        const char* first = text.data() + pos;
        const auto [end, ec] = std::from_chars(first, first + len, out);
        return ec == std::errc{} && end == first + len;
    };
    int day_of_month = 0, year_value = 0, hh = 0, mm = 0, ss = 0;
    if (!number(5, 2, day_of_month) || !number(12, 4, year_value) || !number(17, 2, hh) ||
        !number(20, 2, mm) || !number(23, 2, ss))
        return std::nullopt;
    const auto month_it = std::find(months.begin(), months.end(), text.substr(8, 3));
    if (month_it == months.end() || hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    const year_month_day ymd{year{year_value}, month{static_cast<unsigned>(month_it - months.begin() + 1)},
                             day{static_cast<unsigned>(day_of_month)}};
    if (!ymd.ok())
        return std::nullopt;
    return sys_days{ymd} + hours{hh} + minutes{mm} + seconds{ss};
}

std::optional<milliseconds> parse_retry_after(std::string_view value, std::optional<std::string_view> server_date,
                                              system_clock::time_point now)
{
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ')
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;

    std::uint64_t delta = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), delta);
    if (ec == std::errc{} && end == value.data() + value.size())
        return milliseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(delta, 1'000'000'000)) * 1000);

    const auto retry_at = parse_http_date(value);
    if (!retry_at)
        return std::nullopt;
    system_clock::time_point reference = now;
    if (server_date)
        if (const auto date = parse_http_date(*server_date))
            reference = *date;
    if (*retry_at <= reference)
        return milliseconds(0);
    return duration_cast<milliseconds>(*retry_at - reference);
}

bool is_retryable_status(unsigned status) noexcept
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

api_rate_limiter::clock::duration api_rate_limiter::reserve(clock::time_point now)
{
    std::lock_guard lock(mutex_);
    clock::time_point start = std::max({now, paused_until_, last_start_});
    if (per_second_ > 0) {
        // Up to `window` calls may start at once, and the next one waits
        // until the oldest of them is `span` old, so no one-second window
        // contains more than per_second starts. The span is 10 percent longer
        // than the exact figure because a request reaches the server a little
        // earlier or later than its reserved start.
        const std::size_t window = std::max<std::size_t>(1, static_cast<std::size_t>(per_second_));
        const auto span = duration_cast<clock::duration>(duration<double>(1.1 * static_cast<double>(window) / per_second_));
        if (starts_.size() >= window)
            start = std::max(start, starts_[starts_.size() - window] + span);
        starts_.push_back(start);
        while (starts_.size() > window)
            starts_.pop_front();
    }
    last_start_ = start;
    return start - now;
}

void api_rate_limiter::pause_until(clock::time_point until)
{
    std::lock_guard lock(mutex_);
    paused_until_ = std::max(paused_until_, until);
}

}  // namespace gioexport::detail
