// A data type whose number of links changes between listings starts over
// from the new listing: its old files go, the journal records the new count,
// and every file of the new list arrives. A server whose counts keep
// changing fails the type after two restarts instead of looping.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <sstream>

using namespace gioexport;
using namespace gioexport::test;

namespace {

const std::vector<std::string> three_types_args = three_type_export(40000);

// The body of a 403 for an expired link, as object storage sends it.
const std::string expired_body =
    R"(<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>)"
    R"(<Message>Request has expired</Message></Error>)";

struct export_run {
    export_result result;
    std::string log;
};

export_run run_export(const emulator_process& emulator, const std::filesystem::path& out, std::size_t concurrency)
{
    boost::asio::io_context io;
    captured_log log;
    auto options = emulator_options(emulator);
    options.logger = log.sink();
    options.retry.base_delay = std::chrono::milliseconds(50);
    client c(io.get_executor(), options);
    export_request request(export_type::hour, export_date::parse(beijing_hour(3)));
    request.out_dir = out;
    request.concurrency = concurrency;
    export_run done{run(io, c.download_export(request)), {}};
    done.log = log.joined();
    return done;
}

// The MD5 of each link, downloaded into `folder`.
std::vector<std::string> md5s_of_links(const emulator_process& emulator, const std::vector<std::string>& urls,
                                       const std::filesystem::path& folder)
{
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    std::vector<std::string> md5s;
    for (std::size_t i = 0; i < urls.size(); ++i)
        md5s.push_back(run(io, c.download_link(urls[i], folder / part_file_name(i))).md5);
    return md5s;
}

const std::vector<std::string>& links_of(const links_response& listing, const std::string& type)
{
    for (const auto& links : listing.links)
        if (links.type.name() == type)
            return links.urls;
    throw std::runtime_error("the listing has no data type " + type);
}

// The names of the files below `folder`, recursively, relative to it.
std::set<std::string> files_below(const std::filesystem::path& folder)
{
    std::set<std::string> names;
    if (!std::filesystem::exists(folder))
        return names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
        if (entry.is_regular_file())
            names.insert(std::filesystem::relative(entry.path(), folder).generic_string());
    return names;
}

// The count of the last "listed <type> <count>" line of the journal, or -1.
long last_listed_count(const std::filesystem::path& export_dir, const std::string& type)
{
    std::istringstream lines(read_file(export_dir / ".gioexport-journal"));
    long count = -1;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string kind, name;
        long value = 0;
        if (fields >> kind >> name >> value && kind == "listed" && name == type)
            count = value;
    }
    return count;
}

// Checks that the manifest lists exactly the files of `listing`, each on
// disk with the MD5 that the link serves, and that nothing else is left in
// the export folder.
void check_matches_listing(const emulator_process& emulator, const export_result& result,
                           const links_response& listing)
{
    const auto manifest = boost::json::parse(read_file(result.manifest_path)).as_object();
    BOOST_TEST(manifest.at("complete").as_bool());

    std::map<std::string, std::map<std::size_t, std::string>> manifest_md5;
    for (const auto& entry : manifest.at("files").as_array()) {
        const auto& fields = entry.as_object();
        const std::string path(fields.at("path").as_string());
        BOOST_TEST_CONTEXT(path)
        {
            BOOST_TEST(fields.at("verification").as_string() == "verified");
            const std::string md5(fields.at("md5").as_string());
            BOOST_TEST(md5_of_file(result.export_dir / path) == md5);
            manifest_md5[std::string(fields.at("dataType").as_string())][fields.at("position").to_number<std::size_t>()] =
                md5;
        }
    }

    temp_folder reference;
    std::set<std::string> expected_files = {".gioexport-journal", "manifest.json"};
    for (const auto& links : listing.links) {
        const std::string& type = links.type.name();
        BOOST_TEST_CONTEXT(type)
        {
            BOOST_TEST(manifest_md5[type].size() == links.urls.size());
            const auto served = md5s_of_links(emulator, links.urls, reference.path() / type);
            for (std::size_t i = 0; i < served.size(); ++i) {
                BOOST_TEST(manifest_md5[type][i] == served[i], "position " << i);
                expected_files.insert(type + "/" + part_file_name(i));
            }
        }
    }
    BOOST_TEST(files_below(result.export_dir) == expected_files);
}

// One run in which a new listing gives visit 3 links instead of 2. `rules`
// make the client list again: an expired first listing, or a link that
// expires in the middle of the run.
void check_restart_in_run(bool tls, const std::string& rules, std::size_t concurrency)
{
    emulator_process emulator(tls, three_types_args);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"link_count_change","data_type":"visit","links":3},)" + rules + "]}");
    temp_folder out;
    const auto [result, log] = run_export(emulator, out.path(), concurrency);

    BOOST_TEST(result.all_ok());
    BOOST_TEST(links_of(result.listing, "visit").size() == 3u);
    BOOST_TEST(result.files.size() == 7u);
    BOOST_TEST(count_requests(emulator, "/v2/") == 2u);
    BOOST_TEST(log.find("\"visit\" has 3 links in a new listing instead of 2") != std::string::npos);
    BOOST_TEST(last_listed_count(result.export_dir, "visit") == 3);
    check_matches_listing(emulator, result, result.listing);

    // The third listing serves the usual two visit chunks again: the files
    // of the new list have other content.
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    const auto usual = run(io, c.fetch_links(export_type::hour, export_date::parse(beijing_hour(3))));
    temp_folder old_files;
    const auto old_md5s = md5s_of_links(emulator, links_of(usual, "visit"), old_files.path());
    for (std::size_t i = 0; i < old_md5s.size(); ++i)
        BOOST_TEST(md5_of_file(result.export_dir / "visit" / part_file_name(i)) != old_md5s[i], "position " << i);
}

const std::string expired_listing = R"({"kind":"expire_early","target":"api"})";
// With one download at a time, both visit files are verified before
// action/part-00001 finds its link expired.
const std::string link_expires_late =
    R"({"kind":"status","target":"objects","match":{"data_type":"action","position":1},"status":403,)"
    R"("content_type":"application/xml","body":")" + expired_body + R"("})";

}  // namespace

BOOST_AUTO_TEST_SUITE(link_count_change)

BOOST_AUTO_TEST_CASE(restart_after_expired_listing_http)
{
    check_restart_in_run(false, expired_listing, 4);
}

BOOST_AUTO_TEST_CASE(restart_after_expired_listing_https)
{
    check_restart_in_run(true, expired_listing, 4);
}

BOOST_AUTO_TEST_CASE(restart_after_verified_files_http)
{
    check_restart_in_run(false, link_expires_late, 1);
}

BOOST_AUTO_TEST_CASE(restart_after_verified_files_https)
{
    check_restart_in_run(true, link_expires_late, 1);
}

BOOST_AUTO_TEST_CASE(journal_count_differs_at_start)
{
    emulator_process emulator(false, three_types_args);
    temp_folder out;
    const auto first = run_export(emulator, out.path(), 2);
    BOOST_TEST_REQUIRE(first.result.all_ok());

    // From now on every listing gives visit 3 other chunks.
    emulator.control("POST", "/_control/reset");
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"link_count_change","data_type":"visit","links":3,)"
                     R"("after_listings":0,"count":-1}]})");
    const auto [result, log] = run_export(emulator, out.path(), 2);

    BOOST_TEST(result.all_ok());
    BOOST_TEST(log.find("\"visit\" had 2 links when an earlier run listed it and has 3 links now") != std::string::npos);
    // Only the three visit files were downloaded; page and action were
    // verified by the first run.
    BOOST_TEST(count_requests(emulator, "/objects/") == 3u);
    BOOST_TEST(last_listed_count(result.export_dir, "visit") == 3);
    check_matches_listing(emulator, result, result.listing);
}

BOOST_AUTO_TEST_CASE(flapping_count_fails_type)
{
    // Every listing has expired links, and visit has 2, then 3, 1 and 4
    // links: the third change is one more than the two restarts allowed.
    emulator_process emulator(false, three_types_args);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"expire_early","target":"api","count":-1},)"
                     R"({"kind":"link_count_change","data_type":"visit","links":3,"after_listings":1},)"
                     R"({"kind":"link_count_change","data_type":"visit","links":1,"after_listings":2},)"
                     R"({"kind":"link_count_change","data_type":"visit","links":4,"after_listings":3,"count":-1}]})");
    temp_folder out;
    const auto [result, log] = run_export(emulator, out.path(), 1);

    std::size_t visit_files = 0;
    for (const auto& file : result.files) {
        BOOST_TEST_CONTEXT(file.relative_path)
        {
            BOOST_TEST(!file.result.has_value());
            if (file.type.name() != "visit") {
                BOOST_TEST(file.error == errc::link_expired);
                continue;
            }
            ++visit_files;
            BOOST_TEST(file.error == errc::invalid_response);
            BOOST_TEST(file.error_message.find("data type \"visit\"") != std::string::npos);
            BOOST_TEST(file.error_message.find("(2, 3, 1, 4)") != std::string::npos);
        }
    }
    BOOST_TEST(visit_files == 4u);
    BOOST_TEST(log.find("restart 2 of at most 2") != std::string::npos);
    // Besides the first listing, each of the six downloads of the first
    // list lists at most once, so listing does not loop.
    BOOST_TEST(count_requests(emulator, "/v2/") <= 7u);
    BOOST_TEST(last_listed_count(result.export_dir, "visit") == 4);
    for (const auto& name : files_below(result.export_dir))
        BOOST_TEST(name.rfind("visit/", 0) != 0u, name << " is left over");
}

BOOST_AUTO_TEST_SUITE_END()
