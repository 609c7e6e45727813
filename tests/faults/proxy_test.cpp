// Requests through an HTTP CONNECT proxy: the tunnel, its credentials,
// NO_PROXY and the lower-case environment variable.
#include "support/connect_proxy.hpp"
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdlib>

using namespace gioexport;
using namespace gioexport::test;

namespace {

// The emulator over HTTPS, addressed by host name so the tunnel carries a
// name for the proxy to resolve and TLS checks it against the certificate.
client_options through_localhost(const emulator_process& emulator)
{
    auto options = emulator_options(emulator);
    const auto port = options.base_url.substr(options.base_url.rfind(':') + 1);
    options.base_url = "https://localhost:" + port;
    options.proxy.from_environment = false;
    return options;
}

std::string port_of(const emulator_process& emulator)
{
    return emulator.base_url().substr(emulator.base_url().rfind(':') + 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(proxy)

BOOST_AUTO_TEST_CASE(tunnel_carries_api_and_downloads)
{
    emulator_process emulator(true, {"--chunk-bytes", "20000"});
    connect_proxy proxy("Basic ZGVtbzpwdw==");
    temp_folder out;
    boost::asio::io_context io;
    auto options = through_localhost(emulator);
    options.proxy.url = "http://demo:pw@127.0.0.1:" + std::to_string(proxy.port());
    client c(io.get_executor(), options);

    export_request request(export_type::hour, export_date::parse(beijing_hour(3)));
    request.data_types = {data_type::parse("visit")};
    request.out_dir = out.path();
    const auto result = run(io, c.download_export(request));
    BOOST_TEST(result.all_ok());

    const auto requests = proxy.requests();
    BOOST_TEST_REQUIRE(!requests.empty());
    const std::string authority = "localhost:" + port_of(emulator);
    for (const auto& head : requests) {
        BOOST_TEST(head.rfind("CONNECT " + authority + " HTTP/1.1\r\n", 0) == 0u);
        BOOST_TEST(head.find("\r\nHost: " + authority + "\r\n") != std::string::npos);
        BOOST_TEST(head.find("\r\nProxy-Authorization: Basic ZGVtbzpwdw==\r\n") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(no_proxy_goes_direct)
{
    emulator_process emulator(true);
    connect_proxy proxy;
    boost::asio::io_context io;
    auto options = through_localhost(emulator);
    options.proxy.url = "http://127.0.0.1:" + std::to_string(proxy.port());
    options.proxy.no_proxy = "example.invalid, localhost";
    client c(io.get_executor(), options);
    BOOST_TEST(run(io, c.fetch_token()).size() == 64u);
    BOOST_TEST(proxy.requests().empty());
}

BOOST_AUTO_TEST_CASE(lower_case_environment_variable)
{
    emulator_process emulator(true);
    connect_proxy proxy;
    ::unsetenv("HTTPS_PROXY");
    ::unsetenv("NO_PROXY");
    ::unsetenv("no_proxy");
    const std::string value = "http://127.0.0.1:" + std::to_string(proxy.port());
    ::setenv("https_proxy", value.c_str(), 1);
    boost::asio::io_context io;
    auto options = through_localhost(emulator);
    options.proxy.from_environment = true;
    client c(io.get_executor(), options);
    ::unsetenv("https_proxy");
    BOOST_TEST(run(io, c.fetch_token()).size() == 64u);
    BOOST_TEST(proxy.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(proxy_auth_required_is_not_retried)
{
    emulator_process emulator(true);
    connect_proxy proxy("Basic c29tZW9uZTplbHNl");
    boost::asio::io_context io;
    auto options = through_localhost(emulator);
    options.proxy.url = "http://demo:pw@127.0.0.1:" + std::to_string(proxy.port());
    client c(io.get_executor(), options);
    BOOST_CHECK_EXCEPTION(run(io, c.fetch_token()), error, [](const error& e) {
        return e.code() == errc::proxy_auth_required && e.http_status() == 407;
    });
    BOOST_TEST(proxy.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
