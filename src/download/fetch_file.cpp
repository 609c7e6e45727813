#include "download/fetch_file.hpp"

#include "detail/deadline.hpp"
#include "detail/md5_engine.hpp"
#include "detail/sleep.hpp"
#include "download/body_reader.hpp"
#include "download/part_file.hpp"
#include "download/response_check.hpp"
#include "retry.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>
#include <gioexport/version.hpp>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

namespace gioexport::detail {
namespace {

using namespace std::chrono;

constexpr std::size_t max_error_body = 64 * 1024;

// A 5xx or 429 from object storage, with the server's Retry-After if any.
class retry_later_error : public error {
public:
    retry_later_error(const std::string& message, int status, std::optional<milliseconds> retry_after)
        : error(errc::server_busy, message, status), retry_after(retry_after)
    {
    }
    std::optional<milliseconds> retry_after;
};

http::request<http::string_body> make_get_request(std::uint64_t offset)
{
    // Object storage rejects requests that carry an Authorization header next
    // to a presigned query, and the API credentials must never reach it, so
    // only neutral headers are set.
    http::request<http::string_body> request{http::verb::get, "/", 11};
    request.set(http::field::user_agent, std::string("gioexport/") + GIOEXPORT_VERSION_STRING);
    request.set(http::field::accept_encoding, "identity");
    if (offset > 0)
        request.set(http::field::range, "bytes=" + std::to_string(offset) + "-");
    return request;
}

// Parses "bytes FIRST-LAST/TOTAL" of a 206 response.
struct content_range {
    std::uint64_t first = 0, last = 0, total = 0;
};

std::optional<content_range> parse_content_range(std::optional<std::string_view> value)
{
    if (!value || value->substr(0, 6) != "bytes ")
        return std::nullopt;
    std::string_view text = value->substr(6);
    content_range range;
    auto read = [&](std::uint64_t& out, char stop) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        if (ec != std::errc{})
            return false;
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        if (stop == '\0')
            return text.empty();
        if (text.empty() || text.front() != stop)
            return false;
        text.remove_prefix(1);
        return true;
    };
    if (!read(range.first, '-') || !read(range.last, '/') || !read(range.total, '\0'))
        return std::nullopt;
    if (range.last < range.first || range.last >= range.total)
        return std::nullopt;
    return range;
}

// Follows the Location of a redirect. Only http and https targets are
// accepted, and an https link is never downgraded to http.
http_target next_hop(const http_target& current, const std::string& current_url, const header_parser& parser,
                     std::string& next_url)
{
    const auto location = header_value(parser, "Location");
    if (!location || location->empty())
        throw error(errc::http_error, "redirect from " + redact_url(current_url) + " has no Location",
                    static_cast<int>(parser.get().result_int()));
    next_url = resolve_reference(current_url, *location);
    http_target next = parse_http_target(next_url);
    if (current.tls && !next.tls)
        throw error(errc::invalid_url, "refusing redirect from https to http: " + redact_url(next_url));
    return next;
}

// Sends the GET (with Range when `offset` > 0), following redirects, and
// returns the response that carries the body. Throws for every other response.
asio::awaitable<open_response> open_object(http_context& context, const std::string& url, std::uint64_t offset,
                                           const std::string& file_name)
{
    std::string current_url = url;
    http_target hop = parse_http_target(current_url);
    for (int redirects = 0;; ++redirects) {
        auto request = make_get_request(offset);
        open_response response = co_await send_request(context, hop, request);
        const unsigned status = response.status();
        if (status == 206 || status == 416)
            co_return response;

        switch (classify_download_status(status)) {
        case download_action::stream:
            co_return response;
        case download_action::redirect: {
            if (redirects >= max_redirects)
                throw error(errc::too_many_redirects,
                            "more than " + std::to_string(max_redirects) + " redirects for " + file_name + " (" +
                                redact_url(url) + ")",
                            static_cast<int>(status));
            std::string next_url;
            hop = next_hop(hop, current_url, *response.parser, next_url);
            current_url = std::move(next_url);
            response.conn.reset();  // the redirect body is not read, so the connection is closed
            continue;
        }
        case download_action::refused: {
            const std::string body = co_await read_string_body(context, response, max_error_body);
            const errc code = classify_refusal(body);
            throw error(code,
                        code == errc::link_expired
                            ? "the download link for " + file_name + " has expired (HTTP 403)"
                            : "object storage refused the link for " + file_name + " (HTTP 403)",
                        403);
        }
        case download_action::retry_later: {
            std::optional<milliseconds> retry_after;
            if (const auto value = header_value(*response.parser, "Retry-After"))
                retry_after = parse_retry_after(*value, header_value(*response.parser, "Date"),
                                                system_clock::now());
            throw retry_later_error("object storage returned HTTP " + std::to_string(status) + " for " + file_name,
                                    static_cast<int>(status), retry_after);
        }
        case download_action::fail:
            throw error(errc::http_error,
                        "object storage returned HTTP " + std::to_string(status) + " for " + file_name +
                            "; expected 200",
                        static_cast<int>(status));
        }
    }
}

// One attempt: resume the .part file when asked and possible, then stream,
// check the length and the MD5, and commit.
asio::awaitable<file_result> fetch_attempt(http_context& context, const fetch_settings& settings,
                                           const std::string& url, const std::filesystem::path& target,
                                           const download_options& options, bool resume,
                                           const std::string& file_name, const fetch_hooks& hooks)
{
    // The transfer's bytes go through two halves of options.buffer_size in
    // turn. The client's buffers serve the default size. Another size gets a
    // pool of its own, which the hashing engine keeps alive until it has
    // hashed the last chunk of a failed attempt.
    const std::size_t buffer_size = transfer_buffer_size(options);
    const auto executor = co_await asio::this_coro::executor;
    std::optional<md5_stream> hashed;
    if (settings.buffers != nullptr && settings.buffers->buffer_size() == buffer_size)
        hashed.emplace(settings.hashing, *settings.buffers, executor);
    else
        hashed.emplace(settings.hashing, std::make_shared<buffer_pool>(buffer_size, 0), executor);
    md5_stream& md5 = *hashed;

    // Opens the .part file, and hashes the bytes of a resumed one, on a file
    // thread before taking a transfer slot. Creating a file took 0.3 ms on
    // average in the benchmark's output folder, and hashing a resumed file
    // takes far longer, so neither ties up a connection or an I/O thread.
    // NOTE: a run that resumes after a crash may hash many .part files here
    // at once, and the syncs of finished files wait behind them on the
    // pool's four threads until the hashing is done.
    std::optional<part_file> opened;
    co_await settings.files->run([&] {
        opened.emplace(target, resume ? part_file::open_mode::resume : part_file::open_mode::truncate);
        opened->read_existing(buffer_size, [&](const char* data, std::size_t size) { md5.update_now(data, size); });
    });
    part_file& part = *opened;
    part.set_durable(options.sync_files);
    std::optional<async_semaphore::holder> slot;
    if (hooks.transfer_slots != nullptr)
        slot.emplace(co_await hooks.transfer_slots->acquire("a transfer slot for " + file_name));
    std::uint64_t offset = part.size();
    if (hooks.on_attempt)
        hooks.on_attempt(offset);

    // A resumed request starts one byte early: the response then always has a
    // body and an MD5 header, even when the .part file is already complete
    // (a crash between the last write and the rename), and the repeated
    // byte checks that the object is still the same.
    std::optional<char> overlap;
    if (offset > 0)
        overlap = part.last_byte();
    const std::uint64_t request_from = offset > 0 ? offset - 1 : 0;

    open_response response = co_await open_object(context, url, request_from, file_name);
    const unsigned status = response.status();
    std::optional<std::uint64_t> expected_size;
    if (const auto length = response.parser->content_length())
        expected_size = *length;

    if (status == 416) {
        // The range starts at or past the end: the .part is no prefix of this
        // object (or the object changed), so the next attempt starts over.
        response.conn.reset();
        part.restart();
        throw error(errc::truncated, file_name + ": the server rejected resuming at byte " +
                                         std::to_string(offset) + " (HTTP 416); starting over", 416);
    }
    if (status == 206) {
        const auto range = parse_content_range(header_value(*response.parser, "Content-Range"));
        if (!range || range->first != request_from || offset == 0) {
            response.conn.reset();
            part.restart();
            throw error(errc::truncated, file_name + ": the server resumed at another byte than " +
                                             std::to_string(offset) + "; starting over", 206);
        }
        expected_size = range->total;
    } else if (offset > 0) {
        // The server ignored the Range header and sends the whole file.
        part.restart();
        md5.reset();
        offset = 0;
        overlap.reset();
    }

    const auto expected_md5 = parse_md5_header(header_value(*response.parser, "x-amz-meta-md5-hash"));
    bool ended_by_close = false;
    try {
        co_await stream_body(context, response, part, md5, options, expected_size.value_or(0), overlap,
                             ended_by_close);
    } catch (const error& e) {
        throw error(e.code(), file_name + ": " + e.what(), e.http_status());
    }
    // The digest comes before the slot is given up: finish() gives the
    // buffers back, so the next transfer takes them instead of new ones.
    const std::string actual = co_await md5.finish();
    if (slot)
        slot->release();

    if (expected_size && part.size() != *expected_size)
        throw error(errc::truncated, file_name + ": received " + std::to_string(part.size()) + " of " +
                                         std::to_string(*expected_size) + " bytes");
    if (ended_by_close && !expected_md5)
        throw error(errc::truncated, file_name +
                                         ": the body had no length and ended with the connection, and no MD5 "
                                         "header was sent to prove it complete");

    verification state{};
    try {
        state = check_md5(expected_md5, actual, options.require_md5, file_name);
    } catch (...) {
        part.discard();  // wrong or unprovable bytes are never resumed
        throw;
    }
    file_result result{target, part.size(), actual, state};
    co_await settings.files->run([&] {
        part.sync();
        if (hooks.before_rename)
            hooks.before_rename(result);
        part.rename_into_place(!hooks.folder_synced_later);
    });
    co_return result;
}

bool is_transient(errc code) noexcept
{
    return code == errc::connect_failed || code == errc::timeout || code == errc::truncated ||
           code == errc::server_busy;
}

}  // namespace

asio::awaitable<file_result> fetch_file(http_context& context, const fetch_settings& settings, std::string url,
                                        std::filesystem::path target, download_options options,
                                        fetch_hooks hooks)
{
    const std::string file_name = (target.parent_path().filename() / target.filename()).string();
    const retry_options& retry = settings.retry;
    const auto started = steady_clock::now();
    int failures = 0;
    bool refreshed = false;
    bool restarted_after_mismatch = false;
    bool resume = true;

    auto log = [&](log_level level, const std::string& line) {
        if (settings.log)
            settings.log(level, line);
    };

    for (;;) {
        std::optional<milliseconds> retry_after;
        std::string reason;
        errc code = errc::ok;
        bool refresh_link = false;
        try {
            co_return co_await with_deadline(fetch_attempt(context, settings, url, target, options, resume, file_name, hooks),
                                             context.timeouts.request, "downloading " + file_name);
        } catch (const retry_later_error& e) {
            code = e.code();
            reason = e.what();
            retry_after = e.retry_after;
        } catch (const error& e) {
            code = e.code();
            reason = e.what();
            if (code == errc::link_expired && hooks.refresh && !refreshed) {
                refreshed = true;
                refresh_link = true;
            } else if (code == errc::checksum_mismatch && !restarted_after_mismatch) {
                restarted_after_mismatch = true;
                resume = false;
                log(log_level::warning, std::string(e.what()) + "; downloading it once more from the start");
                continue;
            } else if (!is_transient(code)) {
                throw;
            }
        }
        if (refresh_link) {
            // Only one refresh per file, so a link that keeps expiring fails.
            log(log_level::warning, file_name + ": link expired; listing the export again for a fresh link");
            url = co_await hooks.refresh();
            continue;
        }

        ++failures;
        resume = true;
        if (retry_after && *retry_after > retry.max_retry_after)
            throw error(errc::rate_limited, reason + ", asking to wait " + std::to_string(retry_after->count() / 1000) +
                                                " s, more than the maximum wait of " +
                                                std::to_string(retry.max_retry_after.count()) + " s");
        const auto delay = std::max(backoff_delay(retry, failures, jitter_random()),
                                    retry_after.value_or(milliseconds(0)));
        const bool out_of_time =
            retry.deadline.count() > 0 && steady_clock::now() + delay - started > retry.deadline;
        if (failures >= retry.max_attempts || out_of_time)
            throw error(code, reason + " (gave up after " + std::to_string(failures) + " attempts)");
        log(log_level::warning, "retrying " + file_name + " in " + std::to_string(delay.count()) + " ms (attempt " +
                                    std::to_string(failures + 1) + " of " + std::to_string(retry.max_attempts) +
                                    "): " + reason);
        co_await sleep_for(delay, "waiting to retry " + file_name);
    }
}

}  // namespace gioexport::detail
