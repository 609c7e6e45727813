// Token signing against the published test vectors.
#include <gioexport/auth.hpp>
#include <gioexport/error.hpp>

#include <boost/test/unit_test.hpp>

#include "support/print.hpp"

using namespace gioexport;

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(signing_vector_a)
{
    const auto message = token_signing_message("wq7xk3ab", "9f2e4d6c8b0a13579bdf2468ace01357", 1546300800000);
    BOOST_TEST(message.size() == 86u);
    BOOST_TEST(message ==
               "POST\n/auth/token\nproject=wq7xk3ab&ai=9f2e4d6c8b0a13579bdf2468ace01357&tm=1546300800000");
    BOOST_TEST(sign_token_request("gio-demo-secret-2f1c9a7e4b", "wq7xk3ab",
                                  "9f2e4d6c8b0a13579bdf2468ace01357", 1546300800000) ==
               "9d9ceca82a402f00b3d06c2c724ce71c8217a8a1e25e73051f4157523c69355d");
}

BOOST_AUTO_TEST_CASE(signing_vector_a_full_body)
{
    credentials creds{"3c9f0e7d1a2b4c5d", "gio-demo-secret-2f1c9a7e4b", "wq7xk3ab",
                      "9f2e4d6c8b0a13579bdf2468ace01357", ""};
    const auto body = token_request_body(creds, 1546300800000);
    BOOST_TEST(body.size() == 139u);
    BOOST_TEST(body == "project=wq7xk3ab&ai=9f2e4d6c8b0a13579bdf2468ace01357&tm=1546300800000"
                       "&auth=9d9ceca82a402f00b3d06c2c724ce71c8217a8a1e25e73051f4157523c69355d");
}

BOOST_AUTO_TEST_CASE(signing_vector_b)
{
    const auto signature =
        sign_token_request("my-private-key", "123abc", "2a1b4018cd954ec2bcc69da5138bdb96", 1465020309123);
    BOOST_TEST(signature == "3886a3c493b37934195dd33cdaa0380bf24ce645f3f023414ebca36bdad593f1");
    // The value a wrong field order (ai before project) would give.
    BOOST_TEST(signature != "38baffe98407572951951989d25809fad579006b86441e48833b9865966571cf");
}

BOOST_AUTO_TEST_CASE(signing_uses_milliseconds)
{
    // 2026-12-04T00:00:00Z in milliseconds; the body repeats the same tm.
    credentials creds{"cid", "demo-secret-0001", "prjUID01", "a1b2c3d4e5f60718", ""};
    const auto body = token_request_body(creds, 1796342400000);
    BOOST_TEST(body == "project=prjUID01&ai=a1b2c3d4e5f60718&tm=1796342400000"
                       "&auth=14433f789a111650a893970d268417d3221f67c3631b349d7b192db2c299ca19");
}

BOOST_AUTO_TEST_CASE(credentials_reject_form_characters)
{
    for (const char* bad : {"a&b", "a=b", "a b", "a/b", "", "\xe4\xb8\xad"}) {
        BOOST_TEST_CONTEXT("project " << bad)
        {
            credentials creds{"cid", "secret", bad, "ai1", ""};
            BOOST_CHECK_EXCEPTION(validate_credentials(creds), error,
                                  [](const error& e) { return e.code() == errc::invalid_argument; });
        }
        BOOST_TEST_CONTEXT("ai " << bad)
        {
            credentials creds{"cid", "secret", "prj", bad, ""};
            BOOST_CHECK_EXCEPTION(validate_credentials(creds), error,
                                  [](const error& e) { return e.code() == errc::invalid_argument; });
        }
    }
}

BOOST_AUTO_TEST_CASE(credentials_need_secret_or_token)
{
    credentials no_secret{"cid", "", "prj", "ai1", ""};
    BOOST_CHECK_THROW(validate_credentials(no_secret), error);
    credentials with_token{"cid", "", "", "ai1", "tok123"};
    BOOST_CHECK_NO_THROW(validate_credentials(with_token));
    credentials no_client_id{"", "secret", "prj", "ai1", ""};
    BOOST_CHECK_THROW(validate_credentials(no_client_id), error);
}

BOOST_AUTO_TEST_SUITE_END()
