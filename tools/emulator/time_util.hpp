// Emulator clock and the time formats of the export API.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emulator {

// Beijing time is a fixed UTC+8 with no daylight saving time.
inline constexpr std::int64_t beijing_offset_seconds = 8 * 3600;

// Clock of the emulated service: the system clock shifted by an offset that
// --now and the control API set, so it advances in real time from there.
class EmulatorClock {
public:
    std::chrono::system_clock::time_point now() const;
    std::int64_t now_ms() const;
    std::int64_t now_seconds() const;

    void set_now_ms(std::int64_t epoch_ms);
    void advance_seconds(std::int64_t seconds);

private:
    std::chrono::system_clock::duration offset_{};
};

struct CivilTime {
    int year = 1970;
    int month = 1;
    int day = 1;
    int hour = 0;
    int minute = 0;
    int second = 0;
};

// Returns the epoch seconds of a proleptic Gregorian date and time, or nothing
// when the fields do not name a real date and time.
std::optional<std::int64_t> epoch_from_civil(const CivilTime& civil);
CivilTime civil_from_epoch(std::int64_t epoch_seconds);

// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)` into epoch milliseconds.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// 2026-12-04T02:01:00Z
std::string format_iso8601_utc(std::int64_t epoch_seconds);
// 2026-12-04T02:01:00.123Z
std::string format_iso8601_utc_ms(std::int64_t epoch_ms);
// Fri, 04 Dec 2026 02:00:05 GMT (RFC 9110 IMF-fixdate)
std::string format_http_date(std::int64_t epoch_seconds);
// 2026-12-04 10:01, in Beijing time
std::string format_beijing_minutes(std::int64_t epoch_seconds);

} // namespace emulator
