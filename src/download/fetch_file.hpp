// Streaming one link into a verified file, with retries and resume.
#pragma once

#include "detail/buffer_pool.hpp"
#include "detail/file_pool.hpp"
#include "detail/md5_engine.hpp"
#include "detail/semaphore.hpp"
#include "http/exchange.hpp"

#include <gioexport/download.hpp>
#include <gioexport/options.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <string>

namespace gioexport::detail {

// Returns a fresh link for the same file after its link expired.
using link_refresher = std::function<asio::awaitable<std::string>()>;

// Hooks of one file's download; each may be empty.
struct fetch_hooks {
    link_refresher refresh;
    // Called with the resume offset before each attempt sends its request.
    std::function<void(std::uint64_t offset)> on_attempt;
    // Called once the bytes verified and, unless download_options::sync_files
    // is false, are synced, before the rename. It runs on a thread of
    // `fetch_settings::files`.
    std::function<void(const file_result&)> before_rename;
    // The caller syncs the target's folder itself once it has renamed many
    // files into it; otherwise each rename is followed by a folder sync.
    bool folder_synced_later = false;
    // When set, each attempt keeps one of these slots from sending its
    // request until the body is read and hashed. It gives the slot up while
    // it opens, checks, syncs or renames the .part file or waits to retry,
    // so another transfer can use the connection then.
    async_semaphore* transfer_slots = nullptr;
};

struct fetch_settings {
    retry_options retry;
    std::function<void(log_level, const std::string&)> log;
    // Runs the fsync and rename at the end of each file, so the I/O threads
    // keep reading other files meanwhile. Must not be null.
    file_pool* files = nullptr;
    // Hashes the chunks of concurrent transfers together; when null, each
    // transfer hashes on its own thread.
    md5_engine* hashing = nullptr;
    // Transfer buffers to reuse; when null, each transfer allocates its own.
    buffer_pool* buffers = nullptr;
};

// Downloads `url` to `target` through `target.part`. See client::download_link.
//
// A .part file left by an earlier attempt or run is resumed with a Range
// request and its MD5 rebuilt from the bytes on disk. Connection errors,
// timeouts, bodies cut short, 5xx and 429 are retried with backoff, resuming
// where the bytes stopped. An MD5 mismatch is retried once from the start.
// An expired link is replaced once through `hooks.refresh`, when one is given.
asio::awaitable<file_result> fetch_file(http_context& context, const fetch_settings& settings,
                                        std::string url, std::filesystem::path target,
                                        download_options options, fetch_hooks hooks = {});

// Returns the size of each of a transfer's two buffers: half of
// options.buffer_size, which is raised to 16 KiB first.
inline std::size_t transfer_buffer_size(const download_options& options) noexcept
{
    return std::max<std::size_t>(options.buffer_size, 16 * 1024) / 2;
}

// At most this many redirects are followed for one download.
inline constexpr int max_redirects = 5;

}  // namespace gioexport::detail
