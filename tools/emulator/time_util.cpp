#include "time_util.hpp"

#include <array>
#include <cstdio>

namespace emulator {

namespace chr = std::chrono;

chr::system_clock::time_point EmulatorClock::now() const
{
    return chr::system_clock::now() + offset_;
}

std::int64_t EmulatorClock::now_ms() const
{
    return chr::duration_cast<chr::milliseconds>(now().time_since_epoch()).count();
}

std::int64_t EmulatorClock::now_seconds() const
{
    return chr::floor<chr::seconds>(now().time_since_epoch()).count();
}

void EmulatorClock::set_now_ms(std::int64_t epoch_ms)
{
    const auto target = chr::system_clock::time_point{chr::milliseconds{epoch_ms}};
    offset_ = target - chr::system_clock::now();
}

void EmulatorClock::advance_seconds(std::int64_t seconds)
{
    offset_ += chr::seconds{seconds};
}

std::optional<std::int64_t> epoch_from_civil(const CivilTime& civil)
{
    const chr::year_month_day date{chr::year{civil.year},
                                   chr::month{static_cast<unsigned>(civil.month)},
                                   chr::day{static_cast<unsigned>(civil.day)}};
    if (!date.ok() || civil.hour < 0 || civil.hour > 23 || civil.minute < 0 || civil.minute > 59
        || civil.second < 0 || civil.second > 59) {
        return std::nullopt;
    }
    const std::int64_t days = chr::sys_days{date}.time_since_epoch().count();
    return days * 86400 + civil.hour * 3600 + civil.minute * 60 + civil.second;
}

CivilTime civil_from_epoch(std::int64_t epoch_seconds)
{
    const auto time = chr::sys_seconds{chr::seconds{epoch_seconds}};
    const auto day_start = chr::floor<chr::days>(time);
    const chr::year_month_day date{day_start};
    const chr::hh_mm_ss clock_time{time - day_start};

    CivilTime civil;
    civil.year = static_cast<int>(date.year());
    civil.month = static_cast<int>(static_cast<unsigned>(date.month()));
    civil.day = static_cast<int>(static_cast<unsigned>(date.day()));
    civil.hour = static_cast<int>(clock_time.hours().count());
    civil.minute = static_cast<int>(clock_time.minutes().count());
    civil.second = static_cast<int>(clock_time.seconds().count());
    return civil;
}

namespace {

// Reads exactly `count` decimal digits at `pos` and advances `pos`.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t count)
{
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool expect_char(std::string_view text, std::size_t& pos, char expected)
{
    if (pos >= text.size() || text[pos] != expected) {
        return false;
    }
    ++pos;
    return true;
}

} // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view text)
{
    std::size_t pos = 0;
    CivilTime civil;
    const auto year = read_digits(text, pos, 4);
    if (!year || !expect_char(text, pos, '-')) {
        return std::nullopt;
    }
    const auto month = read_digits(text, pos, 2);
    if (!month || !expect_char(text, pos, '-')) {
        return std::nullopt;
    }
    const auto day = read_digits(text, pos, 2);
    if (!day || pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) {
        return std::nullopt;
    }
    ++pos;
    const auto hour = read_digits(text, pos, 2);
    if (!hour || !expect_char(text, pos, ':')) {
        return std::nullopt;
    }
    const auto minute = read_digits(text, pos, 2);
    if (!minute || !expect_char(text, pos, ':')) {
        return std::nullopt;
    }
    const auto second = read_digits(text, pos, 2);
    if (!second) {
        return std::nullopt;
    }
    civil = CivilTime{*year, *month, *day, *hour, *minute, *second};

    std::int64_t millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::int64_t scale = 100;
        std::size_t digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            millis += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
            ++digits;
        }
        if (digits == 0) {
            return std::nullopt;
        }
    }

    std::int64_t zone_offset_seconds = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '+' ? 1 : -1;
        ++pos;
        const auto zone_hours = read_digits(text, pos, 2);
        if (!zone_hours || !expect_char(text, pos, ':')) {
            return std::nullopt;
        }
        const auto zone_minutes = read_digits(text, pos, 2);
        if (!zone_minutes || *zone_hours > 23 || *zone_minutes > 59) {
            return std::nullopt;
        }
        zone_offset_seconds = sign * (*zone_hours * 3600 + *zone_minutes * 60);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }

    const auto local_seconds = epoch_from_civil(civil);
    if (!local_seconds) {
        return std::nullopt;
    }
    return (*local_seconds - zone_offset_seconds) * 1000 + millis;
}

std::string format_iso8601_utc(std::int64_t epoch_seconds)
{
    const CivilTime c = civil_from_epoch(epoch_seconds);
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month,
                  c.day, c.hour, c.minute, c.second);
    return text.data();
}

std::string format_iso8601_utc_ms(std::int64_t epoch_ms)
{
    const std::int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
    const int millis = static_cast<int>(epoch_ms - seconds * 1000);
    const CivilTime c = civil_from_epoch(seconds);
    std::array<char, 40> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year,
                  c.month, c.day, c.hour, c.minute, c.second, millis);
    return text.data();
}

std::string format_http_date(std::int64_t epoch_seconds)
{
    static constexpr std::array<const char*, 7> weekdays{"Thu", "Fri", "Sat", "Sun",
                                                         "Mon", "Tue", "Wed"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const CivilTime c = civil_from_epoch(epoch_seconds);
    // 1970-01-01 was a Thursday, hence the order of `weekdays`.
    std::int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
    const auto weekday = static_cast<std::size_t>(((days % 7) + 7) % 7);
    std::array<char, 40> text{};
    std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  weekdays[weekday], c.day, months[static_cast<std::size_t>(c.month - 1)], c.year,
                  c.hour, c.minute, c.second);
    return text.data();
}

std::string format_beijing_minutes(std::int64_t epoch_seconds)
{
    const CivilTime c = civil_from_epoch(epoch_seconds + beijing_offset_seconds);
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day,
                  c.hour, c.minute);
    return text.data();
}

} // namespace emulator
