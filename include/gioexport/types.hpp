// Validated value types for the parameters of an export request.
//
// Each type checks its input when it is built and throws gioexport::error with
// errc::invalid_argument, naming the value and the accepted form, so a bad
// value never reaches the network.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gioexport {

// The granularity of an export: one Beijing hour or one Beijing day.
class export_type {
public:
    enum value : std::uint8_t { hour, day };

    constexpr export_type(value v) noexcept : value_(v) {}

    // Parses "hour" or "day".
    static export_type parse(std::string_view text);

    constexpr value get() const noexcept { return value_; }
    std::string_view name() const noexcept { return value_ == hour ? "hour" : "day"; }

    friend constexpr bool operator==(export_type, export_type) noexcept = default;

private:
    value value_;
};

// A data type name as used in paths and in the keys of downloadLinks.
//
// The server may add types this version does not know, so any name matching
// [a-z0-9_]{1,64} is kept. The pattern also guarantees that the name is safe
// as one folder name.
class data_type {
public:
    static constexpr std::size_t max_length = 64;

    // The ten types the documentation lists, in the documentation's order.
    static const std::array<std::string_view, 10>& documented() noexcept;

    // Parses a name; throws errc::invalid_argument unless it matches the pattern.
    static data_type parse(std::string_view name);

    // Returns true if name matches [a-z0-9_]{1,64}.
    static bool is_valid_name(std::string_view name) noexcept;

    const std::string& name() const noexcept { return name_; }
    bool is_documented() const noexcept;

    friend bool operator==(const data_type&, const data_type&) = default;

private:
    explicit data_type(std::string name) : name_(std::move(name)) {}
    std::string name_;
};

// A point in Beijing time (UTC+8 all year; China has had no daylight saving
// since 1991, and the API ignores the historical rules) with minute precision.
class export_date {
public:
    using sys_minutes = std::chrono::sys_time<std::chrono::minutes>;

    // Parses yyyyMMddHHmm (12 digits) as Beijing time. Also accepts the
    // truncated forms yyyyMMdd and yyyyMMddHH. Rejects impossible dates.
    static export_date parse(std::string_view text);

    // Converts a UTC time point to Beijing time, dropping seconds.
    static export_date from_time_point(std::chrono::system_clock::time_point tp);

    // The date as the 12 digits yyyyMMddHHmm, in Beijing time.
    std::string digits() const;

    // The digits that name the period: yyyyMMdd for day, yyyyMMddHH for hour.
    std::string truncated(export_type type) const;

    // The path value sent to the server: the truncated digits padded with
    // zeros back to 12, so the request names exactly the period we mean.
    std::string request_value(export_type type) const;

    // First instant (UTC) of the hour or day this date falls in.
    sys_minutes period_start(export_type type) const;

    // First instant (UTC) after the period.
    sys_minutes period_end(export_type type) const;

    sys_minutes utc() const noexcept { return utc_; }

    friend bool operator==(const export_date&, const export_date&) = default;

private:
    explicit export_date(sys_minutes utc) : utc_(utc) {}
    sys_minutes utc_;
};

// Throws errc::invalid_argument, naming the date, when the hour or day of
// `date` starts after `now`: no export exists for it yet.
void require_period_started(export_type type, const export_date& date,
                            std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// The 24 hours of the Beijing day that `date` falls in, in order, as dates for
// hour exports. Beijing days always have 24 hours.
std::vector<export_date> hours_of_day(const export_date& date);

// The offset of Beijing time from UTC.
inline constexpr std::chrono::hours beijing_offset{8};

// Lifetime of the download links in minutes: 1 to 10080 (seven days).
class link_expiry {
public:
    static constexpr int min_minutes = 1;
    static constexpr int max_minutes = 10080;
    static constexpr int default_minutes = 5;

    constexpr link_expiry() noexcept = default;

    // Throws errc::invalid_argument outside [1, 10080].
    explicit link_expiry(int minutes);

    // Parses a decimal integer such as "5".
    static link_expiry parse(std::string_view text);

    constexpr int minutes() const noexcept { return minutes_; }

private:
    int minutes_ = default_minutes;
};

}  // namespace gioexport
