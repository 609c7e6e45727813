#include "exit_codes.hpp"

#include <algorithm>
#include <array>

namespace gioexport::cli {
namespace {

using gioexport::errc;

constexpr std::array errc_table{
    errc_exit_code{errc::ok, exit_code::success},

    errc_exit_code{errc::invalid_argument, exit_code::usage},
    errc_exit_code{errc::invalid_url, exit_code::usage},

    errc_exit_code{errc::auth_failed, exit_code::api},
    errc_exit_code{errc::api_error, exit_code::api},
    errc_exit_code{errc::invalid_response, exit_code::api},
    errc_exit_code{errc::response_too_large, exit_code::api},
    errc_exit_code{errc::export_not_exists, exit_code::api},
    errc_exit_code{errc::export_failed, exit_code::api},
    errc_exit_code{errc::export_not_ready, exit_code::not_ready},
    errc_exit_code{errc::export_past_retention, exit_code::api},
    errc_exit_code{errc::export_not_enabled, exit_code::api},
    errc_exit_code{errc::rate_limited, exit_code::api},
    errc_exit_code{errc::unknown_status, exit_code::api},

    errc_exit_code{errc::connect_failed, exit_code::api},
    errc_exit_code{errc::tls_failed, exit_code::api},
    errc_exit_code{errc::timeout, exit_code::api},
    errc_exit_code{errc::truncated, exit_code::api},
    errc_exit_code{errc::http_error, exit_code::api},
    errc_exit_code{errc::link_expired, exit_code::api},
    errc_exit_code{errc::access_denied, exit_code::api},
    errc_exit_code{errc::too_many_redirects, exit_code::api},
    errc_exit_code{errc::server_busy, exit_code::api},
    errc_exit_code{errc::proxy_auth_required, exit_code::api},

    errc_exit_code{errc::checksum_mismatch, exit_code::api},
    errc_exit_code{errc::md5_missing, exit_code::api},

    errc_exit_code{errc::disk_full, exit_code::local_io},
    errc_exit_code{errc::io_error, exit_code::local_io},

    errc_exit_code{errc::cancelled, exit_code::interrupted},
    errc_exit_code{errc::internal, exit_code::internal},
    // Only the C interface raises it, for a blocking call on its own I/O
    // thread, so for this tool it would be a bug.
    errc_exit_code{errc::would_deadlock, exit_code::internal},
};

constexpr std::array descriptions{
    exit_code_description{exit_code::success, message_id::exit_success},
    exit_code_description{exit_code::internal, message_id::exit_internal},
    exit_code_description{exit_code::usage, message_id::exit_usage},
    exit_code_description{exit_code::api, message_id::exit_api},
    exit_code_description{exit_code::downloads_failed, message_id::exit_downloads_failed},
    exit_code_description{exit_code::not_ready, message_id::exit_not_ready},
    exit_code_description{exit_code::local_io, message_id::exit_local_io},
    exit_code_description{exit_code::interrupted, message_id::exit_interrupted},
};

}  // namespace

std::span<const errc_exit_code> errc_exit_codes() noexcept
{
    return errc_table;
}

exit_code exit_code_for(gioexport::errc code) noexcept
{
    const auto found = std::find_if(errc_table.begin(), errc_table.end(),
                                    [code](const errc_exit_code& row) { return row.code == code; });
    return found == errc_table.end() ? exit_code::internal : found->exit;
}

exit_code exit_code_for(gioexport::export_status status) noexcept
{
    switch (status) {
    case gioexport::export_status::finished:
        return exit_code::success;
    case gioexport::export_status::running:
        return exit_code::not_ready;
    case gioexport::export_status::not_exists:
    case gioexport::export_status::error:
    case gioexport::export_status::unknown:
        return exit_code::api;
    }
    return exit_code::api;
}

exit_code exit_code_for_files(const gioexport::export_result& result) noexcept
{
    bool any_failed = false;
    for (const gioexport::file_outcome& file : result.files) {
        if (file.error == errc::ok)
            continue;
        any_failed = true;
        if (exit_code_for(file.error) == exit_code::local_io)
            return exit_code::local_io;
    }
    return any_failed ? exit_code::downloads_failed : exit_code::success;
}

std::span<const exit_code_description> exit_code_descriptions() noexcept
{
    return descriptions;
}

message_id failure_sentence(exit_code code) noexcept
{
    switch (code) {
    case exit_code::usage:
        return message_id::failed_usage;
    case exit_code::api:
    case exit_code::downloads_failed:
        return message_id::failed_api;
    case exit_code::not_ready:
        return message_id::failed_not_ready;
    case exit_code::local_io:
        return message_id::failed_local_io;
    case exit_code::interrupted:
        return message_id::failed_interrupted;
    case exit_code::success:
    case exit_code::internal:
        break;
    }
    return message_id::failed_internal;
}

}  // namespace gioexport::cli
