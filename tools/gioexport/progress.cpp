#include "progress.hpp"

#include "output.hpp"

namespace gioexport::cli {

std::string format_progress_line(const gioexport::export_progress& progress, double seconds,
                                 language lang)
{
    const double rate = seconds > 0 ? static_cast<double>(progress.bytes_done) / seconds : 0.0;
    char rate_text[32];
    std::snprintf(rate_text, sizeof rate_text, "%.1f", rate / 1e6);
    return format_message(lang, message_id::progress_line,
                          {std::to_string(progress.files_done), std::to_string(progress.files_total),
                           std::to_string(progress.files_failed),
                           format_megabytes(progress.bytes_done), rate_text});
}

stderr_writer::stderr_writer(std::FILE* stream, language lang, bool show_progress,
                             std::chrono::milliseconds min_interval, clock_function now)
    : stream_(stream),
      lang_(lang),
      show_progress_(show_progress),
      min_interval_(min_interval),
      now_(std::move(now)),
      start_(now_())
{
}

void stderr_writer::update(const gioexport::export_progress& progress)
{
    std::lock_guard lock(mutex_);
    last_ = progress;
    have_progress_ = true;
    if (!show_progress_)
        return;

    const auto now = now_();
    const bool complete = progress.files_total > 0 &&
                          progress.files_done + progress.files_failed >= progress.files_total;
    if (!complete && last_draw_ && now - *last_draw_ < min_interval_)
        return;
    last_draw_ = now;
    draw_locked();
}

void stderr_writer::finish()
{
    std::lock_guard lock(mutex_);
    if (!show_progress_ || !have_progress_)
        return;
    draw_locked();
    std::fputc('\n', stream_);
    std::fflush(stream_);
    line_shown_ = false;
    have_progress_ = false;
}

void stderr_writer::write_line(std::string_view text)
{
    std::lock_guard lock(mutex_);
    clear_locked();
    std::fwrite(text.data(), 1, text.size(), stream_);
    std::fputc('\n', stream_);
    if (show_progress_ && have_progress_)
        draw_locked();
    std::fflush(stream_);
}

std::size_t stderr_writer::redraw_count() const
{
    std::lock_guard lock(mutex_);
    return redraws_;
}

void stderr_writer::draw_locked()
{
    const double seconds = std::chrono::duration<double>(now_() - start_).count();
    const std::string line = format_progress_line(last_, seconds, lang_);
    // "\r" returns to the start of the line and "\x1b[K" erases what a
    // longer previous line left to the right of the cursor.
    std::fputs("\r", stream_);
    std::fwrite(line.data(), 1, line.size(), stream_);
    std::fputs("\x1b[K", stream_);
    std::fflush(stream_);
    line_shown_ = true;
    ++redraws_;
}

void stderr_writer::clear_locked()
{
    if (!line_shown_)
        return;
    std::fputs("\r\x1b[K", stream_);
    line_shown_ = false;
}

}  // namespace gioexport::cli
