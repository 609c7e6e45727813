// Parsing of request targets, including IP literals and redirects.
#include "http/proxy.hpp"
#include "http/url.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include "support/print.hpp"

using namespace gioexport;
using namespace gioexport::detail;

BOOST_AUTO_TEST_SUITE(url)

BOOST_AUTO_TEST_CASE(ipv6_literal_host_header)
{
    const auto t = parse_http_target("https://[::1]:9443/bkt/part-00000.csv.gz?sig=q1");
    BOOST_TEST(t.tls);
    BOOST_TEST(t.host == "::1");
    BOOST_TEST(t.port == 9443);
    BOOST_TEST(t.host_header == "[::1]:9443");
    BOOST_TEST(t.target == "/bkt/part-00000.csv.gz?sig=q1");
    BOOST_TEST(t.host_is_ip);

    const auto d = parse_http_target("https://[::1]/x");
    BOOST_TEST(d.host_header == "[::1]");
    BOOST_TEST(d.port == 443);
}

BOOST_AUTO_TEST_CASE(plain_host)
{
    const auto t = parse_http_target("http://localhost:8080");
    BOOST_TEST(!t.tls);
    BOOST_TEST(t.host == "localhost");
    BOOST_TEST(t.target == "/");
    BOOST_TEST(!t.host_is_ip);
    BOOST_TEST(t.origin() == "http://localhost:8080");
}

BOOST_AUTO_TEST_CASE(rejected_forms)
{
    for (const char* bad : {"https://[fe80::1%25eth0]/x", "https://[::1]:9443.bkt/part-00000.csv.gz?sig=q1", "ftp://h/x", "h/x", "https:///x",
                            "https://user:pw@h/x", "https://h:0/x", "https://h:99999/x"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(parse_http_target(bad), error,
                                  [](const error& e) { return e.code() == errc::invalid_url; });
        }
    }
}

BOOST_AUTO_TEST_CASE(redirect_resolution)
{
    BOOST_TEST(resolve_reference("https://a.invalid/x/y?s=1", "/z") == "https://a.invalid/z");
    BOOST_TEST(resolve_reference("https://a.invalid/x/y", "https://b.invalid:8443/q") ==
               "https://b.invalid:8443/q");
}

BOOST_AUTO_TEST_CASE(proxy_with_junk_after_port_rejected)
{
    for (const char* url : {"http://127.0.0.1:1abc", "127.0.0.1:1x", "http://proxy.invalid:8080/path",
                            "http://proxy.invalid:8080?x=1"}) {
        BOOST_TEST_CONTEXT(url)
        {
            proxy_options options;
            options.url = url;
            options.from_environment = false;
            try {
                proxy_config config(options);
                BOOST_ERROR("accepted");
            } catch (const error& e) {
                BOOST_TEST(e.code() == errc::invalid_argument);
            }
        }
    }
    proxy_options good;
    good.url = "http://proxy.invalid:8080/";
    good.from_environment = false;
    BOOST_CHECK_NO_THROW(proxy_config{good});
}

BOOST_AUTO_TEST_CASE(proxy_error_hides_password)
{
    proxy_options options;
    options.url = "https://bob:hunter2pw@127.0.0.1:1";
    options.from_environment = false;
    try {
        proxy_config config(options);
        BOOST_ERROR("an https proxy URL was accepted");
    } catch (const error& e) {
        const std::string message = e.what();
        BOOST_TEST(message.find("hunter2pw") == std::string::npos);
        BOOST_TEST(message.find("bob") == std::string::npos);
        BOOST_TEST(message.find("127.0.0.1:1") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
