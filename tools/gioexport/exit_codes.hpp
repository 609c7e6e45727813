// Exit codes of the gioexport tool and how library error codes map to them.
#pragma once

#include "messages.hpp"

#include <gioexport/error.hpp>
#include <gioexport/export.hpp>
#include <gioexport/links.hpp>

#include <span>

namespace gioexport::cli {

enum class exit_code : int {
    success = 0,
    internal = 1,           // a bug: an exception the tool does not expect
    usage = 2,              // invalid option or value, missing credentials
    api = 3,                // authentication, HTTP, response or export status error
    downloads_failed = 4,   // some files failed; the others are kept
    not_ready = 5,          // not ready (RUNNING, or NOT_EXISTS for a recent period) when --wait ran out
    local_io = 6,           // output folder or disk
    interrupted = 130,      // SIGINT or SIGTERM, as shells report 128 + SIGINT
};

// One row of the table that maps a library error code to an exit code.
struct errc_exit_code {
    gioexport::errc code;
    exit_code exit;
};

// Every gioexport::errc with the exit code the tool returns when a whole
// operation fails with it. Transport and content errors map to api because
// they end a whole operation only while listing. A file that fails inside a
// download is judged by exit_code_for_files instead.
std::span<const errc_exit_code> errc_exit_codes() noexcept;

// Returns the exit code for an operation that failed with `code`, or
// exit_code::internal for a code missing from the table.
exit_code exit_code_for(gioexport::errc code) noexcept;

// Returns the exit code for a listing that was received: success for
// FINISHED, not_ready for RUNNING, api for the other statuses.
exit_code exit_code_for(gioexport::export_status status) noexcept;

// Returns the exit code for a finished download: success when every file
// arrived, local_io when a file failed with disk_full or io_error (the
// following files would fail the same way), downloads_failed otherwise.
exit_code exit_code_for_files(const gioexport::export_result& result) noexcept;

// All exit codes in ascending order, with the text that --help prints.
struct exit_code_description {
    exit_code code;
    message_id description;
};
std::span<const exit_code_description> exit_code_descriptions() noexcept;

// The sentence that precedes a library error message for an exit code.
message_id failure_sentence(exit_code code) noexcept;

constexpr int to_int(exit_code code) noexcept
{
    return static_cast<int>(code);
}

}  // namespace gioexport::cli
