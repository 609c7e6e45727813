// Cancellation and the whole-request deadline.
#include "support/print.hpp"
#include "support/run.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>

#include <sys/resource.h>

using namespace gioexport;
using namespace gioexport::test;

namespace {

const std::vector<std::string> small_export = three_type_export(300000);

std::size_t open_fd_count()
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
        ++count;
    return count;
}

// Raises the soft limit of open files to at least `wanted`, within the hard
// limit. Returns the soft limit in force afterwards.
rlim_t raise_open_file_limit(rlim_t wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0;
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min(wanted, limit.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cancellation)

BOOST_AUTO_TEST_CASE(cancelled_export_stops_within_a_second)
{
    emulator_process emulator(true, small_export);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"slow","target":"objects","bytes_per_second":200000,"count":-1}]})");
    temp_folder out;
    boost::asio::io_context io;
    client c(io.get_executor(), emulator_options(emulator));
    export_request request(export_type::hour, export_date::parse(beijing_hour(3)));
    request.out_dir = out.path();

    boost::asio::cancellation_signal cancel;
    auto future = boost::asio::co_spawn(
        io, c.download_export(request), boost::asio::bind_cancellation_slot(cancel.slot(), boost::asio::use_future));
    std::thread runner([&] { io.run(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the listing, inside the transfers
    const auto cancelled_at = std::chrono::steady_clock::now();
    boost::asio::post(io, [&] { cancel.emit(boost::asio::cancellation_type::terminal); });
    runner.join();
    const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - cancelled_at).count();
    BOOST_CHECK_EXCEPTION(future.get(), error, [](const error& e) { return e.code() == errc::cancelled; });
    BOOST_TEST(stop_ms < 1000);

    // What is left: .part files, and final files only if they are whole.
    const auto export_dir = out.path() / demo_ai / "hour" / beijing_hour(3);
    std::size_t parts = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(export_dir)) {
        const auto name = entry.path().filename().string();
        if (entry.path().extension() == ".part")
            ++parts;
        else if (entry.path().extension() == ".gz")
            BOOST_CHECK_NO_THROW(gunzip_file(entry.path()));
    }
    BOOST_TEST(parts > 0u);
    BOOST_TEST(!std::filesystem::exists(export_dir / "manifest.json"));

    // The next run resumes and finishes.
    emulator.control("POST", "/_control/reset");
    boost::asio::io_context io2;
    client again(io2.get_executor(), emulator_options(emulator));
    const auto result = run(io2, again.download_export(request));
    BOOST_TEST(result.all_ok());
    for (const auto& file : result.files)
        BOOST_TEST(md5_of_file(result.export_dir / file.relative_path) == file.result->md5);
}

BOOST_AUTO_TEST_CASE(whole_request_deadline)
{
    emulator_process emulator(false, small_export);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"slow","target":"objects","bytes_per_second":100000,"count":-1}]})");
    temp_folder out;
    boost::asio::io_context io;
    auto options = emulator_options(emulator);
    options.timeouts.request = std::chrono::milliseconds(500);
    options.retry.max_attempts = 2;
    options.retry.base_delay = std::chrono::milliseconds(10);
    client c(io.get_executor(), options);
    const auto url = link_of(io, c, "page");
    BOOST_CHECK_EXCEPTION(run(io, c.download_link(url, out.path() / "p.csv.gz")), error,
                          [](const error& e) { return e.code() == errc::timeout; });
    BOOST_TEST(!std::filesystem::exists(out.path() / "p.csv.gz"));
}

BOOST_AUTO_TEST_CASE(idle_timeout_fires_on_silence)
{
    // 8 s of silence with a 2 s idle timeout: the attempt times out after
    // about 2 s, and the retry resumes the bytes already received.
    emulator_process emulator(false, small_export);
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"stall","target":"objects","after_bytes":100000,"stall_ms":8000}]})");
    temp_folder out;
    boost::asio::io_context io;
    captured_log log;
    auto options = emulator_options(emulator);
    options.timeouts.idle = std::chrono::seconds(2);
    options.logger = log.sink();
    client c(io.get_executor(), options);
    const auto url = link_of(io, c, "page");
    const auto started = std::chrono::steady_clock::now();
    const auto result = run(io, c.download_link(url, out.path() / "p.csv.gz"));
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started).count();
    BOOST_TEST(result.state == verification::verified);
    BOOST_TEST(elapsed_ms >= 2000);
    BOOST_TEST(elapsed_ms < 5000);
    BOOST_TEST(log.joined().find("timed out") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cancel_500_stalled_downloads)
{
    // Each download keeps a socket and its .part file open, so 500 of them
    // need about 1000 descriptors besides those the process already has:
    // more than the common soft limit of 1024. The emulator raises its own.
    constexpr std::size_t downloads = 500;
    BOOST_TEST_REQUIRE(raise_open_file_limit(4096) >= 2 * downloads + 256,
                       "the hard limit of open files (ulimit -Hn) is too low for " << downloads << " downloads");

    emulator_process emulator(false, {"--chunk-bytes", "65536"});
    boost::asio::io_context io;
    std::string url;
    {
        client lister(io.get_executor(), emulator_options(emulator));
        url = link_of(io, lister, "page");
    }
    // Every body stops after 16 KiB for longer than the test runs.
    constexpr std::uint64_t stall_after = 16384;
    emulator.control("POST", "/_control/faults",
                     R"({"faults":[{"kind":"stall","target":"objects","after_bytes":16384,"stall_ms":120000,)"
                     R"("count":-1}]})");
    temp_folder out;
    const std::size_t baseline_fds = open_fd_count();

    std::vector<int> completions(downloads, 0);
    std::vector<errc> outcomes(downloads, errc::ok);
    std::size_t stalled = 0;
    {
        client c(io.get_executor(), emulator_options(emulator));
        std::vector<boost::asio::cancellation_signal> signals(downloads);
        for (std::size_t i = 0; i < downloads; ++i) {
            download_options options;
            options.buffer_size = 16 * 1024;
            options.on_progress = [&stalled, reached = false](std::uint64_t done, std::uint64_t) mutable {
                if (!reached && done >= stall_after) {
                    reached = true;
                    ++stalled;
                }
            };
            const auto target = out.path() / ("page-" + std::to_string(i) + ".csv.gz");
            boost::asio::co_spawn(
                io, c.download_link(url, target, std::move(options)),
                boost::asio::bind_cancellation_slot(signals[i].slot(), [&, i](std::exception_ptr e, file_result) {
                    ++completions[i];
                    try {
                        if (e)
                            std::rethrow_exception(e);
                    } catch (const error& failure) {
                        outcomes[i] = failure.code();
                    } catch (...) {
                        outcomes[i] = errc::internal;
                    }
                }));
        }

        // Run until every download has its 16 KiB and waits in a read.
        const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        io.restart();
        while (stalled < downloads && std::chrono::steady_clock::now() < give_up_at)
            io.run_for(std::chrono::milliseconds(100));
        BOOST_TEST_REQUIRE(stalled == downloads);
        BOOST_TEST(open_fd_count() >= baseline_fds + 2 * downloads);

        for (auto& signal : signals)
            signal.emit(boost::asio::cancellation_type::terminal);
        const auto cancelled_at = std::chrono::steady_clock::now();
        io.run_for(std::chrono::seconds(30));
        const auto stop_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - cancelled_at).count();
        BOOST_TEST(io.stopped(), "work was still pending 30 s after the cancellation");
        BOOST_TEST(stop_ms < 5000);
    }

    for (std::size_t i = 0; i < downloads; ++i) {
        BOOST_TEST_CONTEXT("download " << i)
        {
            BOOST_TEST(completions[i] == 1);
            BOOST_TEST(outcomes[i] == errc::cancelled);
        }
    }
    BOOST_TEST(open_fd_count() == baseline_fds);
}

BOOST_AUTO_TEST_SUITE_END()
