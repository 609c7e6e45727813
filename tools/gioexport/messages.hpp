// Every text the tool shows a person, in English and in Simplified Chinese.
//
// Error code names, JSON keys, option names and the library's own messages
// (gioexport::error::what()) stay English in both languages.
#pragma once

#include "environment.hpp"

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gioexport::cli {

enum class language { english, chinese };

// Picks the language of messages from LC_ALL, else LC_MESSAGES, else LANG:
// the first of them that is set and not empty decides, and a value starting
// with "zh" selects Chinese. English otherwise.
language select_language(const environment& env);

// Identifies one text. Placeholders {0}, {1}, ... in a text are filled by
// format_message in the order the comment lists them.
enum class message_id {
    // Usage errors.
    unknown_option,             // {0} the option as given
    missing_value,              // {0} option
    option_takes_no_value,      // {0} option
    option_not_for_command,     // {0} option, {1} command
    unknown_command,            // {0} argument
    missing_command,
    unexpected_argument,        // {0} argument
    invalid_value,              // {0} option or variable, {1} value, {2} accepted form
    missing_setting,            // {0} option, {1} environment variable
    missing_secret_or_token,
    invalid_credentials,        // followed by the library's message
    conflicting_options,        // {0} option, {1} option
    see_help,

    // Accepted forms, inserted as {2} of invalid_value.
    form_url,
    form_non_empty,
    form_export_type,
    form_date,
    form_data_types,
    form_expire,
    form_concurrency,
    form_wait,
    form_poll_interval,
    form_boolean,
    form_ca_file,

    // Sentences that precede a library error message, one per exit code.
    failed_usage,
    failed_api,
    failed_not_ready,
    failed_local_io,
    failed_interrupted,
    failed_internal,
    server_message,             // {0} the server's errorMsg

    // Listing status that is not FINISHED.
    status_running,
    status_not_exists,
    status_not_ready,
    status_error,
    status_unknown,             // {0} status text

    // Warnings and notices on stderr.
    warning_insecure,
    warning_undocumented_type,  // {0} data type, {1} the documented types
    interrupted_notice,

    // Download summary and progress line.
    summary_export_dir,         // {0} folder
    summary_manifest,           // {0} file
    summary_files,              // {0} verified, {1} unverified, {2} failed, {3} listed
    summary_data,               // {0} megabytes, {1} bytes
    summary_elapsed,            // {0} seconds
    failed_file,                // {0} data type, {1} position, {2} code name, {3} message
    unverified_file,            // {0} data type, {1} position
    unverified_more,            // {0} how many more unverified files
    progress_line,              // {0} done, {1} total, {2} failed, {3} MB, {4} MB/s

    // Help and version.
    help_text,
    help_exit_codes_heading,
    exit_success,
    exit_internal,
    exit_usage,
    exit_api,
    exit_downloads_failed,
    exit_not_ready,
    exit_local_io,
    exit_interrupted,
    version_line,               // {0} version

    count_  // number of ids; not a message
};

inline constexpr std::size_t message_count = static_cast<std::size_t>(message_id::count_);

// Returns the text of a message with its placeholders left in place.
std::string_view message_text(language lang, message_id id);

// Returns the text of a message with {0}, {1}, ... replaced by `args`.
// A placeholder without an argument is left as it is.
std::string format_message(language lang, message_id id,
                           std::initializer_list<std::string_view> args = {});

}  // namespace gioexport::cli
