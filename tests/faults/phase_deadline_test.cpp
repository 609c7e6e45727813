// Deadlines per phase: a slow connection setup does not shorten the deadline
// of the body that follows, and a setup slower than its own deadline fails
// as a timeout that names the phase.
//
// The emulator's accept_delay fault waits before it serves a new connection.
// Over HTTPS the client then waits in its TLS handshake. Over HTTP the TCP
// connect completes in the kernel, so the client waits for the first byte of
// the response instead.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace gioexport;
using namespace gioexport::test;
using namespace std::chrono;

namespace {

// The scenario has an idle timeout of 5 s, 4 s of connection setup and then
// a steady body of 10 s. Every time here is half of that. The check depends
// on the ratios only: the setup takes 80 % of the deadline, and the body
// twice the deadline. Halving saves 7 s in each of the two tests, which the
// test command runs twice (also under the sanitizers).
constexpr milliseconds phase_deadline{2500};
constexpr milliseconds setup_delay{2000};
constexpr std::uint64_t chunk_bytes = 500000;
constexpr std::uint64_t body_bytes_per_second = 100000;  // 5 s for the chunk

void check_slow_setup_then_steady_body(bool tls)
{
    emulator_process emulator(tls, {"--chunk-bytes", std::to_string(chunk_bytes)});
    boost::asio::io_context io;
    std::string url;
    {
        client lister(io.get_executor(), emulator_options(emulator));
        url = link_of(io, lister, "page");
    }
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"accept_delay","delay_ms":)" + std::to_string(setup_delay.count()) +
                         R"(},{"kind":"slow","target":"objects","bytes_per_second":)" +
                         std::to_string(body_bytes_per_second) + "}]}");

    // Every phase gets the same deadline, so one that carried over from the
    // setup into the body would end the body about 0.5 s in.
    captured_log log;
    auto options = emulator_options(emulator);
    options.timeouts.connect = phase_deadline;
    options.timeouts.tls_handshake = phase_deadline;
    options.timeouts.first_byte = phase_deadline;
    options.timeouts.idle = phase_deadline;
    options.logger = log.sink();
    client downloader(io.get_executor(), options);
    temp_folder out;
    const auto started = steady_clock::now();
    const auto result = run(io, downloader.download_link(url, out.path() / "page.csv.gz"));
    const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - started);

    BOOST_TEST(result.state == verification::verified);
    BOOST_TEST(result.bytes >= chunk_bytes);
    // A deadline that fired would have been retried and resumed, so only a
    // single request and no retry in the log show that none fired.
    BOOST_TEST(count_requests(emulator, "/objects/") == 1u);
    BOOST_TEST(log.joined().find("retrying") == std::string::npos, log.joined());
    BOOST_TEST(elapsed.count() >= (setup_delay + milliseconds(4500)).count());
    const auto stats = emulator.control("GET", "/_control/stats");
    const auto& records = stats.as_object().at("requests").as_array();
    BOOST_TEST_REQUIRE(!records.empty());
    BOOST_TEST(boost::json::serialize(records.back().as_object().at("faults")) == R"(["accept_delay","slow"])");
}

// A setup held 1.5 s past a deadline of 0.5 s fails on the first attempt.
void check_setup_past_deadline(bool tls, const std::string& phase)
{
    emulator_process emulator(tls);
    boost::asio::io_context io;
    std::string url;
    {
        client lister(io.get_executor(), emulator_options(emulator));
        url = link_of(io, lister, "page");
    }
    emulator.control("POST", "/_control/faults", R"({"faults":[{"kind":"accept_delay","delay_ms":1500}]})");

    auto options = emulator_options(emulator);
    options.timeouts.tls_handshake = milliseconds(500);
    options.timeouts.first_byte = milliseconds(500);
    options.retry.max_attempts = 1;
    client downloader(io.get_executor(), options);
    temp_folder out;
    const auto started = steady_clock::now();
    try {
        run(io, downloader.download_link(url, out.path() / "page.csv.gz"));
        BOOST_FAIL("expected a timeout");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::timeout);
        BOOST_TEST(std::string(e.what()).find(phase) != std::string::npos, e.what());
    }
    const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - started);
    BOOST_TEST(elapsed.count() < 1400);
    BOOST_TEST(!std::filesystem::exists(out.path() / "page.csv.gz"));
}

// A listing body that arrives steadily but takes longer in total than the
// idle deadline is read to its end: the deadline restarts with every read.
void check_steady_listing_outlasts_idle_deadline(bool tls)
{
    emulator_process emulator(tls);
    // Pieces of 20 bytes every 0.1 s: the one-type listing, about 320 bytes,
    // takes 1.6 s, more than twice the deadline.
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"slow","target":"api","bytes_per_second":200,"count":-1}]})");
    captured_log log;
    auto options = emulator_options(emulator);
    options.timeouts.idle = milliseconds(600);
    options.logger = log.sink();
    boost::asio::io_context io;
    client lister(io.get_executor(), options);

    const auto started = steady_clock::now();
    std::string url;
    BOOST_CHECK_NO_THROW(url = link_of(io, lister, "page"));
    const auto elapsed = duration_cast<milliseconds>(steady_clock::now() - started);
    BOOST_TEST(!url.empty());
    BOOST_TEST(elapsed.count() > 2 * options.timeouts.idle.count());
    BOOST_TEST(log.joined().find("retrying") == std::string::npos, log.joined());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(phase_deadlines)

BOOST_AUTO_TEST_CASE(steady_listing_outlasts_idle_deadline)
{
    check_steady_listing_outlasts_idle_deadline(false);
    check_steady_listing_outlasts_idle_deadline(true);
}

BOOST_AUTO_TEST_CASE(slow_handshake_then_steady_body)
{
    check_slow_setup_then_steady_body(true);
}

BOOST_AUTO_TEST_CASE(slow_first_byte_then_steady_body)
{
    check_slow_setup_then_steady_body(false);
}

BOOST_AUTO_TEST_CASE(handshake_past_deadline_times_out)
{
    check_setup_past_deadline(true, "TLS handshake");
}

BOOST_AUTO_TEST_CASE(first_byte_past_deadline_times_out)
{
    check_setup_past_deadline(false, "waiting for the response");
}

BOOST_AUTO_TEST_SUITE_END()
