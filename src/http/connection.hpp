// One HTTP/1.1 connection, plain or TLS, and the pool that keeps idle ones.
#pragma once

#include "http/proxy.hpp"
#include "http/tls_sessions.hpp"
#include "http/url.hpp"

#include <gioexport/options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace gioexport::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

class connection {
public:
    connection(std::string origin, plain_stream stream);
    connection(std::string origin, tls_stream stream);

    const std::string& origin() const noexcept { return origin_; }
    bool is_tls() const noexcept { return std::holds_alternative<tls_stream>(stream_); }

    // The TCP layer, where deadlines are set.
    beast::tcp_stream& tcp() noexcept;

    // Calls f with the plain or TLS stream.
    template <class F>
    decltype(auto) visit(F&& f)
    {
        return std::visit(std::forward<F>(f), stream_);
    }

    // Bytes read past the end of one response belong to the next one on the
    // same connection, so the buffer lives as long as the connection.
    beast::flat_buffer& buffer() noexcept { return buffer_; }

    // Time the connection went back to the pool.
    std::chrono::steady_clock::time_point idle_since{};

private:
    std::string origin_;
    std::variant<plain_stream, tls_stream> stream_;
    beast::flat_buffer buffer_;
};

// Builds the TLS client context: verification on unless tls.verify_peer is
// false, trust from tls.ca_file or else the system store.
std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls);

// Resolves, connects (through a CONNECT tunnel when `proxies` names a proxy
// for the target, which then resolves the target itself) and, for https,
// performs the TLS handshake with SNI and host-name (or IP) verification,
// each step under its own deadline. The handshake resumes a session from
// `sessions` when it has one for the host and port.
asio::awaitable<std::unique_ptr<connection>> open_connection(const http_target& target,
                                                             asio::ssl::context& tls,
                                                             tls_session_cache& sessions,
                                                             bool verify_peer,
                                                             const timeout_options& timeouts,
                                                             const proxy_config& proxies);

// Idle keep-alive connections, keyed by origin. Thread-safe.
class connection_pool {
public:
    // Returns an idle connection to the origin, or null.
    std::unique_ptr<connection> take(const std::string& origin);

    // Keeps a connection whose last response was read completely and which
    // the server did not ask to close.
    void put(std::unique_ptr<connection> conn);

    static constexpr std::size_t max_idle_per_origin = 16;
    // Idle connections older than this are dropped rather than reused, since
    // servers close idle keep-alive connections after a few seconds.
    static constexpr std::chrono::seconds max_idle_age{30};

private:
    std::mutex mutex_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
};

}  // namespace gioexport::detail
