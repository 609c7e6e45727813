// JSON documents, the download summary and the progress line.
#include "output.hpp"
#include "progress.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <cstdio>
#include <string>

using namespace gioexport::cli;
using gioexport::errc;
namespace json = boost::json;

namespace {

gioexport::links_response sample_listing()
{
    gioexport::links_response listing;
    listing.status = gioexport::export_status::finished;
    listing.status_text = "FINISHED";
    listing.export_type = "hour";
    listing.export_date = "2019011509";
    listing.export_version = "v2";
    listing.request_time = "2019-01-15 10:41";
    listing.links = {
        {gioexport::data_type::parse("visit"),
         {"https://files.example.invalid/x/0f4205b4?sig=aa01"}},
        {gioexport::data_type::parse("action"),
         {"https://files.example.invalid/x/17c2a9e0?sig=cc03",
          "https://files.example.invalid/x/5d90be41?sig=cc04"}},
    };
    return listing;
}

gioexport::export_result sample_result()
{
    gioexport::export_result result;
    result.listing = sample_listing();
    result.export_dir = "/data/ai1/hour/2019011509";
    result.manifest_path = "/data/ai1/hour/2019011509/manifest.json";

    gioexport::file_outcome verified{gioexport::data_type::parse("visit"), 0,
                                     "visit/part-00000.csv.gz", {}, errc::ok, {}};
    verified.result = gioexport::file_result{"/data/ai1/hour/2019011509/visit/part-00000.csv.gz",
                                             1'500'000, "a536cb5f330bd8ecd0391d029df23555",
                                             gioexport::verification::verified};
    gioexport::file_outcome unverified{gioexport::data_type::parse("action"), 0,
                                       "action/part-00000.csv.gz", {}, errc::ok, {}};
    unverified.result = gioexport::file_result{"/data/ai1/hour/2019011509/action/part-00000.csv.gz",
                                               500'000, "0cc175b9c0f1b6a831c399e269772661",
                                               gioexport::verification::unverified};
    gioexport::file_outcome failed{gioexport::data_type::parse("action"), 1,
                                   "action/part-00001.csv.gz", {}, errc::checksum_mismatch,
                                   "MD5 mismatch for action part 1"};
    result.files = {verified, unverified, failed};
    return result;
}

// Reads everything written to a temporary file.
std::string read_all(std::FILE* file)
{
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        text.append(buffer, count);
    return text;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(output)

BOOST_AUTO_TEST_CASE(listing_json_redacts_links)
{
    const json::object document = listing_to_json(sample_listing(), false, exit_code::success);
    const std::string text = json::serialize(document);
    BOOST_TEST(text.find("sig=") == std::string::npos, text);
    BOOST_TEST(text.find("0f4205b4") != std::string::npos, text);

    BOOST_TEST(document.at("ok").as_bool());
    BOOST_TEST(document.at("exitCode").as_int64() == 0);
    BOOST_TEST(document.at("status").as_string() == "FINISHED");
    BOOST_TEST(document.at("exportType").as_string() == "hour");
    BOOST_TEST(document.at("dataType").as_string() == "");
    BOOST_TEST(document.at("exportDate").as_string() == "2019011509");
    BOOST_TEST(document.at("exportVersion").as_string() == "v2");
    BOOST_TEST(document.at("requestTime").as_string() == "2019-01-15 10:41");
    BOOST_TEST(document.at("errorMsg").as_string() == "");

    const json::object& links = document.at("links").as_object();
    BOOST_TEST(links.size() == 2u);
    BOOST_TEST(links.begin()->key() == "visit");
    BOOST_TEST(links.at("action").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(listing_json_shows_links_on_request)
{
    const json::object document = listing_to_json(sample_listing(), true, exit_code::success);
    BOOST_TEST(document.at("links").at("action").as_array().at(1).as_string() ==
               "https://files.example.invalid/x/5d90be41?sig=cc04");
}

BOOST_AUTO_TEST_CASE(export_json_lists_every_file)
{
    const json::object document = export_result_to_json(sample_result(), exit_code::downloads_failed, 2.5);
    BOOST_TEST(!document.at("ok").as_bool());
    BOOST_TEST(document.at("exitCode").as_int64() == 4);
    BOOST_TEST(document.at("exportDir").as_string() == "/data/ai1/hour/2019011509");
    BOOST_TEST(document.at("manifest").as_string() == "/data/ai1/hour/2019011509/manifest.json");
    BOOST_TEST(document.at("status").as_string() == "FINISHED");
    BOOST_TEST(document.at("bytes").to_number<std::uint64_t>() == 2'000'000u);
    BOOST_TEST(document.at("seconds").to_number<double>() == 2.5);

    const json::array& files = document.at("files").as_array();
    BOOST_REQUIRE(files.size() == 3u);

    const json::object& first = files.at(0).as_object();
    BOOST_TEST(first.at("dataType").as_string() == "visit");
    BOOST_TEST(first.at("position").to_number<int>() == 0);
    BOOST_TEST(first.at("path").as_string() == "/data/ai1/hour/2019011509/visit/part-00000.csv.gz");
    BOOST_TEST(first.at("bytes").to_number<int>() == 1'500'000);
    BOOST_TEST(first.at("md5").as_string() == "a536cb5f330bd8ecd0391d029df23555");
    BOOST_TEST(first.at("verification").as_string() == "verified");
    BOOST_TEST(first.at("error").is_null());
    BOOST_TEST(first.at("message").is_null());

    BOOST_TEST(files.at(1).at("verification").as_string() == "unverified");

    const json::object& failed = files.at(2).as_object();
    BOOST_TEST(failed.at("position").to_number<int>() == 1);
    BOOST_TEST(failed.at("bytes").to_number<int>() == 0);
    BOOST_TEST(failed.at("md5").is_null());
    BOOST_TEST(failed.at("verification").is_null());
    BOOST_TEST(failed.at("error").as_string() == "checksum_mismatch");
    BOOST_TEST(failed.at("message").as_string() == "MD5 mismatch for action part 1");
}

BOOST_AUTO_TEST_CASE(error_json_has_fixed_keys)
{
    const json::object with_status =
        error_to_json(exit_code::api, "auth_failed", "The export API request failed: x", 401);
    BOOST_TEST(!with_status.at("ok").as_bool());
    BOOST_TEST(with_status.at("exitCode").as_int64() == 3);
    BOOST_TEST(with_status.at("error").as_string() == "auth_failed");
    BOOST_TEST(with_status.at("message").as_string() == "The export API request failed: x");
    BOOST_TEST(with_status.at("httpStatus").as_int64() == 401);

    const json::object without_status = error_to_json(exit_code::usage, "invalid_argument", "m", 0);
    BOOST_TEST(without_status.at("httpStatus").is_null());
}

BOOST_AUTO_TEST_CASE(serializers_round_trip)
{
    const json::value document = export_result_to_json(sample_result(), exit_code::success, 1.0);

    const std::string line = serialize_line(document);
    BOOST_TEST(line.back() == '\n');
    BOOST_TEST(line.find('\n') == line.size() - 1);
    BOOST_TEST((json::parse(line) == document));

    const std::string indented = serialize_indented(document);
    BOOST_TEST(indented.find("\n  \"ok\": true") != std::string::npos, indented);
    BOOST_TEST((json::parse(indented) == document));
    BOOST_TEST(serialize_indented(json::object()) == "{}\n");
}

BOOST_AUTO_TEST_CASE(doubles_written_without_exponent)
{
    json::object document;
    document["seconds"] = 1.346;
    document["small"] = 0.057;
    document["whole"] = 2.0;
    BOOST_TEST(serialize_line(document) == "{\"seconds\":1.346,\"small\":0.057,\"whole\":2.0}\n");
    BOOST_TEST(serialize_indented(document).find("\"small\": 0.057") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(summary_counts_files)
{
    const gioexport::export_result result = sample_result();
    const file_counts counts = count_files(result);
    BOOST_TEST(counts.verified == 1u);
    BOOST_TEST(counts.unverified == 1u);
    BOOST_TEST(counts.failed == 1u);
    BOOST_TEST(counts.bytes == 2'000'000u);

    const std::string english = render_summary(result, 3.25, language::english);
    BOOST_TEST(english.find("/data/ai1/hour/2019011509/manifest.json") != std::string::npos);
    BOOST_TEST(english.find("1 verified, 1 unverified, 1 failed, 3 listed") != std::string::npos,
               english);
    BOOST_TEST(english.find("2.0 MB (2000000 bytes)") != std::string::npos, english);
    BOOST_TEST(english.find("3.2 s") != std::string::npos, english);

    const std::string chinese = render_summary(result, 3.25, language::chinese);
    BOOST_TEST(chinese.find("1 个已校验") != std::string::npos, chinese);
}

BOOST_AUTO_TEST_CASE(failures_name_type_part_and_code)
{
    const std::string lines = render_failures(sample_result(), language::english);
    BOOST_TEST(lines == "failed: action part 1: checksum_mismatch: MD5 mismatch for action part 1\n");
    const std::string chinese = render_failures(sample_result(), language::chinese);
    BOOST_TEST(chinese.find("checksum_mismatch") != std::string::npos);
    BOOST_TEST(chinese.find("失败") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unverified_files_get_a_warning)
{
    const std::string lines = render_unverified(sample_result(), language::english);
    BOOST_TEST(lines == "warning: action part 0 is unverified: the server sent no MD5 for it "
                        "(--require-md5 makes this an error)\n");
    const std::string chinese = render_unverified(sample_result(), language::chinese);
    BOOST_TEST(chinese.find("未经校验") != std::string::npos);

    // Beyond the limit, one line counts the rest.
    gioexport::export_result many = sample_result();
    for (std::size_t i = 0; i < 4; ++i)
        many.files.push_back(many.files[1]);
    const std::string capped = render_unverified(many, language::english, 2);
    BOOST_TEST(std::count(capped.begin(), capped.end(), '\n') == 3);
    BOOST_TEST(capped.find("warning: 3 more files are unverified\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(megabytes_use_one_decimal)
{
    BOOST_TEST(format_megabytes(0) == "0.0");
    BOOST_TEST(format_megabytes(1'250'000) == "1.2");
    BOOST_TEST(format_megabytes(64'000'000) == "64.0");
}

BOOST_AUTO_TEST_CASE(progress_line_reports_rate)
{
    gioexport::export_progress progress;
    progress.files_total = 10;
    progress.files_done = 3;
    progress.files_failed = 1;
    progress.bytes_done = 2'500'000;
    BOOST_TEST(format_progress_line(progress, 2.0, language::english) ==
               "3/10 files, 1 failed, 2.5 MB, 1.2 MB/s");
    BOOST_TEST(format_progress_line(progress, 0.0, language::english) ==
               "3/10 files, 1 failed, 2.5 MB, 0.0 MB/s");
    BOOST_TEST(format_progress_line(progress, 2.0, language::chinese) ==
               "3/10 个文件，1 个失败，2.5 MB，1.2 MB/s");
}

BOOST_AUTO_TEST_CASE(progress_redraws_throttled)
{
    using namespace std::chrono;
    std::FILE* file = std::tmpfile();
    BOOST_REQUIRE(file != nullptr);

    steady_clock::time_point now{};
    stderr_writer writer(file, language::english, true, milliseconds(250), [&now] { return now; });

    gioexport::export_progress progress;
    progress.files_total = 3;
    writer.update(progress);
    BOOST_TEST(writer.redraw_count() == 1u);

    now += milliseconds(100);
    progress.bytes_done = 1000;
    writer.update(progress);
    BOOST_TEST(writer.redraw_count() == 1u);

    now += milliseconds(200);
    writer.update(progress);
    BOOST_TEST(writer.redraw_count() == 2u);

    // The final state is drawn at once, however soon it follows.
    now += milliseconds(1);
    progress.files_done = 2;
    progress.files_failed = 1;
    writer.update(progress);
    BOOST_TEST(writer.redraw_count() == 3u);

    writer.finish();
    const std::string text = read_all(file);
    BOOST_TEST(text.find("\r2/3 files, 1 failed, 0.0 MB") != std::string::npos, text);
    BOOST_TEST(text.back() == '\n');
    std::fclose(file);
}

BOOST_AUTO_TEST_CASE(progress_off_prints_nothing)
{
    std::FILE* file = std::tmpfile();
    BOOST_REQUIRE(file != nullptr);
    stderr_writer writer(file, language::english, false);
    gioexport::export_progress progress;
    progress.files_total = 1;
    writer.update(progress);
    writer.finish();
    BOOST_TEST(writer.redraw_count() == 0u);
    BOOST_TEST(read_all(file).empty());

    writer.write_line("gioexport: warning: x");
    BOOST_TEST(read_all(file) == "gioexport: warning: x\n");
    std::fclose(file);
}

BOOST_AUTO_TEST_CASE(log_line_clears_progress_line)
{
    std::FILE* file = std::tmpfile();
    BOOST_REQUIRE(file != nullptr);
    stderr_writer writer(file, language::english, true);
    gioexport::export_progress progress;
    progress.files_total = 2;
    writer.update(progress);
    writer.write_line("gioexport: warning: retrying");
    const std::string text = read_all(file);
    const std::size_t clear = text.find("\r\x1b[Kgioexport: warning: retrying\n");
    BOOST_TEST(clear != std::string::npos, text);
    // The progress line comes back below the log line.
    BOOST_TEST(text.find("\r0/2 files", clear) != std::string::npos, text);
    std::fclose(file);
}

BOOST_AUTO_TEST_SUITE_END()
