// Parsing of the insights and token responses.
#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <boost/test/unit_test.hpp>

#include "support/print.hpp"

using namespace gioexport;

namespace {

bool is_invalid_response(const error& e)
{
    return e.code() == errc::invalid_response;
}

std::string all_types_body(std::string_view status, std::string_view links)
{
    return R"({"status":")" + std::string(status) + R"(","downloadLinks":)" + std::string(links) +
           R"(,"exportType":"hour","exportDate":"2019011509","exportVersion":"v2",)"
           R"("requestTime":"2019-01-15 10:41","errorMsg":""})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(links_parser)

BOOST_AUTO_TEST_CASE(all_types_finished_keeps_server_order)
{
    const auto body = all_types_body("FINISHED", R"({
        "visit": ["https://files.example.invalid/x/0f4205b4?sig=aa01"],
        "action": ["https://files.example.invalid/x/17c2a9e0?sig=cc03",
                   "https://files.example.invalid/x/5d90be41?sig=cc04"],
        "page": [], "vstr": []})");
    const auto response = parse_links_response(body, links_shape::all_types, std::nullopt);
    BOOST_TEST(response.status == export_status::finished);
    BOOST_TEST_REQUIRE(response.links.size() == 4u);
    BOOST_TEST(response.links[0].type.name() == "visit");
    BOOST_TEST(response.links[1].type.name() == "action");
    BOOST_TEST(response.links[1].urls.size() == 2u);
    BOOST_TEST(response.links[1].urls[1] == "https://files.example.invalid/x/5d90be41?sig=cc04");
    BOOST_TEST(response.links[2].type.name() == "page");
    BOOST_TEST(response.link_count() == 3u);
    BOOST_TEST(response.export_type == "hour");
    BOOST_TEST(response.export_date == "2019011509");
    BOOST_TEST(response.export_version == "v2");
    BOOST_TEST(response.request_time == "2019-01-15 10:41");
    BOOST_TEST(response.data_type.empty());
}

BOOST_AUTO_TEST_CASE(each_status_value)
{
    const std::pair<const char*, export_status> cases[] = {
        {"FINISHED", export_status::finished},
        {"RUNNING", export_status::running},
        {"NOT_EXISTS", export_status::not_exists},
        {"ERROR", export_status::error},
        {"PAUSED", export_status::unknown},
    };
    for (const auto& [text, expected] : cases) {
        BOOST_TEST_CONTEXT(text)
        {
            const auto response = parse_links_response(all_types_body(text, "{}"), links_shape::all_types,
                                                       std::nullopt);
            BOOST_TEST(response.status == expected);
            BOOST_TEST(response.status_text == text);
            BOOST_TEST(response.links.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(not_finished_without_links)
{
    for (const char* links : {"[]", "null", "{}"}) {
        BOOST_TEST_CONTEXT(links)
        {
            const auto response =
                parse_links_response(all_types_body("RUNNING", links), links_shape::all_types, std::nullopt);
            BOOST_TEST(response.links.empty());
        }
    }
    const auto missing = parse_links_response(R"({"status":"NOT_EXISTS"})", links_shape::all_types, std::nullopt);
    BOOST_TEST(missing.status == export_status::not_exists);
}

BOOST_AUTO_TEST_CASE(one_type_array)
{
    const std::string body = R"({"status":"FINISHED","downloadLinks":["http://127.0.0.1:9/a?s=1",)"
                             R"("http://127.0.0.1:9/b?s=2"],"exportType":"day","dataType":"visit",)"
                             R"("exportDate":"20190115","exportVersion":"v2","requestTime":"","errorMsg":""})";
    const auto response = parse_links_response(body, links_shape::one_type, data_type::parse("visit"));
    BOOST_TEST_REQUIRE(response.links.size() == 1u);
    BOOST_TEST(response.links[0].type.name() == "visit");
    BOOST_TEST(response.links[0].urls.size() == 2u);
    BOOST_TEST(response.data_type == "visit");
}

BOOST_AUTO_TEST_CASE(unknown_valid_data_type_is_kept)
{
    const auto response = parse_links_response(
        all_types_body("FINISHED", R"({"new_type_1":["https://h.invalid/o?x=1"]})"), links_shape::all_types,
        std::nullopt);
    BOOST_TEST_REQUIRE(response.links.size() == 1u);
    BOOST_TEST(response.links[0].type.name() == "new_type_1");
    BOOST_TEST(!response.links[0].type.is_documented());
}

BOOST_AUTO_TEST_CASE(invalid_data_type_rejects_response)
{
    for (const char* name : {"../x", "Visit", "a/b", "", "..", "vi sit"}) {
        BOOST_TEST_CONTEXT(name)
        {
            const auto body = all_types_body(
                "FINISHED", std::string(R"({"visit":[],")") + name + R"(":["https://h.invalid/o"]})");
            BOOST_CHECK_EXCEPTION(parse_links_response(body, links_shape::all_types, std::nullopt), error,
                                  is_invalid_response);
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_links_rejected_without_query)
{
    const char* bad_links[] = {"ftp://h.invalid/o?sig=SECRET1", "/relative/path?sig=SECRET1",
                               "file:///etc/passwd?sig=SECRET1", "not a url?sig=SECRET1"};
    for (const char* link : bad_links) {
        BOOST_TEST_CONTEXT(link)
        {
            const auto body = all_types_body("FINISHED", std::string(R"({"visit":[")") + link + R"("]})");
            try {
                parse_links_response(body, links_shape::all_types, std::nullopt);
                BOOST_FAIL("expected invalid_response");
            } catch (const error& e) {
                BOOST_TEST(e.code() == errc::invalid_response);
                BOOST_TEST(std::string(e.what()).find("SECRET1") == std::string::npos);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(malformed_bodies)
{
    const char* bodies[] = {"", "not json", "[]", R"({"downloadLinks":{}})", R"({"status":5})",
                            R"({"status":"FINISHED","downloadLinks":{"visit":"x"}})",
                            R"({"status":"FINISHED","downloadLinks":{"visit":[5]}})",
                            R"({"status":"FINISHED","downloadLinks":"x"})",
                            R"({"status":"FINISHED","exportDate":7})"};
    for (const char* body : bodies) {
        BOOST_TEST_CONTEXT(body)
        {
            BOOST_CHECK_EXCEPTION(parse_links_response(body, links_shape::all_types, std::nullopt), error,
                                  is_invalid_response);
        }
    }
}

BOOST_AUTO_TEST_CASE(limits_on_size_and_count)
{
    response_limits limits;
    limits.max_body_bytes = 100;
    const auto big = all_types_body("FINISHED", R"({"visit":["https://h.invalid/o"]})") + std::string(200, ' ');
    BOOST_CHECK_EXCEPTION(parse_links_response(big, links_shape::all_types, std::nullopt, limits), error,
                          [](const error& e) { return e.code() == errc::response_too_large; });

    response_limits few;
    few.max_links = 2;
    const auto three = all_types_body("FINISHED", R"({"visit":["https://h.invalid/1","https://h.invalid/2"],)"
                                                  R"("page":["https://h.invalid/3"]})");
    BOOST_CHECK_EXCEPTION(parse_links_response(three, links_shape::all_types, std::nullopt, few), error,
                          [](const error& e) { return e.code() == errc::response_too_large; });
}

BOOST_AUTO_TEST_CASE(token_answer)
{
    BOOST_TEST(parse_token_response(R"({"status":"success","code":"u8jzPde0IgxLd6Gnc"})", 200) ==
               "u8jzPde0IgxLd6Gnc");
    BOOST_CHECK_EXCEPTION(parse_token_response(R"({"status":"failed","errorMsg":"bad signature"})", 401), error,
                          [](const error& e) {
                              return e.code() == errc::auth_failed && e.http_status() == 401 &&
                                     e.server_message() == "bad signature";
                          });
    BOOST_CHECK_EXCEPTION(parse_token_response("<html>", 502), error,
                          [](const error& e) { return e.code() == errc::auth_failed; });
    BOOST_CHECK_EXCEPTION(parse_token_response(R"({"status":"success"})", 200), error, is_invalid_response);
}

BOOST_AUTO_TEST_CASE(redact_url_drops_query)
{
    BOOST_TEST(redact_url("https://h.invalid/a/b?X-Sig=abc&e=1") == "https://h.invalid/a/b?...");
    BOOST_TEST(redact_url("https://h.invalid/a") == "https://h.invalid/a");
    BOOST_TEST(redact_url("https://h.invalid/a#frag") == "https://h.invalid/a?...");
    BOOST_TEST(redact_url("https://h.invalid/a\r\nX-Forged: 1") == "https://h.invalid/a%0D%0AX-Forged: 1");
    BOOST_TEST(redact_url("http://bob:pw@proxy.invalid:8080") == "http://proxy.invalid:8080");
    BOOST_TEST(redact_url("socks5://b@b:p@w@h.invalid/x@y") == "socks5://h.invalid/x@y");
    BOOST_TEST(redact_url("https://h.invalid/a@b") == "https://h.invalid/a@b");
}

BOOST_AUTO_TEST_SUITE_END()
