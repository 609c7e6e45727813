#include "detail/sleep.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace gioexport::detail {

boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration delay, const std::string& what)
{
    if (delay <= std::chrono::steady_clock::duration::zero())
        co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec)
        throw error(errc::cancelled, "cancelled while " + what);
}

std::uint64_t jitter_random()
{
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine();
}

}  // namespace gioexport::detail
