#include "download/body_reader.hpp"

#include "detail/md5_engine.hpp"
#include "download/part_file.hpp"
#include "http/errors.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <tuple>

namespace gioexport::detail {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

// The destination of a body's bytes: one of the hasher's buffers at a time.
// A full buffer goes to the hasher and the .part file while the next fills.
// A resumed body starts with the last byte already on disk, which is checked
// and dropped.
class body_sink {
public:
    body_sink(part_file& part, md5_stream& md5, const download_options& options, std::uint64_t total,
              std::optional<char> overlap)
        : part_(part), md5_(md5), options_(options), total_(total), overlap_(overlap)
    {
    }

    // Waits for a free buffer. Call it before the first read.
    asio::awaitable<void> start() { buffer_ = co_await md5_.next_buffer(); }

    // The free part of the current buffer, where the next read goes.
    char* space() const noexcept { return buffer_ + filled_; }
    std::size_t space_size() const noexcept { return md5_.buffer_size() - filled_; }

    // Takes `got` bytes just read into space(). Throws errc::truncated when
    // the overlap byte differs, after emptying the .part file.
    void accept(std::size_t got)
    {
        if (got > 0 && overlap_) {
            // The first byte repeats the last byte already on disk, so a
            // different value means the object is not the one we resumed.
            if (buffer_[filled_] != *overlap_) {
                part_.restart();  // the next attempt starts over
                throw error(errc::truncated, "the resumed bytes do not continue the partial file");
            }
            overlap_.reset();
            skip_ = filled_ + 1;
        }
        filled_ += got;
        if (got > 0 && options_.on_progress)
            options_.on_progress(part_.size() + (filled_ - skip_), total_);
    }

    bool full() const noexcept { return filled_ == md5_.buffer_size(); }

    // Hands the buffered bytes to the hasher and the file. Not a coroutine,
    // so a cancelled transfer still keeps the bytes it received.
    void hand_over()
    {
        const char* data = buffer_ + skip_;
        const std::size_t size = filled_ - skip_;
        // Emptied first: the buffer belongs to the hasher after submit(), so
        // it must never be submitted twice, even when the write fails.
        filled_ = skip_ = 0;
        md5_.submit(data, size);
        part_.write(data, size);
    }

    // Hands over the bytes received so far, for a transfer that ends with an
    // exception, such as a cancellation at a co_await. A write error is
    // dropped here, because the exception under way is the one to report.
    void keep_received() noexcept
    {
        if (filled_ == skip_)
            return;
        try {
            hand_over();
        } catch (...) {
            // hand_over() emptied the buffer before it could fail.
        }
    }

    // Waits for the next free buffer, after hand_over() of a full one.
    asio::awaitable<void> next_buffer() { buffer_ = co_await md5_.next_buffer(); }

private:
    part_file& part_;
    md5_stream& md5_;
    const download_options& options_;
    std::uint64_t total_;
    std::optional<char> overlap_;
    char* buffer_ = nullptr;
    std::size_t filled_ = 0;  // bytes in `buffer_`
    std::size_t skip_ = 0;    // leading bytes of `buffer_` that are not new (the overlap byte)
};

std::string body_read_context(const open_response& response, const part_file& part)
{
    return "reading the body from " + response.conn->origin() + " after " + std::to_string(part.size()) +
           " bytes";
}

// Reads a body of `length` bytes straight from the stream into the sink's
// buffers, with no copy through the connection's buffer. Bytes that arrived
// with the header come first.
asio::awaitable<void> read_known_length(http_context& context, open_response& response, body_sink& sink,
                                        part_file& part, std::uint64_t length)
{
    beast::flat_buffer& early = response.conn->buffer();
    std::uint64_t remaining = length;
    while (remaining > 0) {
        const std::size_t room = static_cast<std::size_t>(std::min<std::uint64_t>(sink.space_size(), remaining));
        boost::system::error_code ec;
        std::size_t got = 0;
        if (early.size() > 0) {
            got = asio::buffer_copy(asio::buffer(sink.space(), room), early.data());
            early.consume(got);
        } else {
            set_deadline(response.conn->tcp(), context.timeouts.idle);
            std::tie(ec, got) = co_await response.conn->visit(
                [&](auto& stream) { return stream.async_read_some(asio::buffer(sink.space(), room), nothrow); });
        }
        sink.accept(got);
        remaining -= got;
        // Bytes received before an error are kept, so a retry resumes after
        // them.
        const bool full = sink.full();
        if (full || remaining == 0 || ec)
            sink.hand_over();
        if (ec)
            throw_transport_error(ec, body_read_context(response, part));
        if (full && remaining > 0)
            co_await sink.next_buffer();
    }
}

// Reads a chunked or close-delimited body through Beast's parser. Sets
// `ended_by_close` when the body ended with the connection.
asio::awaitable<void> read_parsed(http_context& context, open_response& response, body_sink& sink,
                                  part_file& part, bool& ended_by_close)
{
    http::response_parser<http::buffer_body> parser(std::move(*response.parser));
    parser.body_limit(boost::none);
    // Beast reads at most the free capacity of the connection's buffer per
    // call, which stays at 512 bytes unless reserved: without this, a 64 MiB
    // body took 130,000 reads.
    response.conn->buffer().reserve(64 * 1024);

    while (!parser.is_done()) {
        parser.get().body().data = sink.space();
        parser.get().body().size = sink.space_size();
        set_deadline(response.conn->tcp(), context.timeouts.idle);
        auto [ec, n] = co_await response.conn->visit([&](auto& stream) {
            return http::async_read_some(stream, response.conn->buffer(), parser, nothrow);
        });
        if (ec == http::error::need_buffer)
            ec = {};
        sink.accept(sink.space_size() - parser.get().body().size);
        // Bytes received before an error are kept, so a retry resumes after
        // them.
        const bool full = sink.full();
        if (full || parser.is_done() || ec)
            sink.hand_over();
        if (!ec) {
            if (full && !parser.is_done())
                co_await sink.next_buffer();
            continue;
        }
        // A body without Content-Length or chunking ends when the peer closes.
        // Over TLS many servers skip close_notify, so that close arrives as
        // stream_truncated. The MD5 check then decides whether it is whole.
        const bool close_delimited = !parser.content_length() && !parser.chunked();
        if (close_delimited && (ec == asio::ssl::error::stream_truncated || ec == http::error::end_of_stream)) {
            ended_by_close = true;
            response.conn.reset();
            co_return;
        }
        throw_transport_error(ec, body_read_context(response, part));
    }
    if (!parser.content_length() && !parser.chunked())
        ended_by_close = true;
    if (!parser.keep_alive())
        response.conn.reset();  // the server closes it
}

}  // namespace

asio::awaitable<void> stream_body(http_context& context, open_response& response, part_file& part,
                                  md5_stream& md5, const download_options& options, std::uint64_t total,
                                  std::optional<char> overlap, bool& ended_by_close)
{
    body_sink sink(part, md5, options, total, overlap);
    co_await sink.start();
    const header_parser& header = *response.parser;
    const auto length = header.content_length();
    const bool keep_alive = header.keep_alive();
    try {
        if (length && !header.chunked())
            co_await read_known_length(context, response, sink, part, *length);
        else
            co_await read_parsed(context, response, sink, part, ended_by_close);
    } catch (...) {
        // Bytes received before a cancellation are kept for a resume, like
        // those received before a transport error.
        sink.keep_received();
        throw;
    }

    if (response.conn && keep_alive)
        context.pool.put(std::move(response.conn));
    response.conn.reset();
}

}  // namespace gioexport::detail
