// A cancellable pause inside a coroutine.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace gioexport::detail {

// Waits for `delay` on the current executor. Throws errc::cancelled, naming
// `what`, when the wait is cancelled.
boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration delay, const std::string& what);

// A random 64-bit value for backoff jitter.
std::uint64_t jitter_random();

}  // namespace gioexport::detail
