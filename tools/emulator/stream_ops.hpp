// Stream helpers shared by the session loop and the reply writer. They work
// on beast::tcp_stream and on beast::ssl_stream<beast::tcp_stream>.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include <array>
#include <chrono>
#include <tuple>
#include <type_traits>

namespace emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::chrono::seconds write_timeout{60};
inline constexpr std::chrono::seconds shutdown_timeout{2};

template <typename Stream>
auto& tcp_layer(Stream& stream)
{
    return beast::get_lowest_layer(stream);
}

// Closes the TCP connection at once with a reset (SO_LINGER 0).
template <typename Stream>
void reset_connection(Stream& stream)
{
    boost::system::error_code ignored;
    auto& socket = tcp_layer(stream).socket();
    socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
}

// Closes the TCP connection with a FIN and no TLS close_notify.
template <typename Stream>
void close_tcp(Stream& stream)
{
    boost::system::error_code ignored;
    auto& socket = tcp_layer(stream).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

// Ends the connection: a TLS close_notify first (waiting at most 2 s for the
// peer's), then a FIN.
template <typename Stream>
asio::awaitable<void> close_gracefully(Stream& stream)
{
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_layer(stream).expires_after(shutdown_timeout);
        co_await stream.async_shutdown(use_tuple);
    }
    boost::system::error_code ignored;
    tcp_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer(stream).socket().close(ignored);
}

inline asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(duration);
    co_await timer.async_wait(use_tuple);
}

// Writes up to three buffers, for example a chunk header, data and CRLF.
template <typename Stream>
asio::awaitable<bool> write_buffers(Stream& stream, const std::array<asio::const_buffer, 3>& buffers)
{
    tcp_layer(stream).expires_after(write_timeout);
    const auto result = co_await asio::async_write(stream, buffers, use_tuple);
    co_return !std::get<0>(result);
}

} // namespace emulator
