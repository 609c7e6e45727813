// Conversion of --date arguments to Beijing time, and duration parsing.
#include "time_parse.hpp"

#include <gioexport/types.hpp>

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>

using gioexport::cli::beijing_digits_from_argument;
using gioexport::cli::beijing_digits_from_iso8601;
using gioexport::cli::format_duration;
using gioexport::cli::parse_duration;
using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(time_parse)

BOOST_AUTO_TEST_CASE(iso8601_converts_to_beijing_digits)
{
    struct row {
        const char* input;
        const char* beijing;
    };
    const row rows[] = {
        {"2026-12-03T16:30:00Z", "202612040030"},
        {"2026-12-03T16:30Z", "202612040030"},
        {"2026-12-04T00:30:00+08:00", "202612040030"},
        {"2026-12-04T00:30+08:00", "202612040030"},
        {"2026-12-04T00:30:00+0800", "202612040030"},
        {"2026-12-04T00:30:00+08", "202612040030"},
        {"2026-12-03t16:30:00z", "202612040030"},
        {"2026-12-03T16:30:00.999Z", "202612040030"},
        {"2026-12-03T15:59:59Z", "202612032359"},
        {"2026-12-03T16:00:00Z", "202612040000"},
        {"2026-12-03T10:30:00-05:00", "202612032330"},
        {"2026-12-03T11:00:00-05:00", "202612040000"},
        {"2026-12-04T05:45:00+05:45", "202612040800"},
        {"2026-12-31T16:00:00Z", "202701010000"},
        {"2028-02-28T16:00:00Z", "202802290000"},
        {"2027-02-28T16:00:00Z", "202703010000"},
        {"2026-12-04T23:59:00+14:00", "202612041759"},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT("input " << r.input)
        {
            const auto digits = beijing_digits_from_iso8601(r.input);
            BOOST_REQUIRE(digits.has_value());
            BOOST_TEST(*digits == r.beijing);
        }
    }
}

BOOST_AUTO_TEST_CASE(beijing_day_boundary_names_period)
{
    const auto after = beijing_digits_from_argument("2026-12-03T16:30:00Z");
    BOOST_REQUIRE(after.has_value());
    const auto after_date = gioexport::export_date::parse(*after);
    BOOST_TEST(after_date.truncated(gioexport::export_type::day) == "20261204");
    BOOST_TEST(after_date.truncated(gioexport::export_type::hour) == "2026120400");

    const auto before = beijing_digits_from_argument("2026-12-03T15:59:59Z");
    BOOST_REQUIRE(before.has_value());
    const auto before_date = gioexport::export_date::parse(*before);
    BOOST_TEST(before_date.truncated(gioexport::export_type::day) == "20261203");
    BOOST_TEST(before_date.truncated(gioexport::export_type::hour) == "2026120323");
}

BOOST_AUTO_TEST_CASE(conversion_matches_library_clock_conversion)
{
    // export_date::from_time_point is the library's own UTC-to-Beijing
    // conversion; both must agree on every hour of a day around midnight.
    using namespace std::chrono;
    const sys_days day = sys_days(year(2026) / December / 3);
    for (int hour = 0; hour < 24; ++hour) {
        const auto instant = day + hours(hour) + minutes(7);
        char text[32];
        std::snprintf(text, sizeof text, "2026-12-03T%02d:07:00Z", hour);
        BOOST_TEST_CONTEXT("input " << text)
        {
            const auto digits = beijing_digits_from_iso8601(text);
            BOOST_REQUIRE(digits.has_value());
            BOOST_TEST(*digits == gioexport::export_date::from_time_point(instant).digits());
        }
    }
}

BOOST_AUTO_TEST_CASE(iso8601_rejects_malformed_input)
{
    const char* const inputs[] = {
        "",
        "2026-12-03T16:30:00",         // no offset
        "2026-12-03",                  // no time
        "2026-12-03 16:30Z",           // space instead of T
        "2026-13-03T16:30Z",           // month 13
        "2026-02-30T00:00Z",           // no such day
        "2026-02-29T00:00Z",           // 2026 is no leap year
        "2026-12-03T24:00Z",
        "2026-12-03T16:60Z",
        "2026-12-03T16:30:60Z",
        "2026-12-03T16:30:00.Z",       // empty fraction
        "2026-12-03T16:30+24:00",
        "2026-12-03T16:30+08:60",
        "2026-12-03T16:30+8",
        "2026-12-03T16:30Zjunk",
        "2026-12-03T16:30:00+08:00x",
        "20261203T1630Z",              // basic format
        "9999-12-31T16:00:00Z",        // Beijing year 10000
        "2026-1-3T16:30Z",
    };
    for (const char* input : inputs) {
        BOOST_TEST_CONTEXT("input \"" << input << "\"")
        {
            BOOST_TEST(!beijing_digits_from_iso8601(input).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(digit_dates_pass_through)
{
    BOOST_TEST(beijing_digits_from_argument("20261204").value_or("") == "20261204");
    BOOST_TEST(beijing_digits_from_argument("2026120400").value_or("") == "2026120400");
    BOOST_TEST(beijing_digits_from_argument("202612040030").value_or("") == "202612040030");
    BOOST_TEST(!beijing_digits_from_argument("202612040").has_value());
    BOOST_TEST(!beijing_digits_from_argument("2026120400301").has_value());
}

BOOST_AUTO_TEST_CASE(durations_parse_to_seconds)
{
    struct row {
        const char* input;
        long long seconds;
    };
    const row rows[] = {
        {"90", 90},         {"0", 0},           {"90s", 90},        {"90m", 5400},
        {"2h", 7200},       {"1h30m", 5400},    {"1h30m15s", 5415}, {"1h15s", 3615},
        {"30m5s", 1805},    {"0s", 0},          {"360h", 1296000},  {"1296000", 1296000},
        {"2d", 172800},     {"1d12h", 129600},  {"15d", 1296000},
    };
    for (const row& r : rows) {
        BOOST_TEST_CONTEXT("input " << r.input)
        {
            const auto parsed = parse_duration(r.input);
            BOOST_REQUIRE(parsed.has_value());
            BOOST_TEST(parsed->count() == r.seconds);
        }
    }
}

BOOST_AUTO_TEST_CASE(durations_reject_malformed_input)
{
    const char* const inputs[] = {
        "",      "1.5h",  "1m1h",       "1h1h", "h",    "10x",  "-5",
        " 5",    "5 s",   "16d",        "1H",   "1h30", "361h", "1296001", "1h1d",
        "1234567890",     "9999999999s",
    };
    for (const char* input : inputs) {
        BOOST_TEST_CONTEXT("input \"" << input << "\"")
        {
            BOOST_TEST(!parse_duration(input).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(durations_format_as_parsed)
{
    BOOST_TEST(format_duration(seconds(5400)) == "1h30m");
    BOOST_TEST(format_duration(seconds(30)) == "30s");
    BOOST_TEST(format_duration(seconds(0)) == "0s");
    BOOST_TEST(format_duration(seconds(3600)) == "1h");
    BOOST_TEST(format_duration(seconds(3661)) == "1h1m1s");
    BOOST_TEST(parse_duration(format_duration(seconds(5415)))->count() == 5415);
}

BOOST_AUTO_TEST_SUITE_END()
