// Decisions on download responses: status classes, 403 bodies, MD5 headers.
#include "download/response_check.hpp"

#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include "support/print.hpp"

using namespace gioexport;
using namespace gioexport::detail;

namespace gioexport::detail {

inline std::ostream& boost_test_print_type(std::ostream& out, download_action a)
{
    return out << static_cast<int>(a);
}

}  // namespace gioexport::detail

BOOST_AUTO_TEST_SUITE(response_check)

BOOST_AUTO_TEST_CASE(status_classes)
{
    BOOST_TEST(classify_download_status(200) == download_action::stream);
    for (unsigned s : {301u, 302u, 303u, 307u, 308u})
        BOOST_TEST(classify_download_status(s) == download_action::redirect);
    BOOST_TEST(classify_download_status(403) == download_action::refused);
    for (unsigned s : {429u, 500u, 503u})
        BOOST_TEST(classify_download_status(s) == download_action::retry_later);
    for (unsigned s : {206u, 304u, 400u, 404u, 416u})
        BOOST_TEST(classify_download_status(s) == download_action::fail);
}

BOOST_AUTO_TEST_CASE(expired_link_told_apart)
{
    const std::string expired =
        "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
        "<Expires>2026-12-04T02:01:00Z</Expires><ServerTime>2026-12-04T02:03:10Z</ServerTime></Error>";
    BOOST_TEST(classify_refusal(expired) == errc::link_expired);
    BOOST_TEST(classify_refusal("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>") ==
               errc::access_denied);
    BOOST_TEST(classify_refusal("<Error><Code>SignatureDoesNotMatch</Code></Error>") == errc::access_denied);
    BOOST_TEST(classify_refusal("") == errc::access_denied);
}

BOOST_AUTO_TEST_CASE(md5_header_forms)
{
    // "hello" hashes to 5d41402abc4b2a76b9719d911017c592.
    BOOST_TEST(*parse_md5_header("5D41402ABC4B2A76B9719D911017C592") == "5d41402abc4b2a76b9719d911017c592");
    BOOST_TEST(*parse_md5_header(" 5d41402abc4b2a76b9719d911017c592 ") == "5d41402abc4b2a76b9719d911017c592");
    BOOST_TEST(!parse_md5_header(std::nullopt).has_value());
    for (const char* bad : {"", "9b2cf535f27731c974343645a3985328-5", "XYZ", "5d41402abc4b2a76b9719d911017c59"}) {
        BOOST_TEST_CONTEXT(bad)
        {
            BOOST_CHECK_EXCEPTION(parse_md5_header(std::string_view(bad)), error,
                                  [](const error& e) { return e.code() == errc::invalid_response; });
        }
    }
}

BOOST_AUTO_TEST_CASE(md5_verdicts)
{
    const std::string actual = "5d41402abc4b2a76b9719d911017c592";
    BOOST_TEST(check_md5(std::string("5d41402abc4b2a76b9719d911017c592"), actual, false, "f") ==
               verification::verified);
    BOOST_TEST(check_md5(std::nullopt, actual, false, "f") == verification::unverified);
    BOOST_CHECK_EXCEPTION(check_md5(std::nullopt, actual, true, "f"), error,
                          [](const error& e) { return e.code() == errc::md5_missing; });
    try {
        check_md5(std::string(32, '0'), actual, false, "part-00000.csv.gz");
        BOOST_FAIL("expected checksum_mismatch");
    } catch (const error& e) {
        BOOST_TEST(e.code() == errc::checksum_mismatch);
        const std::string what = e.what();
        BOOST_TEST(what.find(std::string(32, '0')) != std::string::npos);
        BOOST_TEST(what.find(actual) != std::string::npos);
        BOOST_TEST(what.find("part-00000.csv.gz") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
