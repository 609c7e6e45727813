// md5_stream with and without the engine: digests equal OpenSSL's for any
// split of the bytes into chunks, and buffers come back when a stream ends
// early.
#include "detail/md5.hpp"
#include "detail/md5_engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <future>
#include <memory>
#include <random>
#include <thread>
#include <vector>

using namespace gioexport::detail;
namespace asio = boost::asio;

namespace {

std::string openssl_md5(const std::vector<char>& bytes)
{
    md5_hasher md5;
    md5.update(bytes.data(), bytes.size());
    return md5.finish();
}

struct stream_case {
    std::vector<char> bytes;
    std::size_t hashed_now = 0;         // bytes given to update_now first
    std::vector<std::size_t> chunks;    // sizes of the chunks after them
};

stream_case make_case(std::mt19937& random, std::size_t buffer_size)
{
    stream_case c;
    c.bytes.resize(std::uniform_int_distribution<std::size_t>(0, 40 * buffer_size)(random));
    for (char& byte : c.bytes)
        byte = static_cast<char>(random());
    if (random() % 3 == 0)
        c.hashed_now = std::uniform_int_distribution<std::size_t>(0, c.bytes.size())(random);
    for (std::size_t left = c.bytes.size() - c.hashed_now; left > 0;) {
        // Mostly full buffers, sometimes tiny or odd-sized chunks.
        std::size_t size = buffer_size;
        if (random() % 2 == 0)
            size = std::uniform_int_distribution<std::size_t>(1, random() % 4 == 0 ? 70 : buffer_size)(random);
        size = std::min(size, left);
        c.chunks.push_back(size);
        left -= size;
    }
    return c;
}

asio::awaitable<std::string> hash_case(md5_engine* engine, buffer_pool& pool, const stream_case& c)
{
    md5_stream md5(engine, pool, co_await asio::this_coro::executor);
    md5.update_now(c.bytes.data(), c.hashed_now);
    std::size_t offset = c.hashed_now;
    for (const std::size_t size : c.chunks) {
        char* buffer = co_await md5.next_buffer();
        std::memcpy(buffer, c.bytes.data() + offset, size);
        md5.submit(buffer, size);
        offset += size;
    }
    co_return co_await md5.finish();
}

// Hashes 40 random streams at once on two threads and checks every digest.
void check_random_streams(md5_engine* engine, unsigned seed)
{
    // A buffer size that is no multiple of 64, so chunks end mid-block.
    buffer_pool pool(1000, 8);
    std::mt19937 random(seed);
    std::vector<stream_case> cases;
    for (int i = 0; i < 40; ++i)
        cases.push_back(make_case(random, pool.buffer_size()));

    asio::io_context io(2);
    std::vector<std::future<std::string>> digests;
    for (const stream_case& c : cases)
        digests.push_back(asio::co_spawn(io, hash_case(engine, pool, c), asio::use_future));
    std::thread second([&io] { io.run(); });
    io.run();
    second.join();

    for (std::size_t i = 0; i < cases.size(); ++i) {
        BOOST_TEST_CONTEXT("stream " << i << " of " << cases[i].bytes.size() << " bytes, " << cases[i].chunks.size()
                                     << " chunks, " << cases[i].hashed_now << " bytes hashed at once")
        {
            BOOST_TEST(digests[i].get() == openssl_md5(cases[i].bytes));
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(md5_engine_suite)

BOOST_AUTO_TEST_CASE(engine_digests_match_openssl)
{
    md5_engine engine;
    for (unsigned seed : {1u, 2u, 3u})
        check_random_streams(&engine, seed);
}

BOOST_AUTO_TEST_CASE(inline_digests_match_openssl)
{
    for (unsigned seed : {4u, 5u})
        check_random_streams(nullptr, seed);
}

BOOST_AUTO_TEST_CASE(reset_forgets_earlier_bytes)
{
    buffer_pool pool(4096, 2);
    asio::io_context io;
    std::vector<char> kept(5000, 'k');
    auto run = [&]() -> asio::awaitable<std::string> {
        md5_engine engine;
        md5_stream md5(&engine, pool, co_await asio::this_coro::executor);
        md5.update_now("discarded bytes", 15);
        md5.reset();
        md5.update_now(kept.data(), 100);
        char* buffer = co_await md5.next_buffer();
        std::memcpy(buffer, kept.data() + 100, 4096);
        md5.submit(buffer, 4096);
        buffer = co_await md5.next_buffer();
        std::memcpy(buffer, kept.data() + 4196, 804);
        md5.submit(buffer, 804);
        co_return co_await md5.finish();
    };
    auto digest = asio::co_spawn(io, run(), asio::use_future);
    io.run();
    BOOST_TEST(digest.get() == openssl_md5(kept));
}

BOOST_AUTO_TEST_CASE(buffers_return_when_a_stream_ends_with_chunks_in_flight)
{
    buffer_pool pool(64 * 1024, 4);
    asio::io_context io;
    {
        md5_engine engine;
        auto run = [&]() -> asio::awaitable<void> {
            md5_stream md5(&engine, pool, co_await asio::this_coro::executor);
            for (int i = 0; i < 2; ++i) {
                char* buffer = co_await md5.next_buffer();
                std::memset(buffer, i, pool.buffer_size());
                md5.submit(buffer, pool.buffer_size());
            }
            // Leaves without finish(), as a cancelled transfer does.
        };
        auto done = asio::co_spawn(io, run(), asio::use_future);
        io.run();
        done.get();
        // The engine's destructor waits for the chunks it holds.
    }
    BOOST_TEST(pool.idle_count() == 2u);
}

BOOST_AUTO_TEST_CASE(own_pool_outlives_its_stream)
{
    // A transfer with a buffer size of its own owns its pool. When it fails
    // with chunks in flight, the engine gives their buffers back later, so
    // the pool must live until then (AddressSanitizer reports it otherwise)
    // and go away after (the weak pointer expires).
    std::weak_ptr<buffer_pool> watch;
    asio::io_context io;
    {
        md5_engine engine;
        auto run = [&]() -> asio::awaitable<void> {
            auto pool = std::make_shared<buffer_pool>(256 * 1024, 4);
            watch = pool;
            md5_stream md5(&engine, std::move(pool), co_await asio::this_coro::executor);
            for (int i = 0; i < 2; ++i) {
                char* buffer = co_await md5.next_buffer();
                std::memset(buffer, i, 256 * 1024);
                md5.submit(buffer, 256 * 1024);
            }
            // Leaves without finish(), holding the only reference to the pool.
        };
        auto done = asio::co_spawn(io, run(), asio::use_future);
        io.run();
        done.get();
    }
    BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_SUITE_END()
