// Mapping of Asio, Beast and OpenSSL error codes to gioexport errors.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace gioexport::detail {

// Throws the gioexport::error that matches a transport failure: timeout,
// cancelled, truncated, tls_failed or connect_failed. `context` describes what was
// being done, e.g. "connecting to host:443". A non-empty `hint` ends the
// message, after a semicolon.
[[noreturn]] void throw_transport_error(const boost::system::error_code& ec, const std::string& context,
                                        std::string_view hint = {});

// Arms the stream's deadline for the next operation; zero disarms it.
void set_deadline(boost::beast::tcp_stream& stream, std::chrono::milliseconds timeout);

}  // namespace gioexport::detail
