// Backoff delays, Retry-After parsing and the API call budget.
#include "retry.hpp"

#include <boost/test/unit_test.hpp>

using namespace gioexport;
using namespace gioexport::detail;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(retry)

BOOST_AUTO_TEST_CASE(backoff_floor_doubles)
{
    retry_options options;  // base 200 ms, cap 30 s
    for (std::uint64_t random : {std::uint64_t{0}, ~std::uint64_t{0}, std::uint64_t{12345678901234567}}) {
        BOOST_TEST_CONTEXT("random " << random)
        {
            const auto first = backoff_delay(options, 1, random).count();
            const auto second = backoff_delay(options, 2, random).count();
            BOOST_TEST(first >= 200);
            BOOST_TEST(first <= 400);
            BOOST_TEST(second >= 400);
            BOOST_TEST(second <= 800);
            BOOST_TEST(backoff_delay(options, 30, random).count() <= 30000);
        }
    }
}

BOOST_AUTO_TEST_CASE(retry_after_seconds)
{
    const auto now = system_clock::now();
    BOOST_TEST(parse_retry_after("3", std::nullopt, now)->count() == 3000);
    BOOST_TEST(parse_retry_after(" 7200 ", std::nullopt, now)->count() == 7200000);
    BOOST_TEST(!parse_retry_after("soon", std::nullopt, now).has_value());
    BOOST_TEST(!parse_retry_after("-1", std::nullopt, now).has_value());
}

BOOST_AUTO_TEST_CASE(retry_after_http_date_uses_server_date)
{
    // The wait is measured against the server's Date, not the local clock.
    const auto local = system_clock::now();
    const auto wait = parse_retry_after("Fri, 04 Dec 2026 02:00:05 GMT",
                                        std::string_view("Fri, 04 Dec 2026 02:00:00 GMT"), local);
    BOOST_TEST_REQUIRE(wait.has_value());
    BOOST_TEST(wait->count() == 5000);

    const auto epoch = system_clock::time_point{seconds{1796349600}};  // 2026-12-04T02:00:00Z
    BOOST_TEST(parse_retry_after("Fri, 04 Dec 2026 02:00:05 GMT", std::nullopt, epoch)->count() == 5000);
    BOOST_TEST(parse_retry_after("Fri, 04 Dec 2026 01:00:00 GMT", std::nullopt, epoch)->count() == 0);
    BOOST_TEST(!parse_http_date("Fri, 32 Dec 2026 02:00:05 GMT").has_value());
    BOOST_TEST(!parse_http_date("Friday, 04-Dec-26 02:00:05 GMT").has_value());
}

BOOST_AUTO_TEST_CASE(retryable_statuses)
{
    for (unsigned status : {429u, 500u, 502u, 503u, 504u})
        BOOST_TEST(is_retryable_status(status));
    for (unsigned status : {200u, 400u, 401u, 403u, 404u, 416u, 501u, 505u})
        BOOST_TEST(!is_retryable_status(status));
}

BOOST_AUTO_TEST_CASE(budget_spaces_calls)
{
    api_rate_limiter limiter(2);
    const auto t0 = steady_clock::now();
    std::vector<steady_clock::time_point> starts;
    for (int i = 0; i < 20; ++i)
        starts.push_back(t0 + limiter.reserve(t0));
    // No one-second window contains more than two starts.
    for (std::size_t i = 2; i < starts.size(); ++i)
        BOOST_TEST(duration_cast<milliseconds>(starts[i] - starts[i - 2]).count() >= 1000);
    BOOST_TEST(duration_cast<milliseconds>(starts.back() - starts.front()).count() >= 9500);
}

BOOST_AUTO_TEST_CASE(budget_pause_holds_every_call)
{
    api_rate_limiter limiter(2);
    const auto t0 = steady_clock::now();
    limiter.pause_until(t0 + seconds(3));
    BOOST_TEST(duration_cast<milliseconds>(limiter.reserve(t0)).count() >= 3000);
}

BOOST_AUTO_TEST_SUITE_END()
