// Single-link downloads: verification, refusal and what stays on disk.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <thread>

using namespace gioexport;
using namespace gioexport::test;

namespace {

void add_fault(const emulator_process& emulator, const std::string& rule)
{
    emulator.control("POST", "/_control/faults", R"({"faults":[)" + rule + "]}");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(download_integration)

BOOST_AUTO_TEST_CASE(verified_download_without_api_headers)
{
    for (bool tls : {false, true}) {
        BOOST_TEST_CONTEXT("tls " << tls)
        {
            emulator_process emulator(tls, {"--chunk-bytes", "300000"});
            temp_folder out;
            boost::asio::io_context io;
            client c(io.get_executor(), emulator_options(emulator));
            const auto url = link_of(io, c, "visit");

            std::uint64_t last_progress = 0;
            download_options options;
            options.on_progress = [&](std::uint64_t done, std::uint64_t) { last_progress = done; };
            const auto target = out.path() / "visit.csv.gz";
            const auto result = run(io, c.download_link(url, target, options));
            BOOST_TEST(result.state == verification::verified);
            BOOST_TEST(result.bytes == std::filesystem::file_size(target));
            BOOST_TEST(result.md5 == md5_of_file(target));
            BOOST_TEST(last_progress == result.bytes);
            BOOST_TEST(result.bytes >= 300000u);

            // The emulator records which headers each request carried.
            const auto stats = emulator.control("GET", "/_control/stats");
            bool saw_object = false;
            for (const auto& record : stats.as_object().at("requests").as_array()) {
                const auto& fields = record.as_object();
                const std::string path(fields.at("path").as_string());
                if (path.rfind("/objects/", 0) != 0)
                    continue;
                saw_object = true;
                BOOST_TEST(!fields.at("authorization").as_bool());
                BOOST_TEST(!fields.at("x_client_id").as_bool());
            }
            BOOST_TEST(saw_object);
        }
    }
}

BOOST_AUTO_TEST_CASE(ipv6_literal_over_tls)
{
    // The certificate names IP ::1; with an IP literal no SNI is sent, the
    // Host header carries brackets, and the links come back with [::1].
    emulator_process emulator(true, {"--listen", "::1"});
    BOOST_TEST_REQUIRE(emulator.base_url().find("https://[::1]:") == 0u);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");
    BOOST_TEST(url.find("https://[::1]:") == 0u);
    const auto result = run(io, c.download_link(url, out.path() / "p.csv.gz"));
    BOOST_TEST(result.state == verification::verified);
}

BOOST_AUTO_TEST_CASE(chunk_over_64_mib_streams)
{
    // Beast's default body limit is 8 MB; chunks can exceed 64 MiB.
    emulator_process emulator(true, {"--chunk-bytes", "70000000"});
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "ads_track_click");
    const auto target = out.path() / "big.csv.gz";
    const auto result = run(io, c.download_link(url, target));
    BOOST_TEST(result.state == verification::verified);
    BOOST_TEST(result.bytes >= 70000000u);
    BOOST_TEST(std::filesystem::file_size(target) == result.bytes);
}

BOOST_AUTO_TEST_CASE(md5_mismatch_never_renamed)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");

    // An older good copy at the final name must survive the failed download.
    const auto target = out.path() / "part-00000.csv.gz";
    std::ofstream(target) << "older copy";
    // A mismatch is downloaded once more from the start; both copies are wrong.
    add_fault(emulator, R"({"kind":"wrong_md5","target":"objects","count":2})");
    try {
        run(io, c.download_link(url, target));
        BOOST_FAIL("expected checksum_mismatch");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::checksum_mismatch);
        BOOST_TEST(std::string(e.what()).find("part-00000.csv.gz") != std::string::npos);
    }
    BOOST_TEST(read_file(target) == "older copy");
    BOOST_TEST(!std::filesystem::exists(target.string() + ".part"));
}

BOOST_AUTO_TEST_CASE(md5_mismatch_retried_once)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");

    add_fault(emulator, R"({"kind":"wrong_md5","target":"objects"})");
    const auto result = run(io, c.download_link(url, out.path() / "part-00000.csv.gz"));
    BOOST_TEST(result.state == verification::verified);
    BOOST_TEST(md5_of_file(out.path() / "part-00000.csv.gz") == result.md5);
}

BOOST_AUTO_TEST_CASE(missing_md5_is_unverified)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "action");

    add_fault(emulator, R"({"kind":"no_md5","target":"objects","count":2})");
    const auto result = run(io, c.download_link(url, out.path() / "a.csv.gz"));
    BOOST_TEST(result.state == verification::unverified);
    BOOST_TEST(std::filesystem::exists(out.path() / "a.csv.gz"));

    download_options strict;
    strict.require_md5 = true;
    BOOST_CHECK_EXCEPTION(run(io, c.download_link(url, out.path() / "b.csv.gz", strict)), error,
                          [](const error& e) { return e.code() == errc::md5_missing; });
    BOOST_TEST(!std::filesystem::exists(out.path() / "b.csv.gz"));
}

BOOST_AUTO_TEST_CASE(upper_case_md5_header_verifies)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "evar");

    add_fault(emulator, R"({"kind":"upper_md5","target":"objects"})");
    const auto result = run(io, c.download_link(url, out.path() / "e.csv.gz"));
    BOOST_TEST(result.state == verification::verified);
}

BOOST_AUTO_TEST_CASE(expired_link_is_classified)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "pvar", 0, link_expiry(1));

    emulator.control("POST", "/_control/clock", R"({"advance_seconds":120})");
    try {
        run(io, c.download_link(url, out.path() / "p.csv.gz"));
        BOOST_FAIL("expected link_expired");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::link_expired);
        BOOST_TEST(e.http_status() == 403);
        // The signed query must not leak into messages.
        BOOST_TEST(std::string(e.what()).find("Signature") == std::string::npos);
    }
    BOOST_TEST(!std::filesystem::exists(out.path() / "p.csv.gz"));
}

BOOST_AUTO_TEST_CASE(tampered_link_is_access_denied)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    auto url = link_of(io, c, "vstr");
    url.back() = url.back() == '0' ? '1' : '0';  // break the signature
    BOOST_CHECK_EXCEPTION(run(io, c.download_link(url, out.path() / "v.csv.gz")), error,
                          [](const error& e) { return e.code() == errc::access_denied; });
}

BOOST_AUTO_TEST_CASE(new_connection_resumes_tls_session)
{
    using namespace std::chrono_literals;
    emulator_process emulator(true, {"--chunks-per-hour", "2"});
    temp_folder out;
    boost::asio::io_context io;
    client first_client(io.get_executor(), emulator_options(emulator));
    const auto first = link_of(io, first_client, "visit", 0);
    const auto second = link_of(io, first_client, "visit", 1);
    // The emulator closes the kept-alive connection 100 ms after the first
    // object, so the second download opens a new connection.
    add_fault(emulator, R"({"kind":"keepalive_close_after_idle_ms","target":"objects","idle_ms":100})");

    // Each control request opens a TLS connection of its own, with a full
    // handshake counted before the counters are read.
    struct handshakes {
        std::int64_t full = 0;
        std::int64_t resumed = 0;
    };
    auto count_handshakes = [&] {
        const auto stats = emulator.control("GET", "/_control/stats");
        const auto& counters = stats.as_object().at("counters").as_object();
        auto counter = [&](const char* name) {
            const auto* value = counters.if_contains(name);
            return value == nullptr ? std::int64_t{0} : value->to_number<std::int64_t>();
        };
        return handshakes{counter("tls_full_handshakes"), counter("tls_resumed_handshakes")};
    };

    const handshakes before = count_handshakes();
    run(io, first_client.download_link(first, out.path() / "a.csv.gz"));
    std::this_thread::sleep_for(400ms);
    run(io, first_client.download_link(second, out.path() / "b.csv.gz"));
    const handshakes after_second = count_handshakes();
    BOOST_TEST(after_second.full - before.full == 1);  // the control request only
    BOOST_TEST(after_second.resumed - before.resumed == 1);

    // Another client has no session to offer, so its handshake is a full one.
    client second_client(io.get_executor(), emulator_options(emulator));
    run(io, second_client.download_link(second, out.path() / "c.csv.gz"));
    const handshakes after_other_client = count_handshakes();
    BOOST_TEST(after_other_client.full - after_second.full == 2);  // the control request and the client
    BOOST_TEST(after_other_client.resumed - after_second.resumed == 0);
}

BOOST_AUTO_TEST_SUITE_END()
