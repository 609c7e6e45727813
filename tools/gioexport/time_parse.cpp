#include "time_parse.hpp"

#include <gioexport/types.hpp>

#include <algorithm>
#include <cstdio>

namespace gioexport::cli {
namespace {

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), is_digit);
}

// Reads exactly `count` digits at `pos` and advances past them.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t count)
{
    if (pos + count > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!is_digit(c))
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool read_char(std::string_view text, std::size_t& pos, char expected)
{
    if (pos >= text.size() || text[pos] != expected)
        return false;
    ++pos;
    return true;
}

// Reads the UTC offset at `pos` to the end of the text: Z, or a sign with
// HH, HHMM or HH:MM. Returns the offset east of UTC.
std::optional<std::chrono::minutes> read_offset(std::string_view text, std::size_t pos)
{
    if (pos >= text.size())
        return std::nullopt;
    if (text[pos] == 'Z' || text[pos] == 'z')
        return pos + 1 == text.size() ? std::optional(std::chrono::minutes(0)) : std::nullopt;

    int sign = 0;
    if (text[pos] == '+')
        sign = 1;
    else if (text[pos] == '-')
        sign = -1;
    else
        return std::nullopt;
    ++pos;

    const auto hours = read_digits(text, pos, 2);
    if (!hours || *hours > 23)
        return std::nullopt;
    int minutes = 0;
    if (pos < text.size()) {
        read_char(text, pos, ':');
        const auto read = read_digits(text, pos, 2);
        if (!read || *read > 59)
            return std::nullopt;
        minutes = *read;
    }
    if (pos != text.size())
        return std::nullopt;
    return std::chrono::minutes(sign * (*hours * 60 + minutes));
}

}  // namespace

std::optional<std::string> beijing_digits_from_iso8601(std::string_view text)
{
    using namespace std::chrono;

    std::size_t pos = 0;
    const auto year = read_digits(text, pos, 4);
    if (!year || !read_char(text, pos, '-'))
        return std::nullopt;
    const auto month = read_digits(text, pos, 2);
    if (!month || !read_char(text, pos, '-'))
        return std::nullopt;
    const auto day = read_digits(text, pos, 2);
    if (!day)
        return std::nullopt;
    if (!read_char(text, pos, 'T') && !read_char(text, pos, 't'))
        return std::nullopt;
    const auto hour = read_digits(text, pos, 2);
    if (!hour || !read_char(text, pos, ':'))
        return std::nullopt;
    const auto minute = read_digits(text, pos, 2);
    if (!minute)
        return std::nullopt;

    // Seconds and a fraction only need checking: the offset is whole minutes,
    // so dropping them floors the instant to its minute in any time zone.
    if (read_char(text, pos, ':')) {
        const auto second = read_digits(text, pos, 2);
        if (!second || *second > 59)
            return std::nullopt;
        if (read_char(text, pos, '.') || read_char(text, pos, ',')) {
            const std::size_t fraction_start = pos;
            while (pos < text.size() && is_digit(text[pos]))
                ++pos;
            if (pos == fraction_start)
                return std::nullopt;
        }
    }

    const auto offset = read_offset(text, pos);
    if (!offset)
        return std::nullopt;

    const year_month_day date{std::chrono::year(*year), std::chrono::month(*month),
                              std::chrono::day(*day)};
    if (!date.ok() || *hour > 23 || *minute > 59)
        return std::nullopt;

    using sys_minutes = sys_time<minutes>;
    const sys_minutes local_wall = sys_days(date) + hours(*hour) + minutes(*minute);
    const sys_minutes utc = local_wall - *offset;
    const sys_minutes beijing_wall = utc + gioexport::beijing_offset;

    const sys_days beijing_day = floor<days>(beijing_wall);
    const year_month_day beijing_date(beijing_day);
    const hh_mm_ss time_of_day(beijing_wall - beijing_day);
    const int beijing_year = static_cast<int>(beijing_date.year());
    if (beijing_year < 0 || beijing_year > 9999)
        return std::nullopt;

    char digits[32];
    std::snprintf(digits, sizeof digits, "%04d%02u%02u%02d%02d", beijing_year,
                  static_cast<unsigned>(beijing_date.month()),
                  static_cast<unsigned>(beijing_date.day()),
                  static_cast<int>(time_of_day.hours().count()),
                  static_cast<int>(time_of_day.minutes().count()));
    return std::string(digits, 12);
}

std::optional<std::string> beijing_digits_from_argument(std::string_view text)
{
    if (all_digits(text) && (text.size() == 8 || text.size() == 10 || text.size() == 12))
        return std::string(text);
    return beijing_digits_from_iso8601(text);
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text)
{
    // Nine digits per number keep every part below 10^9 units, so the sum of
    // four parts fits in 64 bits before the range check.
    constexpr std::size_t max_number_digits = 9;

    if (text.empty())
        return std::nullopt;

    if (all_digits(text)) {
        if (text.size() > max_number_digits)
            return std::nullopt;
        const std::chrono::seconds plain(std::stoll(std::string(text)));
        if (plain > max_duration_argument)
            return std::nullopt;
        return plain;
    }

    // Each unit may appear once, in the order d, h, m, s.
    constexpr std::string_view units = "dhms";
    constexpr long long unit_seconds[] = {86400, 3600, 60, 1};
    std::size_t next_unit = 0;
    long long total = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t number_start = pos;
        while (pos < text.size() && is_digit(text[pos]))
            ++pos;
        const std::size_t number_length = pos - number_start;
        if (number_length == 0 || number_length > max_number_digits || pos == text.size())
            return std::nullopt;

        const std::size_t unit = units.find(text[pos], next_unit);
        if (unit == std::string_view::npos)
            return std::nullopt;
        total += std::stoll(std::string(text.substr(number_start, number_length))) *
                 unit_seconds[unit];
        next_unit = unit + 1;
        ++pos;
    }

    const std::chrono::seconds result(total);
    if (result > max_duration_argument)
        return std::nullopt;
    return result;
}

std::string format_duration(std::chrono::seconds duration)
{
    const long long total = duration.count();
    const long long hours = total / 3600;
    const long long minutes = total % 3600 / 60;
    const long long seconds = total % 60;

    std::string text;
    if (hours > 0)
        text += std::to_string(hours) + "h";
    if (minutes > 0)
        text += std::to_string(minutes) + "m";
    if (seconds > 0 || text.empty())
        text += std::to_string(seconds) + "s";
    return text;
}

}  // namespace gioexport::cli
