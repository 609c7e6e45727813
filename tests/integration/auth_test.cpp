// Token requests and authenticated listings against the emulator.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

using namespace gioexport;
using namespace gioexport::test;

BOOST_AUTO_TEST_SUITE(auth_integration)

BOOST_AUTO_TEST_CASE(token_then_listing)
{
    for (bool tls : {false, true}) {
        BOOST_TEST_CONTEXT("tls " << tls)
        {
            emulator_process emulator(tls);
            boost::asio::io_context io;
            captured_log log;
            auto options = emulator_options(emulator);
            options.logger = log.sink();
            client c(io.get_executor(), options);

            const std::string token = run(io, c.fetch_token());
            BOOST_TEST(token.size() == 64u);
            const std::string hour = beijing_hour(3);
            const auto listing = run(io, c.fetch_links(export_type::hour, export_date::parse(hour + "15")));
            BOOST_TEST(listing.status == export_status::finished);
            BOOST_TEST(listing.export_date == hour);
            BOOST_TEST(listing.links.size() == 10u);
            BOOST_TEST(log.joined().find(demo_secret) == std::string::npos);
            BOOST_TEST(log.joined().find(token) == std::string::npos);
            BOOST_TEST(emulator.log().find(token) == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(wrong_secret_fails_auth)
{
    emulator_process emulator(false);
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.creds.secret = "not-the-secret";
    client c(io.get_executor(), options);
    try {
        run(io, c.fetch_token());
        BOOST_FAIL("expected auth_failed");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::auth_failed);
        BOOST_TEST(e.http_status() == 401);
        BOOST_TEST(std::string(e.what()).find("not-the-secret") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(bad_given_token_fails_listing)
{
    emulator_process emulator(false);
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.creds.token = "Zm9vYmFyMTIzNDU2Nzg5MA";
    client c(io.get_executor(), options);
    BOOST_CHECK_EXCEPTION(run(io, c.fetch_links(export_type::day, export_date::parse(beijing_day(1)))), error,
                          [](const error& e) { return e.code() == errc::auth_failed && e.http_status() == 401; });
}

BOOST_AUTO_TEST_CASE(self_signed_rejected_without_ca)
{
    emulator_process emulator(true);
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.tls.ca_file.clear();  // the system store does not trust the emulator
    client c(io.get_executor(), options);
    BOOST_CHECK_EXCEPTION(run(io, c.fetch_token()), error,
                          [](const error& e) { return e.code() == errc::tls_failed; });

    auto insecure = emulator_options(emulator);
    insecure.tls.ca_file.clear();
    insecure.tls.verify_peer = false;
    client unchecked(io.get_executor(), insecure);
    BOOST_TEST(run(io, unchecked.fetch_token()).size() == 64u);
}

BOOST_AUTO_TEST_CASE(certificate_must_name_host)
{
    // The emulator's certificate names localhost, 127.0.0.1 and ::1 only.
    emulator_process emulator(true);
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    const auto port = options.base_url.substr(options.base_url.rfind(':'));
    options.base_url = "https://127.0.0.2" + port;
    client c(io.get_executor(), options);
    BOOST_CHECK_THROW(run(io, c.fetch_token()), error);
}

namespace {

// Returns `url` with its scheme replaced by `scheme`.
std::string with_scheme(const std::string& url, const std::string& scheme)
{
    return scheme + url.substr(url.find("://"));
}

// Returns the message of the error that fetch_token() throws after a single
// attempt, with the emulator's credentials and `base_url`.
std::string token_error(const emulator_process& emulator, const std::string& base_url)
{
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.base_url = base_url;
    options.retry.max_attempts = 1;
    client c(io.get_executor(), options);
    try {
        run(io, c.fetch_token());
    } catch (const error& e) {
        return e.what();
    }
    BOOST_FAIL("expected an error for " << base_url);
    return {};
}

// A loopback server that replies to its first connection with a TLS alert
// record and closes it, as some TLS servers reply to plain HTTP.
struct tls_alert_server {
    tls_alert_server() = default;
    tls_alert_server(const tls_alert_server&) = delete;
    tls_alert_server& operator=(const tls_alert_server&) = delete;
    ~tls_alert_server()
    {
        if (!accepted) {
            // Releases the blocking accept when the client never connected.
            boost::asio::ip::tcp::socket socket(io);
            boost::system::error_code ec;
            socket.connect(acceptor.local_endpoint(), ec);
        }
        thread.join();
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }

    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    std::atomic<bool> accepted{false};
    std::thread thread{[this] {
        boost::asio::ip::tcp::socket socket(io);
        acceptor.accept(socket);
        accepted = true;
        char request[4096];
        boost::system::error_code ec;
        socket.read_some(boost::asio::buffer(request), ec);
        const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46};
        boost::asio::write(socket, boost::asio::buffer(alert), ec);
    }};
};

}  // namespace

BOOST_AUTO_TEST_CASE(http_url_to_tls_server_hints)
{
    // The emulator closes a connection that does not start with a TLS
    // handshake, without sending a byte.
    emulator_process tls_emulator(true);
    const std::string message = token_error(tls_emulator, with_scheme(tls_emulator.base_url(), "http"));
    BOOST_TEST_INFO("message: " << message);
    BOOST_TEST(message.find("connection closed early") != std::string::npos);
    BOOST_TEST(message.find("use an https:// URL") != std::string::npos);

    // A server that replies with a TLS alert record gets the hint too.
    tls_alert_server alert_server;
    const std::string alerted = token_error(tls_emulator, alert_server.base_url());
    BOOST_TEST_INFO("message: " << alerted);
    BOOST_TEST(alerted.find("use an https:// URL") != std::string::npos);

    // TLS to a plain HTTP server fails in the handshake, which needs no hint.
    emulator_process plain_emulator(false);
    const std::string reversed = token_error(plain_emulator, with_scheme(plain_emulator.base_url(), "https"));
    BOOST_TEST_INFO("message: " << reversed);
    BOOST_TEST(reversed.find("https:// URL") == std::string::npos);
}

// A download link comes from the server, so a download that meets a TLS
// server over plain HTTP gets no hint to change a URL the user never gave.
BOOST_AUTO_TEST_CASE(download_link_gets_no_hint)
{
    emulator_process tls_emulator(true);
    emulator_process plain_emulator(false);
    const std::string location = with_scheme(tls_emulator.base_url(), "http") + "/objects/elsewhere";
    plain_emulator.control("POST", "/_control/faults",
                           R"({"faults":[{"kind":"redirect","target":"objects","status":302,"location":")" +
                               location + R"(","count":-1}]})");
    temp_folder out;
    boost::asio::io_context io;
    auto options = emulator_options(plain_emulator);
    options.retry.max_attempts = 1;
    client c(io.get_executor(), options);
    const std::string url = link_of(io, c, "visit");
    try {
        run(io, c.download_link(url, out.path() / "part-00000.csv.gz"));
        BOOST_FAIL("expected the redirected download to fail");
    } catch (const error& e) {
        const std::string message = e.what();
        BOOST_TEST_INFO("message: " << message);
        BOOST_TEST(message.find("connection closed early") != std::string::npos);
        BOOST_TEST(message.find("https:// URL") == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
