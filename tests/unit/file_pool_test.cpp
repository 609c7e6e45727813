// The file pool hands blocking calls to its threads and resumes the caller
// on its own executor. A caller cancelled while its call waits or runs still
// gets the call's result: the call cannot be interrupted, so the caller must
// not go on while it runs. With Boost 1.81's co_spawn, which the pool used
// before, a cancellation during the call ended the process.
#include "detail/file_pool.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

namespace asio = boost::asio;
using gioexport::detail::file_pool;

namespace {

// The outcome of a coroutine, as its completion handler saw it.
struct outcome {
    bool done = false;
    std::exception_ptr error;
};

auto record(outcome& out)
{
    return [&out](std::exception_ptr error) {
        out.done = true;
        out.error = error;
    };
}

// Starts a coroutine on `io` that stores the result of pool.run(work) in
// `value`, with `signal` as its cancellation and `out` as its outcome.
template <class Work>
void spawn_call(asio::io_context& io, file_pool& pool, Work work, int& value, asio::cancellation_signal& signal,
                outcome& out)
{
    asio::co_spawn(
        io, [&pool, &value, work]() -> asio::awaitable<void> { value = co_await pool.run(work); },
        asio::bind_cancellation_slot(signal.slot(), record(out)));
}

bool is_cancellation(std::exception_ptr error)
{
    try {
        std::rethrow_exception(error);
    } catch (const boost::system::system_error& e) {
        return e.code() == asio::error::operation_aborted;
    } catch (...) {
        return false;
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_pool_calls)

BOOST_AUTO_TEST_CASE(returns_value_and_rethrows)
{
    asio::io_context io;
    file_pool pool(2);
    int value = 0;
    std::string message;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            value = co_await pool.run([] { return 42; });
            try {
                co_await pool.run([] { throw std::runtime_error("disk on fire"); });
            } catch (const std::runtime_error& e) {
                message = e.what();
            }
        },
        asio::detached);
    io.run();
    BOOST_TEST(value == 42);
    BOOST_TEST(message == "disk on fire");
}

BOOST_AUTO_TEST_CASE(cancel_while_queued_waits)
{
    asio::io_context io;
    file_pool pool(1);

    // The first call occupies the pool's only thread until released.
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> blocking{false};
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { co_await pool.run([&] {
            blocking = true;
            released.wait();
        }); },
        asio::detached);

    // The second call queues behind it, and its caller is cancelled then.
    asio::cancellation_signal signal;
    std::atomic<bool> second_ran{false};
    int value = 0;
    outcome second;
    spawn_call(
        io, pool,
        [&] {
            second_ran = true;
            return 7;
        },
        value, signal, second);

    while (!blocking)
        io.poll();
    io.poll();  // the second caller is now suspended in run()
    signal.emit(asio::cancellation_type::all);
    io.poll();
    BOOST_TEST(!second.done);  // still waiting for its call

    release.set_value();
    io.run();
    BOOST_TEST(second.done);
    BOOST_TEST(second_ran.load());
    BOOST_TEST(!second.error);
    BOOST_TEST(value == 7);
}

BOOST_AUTO_TEST_CASE(cancel_while_running_waits)
{
    asio::io_context io;
    file_pool pool(2);  // a second thread free to take whatever else is posted
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> running{false};
    asio::cancellation_signal signal;
    int value = 0;
    outcome caller;
    spawn_call(
        io, pool,
        [&] {
            running = true;
            released.wait();
            return 9;
        },
        value, signal, caller);

    while (!running)
        io.poll();
    signal.emit(asio::cancellation_type::all);
    io.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // lets the pool act on it
    BOOST_TEST(!caller.done);

    release.set_value();
    io.run();
    BOOST_TEST(caller.done);
    BOOST_TEST(!caller.error);
    BOOST_TEST(value == 9);
}

BOOST_AUTO_TEST_CASE(cancelled_caller_skips_call)
{
    asio::io_context io;
    file_pool pool(1);
    asio::cancellation_signal signal;
    std::atomic<bool> ran{false};
    outcome caller;
    asio::steady_timer timer(io, std::chrono::hours(1));
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            try {
                co_await timer.async_wait(asio::use_awaitable);
            } catch (const boost::system::system_error&) {
                // cancelled, so the next co_await throws as well
            }
            co_await pool.run([&] { ran = true; });
        },
        asio::bind_cancellation_slot(signal.slot(), record(caller)));
    io.poll();
    signal.emit(asio::cancellation_type::all);
    io.run();
    BOOST_TEST(caller.done);
    BOOST_TEST(is_cancellation(caller.error));
    BOOST_TEST(!ran.load());
}

BOOST_AUTO_TEST_SUITE_END()
