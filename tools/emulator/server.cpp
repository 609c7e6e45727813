#include "server.hpp"

#include "emulator.hpp"
#include "log.hpp"
#include "reply_writer.hpp"
#include "router.hpp"
#include "stream_ops.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t header_limit_bytes = 64 * 1024;
constexpr std::uint64_t request_body_limit_bytes = 1 << 20;
constexpr auto handshake_timeout = 10s;
constexpr auto request_body_timeout = 30s;

struct ConnectionInfo {
    std::string peer;
    bool peer_is_loopback = false;
    std::uint16_t local_port = 0;
    std::string scheme;
    std::string listener_authority;
    // accept_delay: how long to wait before the TLS handshake or the first
    // request, and the fault name to record with the first request.
    std::chrono::milliseconds accept_delay{0};
    std::vector<std::string> connection_faults;
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
        // co_await results go to a named variable first. GCC 15 and 16 were
        // reported to skip destroying a structured binding that receives a
        // co_await result directly when a suspended frame is destroyed.
        const auto header_result = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        boost::system::error_code ec = std::get<0>(header_result);
        if (!ec && !parser.is_done()) {
            if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
                static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
                co_await write_buffers(stream, {asio::buffer(go_on.data(), go_on.size()), asio::const_buffer{},
                                                asio::const_buffer{}});
            }
            tcp_layer(stream).expires_after(request_body_timeout);
            const auto body_result = co_await http::async_read(stream, buffer, parser, use_tuple);
            ec = std::get<0>(body_result);
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
        // Connection faults are recorded with the connection's first request.
        reply.faults_applied.insert(reply.faults_applied.begin(), info.connection_faults.begin(),
                                    info.connection_faults.end());
        info.connection_faults.clear();
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
    if (info.accept_delay.count() > 0) {
        co_await sleep_for(info.accept_delay);
    }
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(emulator, stream, std::move(info));
}

asio::awaitable<void> serve_tls_connection(Emulator& emulator, tcp::socket socket, ssl::context& context,
                                           ConnectionInfo info)
{
    if (info.accept_delay.count() > 0) {
        co_await sleep_for(info.accept_delay);
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), context);
    tcp_layer(stream).expires_after(handshake_timeout);
    const auto handshake_result = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    const boost::system::error_code ec = std::get<0>(handshake_result);
    if (ec) {
        log_line("TLS handshake with " + info.peer + " failed: " + ec.message());
        co_return;
    }
    // Tests read these counters to see whether clients resume TLS sessions.
    const bool resumed = SSL_session_reused(stream.native_handle()) == 1;
    emulator.stats.count(resumed ? "tls_resumed_handshakes" : "tls_full_handshakes");
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
        auto accept_result = co_await acceptor.async_accept(use_tuple);
        const boost::system::error_code ec = std::get<0>(accept_result);
        tcp::socket socket = std::move(std::get<1>(accept_result));
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
        if (const auto delay = emulator.faults.take({FaultKind::accept_delay}, {FaultTarget::connection, {}, {}})) {
            info.accept_delay = std::chrono::milliseconds(delay->duration_ms);
            info.connection_faults.emplace_back(fault_kind_name(delay->kind));
            log_line("fault accept_delay: waiting " + std::to_string(delay->duration_ms) + " ms before serving "
                     + info.peer);
        }
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
