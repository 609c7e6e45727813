// client::download_export: list, wait while RUNNING, download with a bounded
// number of workers, write the manifest.
#include "client_impl.hpp"

#include "detail/md5.hpp"
#include "detail/semaphore.hpp"
#include "detail/sleep.hpp"
#include "download/fetch_file.hpp"
#include "download/part_file.hpp"
#include "export_jobs.hpp"
#include "journal.hpp"
#include "manifest.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>

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
        if (not_exists_means_not_ready(request.type, request.date, now))
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

using detail::export_job;
using detail::export_jobs;
using detail::job_superseded;
using detail::shared_progress;

// The export's current listing and when it was taken. Links are leases that
// end `expire` minutes after the listing. A download about to start on an
// ended lease, or whose link expired, gets its link from a new listing. Only
// one listing runs at a time, so downloads that request a refresh while one
// runs take its result instead of listing again. Each new listing is handed
// to the jobs, which start over a data type whose count of links changed.
class shared_listing {
public:
    shared_listing(const asio::any_io_executor& executor, links_response listing, const export_request& request,
                   export_jobs& jobs)
        : lock_(executor, 1), request_(request), jobs_(jobs), listing_(std::move(listing)),
          listed_at_(steady_clock::now())
    {
        const auto lease = minutes(request.expiry.minutes());
        // Start no download in the last quarter of a lease (at most 30 s),
        // so a transfer does not begin on a link about to end.
        margin_ = std::min<steady_clock::duration>(seconds(30), lease / 4);
        lease_ = lease;
    }

    links_response current() const
    {
        std::lock_guard guard(mutex_);
        return listing_;
    }

    // The link of a file and the generation of the listing it came from.
    // Throws job_superseded when the file's data type started over.
    std::pair<std::string, std::uint64_t> link(const export_job& item) const
    {
        std::lock_guard guard(mutex_);
        return {find_link(item), generation_};
    }

    bool lease_ended(std::uint64_t generation) const
    {
        std::lock_guard guard(mutex_);
        return generation == generation_ && steady_clock::now() > listed_at_ + lease_ - margin_;
    }

    // Lists again unless a newer listing than `seen` exists, and returns the
    // file's link from it. Throws job_superseded when the new listing
    // started the file's data type over.
    asio::awaitable<std::string> refresh(client_impl& impl, const export_job& item, std::uint64_t seen)
    {
        const auto listing_lock = co_await lock_.acquire("the export's new listing");

        bool stale = false;
        {
            std::lock_guard guard(mutex_);
            stale = generation_ == seen;
        }
        if (stale) {
            links_response fresh = co_await impl.list_export(request_);
            // The jobs learn of the new counts under the same lock that
            // hands out links, so no job of a type that starts over gets a
            // link from the new list.
            std::lock_guard guard(mutex_);
            listing_ = std::move(fresh);
            listed_at_ = steady_clock::now();
            ++generation_;
            jobs_.compare_listing(listing_);
        }
        std::lock_guard guard(mutex_);
        co_return find_link(item);
    }

private:
    std::string find_link(const export_job& item) const
    {
        if (!jobs_.is_current(item))
            throw job_superseded{};
        for (const type_links& type : listing_.links) {
            if (!(type.type == item.type))
                continue;
            if (item.position >= type.urls.size())
                throw error(errc::invalid_response, item.relative_path.generic_string() + ": data type \"" +
                                                        item.type.name() + "\" has only " +
                                                        std::to_string(type.urls.size()) + " links in a new listing");
            return type.urls[item.position];
        }
        throw error(errc::invalid_response, item.relative_path.generic_string() + ": data type \"" +
                                                item.type.name() + "\" is missing from a new listing");
    }

    detail::async_semaphore lock_;
    const export_request& request_;
    export_jobs& jobs_;
    mutable std::mutex mutex_;
    links_response listing_;
    steady_clock::time_point listed_at_;
    std::uint64_t generation_ = 0;
    steady_clock::duration lease_{};
    steady_clock::duration margin_{};
};

struct worker_context {
    client_impl& impl;
    export_jobs& jobs;
    const std::filesystem::path& export_dir;
    const download_options& options;
    shared_progress& progress;
    detail::export_journal& journal;
    shared_listing& listing;
    // `concurrency` transfers at a time; the workers beyond that many sync
    // and rename finished files meanwhile.
    detail::async_semaphore& transfers;
};

// Returns the MD5 of the file at `path` as lower-case hex, or an empty string
// when the file cannot be read.
std::string md5_of_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    detail::md5_hasher md5;
    std::vector<char> buffer(256 * 1024);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
        md5.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    return in.bad() ? std::string() : md5.finish();
}

// Returns true when an earlier run already finished the file, so it needs no
// download. The final file must have the size of its journal record. A file
// of another size is named in a warning and downloaded again. When the
// record is marked unsynced (a run with sync_files false), its MD5 must match
// too, because a power loss since that run may have damaged the bytes. A run
// that syncs then syncs the file and records it as synced.
//
// When a crash cut the rename short, a .part file with the record's size and
// MD5 is renamed now. A small file has no .part name at that point, so such a
// crash makes it download again. The file checks run on the file threads.
asio::awaitable<bool> finish_from_journal(worker_context& context, const export_job& item, file_outcome& outcome)
{
    auto entry = context.journal.verified(item.type.name(), item.position);
    // A file kept without an MD5 check does not meet require_md5, so it is
    // downloaded again, and fails when the server still sends no MD5.
    if (!entry || (entry->state == verification::unverified && context.options.require_md5))
        co_return false;
    const auto target = context.export_dir / item.relative_path;
    bool finished = false;
    std::string warning;  // logged after the file call, because the logger runs on I/O threads only
    co_await context.impl.files.run([&] {
        std::error_code ec;
        const auto size = std::filesystem::file_size(target, ec);
        if (ec || size != entry->bytes) {
            const std::string changed =
                ec ? std::string()
                   : item.relative_path.generic_string() + ": the file has " + std::to_string(size) +
                         " bytes, but an earlier run verified it with " + std::to_string(entry->bytes) + " bytes";
            const auto part = detail::part_file::part_path_for(target);
            if (std::filesystem::file_size(part, ec) != entry->bytes || ec || md5_of_file(part) != entry->md5) {
                if (!changed.empty())
                    warning = changed + "; downloading it again";
                return;
            }
            std::filesystem::rename(part, target, ec);
            if (!changed.empty())
                warning = changed + (ec ? "; downloading it again" : "; its .part file has the verified bytes and replaced it");
            if (ec)
                return;
        } else if (!entry->synced && md5_of_file(target) != entry->md5) {
            warning = item.relative_path.generic_string() +
                      ": the file no longer matches the MD5 that an earlier run without syncs recorded; "
                      "downloading it again";
            return;
        }
        if (!entry->synced && context.options.sync_files) {
            // A failure here makes the file download again instead of ending the run.
            try {
                detail::sync_file(target);
                entry->synced = true;
                context.journal.record_verified(item.type.name(), item.position, *entry);
            } catch (const error& e) {
                warning = std::string(e.what()) + "; downloading it again";
                return;
            }
        }
        finished = true;
    });
    if (!warning.empty())
        context.impl.log(log_level::warning, warning);
    if (finished)
        outcome.result = file_result{target, entry->bytes, entry->md5, entry->state};
    co_return finished;
}

// Downloads one file, or takes it from the journal. A failure of the file
// is returned in the outcome. Throws errc::cancelled, and job_superseded
// when the file's data type starts over meanwhile.
asio::awaitable<file_outcome> download_job(worker_context& context, const export_job& item)
{
    client_impl& impl = context.impl;
    file_outcome outcome{item.type, item.position, item.relative_path, {}, errc::ok, {}};
    if (co_await finish_from_journal(context, item, outcome)) {
        context.progress.add(outcome.result->bytes, 0, 0);
        co_return outcome;
    }

    // Each hook stops the download once its type started over, so no file
    // of an old list is written on after the type's files were removed.
    const auto stop_if_superseded = [&context, &item] {
        if (!context.jobs.is_current(item))
            throw job_superseded{};
    };
    std::uint64_t reported = 0;
    download_options file_options = context.options;
    file_options.on_progress = [&](std::uint64_t done, std::uint64_t) {
        stop_if_superseded();
        if (done >= reported)
            context.progress.add(done - reported, 0, 0);
        reported = done;
    };
    try {
        auto [url, generation] = context.listing.link(item);
        if (context.listing.lease_ended(generation)) {
            impl.log(log_level::info, item.relative_path.generic_string() +
                                          ": the links' lease has ended; listing the export again");
            url = co_await context.listing.refresh(impl, item, generation);
            generation = context.listing.link(item).second;
        }
        detail::fetch_hooks hooks;
        hooks.refresh = [&context, &impl, &item, generation]() {
            return context.listing.refresh(impl, item, generation);
        };
        hooks.on_attempt = [&](std::uint64_t offset) {
            stop_if_superseded();
            context.journal.record_downloading(item.type.name(), item.position, offset);
        };
        hooks.before_rename = [&](const file_result& done) {
            stop_if_superseded();
            context.journal.record_verified(
                item.type.name(), item.position,
                detail::journal_entry{done.bytes, done.md5, done.state, context.options.sync_files});
        };
        hooks.folder_synced_later = true;  // once per folder, before the manifest
        hooks.transfer_slots = &context.transfers;
        outcome.result = co_await detail::fetch_file(impl.http, impl.fetch_settings(), url,
                                                     context.export_dir / item.relative_path, file_options,
                                                     std::move(hooks));
    } catch (const error& e) {
        if (e.code() == errc::cancelled)
            throw;
        outcome.error = e.code();
        outcome.error_message = e.what();
        // The result carries the failure; callers report it, so it is
        // only logged at info level here.
        impl.log(log_level::info, std::string("download failed: ") + e.what());
    }
    co_return outcome;
}

asio::awaitable<void> run_worker(worker_context& context)
{
    while (const std::optional<export_job> item = co_await context.jobs.next()) {
        std::optional<file_outcome> outcome;
        try {
            outcome = co_await download_job(context, *item);
        } catch (const job_superseded&) {
            // Its data type started over; the new list has a job of its own.
        }
        context.jobs.finish(*item, std::move(outcome));
    }
}

}  // namespace

std::string part_file_name(std::size_t position)
{
    char name[32];
    std::snprintf(name, sizeof name, "part-%05zu.csv.gz", position);
    return name;
}

bool not_exists_means_not_ready(export_type type, const export_date& date, system_clock::time_point now)
{
    return date.period_end(type) + not_ready_window > now;
}

std::size_t export_result::failed_count() const noexcept
{
    std::size_t failed = 0;
    for (const auto& file : files)
        if (!file.result)
            ++failed;
    return failed;
}

asio::awaitable<links_response> client_impl::list_export(const export_request& request)
{
    const auto deadline = steady_clock::now() + request.wait;
    const std::string ai = options.creds.ai;
    for (;;) {
        links_response listing;
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

        if (judge_listing(listing, request, ai) == listing_verdict::ready) {
            if (listing.export_type.empty())
                listing.export_type = request.type.name();
            if (listing.export_date.empty())
                listing.export_date = request.date.truncated(request.type);
            co_return listing;
        }
        if (steady_clock::now() + request.poll_interval > deadline)
            throw error(errc::export_not_ready,
                        describe_period(request) + " is not ready yet (status " + listing.status_text +
                            "); wait longer (the --wait option) or try again later");
        log(log_level::info, describe_period(request) + " is " + listing.status_text + "; polling again in " +
                                 std::to_string(request.poll_interval.count()) + " s");
        co_await detail::sleep_for(request.poll_interval, "waiting for " + describe_period(request));
    }
}

asio::awaitable<export_result> client_impl::download_export(export_request request)
{
    validate_request(request);
    const std::string ai = options.creds.ai;

    // 1. List, and poll while the export is not ready.
    links_response listing = co_await list_export(request);

    export_result result;
    result.export_dir = request.out_dir / ai / std::string(request.type.name()) /
                        request.date.truncated(request.type);
    detail::export_journal journal(result.export_dir);

    // 2. One job per link. Paths come only from the validated data type name
    // and the link's position, never from the link itself.
    shared_progress progress;
    progress.callback = request.on_progress;
    export_jobs jobs(executor, listing, result.export_dir, journal, progress,
                     [this](log_level level, const std::string& line) { log(level, line); },
                     2 * request.concurrency);
    progress.totals.files_total = jobs.job_count();
    log(log_level::info, describe_period(request) + ": " + std::to_string(jobs.job_count()) + " files listed");

    // 3. Download with at most `concurrency` transfers in flight. Each worker
    // runs on its own strand, so a multi-threaded executor reads and writes
    // several files in parallel. Twice as many workers as transfers: a worker
    // whose file is being synced and renamed keeps no transfer slot, so
    // another worker's transfer runs meanwhile. Workers wait while no job is
    // queued, since a data type that starts over queues its jobs again. One
    // that fails (cancellation, or an error outside any one file) stops the
    // others.
    shared_listing shared(executor, std::move(listing), request, jobs);
    detail::async_semaphore transfers(executor, request.concurrency);
    worker_context context{*this,   jobs,    result.export_dir, request.download,
                           progress, journal, shared,            transfers};
    const std::size_t workers = jobs.job_count() == 0 ? 0 : 2 * request.concurrency;
    using worker_op = decltype(asio::co_spawn(executor, std::declval<asio::awaitable<void>>(), asio::deferred));
    std::vector<worker_op> ops;
    ops.reserve(workers);
    // NOTE: Boost 1.81's co_spawn ends the process when its coroutine is
    // cancelled and then ends without having suspended once. Here that takes
    // a worker that fails at once while another is still starting on a
    // second I/O thread. No test has produced it.
    for (std::size_t i = 0; i < workers; ++i)
        ops.push_back(asio::co_spawn(asio::make_strand(executor), run_worker(context), asio::deferred));
    if (!ops.empty()) {
        auto [order, exceptions] = co_await asio::experimental::make_parallel_group(std::move(ops))
                                       .async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
        // The first worker to fail carries the cause; the others were cancelled.
        for (const std::size_t index : order)
            if (exceptions[index])
                std::rethrow_exception(exceptions[index]);
    }
    result.files = jobs.outcomes();

    // 4. The renames and the journal reach the disk before the manifest, so
    // a manifest on disk means every file it lists is there.
    co_await files.run([&] {
        journal.sync();
        for (const type_links& type : shared.current().links)
            if (std::filesystem::is_directory(result.export_dir / type.type.name()))
                detail::sync_folder(result.export_dir / type.type.name());
    });

    // 5. The manifest comes last, so its presence means the run ended. A run
    // for some data types keeps the earlier manifest's entries of the others.
    result.listing = shared.current();
    result.manifest_path = result.export_dir / "manifest.json";
    detail::earlier_manifest earlier;
    if (!request.data_types.empty()) {
        std::vector<std::string> warnings;
        earlier = detail::entries_of_other_types(result.manifest_path, result.export_dir,
                                                 result.listing.export_version, request.data_types, warnings);
        for (const std::string& warning : warnings)
            log(log_level::warning, warning);
    }
    detail::write_file_atomically(result.manifest_path, detail::manifest_json(result, ai, earlier));
    co_return result;
}

}  // namespace gioexport
