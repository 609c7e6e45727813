// MD5 of many concurrent downloads, hashed together in SIMD lanes.
//
// A single MD5 stream is serial, but the files of one export download at the
// same time, and md5_blocks_lanes hashes up to 16 independent streams in one
// pass. Each transfer hands its filled buffers to the client's md5_engine,
// whose thread hashes the buffers of all transfers side by side while the
// transfers write them to disk and fill their next buffer.
#pragma once

#include "detail/buffer_pool.hpp"
#include "detail/md5_blocks.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gioexport::detail {

struct md5_stream_state;

// One thread that hashes the chunks of every md5_stream given this engine.
class md5_engine {
public:
    md5_engine() = default;
    md5_engine(const md5_engine&) = delete;
    md5_engine& operator=(const md5_engine&) = delete;
    // Stops the thread. No stream may have a chunk in flight.
    ~md5_engine();

    // Returns whether this CPU hashes several streams at once. Without SIMD
    // lanes one engine thread would hash every stream in turn, slower than
    // hashing each on its own transfer's thread.
    static bool has_lanes() noexcept { return md5_lane_count() > 1; }

    // Queues `size` bytes at `data` for `stream`. A stream's chunks are
    // hashed in the order given. Each finished chunk sends one message to
    // the stream's md5_stream, if it still exists. The engine keeps `stream`
    // alive until then.
    void submit(std::shared_ptr<md5_stream_state> stream, const unsigned char* data, std::size_t size);

private:
    struct chunk {
        std::shared_ptr<md5_stream_state> stream;
        const unsigned char* data;
        std::size_t size;
    };
    struct lane;

    void run();
    // Moves queued chunks into free lanes, at most one per stream.
    void fill_lanes(lane* lanes, std::size_t count);

    std::once_flag started_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<chunk> queue_;
    bool stop_ = false;
};

// The MD5 of one stream of bytes, fed in chunks through two buffers it owns.
// With an engine, submit() only queues the chunk, which is hashed on the
// engine's thread while the caller writes it and fills the other buffer.
// Without one, submit() hashes on the caller's thread.
class md5_stream {
public:
    using done_channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

    // The buffers come from `buffers`, which must outlive the engine: a
    // chunk still in flight when the stream ends gives its buffer back
    // later. Messages from the engine are received on `executor`, the
    // caller's.
    md5_stream(md5_engine* engine, buffer_pool& buffers, const boost::asio::any_io_executor& executor);
    // The same with a pool of the stream's own, which the engine keeps alive
    // until the stream's last chunk is hashed.
    md5_stream(md5_engine* engine, std::shared_ptr<buffer_pool> buffers,
               const boost::asio::any_io_executor& executor);
    md5_stream(const md5_stream&) = delete;
    md5_stream& operator=(const md5_stream&) = delete;
    // Chunks still in flight finish on the engine, which keeps their buffers
    // until then.
    ~md5_stream();

    // Hashes bytes on the caller's thread; only while no chunk is in flight.
    void update_now(const void* data, std::size_t size);

    // Returns a buffer of buffer_size() bytes that no chunk in flight uses,
    // waiting for the engine when both are in flight. Throws errc::cancelled
    // when that wait is cancelled.
    boost::asio::awaitable<char*> next_buffer();
    std::size_t buffer_size() const noexcept;

    // Hands over `size` bytes at `data`, which lie in the buffer that
    // next_buffer() returned last. They must stay unchanged until
    // next_buffer() returns that buffer again or finish() returns.
    void submit(const char* data, std::size_t size);

    // Waits until every chunk is hashed, gives the buffers back to the pool
    // and returns the digest as lower-case hex. Throws errc::cancelled when
    // the wait is cancelled.
    boost::asio::awaitable<std::string> finish();

    // Starts an empty stream; only while no chunk is in flight.
    void reset();

private:
    boost::asio::awaitable<void> wait_for_one_chunk();

    std::shared_ptr<md5_stream_state> state_;
    md5_engine* engine_;
    done_channel done_;  // one message per chunk the engine finished
    unsigned in_flight_ = 0;
    unsigned submitted_ = 0;
};

}  // namespace gioexport::detail
