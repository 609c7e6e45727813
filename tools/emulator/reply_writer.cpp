#include "reply_writer.hpp"

#include "emulator.hpp"
#include "log.hpp"
#include "stream_ops.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/beast/ssl.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

namespace emulator {

namespace http = beast::http;

namespace {

constexpr std::size_t body_piece_bytes = 64 * 1024;

bool status_has_body(unsigned status)
{
    return status >= 200 && status != 204 && status != 304;
}

std::string render_head(const Emulator& emulator, const Reply& reply, bool keep_alive)
{
    // Beast returns "<unknown-status>" for codes it does not know, such as 418.
    std::string reason(http::obsolete_reason(static_cast<http::status>(reply.status)));
    if (reason.empty() || reason.front() == '<') {
        reason = "Unknown";
    }
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason + "\r\n";
    head += "Date: " + format_http_date(emulator.clock.now_seconds()) + "\r\n";
    head += "Server: gioexport-emulator\r\n";
    for (const auto& [name, value] : reply.fields) {
        head += name + ": " + value + "\r\n";
    }
    if (status_has_body(reply.status)) {
        if (reply.delivery.chunked_trailer) {
            head += "Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n";
        } else if (!reply.delivery.close_without_length) {
            head += "Content-Length: " + std::to_string(reply.body_length()) + "\r\n";
        }
    }
    head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    return head;
}

class FileReader {
public:
    explicit FileReader(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~FileReader()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    bool is_open() const { return fd_ >= 0; }

    // Reads exactly `size` bytes at `offset`; returns false on an error or a short file.
    bool read(std::uint64_t offset, char* data, std::size_t size)
    {
        std::size_t done = 0;
        while (done < size) {
            const ssize_t result = ::pread(fd_, data + done, size - done, static_cast<off_t>(offset + done));
            if (result < 0 && errno == EINTR) {
                continue;
            }
            if (result <= 0) {
                return false;
            }
            done += static_cast<std::size_t>(result);
        }
        return true;
    }

private:
    int fd_;
};

} // namespace

template <typename Stream>
asio::awaitable<WriteResult> write_reply(Emulator& emulator, Stream& stream, const Reply& reply, bool keep_alive)
{
    WriteResult result;
    const Delivery& delivery = reply.delivery;
    const std::string head = render_head(emulator, reply, keep_alive);
    if (!co_await write_buffers(stream, {asio::buffer(head), asio::const_buffer{}, asio::const_buffer{}})) {
        result.ok = false;
        co_return result;
    }
    const bool send_body = !reply.head_only && status_has_body(reply.status);
    const std::uint64_t total = send_body ? reply.body_length() : 0;

    std::optional<FileReader> file;
    if (reply.file && total > 0) {
        file.emplace(reply.file->path);
        if (!file->is_open()) {
            log_line("error: cannot open " + reply.file->path.string() + ": " + std::strerror(errno));
            reset_connection(stream);
            result.connection_gone = true;
            co_return result;
        }
    }

    std::vector<char> buffer(body_piece_bytes);
    const auto body_start = std::chrono::steady_clock::now();
    bool stalled = false;
    while (result.body_bytes < total) {
        const std::uint64_t sent = result.body_bytes;
        if (delivery.reset_after_bytes && sent >= *delivery.reset_after_bytes) {
            break;
        }
        if (delivery.stall_after_bytes && !stalled && sent >= *delivery.stall_after_bytes) {
            co_await sleep_for(delivery.stall_duration);
            stalled = true;
        }
        std::uint64_t piece = std::min<std::uint64_t>(body_piece_bytes, total - sent);
        if (delivery.reset_after_bytes) {
            piece = std::min(piece, *delivery.reset_after_bytes - sent);
        }
        if (delivery.stall_after_bytes && !stalled) {
            piece = std::min(piece, *delivery.stall_after_bytes - sent);
        }
        if (delivery.bytes_per_second) {
            piece = std::min(piece, std::max<std::uint64_t>(1, *delivery.bytes_per_second / 10));
        }

        const char* data = nullptr;
        if (file) {
            if (!file->read(reply.file->offset + sent, buffer.data(), piece)) {
                log_line("error: reading " + reply.file->path.string() + " failed");
                reset_connection(stream);
                result.connection_gone = true;
                co_return result;
            }
            data = buffer.data();
        } else {
            data = reply.body.data() + sent;
        }

        std::string chunk_head;
        if (delivery.chunked_trailer) {
            std::array<char, 32> size_text{};
            std::snprintf(size_text.data(), size_text.size(), "%llx;ext=1\r\n", static_cast<unsigned long long>(piece));
            chunk_head = size_text.data();
        }
        const std::string_view chunk_tail = delivery.chunked_trailer ? "\r\n" : "";
        if (!co_await write_buffers(stream, {asio::buffer(chunk_head), asio::buffer(data, piece),
                                             asio::buffer(chunk_tail.data(), chunk_tail.size())})) {
            result.ok = false;
            co_return result;
        }
        result.body_bytes += piece;

        if (delivery.bytes_per_second) {
            const auto due = body_start
                + std::chrono::microseconds(result.body_bytes * 1000000 / *delivery.bytes_per_second);
            if (due > std::chrono::steady_clock::now()) {
                co_await sleep_for(due - std::chrono::steady_clock::now());
            }
        }
    }

    if (delivery.reset_after_bytes && send_body) {
        if (delivery.reset_with_fin) {
            close_tcp(stream);
        } else {
            reset_connection(stream);
        }
        result.connection_gone = true;
        co_return result;
    }
    if (delivery.chunked_trailer && send_body) {
        static constexpr std::string_view last_chunk = "0\r\nX-Checksum: demo\r\n\r\n";
        if (!co_await write_buffers(stream, {asio::buffer(last_chunk.data(), last_chunk.size()),
                                             asio::const_buffer{}, asio::const_buffer{}})) {
            result.ok = false;
            co_return result;
        }
    }
    if (delivery.close_without_length) {
        close_tcp(stream);
        result.connection_gone = true;
    }
    co_return result;
}

template asio::awaitable<WriteResult> write_reply(Emulator&, beast::tcp_stream&, const Reply&, bool);
template asio::awaitable<WriteResult> write_reply(Emulator&, beast::ssl_stream<beast::tcp_stream>&, const Reply&,
                                                  bool);

} // namespace emulator
