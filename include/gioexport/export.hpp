// Downloading a whole export: listing, waiting, fan-out, manifest.
#pragma once

#include <gioexport/download.hpp>
#include <gioexport/links.hpp>
#include <gioexport/types.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace gioexport {

// Progress over a whole export. Counts cover the files of this run.
struct export_progress {
    std::size_t files_total = 0;
    std::size_t files_done = 0;
    std::size_t files_failed = 0;
    std::uint64_t bytes_done = 0;
};

struct export_request {
    // Every request names its period, so there is no default constructor.
    export_request(export_type type_, export_date date_) : type(type_), date(date_) {}

    export_type type;
    export_date date;
    link_expiry expiry;
    // Empty fetches every type through the all-types endpoint; otherwise each
    // named type is fetched through the one-type endpoint.
    std::vector<data_type> data_types;
    // Files land in out_dir/<ai>/<exportType>/<exportDate>/<dataType>/part-NNNNN.csv.gz.
    std::filesystem::path out_dir;
    // Number of downloads in flight at once.
    std::size_t concurrency = 8;
    // How long to keep polling while the export is RUNNING; zero fails at once
    // with errc::export_not_ready.
    std::chrono::seconds wait{0};
    std::chrono::seconds poll_interval{30};
    download_options download;
    std::function<void(const export_progress&)> on_progress;
};

// The outcome of one listed file.
struct file_outcome {
    data_type type;
    std::size_t position = 0;                  // index in its type's link list
    std::filesystem::path relative_path;       // below the export folder
    std::optional<file_result> result;         // set when the file arrived
    errc error = errc::ok;                     // set when it did not
    std::string error_message;
};

struct export_result {
    links_response listing;
    std::filesystem::path export_dir;          // out_dir/<ai>/<type>/<date>
    std::filesystem::path manifest_path;
    std::vector<file_outcome> files;           // type order as listed, then position

    std::size_t failed_count() const noexcept;
    bool all_ok() const noexcept { return failed_count() == 0; }
};

// The file name of the link at `position`: part-NNNNN.csv.gz, five digits or
// more.
std::string part_file_name(std::size_t position);

// Returns whether NOT_EXISTS for this period means "not produced yet" rather
// than "not there": true when the period has not ended, or ended less than
// 3 hours before `now`. Hours are usually ready about 30 minutes after they end, and one to
// two hours later during the early-morning statistics jobs.
bool not_exists_means_not_ready(export_type type, const export_date& date,
                                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace gioexport
