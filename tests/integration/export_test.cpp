// Whole exports against the emulator: files, manifest, waiting, statuses.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>

#include <sys/stat.h>

using namespace gioexport;
using namespace gioexport::test;

namespace {

export_request make_request(export_type type, const std::string& date, const std::filesystem::path& out)
{
    export_request request(type, export_date::parse(date));
    request.out_dir = out;
    request.poll_interval = std::chrono::seconds(1);
    return request;
}

bool has_code(const error& e, errc code)
{
    return e.code() == code;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(export_integration)

BOOST_AUTO_TEST_CASE(day_export_all_types_verified)
{
    for (bool tls : {false, true}) {
        BOOST_TEST_CONTEXT("tls " << tls)
        {
            emulator_process emulator(tls, {"--chunk-bytes", "4096"});
            temp_folder out;
            boost::asio::io_context io;
            client c(io.get_executor(), emulator_options(emulator));

            const auto result = run(io, c.download_export(make_request(export_type::day, beijing_day(1), out.path())));
            BOOST_TEST(result.all_ok());
            BOOST_TEST(result.export_dir == out.path() / demo_ai / "day" / beijing_day(1));
            // Ten types, 24 hours of one chunk each.
            BOOST_TEST(result.files.size() == 240u);

            const auto manifest = boost::json::parse(read_file(result.manifest_path)).as_object();
            BOOST_TEST(manifest.at("exportDate").as_string() == beijing_day(1));
            BOOST_TEST(manifest.at("complete").as_bool());
            const auto& files = manifest.at("files").as_array();
            BOOST_TEST_REQUIRE(files.size() == 240u);
            for (const auto& entry_value : files) {
                const auto& entry = entry_value.as_object();
                const auto path = result.export_dir / std::string(entry.at("path").as_string());
                BOOST_TEST_CONTEXT(path)
                {
                    BOOST_TEST(entry.at("verification").as_string() == "verified");
                    BOOST_TEST(md5_of_file(path) == std::string(entry.at("md5").as_string()));
                    BOOST_TEST(std::filesystem::file_size(path) == entry.at("bytes").to_number<std::uint64_t>());
                    BOOST_CHECK_NO_THROW(gunzip_file(path));
                    BOOST_TEST(!std::filesystem::exists(path.string() + ".part"));
                }
            }
            BOOST_TEST(std::filesystem::exists(result.export_dir / "visit" / "part-00023.csv.gz"));
        }
    }
}

BOOST_AUTO_TEST_CASE(hour_export_of_two_types)
{
    emulator_process emulator(false, {"--chunks-per-hour", "3", "--chunk-bytes", "2048"});
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));

    const std::string hour = beijing_hour(5);
    auto request = make_request(export_type::hour, hour + "30", out.path());
    request.data_types = {data_type::parse("page"), data_type::parse("custom_event")};
    request.concurrency = 2;
    const auto result = run(io, c.download_export(request));
    BOOST_TEST(result.all_ok());
    BOOST_TEST_REQUIRE(result.files.size() == 6u);
    BOOST_TEST(result.files[0].type.name() == "page");
    BOOST_TEST(result.files[3].type.name() == "custom_event");
    BOOST_TEST(result.files[5].position == 2u);
    BOOST_TEST(result.export_dir == out.path() / demo_ai / "hour" / hour);
    const std::string csv = gunzip_file(result.export_dir / "page" / "part-00000.csv.gz");
    BOOST_TEST(csv.rfind("visitUserId,sessionId,platform,domain,page", 0) == 0u);
}

// A re-run trusts a synced file by its size, but reads an unsynced one again
// and downloads it once more when its bytes changed, as a power loss may
// leave them. The run that syncs then records the checked files as synced.
BOOST_AUTO_TEST_CASE(rerun_checks_unsynced_files)
{
    emulator_process emulator(false, {"--chunks-per-hour", "3", "--chunk-bytes", "2048"});
    const std::string hour = beijing_hour(5);
    for (bool synced_first : {true, false}) {
        BOOST_TEST_CONTEXT("first run syncs: " << synced_first)
        {
            temp_folder out;
            boost::asio::io_context io;
            client c(io.get_executor(), emulator_options(emulator));
            auto request = make_request(export_type::hour, hour, out.path());
            request.data_types = {data_type::parse("page")};
            request.download.sync_files = synced_first;
            const auto first = run(io, c.download_export(request));
            BOOST_TEST_REQUIRE(first.all_ok());
            BOOST_TEST_REQUIRE(first.files.size() == 3u);

            // Damage one file and keep its size. Leave another untouched.
            const auto damaged = first.export_dir / "page" / "part-00000.csv.gz";
            const auto untouched = first.export_dir / "page" / "part-00001.csv.gz";
            const std::string good_md5 = md5_of_file(damaged);
            {
                std::fstream file(damaged, std::ios::binary | std::ios::in | std::ios::out);
                file.seekp(100);
                file.put('\x5a');
            }
            BOOST_TEST_REQUIRE(md5_of_file(damaged) != good_md5);
            struct stat before {};
            BOOST_TEST_REQUIRE(::stat(untouched.c_str(), &before) == 0);

            request.download.sync_files = true;
            const auto second = run(io, c.download_export(request));
            BOOST_TEST(second.all_ok());
            // Only the run without syncs catches the damage.
            BOOST_TEST((md5_of_file(damaged) == good_md5) == !synced_first);
            struct stat after {};
            BOOST_TEST_REQUIRE(::stat(untouched.c_str(), &after) == 0);
            BOOST_TEST(after.st_ino == before.st_ino);  // checked, not downloaded again

            // Each file's last record is a synced one.
            const std::string journal = read_file(second.export_dir / ".gioexport-journal");
            const auto unsynced = journal.find(" unsynced\n");
            const auto last_verified = journal.rfind("verified page");
            if (synced_first) {
                BOOST_TEST(unsynced == std::string::npos);
            } else {
                BOOST_TEST(unsynced != std::string::npos);
                BOOST_TEST(unsynced < last_verified);
            }
            for (const char* position : {"0", "1", "2"}) {
                const auto last = journal.rfind(std::string("verified page ") + position + " ");
                BOOST_TEST_REQUIRE(last != std::string::npos);
                const auto end = journal.find('\n', last);
                BOOST_TEST(journal.substr(last, end - last).find("unsynced") == std::string::npos);
            }
        }
    }
}

// A re-run names a file whose size changed since the run that verified it,
// and downloads it again, or takes a .part file with the verified bytes.
BOOST_AUTO_TEST_CASE(rerun_names_resized_file)
{
    emulator_process emulator(false, {"--chunks-per-hour", "2", "--chunk-bytes", "2048"});
    temp_folder out;
    logged_client session(emulator);
    auto& [io, log, c] = session;
    auto request = make_request(export_type::hour, beijing_hour(5), out.path());
    request.data_types = {data_type::parse("page")};
    const auto first = run(io, c.download_export(request));
    BOOST_TEST_REQUIRE(first.all_ok());
    const auto shortened = first.export_dir / "page" / "part-00001.csv.gz";
    const std::string good_md5 = md5_of_file(shortened);
    const auto size = std::filesystem::file_size(shortened);
    std::filesystem::resize_file(shortened, 1000);

    const auto second = run(io, c.download_export(request));
    BOOST_TEST(second.all_ok());
    BOOST_TEST(md5_of_file(shortened) == good_md5);
    const std::string text = log.joined();
    BOOST_TEST_INFO("log: " << text);
    BOOST_TEST(text.find("page/part-00001.csv.gz: the file has 1000 bytes, but an earlier run verified it with " +
                         std::to_string(size) + " bytes; downloading it again") != std::string::npos);
    BOOST_TEST(text.find("part-00000.csv.gz: the file has") == std::string::npos);

    // A grown file next to a .part file with the verified bytes, as a crash
    // between a copy and its rename may leave, takes the .part file's place.
    std::filesystem::copy_file(shortened, shortened.string() + ".part");
    std::ofstream(shortened, std::ios::app) << "extra";
    const auto third = run(io, c.download_export(request));
    BOOST_TEST(third.all_ok());
    BOOST_TEST(md5_of_file(shortened) == good_md5);
    BOOST_TEST(!std::filesystem::exists(shortened.string() + ".part"));
    const std::string later = log.joined().substr(text.size());
    BOOST_TEST_INFO("log: " << later);
    BOOST_TEST(later.find("page/part-00001.csv.gz: the file has " + std::to_string(size + 5) +
                          " bytes, but an earlier run verified it with " + std::to_string(size) +
                          " bytes; its .part file has the verified bytes and replaced it") != std::string::npos);
}

// A re-run with require_md5 does not trust a file that an earlier run kept
// without an MD5 check: it downloads the file again and verifies it.
BOOST_AUTO_TEST_CASE(require_md5_rerun_refetches_unverified)
{
    emulator_process emulator(false, {"--chunks-per-hour", "2", "--chunk-bytes", "2048"});
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"no_md5","target":"objects","count":-1}]})");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    auto request = make_request(export_type::hour, beijing_hour(5), out.path());
    request.data_types = {data_type::parse("page")};
    const auto first = run(io, c.download_export(request));
    BOOST_TEST_REQUIRE(first.all_ok());
    BOOST_TEST_REQUIRE(first.files.size() == 2u);
    for (const auto& file : first.files)
        BOOST_TEST((file.result->state == verification::unverified));
    const std::size_t first_requests = count_requests(emulator, "/objects/");

    // Without require_md5 the unverified files are taken from the journal.
    const auto second = run(io, c.download_export(request));
    BOOST_TEST(second.all_ok());
    BOOST_TEST(count_requests(emulator, "/objects/") == first_requests);

    emulator.control("POST", "/_control/reset");
    request.download.require_md5 = true;
    const auto third = run(io, c.download_export(request));
    BOOST_TEST_REQUIRE(third.all_ok());
    BOOST_TEST(count_requests(emulator, "/objects/") == 2u);
    for (const auto& file : third.files)
        BOOST_TEST((file.result->state == verification::verified));
}

BOOST_AUTO_TEST_CASE(waits_while_running)
{
    emulator_process emulator(false, {"--running-polls", "2", "--chunk-bytes", "1024"});
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));

    auto no_wait = make_request(export_type::hour, beijing_hour(4), out.path());
    BOOST_CHECK_EXCEPTION(run(io, c.download_export(no_wait)), error,
                          [](const error& e) { return has_code(e, errc::export_not_ready); });

    auto waiting = make_request(export_type::hour, beijing_hour(4), out.path());
    waiting.wait = std::chrono::seconds(30);
    const auto result = run(io, c.download_export(waiting));
    BOOST_TEST(result.all_ok());
    BOOST_TEST(result.files.size() == 10u);
}

BOOST_AUTO_TEST_CASE(not_exists_told_apart_by_age)
{
    emulator_process emulator(false);
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));

    BOOST_CHECK_EXCEPTION(run(io, c.download_export(make_request(export_type::day, beijing_day(20), out.path()))),
                          error, [](const error& e) { return has_code(e, errc::export_past_retention); });

    // The current hour is NOT_EXISTS on the server and "not ready" for the
    // client.
    const auto listing = run(io, c.fetch_links(export_type::hour, export_date::parse(beijing_hour(0))));
    BOOST_TEST(listing.status == export_status::not_exists);
    BOOST_CHECK_EXCEPTION(run(io, c.download_export(make_request(export_type::hour, beijing_hour(0), out.path()))),
                          error, [](const error& e) { return has_code(e, errc::export_not_ready); });

    // A period in the future is rejected before any request.
    const auto requests_before = count_requests(emulator, "/v2/");
    BOOST_CHECK_EXCEPTION(run(io, c.fetch_links(export_type::hour, export_date::parse(beijing_hour(-2)))), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });
    BOOST_CHECK_EXCEPTION(run(io, c.download_export(make_request(export_type::hour, beijing_hour(-2), out.path()))),
                          error, [](const error& e) { return has_code(e, errc::invalid_argument); });
    BOOST_TEST(count_requests(emulator, "/v2/") == requests_before);
}

BOOST_AUTO_TEST_CASE(invalid_values_rejected_before_requests)
{
    BOOST_CHECK_EXCEPTION(export_type::parse("week"), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });
    BOOST_CHECK_EXCEPTION(export_date::parse("20261304"), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });
    BOOST_CHECK_EXCEPTION(link_expiry(0), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });

    emulator_process emulator(false);
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.creds.ai = "../x";
    BOOST_CHECK_EXCEPTION(client(io.get_executor(), options), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });

    temp_folder out;
    client c(io.get_executor(), emulator_options(emulator));
    auto request = make_request(export_type::day, beijing_day(1), out.path());
    request.concurrency = 0;
    BOOST_CHECK_EXCEPTION(run(io, c.download_export(request)), error,
                          [](const error& e) { return has_code(e, errc::invalid_argument); });

    const auto stats = emulator.control("GET", "/_control/stats");
    BOOST_TEST(stats.as_object().at("requests").as_array().size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
