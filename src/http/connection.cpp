#include "http/connection.hpp"

#include "http/errors.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

namespace gioexport::detail {

connection::connection(std::string origin, plain_stream stream)
    : origin_(std::move(origin)), stream_(std::move(stream))
{
}

connection::connection(std::string origin, tls_stream stream)
    : origin_(std::move(origin)), stream_(std::move(stream))
{
}

beast::tcp_stream& connection::tcp() noexcept
{
    if (auto* tls = std::get_if<tls_stream>(&stream_))
        return tls->next_layer();
    return std::get<plain_stream>(stream_);
}

std::shared_ptr<asio::ssl::context> make_tls_context(const tls_options& tls)
{
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    if (!tls.ca_file.empty()) {
        context->load_verify_file(tls.ca_file, ec);
        if (ec)
            throw error(errc::invalid_argument,
                        "cannot load CA file \"" + tls.ca_file + "\": " + ec.message() +
                            "; expected a readable PEM file of certificates");
    } else {
        context->set_default_verify_paths(ec);
        if (ec)
            throw error(errc::tls_failed, "cannot load the system CA store: " + ec.message());
    }
    context->set_verify_mode(tls.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
    return context;
}

asio::awaitable<std::unique_ptr<connection>> open_connection(const http_target& target,
                                                             asio::ssl::context& tls,
                                                             tls_session_cache& sessions,
                                                             bool verify_peer,
                                                             const timeout_options& timeouts,
                                                             const proxy_config& proxies)
{
    constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
    const auto executor = co_await asio::this_coro::executor;
    const auto proxy = proxies.for_target(target);
    const http_target& first_hop = proxy ? proxy->address : target;

    asio::ip::tcp::resolver resolver(executor);
    // Resolving has no deadline of its own in Asio; the connect deadline
    // covers the connect that follows.
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(first_hop.host, std::to_string(first_hop.port), nothrow);
    if (resolve_ec)
        throw_transport_error(resolve_ec, "resolving " + first_hop.host);

    beast::tcp_stream tcp(executor);
    set_deadline(tcp, timeouts.connect);
    auto [connect_ec, endpoint] = co_await tcp.async_connect(endpoints, nothrow);
    if (connect_ec)
        throw_transport_error(connect_ec, "connecting to " + first_hop.host_header);
    tcp.socket().set_option(asio::ip::tcp::no_delay(true));
    if (proxy)
        co_await open_tunnel(tcp, *proxy, target, timeouts);

    if (!target.tls)
        co_return std::make_unique<connection>(target.origin(), std::move(tcp));

    tls_stream stream(std::move(tcp), tls);
    // IP literals get no SNI (RFC 6066 allows only host names there); the
    // certificate is then checked against its IP SANs.
    if (!target.host_is_ip &&
        !SSL_set_tlsext_host_name(stream.native_handle(), target.host.c_str()))
        throw error(errc::tls_failed, "cannot set SNI for " + target.host);
    if (verify_peer)
        stream.set_verify_callback(asio::ssl::host_name_verification(target.host));
    sessions.prepare(stream.native_handle(), target.host + ":" + std::to_string(target.port));

    set_deadline(stream.next_layer(), timeouts.tls_handshake);
    auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, nothrow);
    if (handshake_ec)
        throw_transport_error(handshake_ec, "performing the TLS handshake with " + target.host_header);
    co_return std::make_unique<connection>(target.origin(), std::move(stream));
}

std::unique_ptr<connection> connection_pool::take(const std::string& origin)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto it = idle_.find(origin);
    if (it == idle_.end())
        return nullptr;
    auto& list = it->second;
    while (!list.empty()) {
        std::unique_ptr<connection> conn = std::move(list.back());
        list.pop_back();
        if (now - conn->idle_since < max_idle_age)
            return conn;
    }
    return nullptr;
}

void connection_pool::put(std::unique_ptr<connection> conn)
{
    conn->idle_since = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto& list = idle_[conn->origin()];
    if (list.size() < max_idle_per_origin)
        list.push_back(std::move(conn));
}

}  // namespace gioexport::detail
