// Dispatch of a request to its endpoint, with the fault rules that apply to it.
#pragma once

#include "reply.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>

namespace emulator {

struct Emulator;

// Returns the reply to `request` and sets `target_kind` to token, api,
// objects, control, redirect or other, for logs and stats.
boost::asio::awaitable<Reply> route_request(Emulator& emulator, const Request& request, std::string& target_kind);

} // namespace emulator
