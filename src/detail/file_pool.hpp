// Threads for blocking file-system calls (fsync, rename), so the threads
// that run the client's executor keep reading from the network meanwhile.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

namespace gioexport::detail {

class file_pool {
public:
    // The threads start on the first run(); a client that never downloads
    // never starts them.
    explicit file_pool(std::size_t threads) : threads_(threads) {}
    file_pool(const file_pool&) = delete;
    file_pool& operator=(const file_pool&) = delete;
    // Waits for the calls already handed over, then joins the threads.
    ~file_pool();

    // Calls `work()` on a pool thread and resumes the caller on its own
    // executor with the value or the exception. A blocking call cannot be
    // interrupted, so the operation takes no cancellation: a caller that is
    // cancelled meanwhile stays suspended until `work` has returned, and
    // `work` may therefore reference the caller's locals. A caller cancelled
    // before the call throws at this co_await, and `work` does not run.
    //
    // This used co_spawn before. Boost 1.81's co_spawn passes the caller's
    // cancellation on to its coroutine, and a coroutine that is cancelled and
    // then ends without having suspended once throws past co_spawn's own try
    // block. `work` never suspends, so a Ctrl-C while it ran ended the
    // process.
    template <class Work>
    boost::asio::awaitable<std::invoke_result_t<Work&>> run(Work work)
    {
        using result = std::invoke_result_t<Work&>;
        std::conditional_t<std::is_void_v<result>, bool, std::optional<result>> value{};
        std::exception_ptr failure;
        // Starting the threads can fail. Here the caller catches that, while
        // inside the initiation it would escape from io_context::run().
        const auto pool = executor();
        auto initiate = [&, pool](auto handler) {
            // Counts as work of the caller's execution context, so its run()
            // does not return while `work` is on a pool thread.
            auto caller = boost::asio::make_work_guard(handler);
            boost::asio::post(pool, [&, handler = std::move(handler), caller = std::move(caller)]() mutable {
                try {
                    if constexpr (std::is_void_v<result>)
                        work();
                    else
                        value.emplace(work());
                } catch (...) {
                    failure = std::current_exception();
                }
                boost::asio::post(caller.get_executor(), std::move(handler));
                caller.reset();
            });
        };
        co_await boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void()>(
            std::move(initiate), boost::asio::use_awaitable);
        if (failure)
            std::rethrow_exception(failure);
        if constexpr (!std::is_void_v<result>)
            co_return std::move(*value);
    }

private:
    boost::asio::thread_pool::executor_type executor();

    std::size_t threads_;
    std::once_flag started_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace gioexport::detail
