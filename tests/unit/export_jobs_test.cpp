// The job queue of an export run: a data type whose number of links changes
// between listings starts over, at most twice per run, and a type whose
// count differs from the journal's loses its files before the run starts.
#include "export_jobs.hpp"
#include "support/scratch_folder.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace gioexport;
using namespace gioexport::detail;

namespace {

const std::string some_md5 = "0123456789abcdef0123456789abcdef";

// A listing with `visit` and `page` links; the URLs are never requested.
links_response listing_with(std::size_t visit_links, std::size_t page_links)
{
    links_response listing;
    listing.status = export_status::finished;
    for (const auto& [name, count] : {std::pair{"visit", visit_links}, std::pair{"page", page_links}}) {
        type_links links{data_type::parse(name), {}};
        for (std::size_t i = 0; i < count; ++i)
            links.urls.push_back("http://127.0.0.1:9/objects/" + std::string(name) + std::to_string(i));
        listing.links.push_back(std::move(links));
    }
    return listing;
}

// An export folder under TMPDIR with its journal, the jobs over it and a
// log. Members are destroyed in reverse order, so the jobs go before the
// journal they use.
struct export_fixture {
    boost::asio::io_context io;
    test::scratch_folder scratch{"gioexport-jobs-"};
    const std::filesystem::path& folder = scratch.path();
    std::optional<export_journal> journal;
    shared_progress progress;
    std::vector<std::string> log_lines;
    std::optional<export_jobs> jobs;

    void start(const links_response& listing)
    {
        journal.emplace(folder);
        jobs.emplace(io.get_executor(), listing, folder, *journal, progress,
                     [this](log_level, const std::string& line) { log_lines.push_back(line); }, 2);
        progress.totals.files_total = jobs->job_count();
    }

    // Takes `count` queued jobs. next() would wait for more once the queue
    // is empty while a job runs, so the tests take only what is queued.
    std::vector<export_job> take(std::size_t count)
    {
        std::vector<export_job> taken_jobs;
        for (std::size_t i = 0; i < count; ++i) {
            auto job = boost::asio::co_spawn(io, jobs->next(), boost::asio::use_future);
            io.restart();
            io.run();
            auto value = job.get();
            BOOST_TEST_REQUIRE(value.has_value());
            taken_jobs.push_back(std::move(*value));
        }
        return taken_jobs;
    }

    // Whether next() reports the run as over: no job queued and none running.
    bool run_over()
    {
        auto job = boost::asio::co_spawn(io, jobs->next(), boost::asio::use_future);
        io.restart();
        io.run();
        return !job.get().has_value();
    }

    void finish_verified(const export_job& job)
    {
        file_outcome outcome{job.type, job.position, job.relative_path, {}, errc::ok, {}};
        outcome.result = file_result{folder / job.relative_path, 1000, some_md5, verification::verified};
        jobs->finish(job, std::move(outcome));
    }

    void create_file(const std::filesystem::path& relative) const
    {
        std::filesystem::create_directories((folder / relative).parent_path());
        std::ofstream(folder / relative) << "old";
    }

    std::size_t count_outcomes(const std::string& type) const
    {
        std::size_t count = 0;
        for (const auto& outcome : jobs->outcomes())
            count += outcome.type.name() == type ? 1 : 0;
        return count;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(export_jobs_queue)

BOOST_AUTO_TEST_CASE(journal_count_change_removes_files)
{
    export_fixture fixture;
    {
        export_journal earlier(fixture.folder);
        earlier.record_listed("visit", 2);
        earlier.record_verified("visit", 0, journal_entry{1000, some_md5, verification::verified});
        earlier.record_listed("page", 1);
        earlier.record_verified("page", 0, journal_entry{1000, some_md5, verification::verified});
    }
    fixture.create_file("visit/part-00000.csv.gz");
    fixture.create_file("visit/part-00001.csv.gz.part");
    fixture.create_file("visit/notes.txt");
    fixture.create_file("page/part-00000.csv.gz");

    fixture.start(listing_with(3, 1));

    BOOST_TEST(!std::filesystem::exists(fixture.folder / "visit/part-00000.csv.gz"));
    BOOST_TEST(!std::filesystem::exists(fixture.folder / "visit/part-00001.csv.gz.part"));
    BOOST_TEST(std::filesystem::exists(fixture.folder / "visit/notes.txt"));
    BOOST_TEST(std::filesystem::exists(fixture.folder / "page/part-00000.csv.gz"));
    BOOST_TEST(!fixture.journal->verified("visit", 0).has_value());
    BOOST_TEST(fixture.journal->verified("page", 0).has_value());
    BOOST_TEST(fixture.jobs->job_count() == 4u);
    BOOST_TEST_REQUIRE(fixture.log_lines.size() == 1u);
    BOOST_TEST(fixture.log_lines[0].find("\"visit\" had 2 links") != std::string::npos);
    BOOST_TEST(fixture.log_lines[0].find("has 3 links now") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(changed_count_queues_type_again)
{
    export_fixture fixture;
    fixture.start(listing_with(2, 1));
    const auto first = fixture.take(3);
    for (const auto& job : first)
        fixture.finish_verified(job);
    fixture.create_file("visit/part-00000.csv.gz");
    fixture.create_file("page/part-00000.csv.gz");

    fixture.jobs->compare_listing(listing_with(3, 1));

    BOOST_TEST(!fixture.jobs->is_current(first[0]));
    BOOST_TEST(fixture.jobs->is_current(first[2]));
    BOOST_TEST(!std::filesystem::exists(fixture.folder / "visit/part-00000.csv.gz"));
    BOOST_TEST(std::filesystem::exists(fixture.folder / "page/part-00000.csv.gz"));
    BOOST_TEST(fixture.count_outcomes("visit") == 3u);
    // Two visit files give way to three, and the two that arrived no longer count.
    BOOST_TEST(fixture.progress.totals.files_total == 4u);
    BOOST_TEST(fixture.progress.totals.files_done == 1u);
    const auto again = fixture.take(3);
    for (std::size_t i = 0; i < again.size(); ++i) {
        BOOST_TEST(again[i].type.name() == "visit");
        BOOST_TEST(again[i].position == i);
        BOOST_TEST(fixture.jobs->is_current(again[i]));
    }
    for (const auto& job : again)
        fixture.finish_verified(job);
    BOOST_TEST(fixture.run_over());
    for (const auto& outcome : fixture.jobs->outcomes())
        BOOST_TEST(outcome.result.has_value(), outcome.relative_path);
    BOOST_TEST(fixture.log_lines.back().find("has 3 links in a new listing instead of 2") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(running_job_delays_start_over)
{
    export_fixture fixture;
    fixture.start(listing_with(2, 0));
    const auto running = fixture.take(1);
    fixture.create_file("visit/part-00000.csv.gz.part");

    fixture.jobs->compare_listing(listing_with(1, 0));

    // The job of the old list still runs, so nothing is removed or queued:
    // the queued visit/part-00001 was dropped.
    BOOST_TEST(!fixture.jobs->is_current(running[0]));
    BOOST_TEST(std::filesystem::exists(fixture.folder / "visit/part-00000.csv.gz.part"));

    fixture.jobs->finish(running[0], std::nullopt);

    BOOST_TEST(!std::filesystem::exists(fixture.folder / "visit/part-00000.csv.gz.part"));
    const auto again = fixture.take(1);
    BOOST_TEST(again[0].position == 0u);
    BOOST_TEST(again[0].generation == 1u);
    fixture.finish_verified(again[0]);
    BOOST_TEST(fixture.run_over());
    BOOST_TEST(fixture.count_outcomes("visit") == 1u);
}

BOOST_AUTO_TEST_CASE(third_change_fails_type)
{
    export_fixture fixture;
    fixture.start(listing_with(2, 1));
    const auto first = fixture.take(3);
    fixture.finish_verified(first[0]);
    fixture.finish_verified(first[1]);
    BOOST_TEST(first[2].type.name() == "page");

    // No visit job runs, so each change starts the type over at once.
    fixture.jobs->compare_listing(listing_with(3, 1));
    fixture.jobs->compare_listing(listing_with(1, 1));
    fixture.create_file("visit/part-00000.csv.gz");
    fixture.jobs->compare_listing(listing_with(4, 1));

    BOOST_TEST(!std::filesystem::exists(fixture.folder / "visit/part-00000.csv.gz"));
    fixture.finish_verified(first[2]);
    BOOST_TEST(fixture.run_over());
    std::size_t failed = 0;
    for (const auto& outcome : fixture.jobs->outcomes()) {
        if (outcome.type.name() != "visit")
            continue;
        ++failed;
        BOOST_TEST(outcome.error == errc::invalid_response);
        BOOST_TEST(outcome.error_message.find(outcome.relative_path.generic_string()) == 0u);
        BOOST_TEST(outcome.error_message.find("\"visit\"") != std::string::npos);
        BOOST_TEST(outcome.error_message.find("(2, 3, 1, 4)") != std::string::npos);
    }
    BOOST_TEST(failed == 4u);
    BOOST_TEST(!fixture.journal->verified("visit", 0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
