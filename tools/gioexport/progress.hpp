// The progress line on a terminal and the log lines that share stderr with it.
#pragma once

#include "messages.hpp"

#include <gioexport/export.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gioexport::cli {

// Formats "done/total files, failed, MB, MB/s". The rate is the average since
// the start, in decimal megabytes (10^6 bytes) per second.
std::string format_progress_line(const gioexport::export_progress& progress, double seconds,
                                 language lang);

// Writer of stderr for the whole run. When enabled, the progress line is
// redrawn in place with '\r', at most once per `min_interval`. Other lines
// clear it first and redraw it after, so the two never interleave. All
// members are safe to call from several threads at once.
class stderr_writer {
public:
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;

    stderr_writer(std::FILE* stream, language lang, bool show_progress,
                  std::chrono::milliseconds min_interval = std::chrono::milliseconds(250),
                  clock_function now = &std::chrono::steady_clock::now);

    // Redraws the progress line unless the last redraw was less than
    // min_interval ago. The final state (every file done or failed) is
    // always drawn.
    void update(const gioexport::export_progress& progress);

    // Draws the last state once more and ends the progress line.
    void finish();

    // Writes one line, adding the newline.
    void write_line(std::string_view text);

    // Number of times the progress line was drawn.
    std::size_t redraw_count() const;

private:
    void draw_locked();
    void clear_locked();

    std::FILE* stream_;
    language lang_;
    bool show_progress_;
    std::chrono::milliseconds min_interval_;
    clock_function now_;
    std::chrono::steady_clock::time_point start_;

    mutable std::mutex mutex_;
    gioexport::export_progress last_{};
    bool have_progress_ = false;
    bool line_shown_ = false;
    std::optional<std::chrono::steady_clock::time_point> last_draw_;
    std::size_t redraws_ = 0;
};

}  // namespace gioexport::cli
