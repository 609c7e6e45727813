#include "detail/md5_engine.hpp"

#include "detail/hex.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

namespace gioexport::detail {

// The hash state of one stream, shared by its md5_stream and the engine while
// a chunk is in flight. Only one of them touches the hash fields at a time:
// the engine between taking a chunk and sending its message, the stream
// otherwise.
//
// The state holds no Asio object, so the engine may drop the last reference
// on its own thread, even after the caller's execution context is gone. The
// channel for the engine's messages belongs to the md5_stream; the engine
// reaches it under `mutex` and only while the stream exists.
struct md5_stream_state {
    md5_stream_state(buffer_pool& buffers, std::shared_ptr<buffer_pool> owner)
        : pool(buffers), pool_owner(std::move(owner))
    {
    }
    md5_stream_state(const md5_stream_state&) = delete;
    md5_stream_state& operator=(const md5_stream_state&) = delete;
    ~md5_stream_state() { give_back_buffers(); }

    void give_back_buffers() noexcept
    {
        for (auto& buffer : buffers)
            if (buffer)
                pool.give_back(std::move(buffer));
    }

    // Tells the stream, if it still exists, that one more chunk is hashed.
    void chunk_done() noexcept
    {
        std::lock_guard lock(mutex);
        if (done != nullptr)
            done->try_send(boost::system::error_code{});
    }

    // Moves the first bytes of `data` into a partly filled tail, up to a
    // whole block, and returns how many it took.
    std::size_t top_up_tail(const unsigned char* data, std::size_t size) noexcept
    {
        if (tail_size == 0)
            return 0;
        const std::size_t moved = std::min(tail.size() - tail_size, size);
        std::memcpy(tail.data() + tail_size, data, moved);
        tail_size += moved;
        return moved;
    }

    bool tail_full() const noexcept { return tail_size == tail.size(); }

    // Keeps the bytes after the last whole block; the tail must be empty.
    void keep_rest(const unsigned char* data, std::size_t size) noexcept
    {
        assert(tail_size == 0);
        assert(size < tail.size());
        std::memcpy(tail.data(), data, size);
        tail_size = size;
    }

    // Hashes `size` bytes on the calling thread.
    void absorb(const unsigned char* data, std::size_t size) noexcept
    {
        total += size;
        const std::size_t moved = top_up_tail(data, size);
        data += moved;
        size -= moved;
        if (tail_full()) {
            md5_blocks(words, tail.data(), 1);
            tail_size = 0;
        }
        if (tail_size > 0)
            return;  // every byte went into the tail
        const std::size_t blocks = size / 64;
        md5_blocks(words, data, blocks);
        keep_rest(data + blocks * 64, size - blocks * 64);
    }

    md5_words words = md5_initial;
    std::array<unsigned char, 64> tail{};
    std::size_t tail_size = 0;
    std::uint64_t total = 0;

    std::mutex mutex;
    md5_stream::done_channel* done = nullptr;  // null once the stream is gone
    buffer_pool& pool;
    // Keeps a pool that belongs to this stream alive until the engine drops
    // the state, after the buffers went back to it.
    std::shared_ptr<buffer_pool> pool_owner;
    std::array<std::unique_ptr<char[]>, 2> buffers;
};

namespace {

// Blocks hashed per call before the engine looks for new chunks, so a
// stream that submits meanwhile joins the lanes within 64 KiB.
constexpr std::size_t max_blocks_per_pass = 1024;

// A SIMD call costs the same for any number of lanes. With AVX2 on a Zen 5,
// two lanes hashed slower than two scalar calls (700 against 890 MB/s, see
// the NOTE in md5_blocks.hpp). So SIMD starts at three lanes there and at two
// otherwise. NOTE: on an AVX2-only EPYC two lanes were faster (837 against
// 636 MiB/s), so this choice gives up a little there.
std::size_t fewest_simd_lanes() noexcept
{
    return md5_active_isa() == md5_isa::avx2 ? 3 : 2;
}

}  // namespace

// A chunk being hashed: first the stream's tail completed by the chunk's
// first bytes (one block), then the chunk's whole blocks.
struct md5_engine::lane {
    chunk work;
    const unsigned char* next = nullptr;  // next block of the current run
    std::size_t blocks = 0;               // blocks left in the current run
    bool in_tail = false;                 // the current run is the tail block
    const unsigned char* rest = nullptr;  // the chunk after the bytes that completed the tail
    std::size_t rest_size = 0;
    bool fresh = false;                   // taken from the queue, not yet started

    bool busy() const noexcept { return work.stream != nullptr; }

    void start() noexcept
    {
        fresh = false;
        md5_stream_state& stream = *work.stream;
        stream.total += work.size;
        const std::size_t moved = stream.top_up_tail(work.data, work.size);
        rest = work.data + moved;
        rest_size = work.size - moved;
        if (stream.tail_full()) {
            next = stream.tail.data();
            blocks = 1;
            in_tail = true;
        } else if (stream.tail_size > 0) {
            blocks = 0;  // the whole chunk went into the tail
            in_tail = false;
            rest_size = 0;
        } else {
            start_rest();
        }
        settle();
    }

    void start_rest() noexcept
    {
        in_tail = false;
        next = rest;
        blocks = rest_size / 64;
    }

    void advance(std::size_t done_blocks) noexcept
    {
        next += done_blocks * 64;
        blocks -= done_blocks;
        settle();
    }

    // Moves past finished runs; a finished chunk sends its message and frees
    // the lane.
    void settle() noexcept
    {
        if (blocks > 0)
            return;
        md5_stream_state& stream = *work.stream;
        if (in_tail) {
            stream.tail_size = 0;
            start_rest();
            if (blocks > 0)
                return;
        }
        const std::size_t whole = rest_size / 64 * 64;
        if (stream.tail_size == 0)
            stream.keep_rest(rest + whole, rest_size - whole);
        stream.chunk_done();
        work = chunk{};
    }
};

md5_engine::~md5_engine()
{
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable())
        thread_.join();
}

void md5_engine::submit(std::shared_ptr<md5_stream_state> stream, const unsigned char* data, std::size_t size)
{
    std::call_once(started_, [this] { thread_ = std::thread([this] { run(); }); });
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(chunk{std::move(stream), data, size});
    }
    wake_.notify_one();
}

void md5_engine::fill_lanes(lane* lanes, std::size_t count)
{
    auto in_lane = [&](const md5_stream_state* stream) {
        return std::any_of(lanes, lanes + count, [&](const lane& l) { return l.work.stream.get() == stream; });
    };
    for (std::size_t i = 0; i < count && !queue_.empty(); ++i) {
        if (lanes[i].busy())
            continue;
        // The first queued chunk of a stream that has none in a lane; later
        // chunks of a stream wait for its earlier ones.
        const auto it = std::find_if(queue_.begin(), queue_.end(),
                                     [&](const chunk& c) { return !in_lane(c.stream.get()); });
        if (it == queue_.end())
            return;
        lanes[i].work = std::move(*it);
        lanes[i].fresh = true;
        queue_.erase(it);
    }
}

void md5_engine::run()
{
    const std::size_t width = md5_lane_count();
    const std::size_t fewest_lanes = fewest_simd_lanes();
    std::array<lane, 16> lanes{};
    std::array<md5_words, 16> words{};
    std::array<const unsigned char*, 16> pointers{};
    std::array<lane*, 16> active{};

    for (;;) {
        {
            std::unique_lock lock(mutex_);
            const bool busy = std::any_of(lanes.begin(), lanes.begin() + width, [](const lane& l) { return l.busy(); });
            if (!busy) {
                wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
                if (queue_.empty())
                    return;  // stopping, and nothing is left
            }
            fill_lanes(lanes.data(), width);
        }
        for (std::size_t i = 0; i < width; ++i)
            if (lanes[i].fresh)
                lanes[i].start();

        std::size_t count = 0;
        std::size_t step = max_blocks_per_pass;
        for (std::size_t i = 0; i < width; ++i) {
            if (!lanes[i].busy())
                continue;
            active[count] = &lanes[i];
            words[count] = lanes[i].work.stream->words;
            pointers[count] = lanes[i].next;
            step = std::min(step, lanes[i].blocks);
            ++count;
        }
        if (count == 0)
            continue;
        if (count >= fewest_lanes) {
            md5_blocks_lanes(words.data(), pointers.data(), count, step);
        } else {
            for (std::size_t i = 0; i < count; ++i)
                md5_blocks(words[i], pointers[i], step);
        }
        for (std::size_t i = 0; i < count; ++i) {
            active[i]->work.stream->words = words[i];
            active[i]->advance(step);
        }
    }
}

md5_stream::md5_stream(md5_engine* engine, buffer_pool& buffers, const boost::asio::any_io_executor& executor)
    : state_(std::make_shared<md5_stream_state>(buffers, nullptr)), engine_(engine), done_(executor, 2)
{
    state_->done = &done_;
}

md5_stream::md5_stream(md5_engine* engine, std::shared_ptr<buffer_pool> buffers,
                       const boost::asio::any_io_executor& executor)
    : state_(std::make_shared<md5_stream_state>(*buffers, buffers)), engine_(engine), done_(executor, 2)
{
    state_->done = &done_;
}

md5_stream::~md5_stream()
{
    std::lock_guard lock(state_->mutex);
    state_->done = nullptr;
}

std::size_t md5_stream::buffer_size() const noexcept
{
    return state_->pool.buffer_size();
}

void md5_stream::update_now(const void* data, std::size_t size)
{
    assert(in_flight_ == 0);
    state_->absorb(static_cast<const unsigned char*>(data), size);
}

boost::asio::awaitable<void> md5_stream::wait_for_one_chunk()
{
    auto [ec] = co_await done_.async_receive(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec)
        throw error(errc::cancelled, "cancelled while waiting for the MD5 of a chunk");
    --in_flight_;
}

boost::asio::awaitable<char*> md5_stream::next_buffer()
{
    // Chunks finish in the order submitted, so with both buffers in flight
    // the older one, which comes next, is the first to be free again.
    const unsigned index = engine_ != nullptr ? submitted_ % 2 : 0;
    if (in_flight_ == 2)
        co_await wait_for_one_chunk();
    auto& buffer = state_->buffers[index];
    if (!buffer)
        buffer = state_->pool.take();
    co_return buffer.get();
}

void md5_stream::submit(const char* data, std::size_t size)
{
    if (size == 0)
        return;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data);
    if (engine_ == nullptr) {
        state_->absorb(bytes, size);
        return;
    }
    ++submitted_;
    ++in_flight_;
    engine_->submit(state_, bytes, size);
}

boost::asio::awaitable<std::string> md5_stream::finish()
{
    while (in_flight_ > 0)
        co_await wait_for_one_chunk();
    md5_stream_state& state = *state_;
    // The file's sync and rename come next and take no buffer, so another
    // transfer may use them meanwhile.
    state.give_back_buffers();
    const auto digest = md5_final(state.words, state.tail.data(), state.tail_size, state.total);
    co_return to_hex(digest.data(), digest.size());
}

void md5_stream::reset()
{
    assert(in_flight_ == 0);
    state_->words = md5_initial;
    state_->tail_size = 0;
    state_->total = 0;
}

}  // namespace gioexport::detail
