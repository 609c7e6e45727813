// manifest.json across runs for different data types into one folder.
#include "support/print.hpp"
#include "support/run.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <map>

#include <sys/stat.h>

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

// An emulator with two files per data type and hour, an output folder, and
// a client whose log is captured.
struct export_folder {
    emulator_process emulator{false, {"--chunks-per-hour", "2", "--chunk-bytes", "2048"}};
    temp_folder out;
    logged_client session{emulator};

    // Runs the hour export of one data type into the folder and requires
    // every file to be verified.
    export_result fetch(const std::string& type)
    {
        auto result = run(session.io, session.c.download_export(one_type_request(type, out.path())));
        BOOST_TEST_REQUIRE(result.all_ok());
        return result;
    }
};

// Replaces the file at `path` with `manifest`.
void write_manifest(const std::filesystem::path& path, const boost::json::object& manifest)
{
    std::ofstream(path, std::ios::trunc) << boost::json::serialize(manifest);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(manifest_integration)

// A run for one data type keeps the entries that an earlier run wrote for
// another, while their files still have their sizes and the export version
// is the same.
BOOST_AUTO_TEST_CASE(keeps_other_types_entries)
{
    export_folder folder;
    captured_log& log = folder.session.log;

    const auto pages = folder.fetch("page");
    const auto page_entries = read_manifest(pages.manifest_path).at("files").as_array();

    const auto visits = folder.fetch("visit");
    auto manifest = read_manifest(visits.manifest_path);
    BOOST_TEST(manifest.at("complete").as_bool());
    BOOST_TEST(entries_per_type(manifest) == (std::map<std::string, int>{{"page", 2}, {"visit", 2}}));
    const auto& files = manifest.at("files").as_array();
    BOOST_TEST(boost::json::serialize(files.at(2)) == boost::json::serialize(page_entries.at(0)));
    BOOST_TEST(boost::json::serialize(files.at(3)) == boost::json::serialize(page_entries.at(1)));
    BOOST_TEST(log.joined().find("manifest.json") == std::string::npos);

    // A page file that is gone loses its entry, with a warning that names it.
    std::filesystem::remove(visits.export_dir / "page" / "part-00001.csv.gz");
    const auto again = folder.fetch("visit");
    manifest = read_manifest(again.manifest_path);
    BOOST_TEST(entries_per_type(manifest) == (std::map<std::string, int>{{"page", 1}, {"visit", 2}}));
    BOOST_TEST(!manifest.at("complete").as_bool());
    BOOST_TEST_INFO("log: " << log.joined());
    BOOST_TEST(log.joined().find("manifest.json no longer lists page/part-00001.csv.gz: the file is missing") !=
               std::string::npos);
}

// Entries of another export version, or of a manifest that is not valid
// JSON, are not carried over.
BOOST_AUTO_TEST_CASE(drops_other_version_entries)
{
    export_folder folder;
    captured_log& log = folder.session.log;

    const auto pages = folder.fetch("page");
    auto text = read_file(pages.manifest_path);
    const auto version = text.find("\"exportVersion\":\"v2\"");
    BOOST_TEST_REQUIRE(version != std::string::npos);
    text.replace(version, 20, "\"exportVersion\":\"v1\"");
    std::ofstream(pages.manifest_path, std::ios::trunc) << text;

    const auto visits = folder.fetch("visit");
    BOOST_TEST(entries_per_type(read_manifest(visits.manifest_path)) == (std::map<std::string, int>{{"visit", 2}}));
    BOOST_TEST_INFO("log: " << log.joined());
    BOOST_TEST(log.joined().find("lists another export version than \"v2\"") != std::string::npos);

    std::ofstream(visits.manifest_path, std::ios::trunc) << "{\"files\": [";
    const auto pages_again = folder.fetch("page");
    BOOST_TEST(entries_per_type(read_manifest(pages_again.manifest_path)) ==
               (std::map<std::string, int>{{"page", 2}}));
    BOOST_TEST(log.joined().find("the earlier manifest.json is invalid") != std::string::npos);
    BOOST_TEST(!read_manifest(pages_again.manifest_path).at("complete").as_bool());
}

// Entries are kept only with the path gioexport gives their type and
// position, once each, and only for regular files inside the export folder.
BOOST_AUTO_TEST_CASE(rejects_edited_entries)
{
    export_folder folder;
    captured_log& log = folder.session.log;
    const auto pages = folder.fetch("page");

    auto manifest = read_manifest(pages.manifest_path);
    auto& files = manifest.at("files").as_array();
    const boost::json::object page0 = files.at(0).as_object();
    const boost::json::object page1 = files.at(1).as_object();
    auto outside_path = page0;
    outside_path["path"] = "page/../../../../page0";
    auto other_path = page0;
    other_path["path"] = "visit/part-00000.csv.gz";
    // A click file that is a symbolic link to a file outside the export folder.
    const auto outside = folder.out.path() / "outside";
    std::ofstream(outside) << std::string(page1.at("bytes").to_number<std::size_t>(), 'x');
    std::filesystem::create_directories(pages.export_dir / "click");
    std::filesystem::create_symlink(outside, pages.export_dir / "click" / "part-00000.csv.gz");
    auto linked = page1;
    linked["dataType"] = "click";
    linked["position"] = 0;
    linked["path"] = "click/part-00000.csv.gz";
    files = boost::json::array{outside_path, page1, page1, 5, other_path, linked};
    write_manifest(pages.manifest_path, manifest);

    const auto visits = folder.fetch("visit");
    const auto written = read_manifest(visits.manifest_path);
    BOOST_TEST(entries_per_type(written) == (std::map<std::string, int>{{"page", 1}, {"visit", 2}}));
    BOOST_TEST(!written.at("complete").as_bool());
    const std::string text = log.joined();
    BOOST_TEST_INFO("log: " << text);
    BOOST_TEST(text.find("no longer lists entry 0: its path is not page/part-00000.csv.gz") != std::string::npos);
    BOOST_TEST(text.find("no longer lists page/part-00001.csv.gz: it repeats an earlier entry") != std::string::npos);
    BOOST_TEST(text.find("no longer lists entry 3: it is not a JSON object") != std::string::npos);
    BOOST_TEST(text.find("no longer lists entry 4: its path is not page/part-00000.csv.gz") != std::string::npos);
    BOOST_TEST(text.find("no longer lists click/part-00000.csv.gz: the file is missing, is not a regular file") !=
               std::string::npos);
}

// Entries of the type that a run lists again are replaced without a word,
// even invalid ones. Past ten, the other entries left out are counted in
// one warning.
BOOST_AUTO_TEST_CASE(caps_warnings_and_skips_own_types)
{
    export_folder folder;
    const auto pages = folder.fetch("page");
    auto manifest = read_manifest(pages.manifest_path);
    auto& files = manifest.at("files").as_array();
    files.push_back(boost::json::object{{"dataType", "page"}, {"position", 7}, {"path", "nowhere"}});
    for (int position = 0; position < 12; ++position)
        files.push_back(boost::json::object{{"dataType", "click"}, {"position", position}, {"path", "nowhere"}});
    write_manifest(pages.manifest_path, manifest);

    const auto again = folder.fetch("page");
    BOOST_TEST(entries_per_type(read_manifest(again.manifest_path)) == (std::map<std::string, int>{{"page", 2}}));
    const auto& lines = folder.session.log.lines;
    const auto count = [&](const std::string& text) {
        return std::count_if(lines.begin(), lines.end(),
                             [&](const std::string& line) { return line.find(text) != std::string::npos; });
    };
    BOOST_TEST(count("manifest.json no longer lists entry") == 10);
    BOOST_TEST(count("manifest.json no longer lists 2 more entries") == 1);
    BOOST_TEST(count("lists entry 2:") == 0);  // the page entry
    BOOST_TEST(!read_manifest(again.manifest_path).at("complete").as_bool());
}

// A manifest.json that is a FIFO is replaced without being read, so the run
// does not block on it.
BOOST_AUTO_TEST_CASE(fifo_manifest_is_replaced)
{
    export_folder folder;
    captured_log& log = folder.session.log;
    const auto pages = folder.fetch("page");
    std::filesystem::remove(pages.manifest_path);
    BOOST_TEST_REQUIRE(::mkfifo(pages.manifest_path.c_str(), 0600) == 0);

    const auto visits = folder.fetch("visit");
    BOOST_TEST(std::filesystem::is_regular_file(visits.manifest_path));
    BOOST_TEST(entries_per_type(read_manifest(visits.manifest_path)) == (std::map<std::string, int>{{"visit", 2}}));
    BOOST_TEST(log.joined().find("the earlier manifest.json is not a regular file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
