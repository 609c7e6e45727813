// Line-oriented logging to stderr.
#pragma once

#include <string_view>

namespace emulator {

// Writes `line` and a newline to stderr in one write, so that lines from
// different threads never interleave.
void log_line(std::string_view line);

} // namespace emulator
