// Sending one HTTP request and reading the response, over pooled connections.
#pragma once

#include "http/connection.hpp"
#include "http/tls_sessions.hpp"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <string>

namespace gioexport::detail {

namespace http = beast::http;

// State shared by every request of one client.
struct http_context {
    // Before the pool: pooled TLS connections refer to the cache.
    tls_session_cache sessions;
    connection_pool pool;
    std::shared_ptr<asio::ssl::context> tls;
    bool verify_peer = true;
    timeout_options timeouts;
    proxy_config proxies;
};

using header_parser = http::response_parser<http::empty_body>;

// A response whose header has been read; the body is still on the wire.
struct open_response {
    std::unique_ptr<connection> conn;
    std::unique_ptr<header_parser> parser;

    unsigned status() const { return parser->get().result_int(); }
};

// Largest response header accepted, in bytes.
inline constexpr std::uint32_t max_header_bytes = 64 * 1024;

// Sends `request` to `target` and reads the response header. Takes an idle
// pooled connection when there is one. If the server had closed it and no
// byte of a response arrived, the request is sent once more on a new
// connection. That is safe because the server processed nothing.
asio::awaitable<open_response> send_request(http_context& context, const http_target& target,
                                            http::request<http::string_body>& request);

// Reads the rest of the body into a string, failing with
// errc::response_too_large past `limit` bytes, and puts the connection back
// into the pool when the server keeps it open.
asio::awaitable<std::string> read_string_body(http_context& context, open_response& response,
                                              std::size_t limit);

// Returns the value of a response header field, looked up without regard to
// case as HTTP requires, or nothing when the field is absent.
std::optional<std::string_view> header_value(const header_parser& parser, std::string_view name);

// Returns the connection to the pool when the response was read completely
// and the server keeps the connection open; closes it otherwise.
void release_connection(http_context& context, open_response& response);

}  // namespace gioexport::detail
