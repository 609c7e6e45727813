#include "http/exchange.hpp"

#include "http/errors.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <tuple>

namespace gioexport::detail {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// One attempt on one connection. Returns the error instead of throwing so
// the caller can tell a stale pooled connection from a real failure.
asio::awaitable<boost::system::error_code> try_exchange(connection& conn, const timeout_options& timeouts,
                                                        http::request<http::string_body>& request,
                                                        header_parser& parser)
{
    set_deadline(conn.tcp(), timeouts.first_byte);
    auto [write_ec, written] = co_await conn.visit(
        [&](auto& stream) { return http::async_write(stream, request, nothrow); });
    if (write_ec)
        co_return write_ec;
    auto [read_ec, read] = co_await conn.visit([&](auto& stream) {
        return http::async_read_header(stream, conn.buffer(), parser, nothrow);
    });
    co_return read_ec;
}

std::unique_ptr<header_parser> make_header_parser()
{
    auto parser = std::make_unique<header_parser>();
    parser->header_limit(max_header_bytes);
    // Beast checks Content-Length against the body limit already while it
    // reads the header, with a default of 8 MB. Chunks are up to 64 MB and
    // more, so the limit is lifted here and each body reader sets its own.
    parser->body_limit(boost::none);
    return parser;
}

// Returns whether a plain HTTP request on a fresh connection failed in a way
// that suggests a TLS server: the first byte starts a TLS record (an alert
// or a handshake), or the connection closed before any byte came back.
// Beast keeps the bytes of a header it could not finish in the buffer.
bool looks_like_tls_server(const boost::system::error_code& ec, const header_parser& parser,
                           const beast::flat_buffer& received)
{
    if (received.size() > 0) {
        const auto first = *static_cast<const unsigned char*>(received.data().data());
        return !parser.is_header_done() && (first == 0x15 || first == 0x16);
    }
    if (parser.got_some())
        return false;
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset;
}

}  // namespace

asio::awaitable<open_response> send_request(http_context& context, const http_target& target,
                                            http::request<http::string_body>& request)
{
    request.set(http::field::host, target.host_header);
    request.target(target.target);
    request.version(11);
    request.prepare_payload();

    open_response response;
    if (auto pooled = context.pool.take(target.origin())) {
        response.parser = make_header_parser();
        const auto ec = co_await try_exchange(*pooled, context.timeouts, request, *response.parser);
        if (!ec) {
            response.conn = std::move(pooled);
            co_return response;
        }
        if (ec == asio::error::operation_aborted || response.parser->got_some())
            throw_transport_error(ec, "requesting " + target.origin());
        // The server closed the idle connection before reading our request.
    }

    response.conn =
        co_await open_connection(target, *context.tls, context.sessions, context.verify_peer, context.timeouts,
                                 context.proxies);
    response.parser = make_header_parser();
    const auto ec = co_await try_exchange(*response.conn, context.timeouts, request, *response.parser);
    if (ec) {
        const bool maybe_tls = !target.tls && target.from_user &&
                               looks_like_tls_server(ec, *response.parser, response.conn->buffer());
        throw_transport_error(ec, "waiting for the response of " + target.origin(),
                              maybe_tls ? "the server sent no HTTP response: if it serves HTTPS, use an https:// URL"
                                        : "");
    }
    co_return response;
}

asio::awaitable<std::string> read_string_body(http_context& context, open_response& response,
                                              std::size_t limit)
{
    http::response_parser<http::string_body> parser(std::move(*response.parser));
    parser.body_limit(limit);
    // Beast reads at most the buffer's free capacity per call, 512 bytes
    // unless reserved, and a listing can be megabytes.
    response.conn->buffer().reserve(64 * 1024);
    boost::system::error_code ec;
    while (!ec && !parser.is_done()) {
        // The idle deadline restarts with every read, so a large body on a
        // slow link is not cut off while its bytes keep arriving.
        set_deadline(response.conn->tcp(), context.timeouts.idle);
        std::tie(ec, std::ignore) = co_await response.conn->visit([&](auto& stream) {
            return http::async_read_some(stream, response.conn->buffer(), parser, nothrow);
        });
    }
    if (ec == http::error::body_limit)
        throw error(errc::response_too_large,
                    "the response body is larger than the limit of " + std::to_string(limit) + " bytes",
                    static_cast<int>(response.status()));
    if (ec)
        throw_transport_error(ec, "reading the response of " + response.conn->origin());
    const bool keep = parser.keep_alive();
    std::string body = std::move(parser.get().body());
    if (keep)
        context.pool.put(std::move(response.conn));
    response.conn.reset();
    co_return body;
}

std::optional<std::string_view> header_value(const header_parser& parser, std::string_view name)
{
    const auto& fields = parser.get();
    const auto it = fields.find(name);  // Beast compares field names case-insensitively
    if (it == fields.end())
        return std::nullopt;
    return std::string_view(it->value().data(), it->value().size());
}

void release_connection(http_context& context, open_response& response)
{
    if (response.conn && response.parser && response.parser->is_done() && response.parser->keep_alive())
        context.pool.put(std::move(response.conn));
    response.conn.reset();
}

}  // namespace gioexport::detail
