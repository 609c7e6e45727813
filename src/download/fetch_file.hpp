// Streaming one link into a verified file.
#pragma once

#include "http/exchange.hpp"

#include <gioexport/download.hpp>
#include <gioexport/options.hpp>

#include <filesystem>
#include <string>

namespace gioexport::detail {

// Downloads `url` to `target` through `target.part`. See client::download_link.
asio::awaitable<file_result> fetch_file(http_context& context, std::string url,
                                        std::filesystem::path target, download_options options);

// At most this many redirects are followed for one download.
inline constexpr int max_redirects = 5;

}  // namespace gioexport::detail
