// Command-line and environment parsing: a pure function from the arguments
// and a snapshot of the environment to the settings of one run, or to the
// usage error that stops it before any request is sent.
#pragma once

#include "environment.hpp"
#include "messages.hpp"

#include <gioexport/options.hpp>
#include <gioexport/types.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gioexport::cli {

enum class command { links, download, help, version };

std::string_view command_name(command cmd) noexcept;

// The settings of one run. For links and download, `type` and `date` are set
// and the credentials are complete.
struct cli_settings {
    command cmd = command::help;
    gioexport::client_options client;  // base URL, credentials, TLS settings
    std::optional<gioexport::export_type> type;
    std::optional<gioexport::export_date> date;
    gioexport::link_expiry expiry;
    std::vector<gioexport::data_type> data_types;   // empty: all types
    std::vector<std::string> undocumented_types;    // requested names the docs do not list
    std::filesystem::path out_dir = "./gioexport-data";
    std::size_t concurrency = 8;
    std::chrono::seconds wait{0};
    std::chrono::seconds poll_interval{30};
    bool require_md5 = false;
    bool no_fsync = false;  // leave writing back the files to the system
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool show_links = false;
};

inline constexpr std::size_t min_concurrency = 1;
inline constexpr std::size_t max_concurrency = 64;

// Reason the arguments were rejected. The fields are kept apart so that tests can
// check which option and value a message names.
struct usage_error {
    message_id id = message_id::missing_command;
    std::string subject;                 // the option, variable or argument at fault
    std::string value;                   // the rejected value, if any
    std::optional<message_id> expected;  // accepted form, for invalid_value
    std::string other;                   // second option, variable or command named
    std::string detail;                  // the library's English message, if any
};

// Renders the error as one or two lines without a trailing newline: the
// localized sentence, then the library's message indented on its own line.
std::string render_usage_error(const usage_error& error, language lang);

using parse_result = std::variant<cli_settings, usage_error>;

// Parses the arguments after the program name. An option on the command line
// wins over its GIOEXPORT_* variable, and a variable wins over the default.
// Options take their value as the next argument or after '='; switches take
// no value or one of 1, 0, true, false, yes, no after '='. "--help", "-h" or
// the help command anywhere selects help, "--version" the version.
parse_result parse_arguments(const std::vector<std::string>& args, const environment& env);

// Whether JSON output was requested, read without validating anything else,
// so that a usage error can be reported in the form the caller expects.
bool json_requested(const std::vector<std::string>& args, const environment& env);

// Parses a switch value: 1, true, yes (true) or 0, false, no (false), in any
// case. Returns nullopt for anything else.
std::optional<bool> parse_boolean(std::string_view text);

// Returns the environment variable that sets an option: "--base-url" gives
// "GIOEXPORT_BASE_URL".
std::string environment_variable_for(std::string_view option);

}  // namespace gioexport::cli
