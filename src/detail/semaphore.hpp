// A counting semaphore for coroutines on any executor.
#pragma once

#include <gioexport/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <string>

namespace gioexport::detail {

// At most `count` holders at a time. Waiting honours per-operation
// cancellation like any Asio operation.
class async_semaphore {
public:
    async_semaphore(const boost::asio::any_io_executor& executor, std::size_t count) : slots_(executor, count) {}

    // Releases the slot when it goes out of scope.
    class holder {
    public:
        explicit holder(async_semaphore& owner) : owner_(&owner) {}
        holder(holder&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
        holder& operator=(holder&&) = delete;
        ~holder() { release(); }

        // Gives the slot back before the end of the scope.
        void release() noexcept
        {
            if (owner_ != nullptr)
                owner_->slots_.try_receive([](boost::system::error_code) {});
            owner_ = nullptr;
        }

    private:
        async_semaphore* owner_;
    };

    // Waits for a free slot. Throws errc::cancelled naming `purpose` when the
    // wait is cancelled.
    boost::asio::awaitable<holder> acquire(std::string purpose)
    {
        auto [ec] = co_await slots_.async_send(boost::system::error_code{},
                                               boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec)
            throw error(errc::cancelled, "cancelled while waiting for " + purpose);
        co_return holder(*this);
    }

private:
    boost::asio::experimental::concurrent_channel<void(boost::system::error_code)> slots_;
};

}  // namespace gioexport::detail
