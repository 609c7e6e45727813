// Runs the links and download commands on an io_context and reports the
// outcome on stdout and stderr.
#pragma once

#include "arguments.hpp"
#include "messages.hpp"

namespace gioexport::cli {

// Prints a usage error: as one JSON object on stdout when `json` is set,
// otherwise on stderr followed by a pointer to --help.
void report_usage_error(const usage_error& error, bool json, language lang);

// Runs settings.cmd, which must be links or download, and returns the exit
// code. SIGINT and SIGTERM cancel the operation (exit code 130); a second
// signal ends the process at once.
int run_command(const cli_settings& settings, language lang);

}  // namespace gioexport::cli
