// Accepting connections and running HTTP/1.1 sessions over TCP or TLS.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <string>

namespace emulator {

struct Emulator;

// Accepts connections until the acceptor is closed and serves each one in its
// own coroutine. `tls` is null for plain HTTP. `listener_authority` is the
// listener's "addr:port", used in links when a request has no usable Host.
boost::asio::awaitable<void> accept_connections(Emulator& emulator, boost::asio::ip::tcp::acceptor& acceptor,
                                                boost::asio::ssl::context* tls, std::string listener_authority);

// Formats an endpoint as "127.0.0.1:8080" or "[::1]:8080".
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

} // namespace emulator
