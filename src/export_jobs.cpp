#include "export_jobs.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <utility>

namespace gioexport::detail {
namespace {

namespace asio = boost::asio;

// "1 link" or "N links", for log lines.
std::string count_of_links(std::size_t count)
{
    return std::to_string(count) + (count == 1 ? " link" : " links");
}

// Whether `name` is part-NNNNN.csv.gz, with five or more digits, optionally
// followed by .part: the names part_file_name() gives and their .part files.
bool is_part_file_name(std::string_view name)
{
    constexpr std::string_view prefix = "part-";
    constexpr std::string_view suffix = ".csv.gz";
    if (name.ends_with(".part"))
        name.remove_suffix(5);
    if (!name.starts_with(prefix) || !name.ends_with(suffix))
        return false;
    const std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    return digits.size() >= 5 && std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; });
}

std::string describe_counts(const std::vector<std::size_t>& counts)
{
    std::string text;
    for (const std::size_t count : counts)
        text += (text.empty() ? "" : ", ") + std::to_string(count);
    return text;
}

file_outcome pending_outcome(const data_type& type, std::size_t position)
{
    return file_outcome{type, position, std::filesystem::path(type.name()) / part_file_name(position), {}, errc::ok,
                        {}};
}

}  // namespace

void shared_progress::add(std::uint64_t bytes, std::size_t done, std::size_t failed)
{
    std::lock_guard lock(mutex);
    totals.bytes_done += bytes;
    totals.files_done += done;
    totals.files_failed += failed;
    if (callback)
        callback(totals);
}

void shared_progress::replace_files(std::size_t old_total, std::size_t old_done, std::size_t old_failed,
                                    std::size_t new_total)
{
    std::lock_guard lock(mutex);
    totals.files_total = totals.files_total - old_total + new_total;
    totals.files_done -= old_done;
    totals.files_failed -= old_failed;
    if (callback)
        callback(totals);
}

std::size_t remove_type_files(const std::filesystem::path& type_folder)
{
    std::size_t removed = 0;
    std::error_code ec;
    std::filesystem::directory_iterator entries(type_folder, ec);
    if (ec == std::errc::no_such_file_or_directory)
        return 0;
    for (; !ec && entries != std::filesystem::directory_iterator(); entries.increment(ec)) {
        const auto& path = entries->path();
        if (!is_part_file_name(path.filename().string()))
            continue;
        std::error_code remove_ec;
        std::filesystem::remove(path, remove_ec);
        if (remove_ec)
            throw error(errc::io_error, "removing the outdated file \"" + path.string() +
                                            "\" failed: " + remove_ec.message());
        ++removed;
    }
    if (ec)
        throw error(errc::io_error, "reading folder \"" + type_folder.string() + "\" failed: " + ec.message());
    return removed;
}

export_jobs::export_jobs(const asio::any_io_executor& executor, const links_response& listing,
                         std::filesystem::path export_dir, export_journal& journal, shared_progress& progress,
                         log_function log, std::size_t workers)
    : export_dir_(std::move(export_dir)),
      journal_(journal),
      progress_(progress),
      log_(std::move(log)),
      wake_(executor, std::max<std::size_t>(workers, 1))
{
    for (const type_links& links : listing.links) {
        type_state state(links.type);
        state.count = links.urls.size();
        state.counts.push_back(state.count);
        const auto previous = journal_.record_listed(links.type.name(), state.count);
        if (previous && *previous != state.count) {
            log_(log_level::warning, "data type \"" + links.type.name() + "\" had " + count_of_links(*previous) +
                                         " when an earlier run listed it and has " + count_of_links(state.count) +
                                         " now; removing its files to download it again");
            remove_type_files(export_dir_ / links.type.name());
        }
        for (std::size_t position = 0; position < state.count; ++position)
            state.outcomes.push_back(pending_outcome(state.type, position));
        types_.push_back(std::move(state));
        queue_jobs(types_.back());
    }
    initial_jobs_ = queue_.size();
}

std::size_t export_jobs::job_count() const
{
    return initial_jobs_;
}

const export_jobs::type_state* export_jobs::find_state(const data_type& type) const
{
    const auto it = std::ranges::find_if(types_, [&](const type_state& state) { return state.type == type; });
    return it == types_.end() ? nullptr : &*it;
}

export_jobs::type_state* export_jobs::find_state(const data_type& type)
{
    return const_cast<type_state*>(std::as_const(*this).find_state(type));
}

void export_jobs::queue_jobs(type_state& state)
{
    for (std::size_t position = 0; position < state.count; ++position)
        queue_.push_back(export_job{state.type, position, state.generation, state.outcomes[position].relative_path});
}

asio::awaitable<std::optional<export_job>> export_jobs::next()
{
    for (;;) {
        std::optional<export_job> job;
        bool over = false;
        {
            std::lock_guard lock(mutex_);
            if (!queue_.empty()) {
                job = std::move(queue_.front());
                queue_.pop_front();
                ++find_state(job->type)->running;
                ++running_;
            } else if (running_ == 0) {
                wake_waiting();
                over = true;
            } else {
                ++waiting_;
            }
        }
        if (job || over)
            co_return job;
        auto [ec] = co_await wake_.async_receive(asio::as_tuple(asio::use_awaitable));
        if (ec)
            throw error(errc::cancelled, "cancelled while waiting for more files to download");
    }
}

bool export_jobs::is_current(const export_job& job) const
{
    std::lock_guard lock(mutex_);
    const type_state* state = find_state(job.type);
    return state != nullptr && state->generation == job.generation;
}

void export_jobs::finish(const export_job& job, std::optional<file_outcome> outcome)
{
    std::lock_guard lock(mutex_);
    type_state& state = *find_state(job.type);
    --state.running;
    --running_;
    if (outcome && job.generation == state.generation) {
        const bool arrived = outcome->result.has_value();
        state.outcomes[job.position] = std::move(*outcome);
        progress_.add(0, arrived ? 1 : 0, arrived ? 0 : 1);
    }
    if (state.pending_count && state.running == 0)
        start_over(state);
    wake_waiting();
}

void export_jobs::compare_listing(const links_response& listing)
{
    std::lock_guard lock(mutex_);
    for (const type_links& links : listing.links) {
        type_state* state = find_state(links.type);
        const std::size_t count = links.urls.size();
        // NOTE: only the count is compared. A new list of the same length
        // whose files changed is taken position by position, and a file
        // checked against the old list keeps its place.
        if (state == nullptr || !state->failure.empty() || count == state->counts.back())
            continue;

        const std::string& name = state->type.name();
        state->counts.push_back(count);
        ++state->generation;
        std::erase_if(queue_, [&](const export_job& job) { return job.type == state->type; });
        state->pending_count = count;
        if (state->restarts < max_restarts) {
            ++state->restarts;
            log_(log_level::warning, "data type \"" + name + "\" has " + count_of_links(count) +
                                         " in a new listing instead of " +
                                         std::to_string(state->counts[state->counts.size() - 2]) +
                                         "; starting it over (restart " + std::to_string(state->restarts) +
                                         " of at most " + std::to_string(max_restarts) +
                                         "): its files are removed and downloaded again");
        } else {
            state->failure_code = errc::invalid_response;
            state->failure = "the number of links of data type \"" + name + "\" changed between listings " +
                             std::to_string(state->counts.size() - 1) + " times in one run (" +
                             describe_counts(state->counts) + "), more than the " + std::to_string(max_restarts) +
                             " restarts allowed; run the export again later";
            log_(log_level::error, state->failure);
        }
        if (state->running == 0)
            start_over(*state);
    }
    wake_waiting();
}

void export_jobs::start_over(type_state& state)
{
    const std::size_t count = *state.pending_count;
    state.pending_count.reset();

    std::size_t done = 0;
    std::size_t failed = 0;
    for (const file_outcome& outcome : state.outcomes) {
        done += outcome.result ? 1 : 0;
        failed += outcome.error != errc::ok ? 1 : 0;
    }
    // Running jobs of the old list have stopped, so none writes here now.
    // When a file or the journal cannot be changed, the type's files fail:
    // a run that went on could mix files of two lists.
    try {
        remove_type_files(export_dir_ / state.type.name());
        journal_.record_listed(state.type.name(), count);
    } catch (const error& e) {
        state.failure_code = e.code();
        state.failure = "starting data type \"" + state.type.name() + "\" over failed: " + e.what();
        log_(log_level::error, state.failure);
    }
    progress_.replace_files(state.outcomes.size(), done, failed, count);

    state.count = count;
    state.outcomes.clear();
    for (std::size_t position = 0; position < count; ++position)
        state.outcomes.push_back(pending_outcome(state.type, position));
    if (state.failure.empty()) {
        queue_jobs(state);
        return;
    }
    for (file_outcome& outcome : state.outcomes) {
        outcome.error = state.failure_code;
        outcome.error_message = outcome.relative_path.generic_string() + ": " + state.failure;
    }
    progress_.add(0, 0, count);
}

void export_jobs::wake_waiting()
{
    for (; waiting_ > 0; --waiting_)
        wake_.try_send(boost::system::error_code{});
}

std::vector<file_outcome> export_jobs::outcomes() const
{
    std::lock_guard lock(mutex_);
    std::vector<file_outcome> all;
    for (const type_state& state : types_)
        all.insert(all.end(), state.outcomes.begin(), state.outcomes.end());
    return all;
}

}  // namespace gioexport::detail
