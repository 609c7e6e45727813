// The fault matrix: each fault kind, over HTTP and HTTPS, ends with every
// file verified or with the run naming the failed file and the cause. No
// file under a final name is ever wrong, and the secret never reaches a log.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

using namespace gioexport;
using namespace gioexport::test;

namespace {

// Three types with files, and a second port for the redirect faults.
const std::vector<std::string> matrix_args = [] {
    auto args = three_type_export(40000);
    args.insert(args.end(), {"--extra-port", "0"});
    return args;
}();

struct scenario {
    const char* name;
    const char* rules;               // JSON array of fault rules
    errc run_error = errc::ok;       // the whole run throws this
    errc file_error = errc::ok;      // visit/part-00001 fails with this
    std::size_t files = 6;           // files listed
    bool every_file = false;         // file_error applies to every file
};

// visit/part-00001 is the file the per-file faults aim at.
#define VISIT1 R"("match":{"data_type":"visit","position":1})"

const scenario scenarios[] = {
    {"503 twice then 200", R"([{"kind":"status","target":"objects",)" VISIT1 R"(,"status":503,"count":2}])"},
    {"500 once then 200", R"([{"kind":"status","target":"objects",)" VISIT1 R"(,"status":500}])"},
    {"503 always", R"([{"kind":"status","target":"objects",)" VISIT1 R"(,"status":503,"count":-1}])",
     errc::ok, errc::server_busy},
    {"429 with Retry-After", R"([{"kind":"status","target":"objects",)" VISIT1
                             R"(,"status":429,"retry_after":"1"}])"},
    {"403 access denied", R"([{"kind":"status","target":"objects",)" VISIT1 R"(,"status":403}])", errc::ok,
     errc::access_denied},
    {"404 not found", R"([{"kind":"status","target":"objects",)" VISIT1 R"(,"status":404}])", errc::ok,
     errc::http_error},
    {"api 503 twice", R"([{"kind":"status","target":"api","status":503,"count":2}])"},
    {"api 429 over max wait", R"([{"kind":"status","target":"api","status":429,"retry_after":"7200"}])",
     errc::rate_limited},
    {"token 500 once", R"([{"kind":"status","target":"token","status":500}])"},
    {"reset after bytes", R"([{"kind":"reset_after_bytes","target":"objects",)" VISIT1 R"(,"bytes":10000}])"},
    {"fin after bytes", R"([{"kind":"reset_after_bytes","target":"objects",)" VISIT1
                        R"(,"bytes":10000,"close":"fin"}])"},
    {"reset then range ignored",
     R"([{"kind":"reset_after_bytes","target":"objects",)" VISIT1 R"(,"bytes":10000},)"
     R"({"kind":"ignore_range","target":"objects",)" VISIT1 R"(}])"},
    {"stall past idle timeout", R"([{"kind":"stall","target":"objects",)" VISIT1
                                R"(,"after_bytes":5000,"stall_ms":2500}])"},
    {"slow body", R"([{"kind":"slow","target":"objects",)" VISIT1 R"(,"bytes_per_second":100000}])"},
    {"wrong md5 always", R"([{"kind":"wrong_md5","target":"objects",)" VISIT1 R"(,"count":-1}])", errc::ok,
     errc::checksum_mismatch},
    {"wrong md5 once", R"([{"kind":"wrong_md5","target":"objects",)" VISIT1 R"(}])"},
    {"truncated gzip", R"([{"kind":"truncated_gzip","target":"objects",)" VISIT1 R"(,"count":-1}])", errc::ok,
     errc::checksum_mismatch},
    {"no md5 header", R"([{"kind":"no_md5","target":"objects",)" VISIT1 R"(}])"},
    {"upper-case md5 header", R"([{"kind":"upper_md5","target":"objects","count":-1}])"},
    {"links expired at listing", R"([{"kind":"expire_early","target":"api"}])"},
    {"links always expired", R"([{"kind":"expire_early","target":"api","count":-1}])", errc::ok,
     errc::link_expired, 6, true},
    {"redirect to second host", R"([{"kind":"redirect","target":"objects",)" VISIT1 R"(,"status":302}])"},
    {"redirect 307", R"([{"kind":"redirect","target":"objects",)" VISIT1 R"(,"status":307}])"},
    {"six redirects", R"([{"kind":"redirect_chain","target":"objects",)" VISIT1 R"(,"hops":6}])", errc::ok,
     errc::too_many_redirects},
    {"close without length", R"([{"kind":"close_without_length","target":"objects",)" VISIT1 R"(}])"},
    {"close without length or md5",
     R"([{"kind":"close_without_length","target":"objects",)" VISIT1 R"(,"count":-1},)"
     R"({"kind":"no_md5","target":"objects",)" VISIT1 R"(,"count":-1}])",
     errc::ok, errc::truncated},
    {"chunked with trailer", R"([{"kind":"chunked_trailer","target":"objects","count":-1}])"},
    {"server closes idle keep-alive",
     R"([{"kind":"keepalive_close_after_idle_ms","target":"objects","idle_ms":50,"count":-1}])"},
    {"oversized json", R"([{"kind":"oversized_json","target":"api","bytes":17000000}])", errc::response_too_large},
    {"malformed json", R"([{"kind":"malformed_json","target":"api"}])", errc::invalid_response},
    {"data type with a path", R"([{"kind":"bad_data_type","target":"api","name":"../x"}])",
     errc::invalid_response},
    {"unknown valid data type", R"([{"kind":"extra_data_type","target":"api","name":"new_type_1"}])", errc::ok,
     errc::ok, 8},
    {"export ERROR", R"([{"kind":"export_status","target":"api","status":"ERROR","error_msg":"job failed"}])",
     errc::export_failed},
};

#undef VISIT1

void check_final_files(const std::filesystem::path& export_dir, const export_result& result)
{
    // Every file under a final name must be whole: its MD5 equals the one
    // recorded, and it decompresses.
    for (const auto& file : result.files) {
        const auto path = export_dir / file.relative_path;
        BOOST_TEST_CONTEXT(path)
        {
            if (file.result) {
                BOOST_TEST(md5_of_file(path) == file.result->md5);
                BOOST_CHECK_NO_THROW(gunzip_file(path));
            } else {
                BOOST_TEST(!std::filesystem::exists(path));
            }
        }
    }
}

void run_scenario(const emulator_process& emulator, const scenario& s)
{
    emulator.control("POST", "/_control/reset");
    emulator.control("POST", "/_control/faults", std::string(R"({"faults":)") + s.rules + "}");

    temp_folder out;
    boost::asio::io_context io;
    captured_log log;
    auto options = emulator_options(emulator);
    options.logger = log.sink();
    options.timeouts.idle = std::chrono::seconds(1);
    options.retry.base_delay = std::chrono::milliseconds(100);
    client c(io.get_executor(), options);

    export_request request(export_type::hour, export_date::parse(beijing_hour(3)));
    request.out_dir = out.path();
    request.expiry = link_expiry(1);
    std::optional<export_result> result;
    errc thrown = errc::ok;
    try {
        result = run(io, c.download_export(request));
    } catch (const error& e) {
        thrown = e.code();
        BOOST_TEST(std::string(e.what()).find(demo_secret) == std::string::npos);
    }
    BOOST_TEST(thrown == s.run_error, "the run ended with " << errc_name(thrown) << " instead of "
                                                            << errc_name(s.run_error) << "; its log:\n"
                                                            << log.joined());

    if (result) {
        BOOST_TEST(result->files.size() == s.files);
        for (const auto& file : result->files) {
            const bool aimed = s.every_file || (file.type.name() == "visit" && file.position == 1);
            const errc expected = aimed ? s.file_error : errc::ok;
            BOOST_TEST_CONTEXT(file.relative_path)
            {
                BOOST_TEST(file.error == expected);
                if (file.error != errc::ok)
                    BOOST_TEST(file.error_message.find(file.relative_path.generic_string()) != std::string::npos);
            }
        }
        check_final_files(result->export_dir, *result);
    }

    const std::string lines = log.joined();
    BOOST_TEST(lines.find(demo_secret) == std::string::npos);
    BOOST_TEST(lines.find("X-Gio-Signature") == std::string::npos);
}

void run_matrix(bool tls)
{
    emulator_process emulator(tls, matrix_args);
    for (const scenario& s : scenarios) {
        BOOST_TEST_CONTEXT((tls ? "https: " : "http: ") << s.name)
        {
            run_scenario(emulator, s);
        }
    }
    BOOST_TEST(emulator.log().find(demo_secret) == std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_matrix)

BOOST_AUTO_TEST_CASE(matrix_over_http)
{
    run_matrix(false);
}

BOOST_AUTO_TEST_CASE(matrix_over_https)
{
    run_matrix(true);
}

BOOST_AUTO_TEST_CASE(slowdown_retries_are_spaced)
{
    // 503 twice then 200: three requests, gaps of at least 200 ms and 400 ms.
    emulator_process emulator(false, matrix_args);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"status","target":"objects","status":503,"count":2}]})");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");
    const auto started = std::chrono::steady_clock::now();
    const auto result = run(io, c.download_link(url, out.path() / "p.csv.gz"));
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST(result.state == verification::verified);
    BOOST_TEST(count_requests(emulator, "/objects/") == 3u);
    BOOST_TEST(elapsed_ms >= 600);
}

BOOST_AUTO_TEST_CASE(always_503_gives_up_after_five)
{
    emulator_process emulator(false, matrix_args);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"status","target":"objects","status":503,"count":-1}]})");
    temp_folder out;
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.retry.base_delay = std::chrono::milliseconds(20);
    client c(io.get_executor(), options);
    const auto url = link_of(io, c, "page");
    BOOST_CHECK_EXCEPTION(run(io, c.download_link(url, out.path() / "p.csv.gz")), error,
                          [](const error& e) { return e.code() == errc::server_busy; });
    BOOST_TEST(count_requests(emulator, "/objects/") == 5u);
}

BOOST_AUTO_TEST_CASE(resume_uses_range)
{
    emulator_process emulator(true, matrix_args);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"reset_after_bytes","target":"objects","bytes":15000}]})");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");
    const auto result = run(io, c.download_link(url, out.path() / "p.csv.gz"));
    BOOST_TEST(result.state == verification::verified);

    const auto stats = emulator.control("GET", "/_control/stats");
    std::vector<std::string> ranges;
    for (const auto& record : stats.as_object().at("requests").as_array()) {
        const auto& range = record.as_object().at("range");
        if (range.is_string())
            ranges.emplace_back(range.as_string());
    }
    // The resume starts one byte before the bytes on disk, which repeats
    // the last one as a check.
    BOOST_TEST_REQUIRE(ranges.size() == 1u);
    BOOST_TEST(ranges[0].rfind("bytes=", 0) == 0u);
    BOOST_TEST(ranges[0] != "bytes=0-");
}

BOOST_AUTO_TEST_CASE(redirect_drops_api_headers)
{
    emulator_process emulator(true, matrix_args);
    // The first request of each file is redirected to the second host. Each
    // rule applies once, so the second host then serves the file.
    std::string rules;
    for (const char* type : {"visit", "page", "action"})
        for (int position = 0; position < 2; ++position)
            rules += std::string(rules.empty() ? "" : ",") + R"({"kind":"redirect","target":"objects","status":302,)" +
                     R"("match":{"data_type":")" + type + R"(","position":)" + std::to_string(position) + "}}";
    emulator.control("POST", "/_control/faults", R"({"faults":[)" + rules + "]}");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    auto request = export_request(export_type::hour, export_date::parse(beijing_hour(3)));
    request.out_dir = out.path();
    const auto result = run(io, c.download_export(request));
    BOOST_TEST(result.all_ok());
    const auto stats = emulator.control("GET", "/_control/stats");
    std::size_t on_objects = 0;
    for (const auto& record : stats.as_object().at("requests").as_array()) {
        const auto& fields = record.as_object();
        if (std::string(fields.at("path").as_string()).rfind("/objects/", 0) != 0)
            continue;
        ++on_objects;
        BOOST_TEST(!fields.at("authorization").as_bool());
        BOOST_TEST(!fields.at("x_client_id").as_bool());
    }
    BOOST_TEST(on_objects == 12u);  // six redirects, six downloads on the second host
}

BOOST_AUTO_TEST_CASE(https_to_http_redirect_refused)
{
    emulator_process emulator(true, matrix_args);
    const auto port = emulator.base_url().substr(emulator.base_url().rfind(':') + 1);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"redirect","target":"objects","status":302,"location":"http://127.0.0.1:)" +
                         port + R"(/objects/x"}]})");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto url = link_of(io, c, "page");
    BOOST_CHECK_EXCEPTION(run(io, c.download_link(url, out.path() / "p.csv.gz")), error,
                          [](const error& e) { return e.code() == errc::invalid_url; });
    BOOST_TEST(count_requests(emulator, "/objects/") == 1u);
}

BOOST_AUTO_TEST_CASE(api_budget_spaces_calls)
{
    // 20 listings from concurrent coroutines: with 2 calls a second the last
    // starts at least 9.5 s after the first, and the server sends no 429.
    emulator_process emulator(false, {"--api-rate-limit", "2"});
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    run(io, c.fetch_token());
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::future<links_response>> listings;
    for (int i = 0; i < 20; ++i)
        listings.push_back(boost::asio::co_spawn(
            io, c.fetch_links(export_type::hour, export_date::parse(beijing_hour(3 + i))), boost::asio::use_future));
    io.restart();
    io.run();
    for (auto& listing : listings)
        BOOST_TEST(listing.get().status == export_status::finished);
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST(elapsed_ms >= 9500);
    BOOST_TEST(count_requests(emulator, "/v2/", 429) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
