// Threads for blocking file-system calls (fsync, rename), so the threads
// that run the client's executor keep reading from the network meanwhile.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
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
    // interrupted, so `work` runs to its end even when the caller is
    // cancelled meanwhile. The caller stays suspended until then, so `work`
    // may reference the caller's locals.
    template <class Work>
    boost::asio::awaitable<std::invoke_result_t<Work&>> run(Work work)
    {
        using result = std::invoke_result_t<Work&>;
        co_return co_await boost::asio::co_spawn(
            executor(),
            [work = std::move(work)]() mutable -> boost::asio::awaitable<result> { co_return work(); },
            boost::asio::use_awaitable);
    }

private:
    boost::asio::thread_pool::executor_type executor();

    std::size_t threads_;
    std::once_flag started_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace gioexport::detail
