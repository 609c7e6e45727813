// client::download_export: list, wait while RUNNING, download with a bounded
// number of workers, write the manifest.
#include "client_impl.hpp"

#include "download/fetch_file.hpp"
#include "download/part_file.hpp"
#include "manifest.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstdio>

namespace gioexport {
namespace {

namespace asio = boost::asio;
using namespace std::chrono;

// NOT_EXISTS for a period that ended less than this long ago usually means
// "not produced yet": hours are ready about 30 minutes after they end, and one
// to two hours later during the early-morning statistics jobs.
constexpr hours not_ready_window{3};
constexpr days retention{15};

void validate_request(const export_request& request)
{
    if (request.out_dir.empty())
        throw error(errc::invalid_argument, "missing output folder: it must not be empty");
    if (request.concurrency < 1 || request.concurrency > 256)
        throw error(errc::invalid_argument, "invalid concurrency " + std::to_string(request.concurrency) +
                                                ": expected 1 to 256");
    if (request.poll_interval <= seconds{0})
        throw error(errc::invalid_argument, "invalid poll interval " +
                                                std::to_string(request.poll_interval.count()) +
                                                " s: expected at least 1 second");
    if (request.wait < seconds{0})
        throw error(errc::invalid_argument, "invalid wait " + std::to_string(request.wait.count()) +
                                                " s: expected zero or more seconds");
}

std::string describe_period(const export_request& request)
{
    return std::string(request.type.name()) + " export " + request.date.truncated(request.type);
}

// The verdict on a listing: go ahead, or poll again.
enum class listing_verdict { ready, keep_waiting };

listing_verdict judge_listing(const links_response& listing, const export_request& request,
                              const std::string& ai)
{
    const std::string period = describe_period(request);
    switch (listing.status) {
    case export_status::finished:
        return listing_verdict::ready;
    case export_status::running:
        return listing_verdict::keep_waiting;
    case export_status::not_exists: {
        const auto now = system_clock::now();
        if (request.date.period_end(request.type) + not_ready_window > now)
            return listing_verdict::keep_waiting;
        if (request.date.period_start(request.type) + retention < now)
            throw error(errc::export_past_retention,
                        period + " does not exist: it is older than the 15 days raw data is kept");
        throw error(errc::export_not_enabled,
                    period + " does not exist (NOT_EXISTS): check that raw-data export is enabled for "
                             "project ai " + ai + " and that the date is right (Beijing time)",
                    200, listing.error_msg);
    }
    case export_status::error:
        throw error(errc::export_failed,
                    period + " failed on the server (status ERROR)" +
                        (listing.error_msg.empty() ? std::string() : ": " + listing.error_msg),
                    200, listing.error_msg);
    case export_status::unknown:
        break;
    }
    throw error(errc::unknown_status, period + " has an unknown status \"" +
                                          listing.status_text.substr(0, 40) + "\"");
}

struct job {
    data_type type;
    std::size_t position;
    std::string url;
    std::filesystem::path relative_path;
};

// Progress shared by the workers; callbacks are serialised by the mutex.
struct shared_progress {
    std::mutex mutex;
    export_progress totals;
    std::function<void(const export_progress&)> callback;

    void add(std::uint64_t bytes, std::size_t done, std::size_t failed)
    {
        std::lock_guard lock(mutex);
        totals.bytes_done += bytes;
        totals.files_done += done;
        totals.files_failed += failed;
        if (callback)
            callback(totals);
    }
};

asio::awaitable<void> run_worker(client_impl& impl, const std::vector<job>& jobs,
                                 std::vector<file_outcome>& outcomes, std::atomic<std::size_t>& next,
                                 const std::filesystem::path& export_dir, download_options options,
                                 shared_progress& progress)
{
    for (std::size_t index = next++; index < jobs.size(); index = next++) {
        const job& item = jobs[index];
        file_outcome& outcome = outcomes[index];
        std::uint64_t reported = 0;
        download_options file_options = options;
        file_options.on_progress = [&](std::uint64_t done, std::uint64_t) {
            progress.add(done - reported, 0, 0);
            reported = done;
        };
        try {
            outcome.result = co_await detail::fetch_file(impl.http, item.url,
                                                         export_dir / item.relative_path, file_options);
            progress.add(0, 1, 0);
        } catch (const error& e) {
            if (e.code() == errc::cancelled)
                throw;
            outcome.error = e.code();
            outcome.error_message = e.what();
            // The result carries the failure; callers report it, so it is
            // only logged at info level here.
            impl.log(log_level::info, std::string("download failed: ") + e.what());
            progress.add(0, 0, 1);
        }
    }
}

}  // namespace

std::string part_file_name(std::size_t position)
{
    char name[32];
    std::snprintf(name, sizeof name, "part-%05zu.csv.gz", position);
    return name;
}

std::size_t export_result::failed_count() const noexcept
{
    std::size_t failed = 0;
    for (const auto& file : files)
        if (!file.result)
            ++failed;
    return failed;
}

asio::awaitable<export_result> client_impl::download_export(export_request request)
{
    validate_request(request);
    const auto deadline = steady_clock::now() + request.wait;
    const std::string ai = options.creds.ai;

    // 1. List, and poll while the export is not ready.
    links_response listing;
    for (;;) {
        if (request.data_types.empty()) {
            listing = co_await fetch_links(request.type, std::nullopt, request.date, request.expiry);
        } else {
            // One call per requested type, merged in the order requested. The
            // first listing that is not FINISHED decides the status.
            links_response merged;
            for (const data_type& type : request.data_types) {
                links_response one = co_await fetch_links(request.type, type, request.date, request.expiry);
                if (merged.status_text.empty() || one.status != export_status::finished) {
                    auto links = std::move(merged.links);
                    merged = std::move(one);
                    merged.links.insert(merged.links.begin(), links.begin(), links.end());
                    if (merged.status != export_status::finished)
                        break;
                } else {
                    merged.links.push_back(std::move(one.links.front()));
                }
            }
            merged.data_type.clear();
            listing = std::move(merged);
        }

        if (judge_listing(listing, request, ai) == listing_verdict::ready)
            break;
        if (steady_clock::now() + request.poll_interval > deadline)
            throw error(errc::export_not_ready,
                        describe_period(request) + " is not ready yet (status " + listing.status_text +
                            "); wait longer (the --wait option) or try again later");
        log(log_level::info, describe_period(request) + " is " + listing.status_text + "; polling again in " +
                                 std::to_string(request.poll_interval.count()) + " s");
        asio::steady_timer timer(executor, request.poll_interval);
        auto [wait_ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (wait_ec)
            throw error(errc::cancelled, "cancelled while waiting for " + describe_period(request));
    }

    // 2. One job per link. Paths come only from the validated data type name
    // and the link's position, never from the link itself.
    export_result result;
    result.export_dir = request.out_dir / ai / std::string(request.type.name()) /
                        request.date.truncated(request.type);
    std::vector<job> jobs;
    for (const type_links& type : listing.links) {
        for (std::size_t position = 0; position < type.urls.size(); ++position) {
            std::filesystem::path relative = std::filesystem::path(type.type.name()) / part_file_name(position);
            jobs.push_back({type.type, position, type.urls[position], relative});
        }
    }
    result.files.reserve(jobs.size());
    for (const job& item : jobs)
        result.files.push_back(file_outcome{item.type, item.position, item.relative_path, {}, errc::ok, {}});
    if (listing.export_type.empty())
        listing.export_type = request.type.name();
    if (listing.export_date.empty())
        listing.export_date = request.date.truncated(request.type);
    result.listing = std::move(listing);
    log(log_level::info, describe_period(request) + ": " + std::to_string(jobs.size()) + " files to download");

    // 3. Download with at most `concurrency` transfers in flight. Each worker
    // runs on its own strand, so a multi-threaded executor hashes and writes
    // several files in parallel.
    shared_progress progress;
    progress.totals.files_total = jobs.size();
    progress.callback = request.on_progress;
    std::atomic<std::size_t> next{0};
    const std::size_t workers = std::min(request.concurrency, jobs.size());
    using worker_op = decltype(asio::co_spawn(executor, std::declval<asio::awaitable<void>>(), asio::deferred));
    std::vector<worker_op> ops;
    ops.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
        ops.push_back(asio::co_spawn(asio::make_strand(executor),
                                     run_worker(*this, jobs, result.files, next, result.export_dir,
                                                request.download, progress),
                                     asio::deferred));
    if (!ops.empty()) {
        auto [order, exceptions] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                       .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
        for (const std::exception_ptr& ex : exceptions)
            if (ex)
                std::rethrow_exception(ex);
    }

    // 4. The manifest comes last, so its presence means the run ended.
    result.manifest_path = result.export_dir / "manifest.json";
    detail::write_file_atomically(result.manifest_path, detail::manifest_json(result, ai));
    co_return result;
}

}  // namespace gioexport
