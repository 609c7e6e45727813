// Sending a Reply, including the delivery faults that change how it is sent.
#pragma once

#include "reply.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>

namespace emulator {

struct Emulator;

struct WriteResult {
    std::uint64_t body_bytes = 0;
    bool ok = true;               // false: the write failed or timed out
    bool connection_gone = false; // the connection was closed on purpose
};

// Sends `reply` on `stream` (beast::tcp_stream or
// beast::ssl_stream<beast::tcp_stream>). Date, Server, the body framing and
// Connection are added here.
template <typename Stream>
boost::asio::awaitable<WriteResult> write_reply(Emulator& emulator, Stream& stream, const Reply& reply,
                                                bool keep_alive);

} // namespace emulator
