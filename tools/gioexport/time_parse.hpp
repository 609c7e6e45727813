// Parsing of the --date argument and of durations such as "1h30m".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gioexport::cli {

// Converts an ISO-8601 instant with a UTC offset to the 12 digits
// yyyyMMddHHmm of the same instant in Beijing time (UTC+8), dropping seconds.
// Accepts YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by Z or an offset
// +HH, +HHMM or +HH:MM (or the same with '-'). Returns nullopt for any other
// text, an impossible date or time, or a result outside the years 0000-9999.
std::optional<std::string> beijing_digits_from_iso8601(std::string_view text);

// Converts a --date argument to Beijing-time digits. 8, 10 or 12 digits are
// already Beijing time and come back unchanged (export_date::parse checks
// them); anything else goes through beijing_digits_from_iso8601.
std::optional<std::string> beijing_digits_from_argument(std::string_view text);

// Parses a duration: plain seconds ("90"), or one to three parts in the order
// hours, minutes, seconds, each a decimal number with its unit ("2h", "90m",
// "1h30m", "1h30m15s"). Returns nullopt for anything else, including values
// beyond max_duration_argument.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// Upper bound of parse_duration. Waiting longer than the 15 days for which
// GrowingIO keeps raw data cannot help, and the bound keeps sums from
// overflowing.
inline constexpr std::chrono::seconds max_duration_argument = std::chrono::days(15);

// Formats a duration the way parse_duration reads it, e.g. "1h30m" or "45s".
std::string format_duration(std::chrono::seconds duration);

}  // namespace gioexport::cli
