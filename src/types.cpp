#include <gioexport/error.hpp>
#include <gioexport/types.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace gioexport {
namespace {

using namespace std::chrono;

[[noreturn]] void reject(const std::string& message)
{
    throw error(errc::invalid_argument, message);
}

// Quotes a user value for an error message, cut to a readable length.
std::string quoted(std::string_view value)
{
    constexpr std::size_t max_shown = 80;
    std::string shown(value.substr(0, max_shown));
    if (value.size() > max_shown)
        shown += "...";
    return "\"" + shown + "\"";
}

bool all_digits(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int digits_value(std::string_view text, std::size_t pos, std::size_t count)
{
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i)
        value = value * 10 + (text[i] - '0');
    return value;
}

}  // namespace

export_type export_type::parse(std::string_view text)
{
    if (text == "hour")
        return hour;
    if (text == "day")
        return day;
    reject("invalid export type " + quoted(text) + ": expected \"hour\" or \"day\"");
}

const std::array<std::string_view, 10>& data_type::documented() noexcept
{
    static constexpr std::array<std::string_view, 10> names = {
        "visit",        "page", "action", "action_tag", "custom_event",
        "pvar",         "evar", "vstr",   "ads_track_activation", "ads_track_click",
    };
    return names;
}

bool data_type::is_valid_name(std::string_view name) noexcept
{
    if (name.empty() || name.size() > max_length)
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

data_type data_type::parse(std::string_view name)
{
    if (!is_valid_name(name))
        reject("invalid data type " + quoted(name) +
               ": expected 1 to 64 characters from a-z, 0-9 and _, such as \"visit\"");
    return data_type(std::string(name));
}

bool data_type::is_documented() const noexcept
{
    const auto& names = documented();
    return std::find(names.begin(), names.end(), name_) != names.end();
}

export_date export_date::parse(std::string_view text)
{
    const std::string expected =
        ": expected Beijing time as yyyyMMddHHmm (12 digits), yyyyMMddHH or yyyyMMdd";
    if ((text.size() != 12 && text.size() != 10 && text.size() != 8) || !all_digits(text))
        reject("invalid export date " + quoted(text) + expected);

    const year_month_day ymd{year{digits_value(text, 0, 4)},
                             month{static_cast<unsigned>(digits_value(text, 4, 2))},
                             day{static_cast<unsigned>(digits_value(text, 6, 2))}};
    const int hh = text.size() >= 10 ? digits_value(text, 8, 2) : 0;
    const int mm = text.size() == 12 ? digits_value(text, 10, 2) : 0;
    if (!ymd.ok() || int(ymd.year()) < 1970 || hh > 23 || mm > 59)
        reject("invalid export date " + quoted(text) + ": no such date or time" + expected);

    const auto beijing = sys_days{ymd} + hours{hh} + minutes{mm};
    return export_date(beijing - beijing_offset);
}

export_date export_date::from_time_point(system_clock::time_point tp)
{
    return export_date(floor<minutes>(tp));
}

std::string export_date::digits() const
{
    const auto beijing = utc_ + beijing_offset;
    const auto day_start = floor<days>(beijing);
    const year_month_day ymd{day_start};
    const hh_mm_ss time{beijing - day_start};
    char text[16];
    std::snprintf(text, sizeof text, "%04d%02u%02u%02d%02d", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(time.hours().count()),
                  int(time.minutes().count()));
    return text;
}

std::string export_date::truncated(export_type type) const
{
    return digits().substr(0, type == export_type::day ? 8 : 10);
}

std::string export_date::request_value(export_type type) const
{
    std::string value = truncated(type);
    value.resize(12, '0');
    return value;
}

export_date::sys_minutes export_date::period_start(export_type type) const
{
    const auto beijing = utc_ + beijing_offset;
    const sys_minutes start = type == export_type::day ? sys_minutes{floor<days>(beijing)}
                                                       : sys_minutes{floor<hours>(beijing)};
    return start - beijing_offset;
}

export_date::sys_minutes export_date::period_end(export_type type) const
{
    return period_start(type) + (type == export_type::day ? minutes{24 * 60} : minutes{60});
}

void require_period_started(export_type type, const export_date& date, std::chrono::system_clock::time_point now)
{
    if (date.period_start(type) > now)
        throw error(errc::invalid_argument, "invalid date " + date.truncated(type) +
                                                ": the period lies in the future (Beijing time, UTC+8); "
                                                "expected a period that has started");
}

std::vector<export_date> hours_of_day(const export_date& date)
{
    std::vector<export_date> hours_list;
    const auto start = date.period_start(export_type::day);
    for (int h = 0; h < 24; ++h)
        hours_list.push_back(export_date::from_time_point(start + hours{h}));
    return hours_list;
}

link_expiry::link_expiry(int minutes) : minutes_(minutes)
{
    if (minutes < min_minutes || minutes > max_minutes)
        reject("invalid link expiry " + std::to_string(minutes) +
               " minutes: expected a whole number from 1 to 10080 (seven days)");
}

link_expiry link_expiry::parse(std::string_view text)
{
    int minutes = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty())
        reject("invalid link expiry " + quoted(text) +
               ": expected a whole number of minutes from 1 to 10080");
    return link_expiry(minutes);
}

}  // namespace gioexport
