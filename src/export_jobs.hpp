// The files of one export run as a queue of download jobs, and the start-over
// of a data type whose number of links changes between listings.
#pragma once

#include "journal.hpp"

#include <gioexport/export.hpp>
#include <gioexport/links.hpp>
#include <gioexport/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gioexport::detail {

// Progress shared by the workers; callbacks are serialised by the mutex.
struct shared_progress {
    std::mutex mutex;
    export_progress totals;
    std::function<void(const export_progress&)> callback;

    void add(std::uint64_t bytes, std::size_t done, std::size_t failed);
    // Replaces the counted files of a data type that starts over: `old_total`
    // files, of which `old_done` arrived and `old_failed` failed, give way to
    // `new_total` files still to come. Bytes already received stay counted.
    void replace_files(std::size_t old_total, std::size_t old_done, std::size_t old_failed, std::size_t new_total);
};

// One file to download: a position in the list of its data type, from the
// listing that `generation` of the type came from.
struct export_job {
    data_type type;
    std::size_t position = 0;
    std::uint64_t generation = 0;  // grows by one each time the type starts over
    std::filesystem::path relative_path;
};

// Thrown to stop a download whose data type started over from a newer
// listing. It does not derive from gioexport::error, so the retry loop of a
// download passes it on instead of retrying.
struct job_superseded {};

// The queue of jobs and, per data type, the count of links its jobs came
// from. When a new listing gives a type another count, the type starts over
// and its queued jobs are dropped. Once its running jobs have stopped, its
// files are removed, the journal records the new count, and the type's jobs
// are queued again from the new listing. Thread-safe.
class export_jobs {
public:
    // A data type starts over at most this often in one run. The next change
    // of its count fails its files instead, so a server whose listings keep
    // changing cannot keep a run going forever.
    static constexpr int max_restarts = 2;

    using log_function = std::function<void(log_level, const std::string&)>;

    // Queues one job per link of `listing`. A type whose count differs from
    // the last count that the journal recorded for it loses its files first,
    // because they came from another list. Throws errc::io_error when they
    // or the journal cannot be changed.
    export_jobs(const boost::asio::any_io_executor& executor, const links_response& listing,
                std::filesystem::path export_dir, export_journal& journal, shared_progress& progress,
                log_function log, std::size_t workers);

    std::size_t job_count() const;

    // Waits for the next job. Returns nothing once no job is queued and none
    // runs, since only a running job can lead to more jobs.
    boost::asio::awaitable<std::optional<export_job>> next();

    // Whether the job's data type is still on the list the job came from.
    bool is_current(const export_job& job) const;

    // Ends a job taken from next(): stores its outcome unless its type
    // started over, and starts a waiting type over when its last running
    // job has ended.
    void finish(const export_job& job, std::optional<file_outcome> outcome);

    // Compares the counts of a new listing with the lists the jobs came
    // from, and starts over each type whose count changed.
    void compare_listing(const links_response& listing);

    // The outcome of every file of the current lists, in listing order.
    std::vector<file_outcome> outcomes() const;

private:
    struct type_state {
        explicit type_state(data_type type_) : type(std::move(type_)) {}

        data_type type;
        std::size_t count = 0;            // links in the list the current jobs came from
        std::vector<std::size_t> counts;  // every count listed in this run, for messages
        std::uint64_t generation = 0;
        int restarts = 0;
        std::size_t running = 0;
        std::optional<std::size_t> pending_count;  // a start-over that waits for running jobs
        errc failure_code = errc::ok;              // set with `failure`
        std::string failure;                       // why the type's files failed, once they did
        std::vector<file_outcome> outcomes;
    };

    type_state* find_state(const data_type& type);
    const type_state* find_state(const data_type& type) const;
    void queue_jobs(type_state& state);
    void start_over(type_state& state);
    void wake_waiting();

    std::filesystem::path export_dir_;
    export_journal& journal_;
    shared_progress& progress_;
    log_function log_;

    mutable std::mutex mutex_;
    std::vector<type_state> types_;
    std::deque<export_job> queue_;
    std::size_t running_ = 0;
    std::size_t waiting_ = 0;
    std::size_t initial_jobs_ = 0;
    // Wakes a worker that waits in next(), with room for one message per worker.
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> wake_;
};

// Removes the files of earlier lists of one data type from its folder: every
// part-NNNNN.csv.gz and part-NNNNN.csv.gz.part. Returns how many it removed.
// Throws errc::io_error when one cannot be removed.
std::size_t remove_type_files(const std::filesystem::path& type_folder);

}  // namespace gioexport::detail
