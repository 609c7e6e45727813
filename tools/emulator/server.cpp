#include "server.hpp"

#include "emulator.hpp"
#include "log.hpp"
#include "router.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/object.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <type_traits>

namespace emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t body_piece_bytes = 64 * 1024;
constexpr std::size_t header_limit_bytes = 64 * 1024;
constexpr std::uint64_t request_body_limit_bytes = 1 << 20;
constexpr auto handshake_timeout = 10s;
constexpr auto request_body_timeout = 30s;
constexpr auto write_timeout = 60s;
constexpr auto shutdown_timeout = 2s;

struct ConnectionInfo {
    std::string peer;
    bool peer_is_loopback = false;
    std::uint16_t local_port = 0;
    std::string scheme;
    std::string listener_authority;
};

bool is_loopback(const asio::ip::address& address)
{
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).is_loopback();
    }
    return address.is_loopback();
}

// Accepts "host", "host:port", "[v6]" and "[v6]:port" with a conservative
// character set, so that a Host header cannot inject text into links.
bool is_valid_authority(std::string_view authority)
{
    if (authority.empty() || authority.size() > 255) {
        return false;
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        if (authority.substr(1, close - 1).find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
            return false;
        }
        const std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            return false;
        }
        port = rest.empty() ? rest : rest.substr(1);
        host = {};
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) {
            return false;
        }
    }
    if (!port.empty() && (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)) {
        return false;
    }
    const bool host_ok = host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        == std::string_view::npos;
    return host_ok && (authority.starts_with('[') || !host.empty());
}

Request to_request(const http::request<http::string_body>& message, const ConnectionInfo& info)
{
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    request.query = question == std::string::npos ? std::string{} : request.target.substr(question + 1);
    request.body = message.body();
    for (const auto& field : message) {
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.peer = info.peer;
    request.peer_is_loopback = info.peer_is_loopback;
    request.local_port = info.local_port;
    request.scheme = info.scheme;
    const auto host = request.header("Host");
    request.link_authority = host && is_valid_authority(*host) ? std::string(*host) : info.listener_authority;
    return request;
}

// The request target for the log: the query is hidden when it may carry a
// link signature, and bytes outside printable ASCII are escaped.
std::string loggable_target(const Request& request)
{
    std::string target = request.path;
    if (!request.query.empty()) {
        std::string lower = request.query;
        for (char& c : lower) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        const bool secret = lower.find("signature") != std::string::npos || request.path.starts_with("/objects/")
            || request.path.starts_with("/_redirect/");
        target += secret ? "?<redacted>" : "?" + request.query;
    }
    std::string printable;
    for (const char c : target) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x21 || byte > 0x7e) {
            std::array<char, 4> escaped{};
            std::snprintf(escaped.data(), escaped.size(), "%%%02X", byte);
            printable += escaped.data();
        } else {
            printable.push_back(c);
        }
    }
    return printable;
}

template <typename Stream>
auto& tcp_layer(Stream& stream)
{
    return beast::get_lowest_layer(stream);
}

// Closes the TCP connection at once with a reset (SO_LINGER 0).
template <typename Stream>
void reset_connection(Stream& stream)
{
    boost::system::error_code ignored;
    auto& socket = tcp_layer(stream).socket();
    socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
}

// Closes the TCP connection with a FIN and no TLS close_notify.
template <typename Stream>
void close_tcp(Stream& stream)
{
    boost::system::error_code ignored;
    auto& socket = tcp_layer(stream).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

template <typename Stream>
asio::awaitable<void> close_gracefully(Stream& stream)
{
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_layer(stream).expires_after(shutdown_timeout);
        co_await stream.async_shutdown(use_tuple);
    }
    boost::system::error_code ignored;
    tcp_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer(stream).socket().close(ignored);
}

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration)
{
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(duration);
    co_await timer.async_wait(use_tuple);
}

bool status_has_body(unsigned status)
{
    return status >= 200 && status != 204 && status != 304;
}

std::string render_head(const Emulator& emulator, const Reply& reply, bool keep_alive)
{
    const auto reason = http::obsolete_reason(static_cast<http::status>(reply.status));
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " "
        + (reason.empty() ? std::string("Unknown") : std::string(reason)) + "\r\n";
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

struct WriteResult {
    std::uint64_t body_bytes = 0;
    bool ok = true;              // false: the write failed or timed out
    bool connection_gone = false; // the connection was closed on purpose
};

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

template <typename Stream>
asio::awaitable<bool> write_buffers(Stream& stream, const std::array<asio::const_buffer, 3>& buffers)
{
    tcp_layer(stream).expires_after(write_timeout);
    const auto [ec, written] = co_await asio::async_write(stream, buffers, use_tuple);
    co_return !ec;
}

// Sends the reply, applying its delivery faults.
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

void record_request(Emulator& emulator, const Request& request, const std::string& target_kind, const Reply& reply,
                    const WriteResult& written, std::chrono::steady_clock::time_point started)
{
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::string line = format_iso8601_utc_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count())
        + " " + request.peer + " " + request.method + " " + loggable_target(request) + " "
        + std::to_string(reply.status) + " " + std::to_string(written.body_bytes) + " "
        + std::to_string(elapsed.count()) + "ms";
    if (!reply.faults_applied.empty()) {
        line += " faults=";
        for (std::size_t i = 0; i < reply.faults_applied.size(); ++i) {
            line += (i > 0 ? "," : "") + reply.faults_applied[i];
        }
    }
    log_line(line);

    if (target_kind == "control") {
        return;
    }
    RequestRecord record;
    record.time_ms = emulator.clock.now_ms();
    record.method = request.method;
    record.path = request.path;
    record.target_kind = target_kind;
    record.status = reply.status;
    record.has_authorization = request.header("Authorization").has_value();
    record.has_client_id = request.header("X-Client-Id").has_value();
    if (const auto range = request.header("Range")) {
        record.range = std::string(*range);
    }
    record.local_port = request.local_port;
    record.peer = request.peer;
    record.body_bytes_sent = written.body_bytes;
    record.faults = reply.faults_applied;
    emulator.stats.record(std::move(record));
}

template <typename Stream>
asio::awaitable<void> send_bad_request(Stream& stream, unsigned status, std::string_view reason)
{
    const std::string body = "{\"status\":\"failed\",\"errorMsg\":\"" + std::string(reason) + "\"}";
    const std::string message = "HTTP/1.1 " + std::to_string(status) + " "
        + std::string(http::obsolete_reason(static_cast<http::status>(status)))
        + "\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: " + std::to_string(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
    co_await write_buffers(stream, {asio::buffer(message), asio::const_buffer{}, asio::const_buffer{}});
}

template <typename Stream>
asio::awaitable<void> serve_requests(Emulator& emulator, Stream& stream, ConnectionInfo info)
{
    beast::flat_buffer buffer;
    const auto idle_timeout = std::chrono::seconds(emulator.options.idle_timeout_seconds);
    std::chrono::steady_clock::duration next_idle_timeout = idle_timeout;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(header_limit_bytes);
        parser.body_limit(request_body_limit_bytes);

        tcp_layer(stream).expires_after(next_idle_timeout);
        auto [ec, header_bytes] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (!ec && !parser.is_done()) {
            if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
                static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await write_buffers(stream, {asio::buffer(go_on.data(), go_on.size()), asio::const_buffer{},
                                                asio::const_buffer{}});
            }
            tcp_layer(stream).expires_after(request_body_timeout);
            std::tie(ec, header_bytes) = co_await http::async_read(stream, buffer, parser, use_tuple);
        }
        if (ec == http::error::body_limit) {
            co_await send_bad_request(stream, 413, "request body too large");
            break;
        }
        if (ec == http::error::header_limit) {
            co_await send_bad_request(stream, 431, "request header fields too large");
            break;
        }
        const bool syntax_error = ec && ec.category() == http::make_error_code(http::error::bad_target).category()
            && ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (syntax_error) {
            co_await send_bad_request(stream, 400, "malformed HTTP request");
            break;
        }
        if (ec) {
            // End of stream, idle timeout, reset by the peer or shutdown.
            break;
        }

        const auto started = std::chrono::steady_clock::now();
        const Request request = to_request(parser.get(), info);
        std::string target_kind = "other";
        Reply reply;
        try {
            reply = co_await route_request(emulator, request, target_kind);
        } catch (const std::exception& error) {
            log_line("error: handling " + request.method + " " + request.path + " failed: " + error.what());
            reply = json_reply(500, boost::json::object{{"status", "failed"}, {"errorMsg", "internal error"}});
        }
        const bool keep_alive =
            parser.get().keep_alive() && !reply.close && !reply.delivery.close_without_length;
        const WriteResult written = co_await write_reply(emulator, stream, reply, keep_alive);
        record_request(emulator, request, target_kind, reply, written, started);
        if (written.connection_gone) {
            co_return;
        }
        if (!written.ok || !keep_alive) {
            break;
        }
        next_idle_timeout = reply.delivery.idle_close_after ? *reply.delivery.idle_close_after
                                                            : std::chrono::steady_clock::duration(idle_timeout);
    }
    co_await close_gracefully(stream);
}

asio::awaitable<void> serve_plain_connection(Emulator& emulator, tcp::socket socket, ConnectionInfo info)
{
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(emulator, stream, std::move(info));
}

asio::awaitable<void> serve_tls_connection(Emulator& emulator, tcp::socket socket, ssl::context& context,
                                           ConnectionInfo info)
{
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), context);
    tcp_layer(stream).expires_after(handshake_timeout);
    const auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) {
        log_line("TLS handshake with " + info.peer + " failed: " + ec.message());
        co_return;
    }
    co_await serve_requests(emulator, stream, std::move(info));
}

void report_session_exception(std::exception_ptr error)
{
    if (!error) {
        return;
    }
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& exception) {
        log_line(std::string("error: connection ended by an exception: ") + exception.what());
    }
}

} // namespace

std::string format_endpoint(const tcp::endpoint& endpoint)
{
    const auto address = endpoint.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

asio::awaitable<void> accept_connections(Emulator& emulator, tcp::acceptor& acceptor, ssl::context* tls,
                                         std::string listener_authority)
{
    const auto executor = co_await asio::this_coro::executor;
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
            co_return;
        }
        if (ec) {
            // For example EMFILE: wait instead of spinning.
            log_line("error: accept failed: " + ec.message());
            co_await sleep_for(100ms);
            continue;
        }
        boost::system::error_code endpoint_error;
        const auto remote = socket.remote_endpoint(endpoint_error);
        if (endpoint_error) {
            continue;
        }
        socket.set_option(tcp::no_delay(true), endpoint_error);

        ConnectionInfo info;
        info.peer = format_endpoint(remote);
        info.peer_is_loopback = is_loopback(remote.address());
        info.local_port = acceptor.local_endpoint().port();
        info.scheme = tls != nullptr ? "https" : "http";
        info.listener_authority = listener_authority;
        if (tls != nullptr) {
            asio::co_spawn(executor, serve_tls_connection(emulator, std::move(socket), *tls, std::move(info)),
                           report_session_exception);
        } else {
            asio::co_spawn(executor, serve_plain_connection(emulator, std::move(socket), std::move(info)),
                           report_session_exception);
        }
    }
}

} // namespace emulator
