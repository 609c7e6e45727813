// Racing an awaitable against an overall deadline.
#pragma once

#include <gioexport/error.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <string>
#include <variant>

namespace gioexport::detail {

// Runs `work`; when `limit` is positive and passes first, cancels it and
// throws errc::timeout naming `what`. A zero limit runs `work` alone.
template <class T>
boost::asio::awaitable<T> with_deadline(boost::asio::awaitable<T> work, std::chrono::milliseconds limit,
                                        std::string what)
{
    using namespace boost::asio::experimental::awaitable_operators;
    if (limit.count() <= 0)
        co_return co_await std::move(work);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, limit);
    auto outcome = co_await (std::move(work) || timer.async_wait(boost::asio::use_awaitable));
    if (outcome.index() == 1)
        throw error(errc::timeout, what + " took longer than the whole-request timeout of " +
                                       std::to_string(limit.count()) + " ms");
    co_return std::get<0>(std::move(outcome));
}

}  // namespace gioexport::detail
