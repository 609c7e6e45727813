// Reading a download's body into its .part file and the MD5 hasher.
#pragma once

#include "http/exchange.hpp"

#include <gioexport/download.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>

namespace gioexport::detail {

class md5_stream;
class part_file;

// Reads the body of `response` into `part` and `md5` through the hasher's
// buffers, then puts the connection back into the pool when the server
// keeps it open. A body with a Content-Length is read straight into those
// buffers. A chunked or close-delimited body goes through Beast's parser,
// and `ended_by_close` is set when it ended with the connection.
//
// `total` is the expected size, for progress. `overlap` is the last byte
// already on disk when the request resumed one byte early. Bytes received
// before an error stay in `part`. Throws errc::truncated when the overlap
// byte differs, errc::disk_full or errc::io_error when writing fails,
// errc::cancelled when waiting for a buffer is cancelled, whatever
// options.on_progress throws, and the errors of throw_transport_error.
asio::awaitable<void> stream_body(http_context& context, open_response& response, part_file& part,
                                  md5_stream& md5, const download_options& options, std::uint64_t total,
                                  std::optional<char> overlap, bool& ended_by_close);

}  // namespace gioexport::detail
