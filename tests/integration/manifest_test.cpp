// manifest.json across runs for different data types into one folder.
#include "support/print.hpp"
#include "support/run.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

using namespace gioexport;
using namespace gioexport::test;

namespace {

// An hour export of one data type, written under `out`.
export_request one_type_request(const std::string& type, const std::filesystem::path& out)
{
    export_request request(export_type::hour, export_date::parse(beijing_hour(5)));
    request.out_dir = out;
    request.data_types = {data_type::parse(type)};
    return request;
}

// Counts the manifest's entries per data type.
std::map<std::string, int> entries_per_type(const boost::json::object& manifest)
{
    std::map<std::string, int> counts;
    for (const auto& entry : manifest.at("files").as_array())
        ++counts[std::string(entry.as_object().at("dataType").as_string())];
    return counts;
}

boost::json::object read_manifest(const std::filesystem::path& path)
{
    return boost::json::parse(read_file(path)).as_object();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(manifest_integration)

// A run for one data type keeps the entries that an earlier run wrote for
// another, while their files still have their sizes and the export version
// is the same.
BOOST_AUTO_TEST_CASE(keeps_other_types_entries)
{
    emulator_process emulator(false, {"--chunks-per-hour", "2", "--chunk-bytes", "2048"});
    temp_folder out;
    logged_client session(emulator);
    auto& [io, log, c] = session;

    const auto pages = run(io, c.download_export(one_type_request("page", out.path())));
    BOOST_TEST_REQUIRE(pages.all_ok());
    const auto page_entries = read_manifest(pages.manifest_path).at("files").as_array();

    const auto visits = run(io, c.download_export(one_type_request("visit", out.path())));
    BOOST_TEST_REQUIRE(visits.all_ok());
    auto manifest = read_manifest(visits.manifest_path);
    BOOST_TEST(manifest.at("complete").as_bool());
    BOOST_TEST(entries_per_type(manifest) == (std::map<std::string, int>{{"page", 2}, {"visit", 2}}));
    const auto& files = manifest.at("files").as_array();
    BOOST_TEST(boost::json::serialize(files.at(2)) == boost::json::serialize(page_entries.at(0)));
    BOOST_TEST(boost::json::serialize(files.at(3)) == boost::json::serialize(page_entries.at(1)));
    BOOST_TEST(log.joined().find("manifest.json") == std::string::npos);

    // A page file that is gone loses its entry, with a warning that names it.
    std::filesystem::remove(visits.export_dir / "page" / "part-00001.csv.gz");
    const auto again = run(io, c.download_export(one_type_request("visit", out.path())));
    BOOST_TEST_REQUIRE(again.all_ok());
    manifest = read_manifest(again.manifest_path);
    BOOST_TEST(entries_per_type(manifest) == (std::map<std::string, int>{{"page", 1}, {"visit", 2}}));
    BOOST_TEST_INFO("log: " << log.joined());
    BOOST_TEST(log.joined().find("manifest.json no longer lists a page file: page/part-00001.csv.gz is missing") !=
               std::string::npos);
}

// Entries of another export version, or of a manifest that is not valid
// JSON, are not carried over.
BOOST_AUTO_TEST_CASE(drops_other_version_entries)
{
    emulator_process emulator(false, {"--chunks-per-hour", "2", "--chunk-bytes", "2048"});
    temp_folder out;
    logged_client session(emulator);
    auto& [io, log, c] = session;

    const auto pages = run(io, c.download_export(one_type_request("page", out.path())));
    BOOST_TEST_REQUIRE(pages.all_ok());
    auto text = read_file(pages.manifest_path);
    const auto version = text.find("\"exportVersion\":\"v2\"");
    BOOST_TEST_REQUIRE(version != std::string::npos);
    text.replace(version, 20, "\"exportVersion\":\"v1\"");
    std::ofstream(pages.manifest_path, std::ios::trunc) << text;

    const auto visits = run(io, c.download_export(one_type_request("visit", out.path())));
    BOOST_TEST_REQUIRE(visits.all_ok());
    BOOST_TEST(entries_per_type(read_manifest(visits.manifest_path)) == (std::map<std::string, int>{{"visit", 2}}));
    BOOST_TEST_INFO("log: " << log.joined());
    BOOST_TEST(log.joined().find("lists another export version than \"v2\"") != std::string::npos);

    std::ofstream(visits.manifest_path, std::ios::trunc) << "{\"files\": [";
    const auto pages_again = run(io, c.download_export(one_type_request("page", out.path())));
    BOOST_TEST_REQUIRE(pages_again.all_ok());
    BOOST_TEST(entries_per_type(read_manifest(pages_again.manifest_path)) ==
               (std::map<std::string, int>{{"page", 2}}));
    BOOST_TEST(log.joined().find("the earlier manifest.json is invalid") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
