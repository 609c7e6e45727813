// Export type, data type, export date and link expiry validation.
#include <gioexport/error.hpp>
#include <gioexport/types.hpp>

#include <boost/test/unit_test.hpp>

#include "support/print.hpp"

using namespace gioexport;
using namespace std::chrono;

namespace {

bool is_invalid_argument(const error& e)
{
    return e.code() == errc::invalid_argument;
}

// Seconds since the epoch of a UTC date and time.
long long utc(int y, unsigned m, unsigned d, int h, int min, int s = 0)
{
    const sys_seconds tp = sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min} + seconds{s};
    return tp.time_since_epoch().count();
}

long long epoch_seconds(export_date::sys_minutes tp)
{
    return duration_cast<seconds>(tp.time_since_epoch()).count();
}

system_clock::time_point utc_point(int y, unsigned m, unsigned d, int h, int min, int s = 0)
{
    return system_clock::time_point{seconds{utc(y, m, d, h, min, s)}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(types)

BOOST_AUTO_TEST_CASE(export_type_parse)
{
    BOOST_TEST(export_type::parse("hour").get() == export_type::hour);
    BOOST_TEST(export_type::parse("day").get() == export_type::day);
    for (const char* bad : {"Hour", "days", "", "minute"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(export_type::parse(bad), error, is_invalid_argument);
        }
    }
}

BOOST_AUTO_TEST_CASE(export_type_error_names_value)
{
    try {
        export_type::parse("weekly");
        BOOST_FAIL("expected an exception");
    } catch (const error& e) {
        BOOST_TEST(std::string(e.what()).find("\"weekly\"") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("\"hour\" or \"day\"") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(data_type_names)
{
    BOOST_TEST(data_type::parse("visit").is_documented());
    BOOST_TEST(data_type::parse("vstr").is_documented());
    const auto unknown = data_type::parse("new_type_2");
    BOOST_TEST(!unknown.is_documented());
    BOOST_TEST(unknown.name() == "new_type_2");
    BOOST_TEST(data_type::parse(std::string(64, 'a')).name().size() == 64u);
    for (const std::string& bad : {std::string("../x"), std::string(""), std::string("Visit"),
                                  std::string("a/b"), std::string(65, 'a'), std::string("a-b"),
                                  std::string("..")}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(data_type::parse(bad), error, is_invalid_argument);
        }
    }
}

BOOST_AUTO_TEST_CASE(export_date_truncation)
{
    const auto date = export_date::parse("201901150945");
    BOOST_TEST(date.truncated(export_type::hour) == "2019011509");
    BOOST_TEST(date.truncated(export_type::day) == "20190115");
    BOOST_TEST(date.request_value(export_type::hour) == "201901150900");
    BOOST_TEST(date.request_value(export_type::day) == "201901150000");
    // 09:00 Beijing is 01:00 UTC.
    BOOST_TEST(epoch_seconds(date.period_start(export_type::hour)) == 1547514000);
}

BOOST_AUTO_TEST_CASE(export_date_beijing_day_boundary)
{
    // 16:00 UTC is midnight in Beijing.
    const auto before = export_date::from_time_point(utc_point(2026, 12, 3, 15, 59, 59));
    BOOST_TEST(before.digits() == "202612032359");
    BOOST_TEST(before.truncated(export_type::day) == "20261203");
    BOOST_TEST(before.truncated(export_type::hour) == "2026120323");

    const auto after = export_date::from_time_point(utc_point(2026, 12, 3, 16, 0));
    BOOST_TEST(after.digits() == "202612040000");
    BOOST_TEST(after.truncated(export_type::day) == "20261204");
    BOOST_TEST(after.truncated(export_type::hour) == "2026120400");

    // The day export 20180701 covers 2018-06-30 16:00 to 2018-07-01 16:00 UTC.
    const auto day = export_date::parse("201807011530");
    BOOST_TEST(epoch_seconds(day.period_start(export_type::day)) == utc(2018, 6, 30, 16, 0));
    BOOST_TEST(epoch_seconds(day.period_end(export_type::day)) == utc(2018, 7, 1, 16, 0));
}

BOOST_AUTO_TEST_CASE(export_date_fixed_offset_1988)
{
    // China observed daylight saving in 1988; the API uses a fixed +08:00.
    const auto midnight = export_date::parse("198804180000");
    BOOST_TEST(epoch_seconds(midnight.utc()) == 577296000);
    BOOST_TEST(hours_of_day(export_date::parse("19880417")).size() == 24u);
}

BOOST_AUTO_TEST_CASE(hours_of_day_cover_the_day)
{
    const auto day = export_date::parse("20261204");
    const auto hours_list = hours_of_day(day);
    BOOST_TEST_REQUIRE(hours_list.size() == 24u);
    for (int h = 0; h < 24; ++h) {
        char expected[16];
        std::snprintf(expected, sizeof expected, "20261204%02d", h);
        BOOST_TEST(hours_list[h].truncated(export_type::hour) == expected);
    }
    BOOST_TEST(epoch_seconds(hours_list.front().period_start(export_type::hour)) ==
               epoch_seconds(day.period_start(export_type::day)));
    BOOST_TEST(epoch_seconds(hours_list.back().period_end(export_type::hour)) ==
               epoch_seconds(day.period_end(export_type::day)));
}

BOOST_AUTO_TEST_CASE(export_date_short_forms)
{
    BOOST_TEST(export_date::parse("20261204").digits() == "202612040000");
    BOOST_TEST(export_date::parse("2026120415").digits() == "202612041500");
}

BOOST_AUTO_TEST_CASE(export_date_rejects_invalid)
{
    for (const char* bad : {"20261304", "202612320000", "202602290000", "202612042400", "202612041260",
                            "2026120", "2026-12-04", "", "20261204000a", "2026120400000"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(export_date::parse(bad), error, is_invalid_argument);
        }
    }
    BOOST_CHECK_NO_THROW(export_date::parse("202402290000"));  // leap day
}

BOOST_AUTO_TEST_CASE(link_expiry_range)
{
    BOOST_TEST(link_expiry{}.minutes() == 5);
    BOOST_TEST(link_expiry(1).minutes() == 1);
    BOOST_TEST(link_expiry(10080).minutes() == 10080);
    BOOST_TEST(link_expiry::parse("60").minutes() == 60);
    for (int bad : {0, -1, 10081}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(link_expiry{bad}, error, is_invalid_argument);
        }
    }
    for (const char* bad : {"", "5m", "1.5", "abc", " 5"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(link_expiry::parse(bad), error, is_invalid_argument);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
