// Choosing an HTTP proxy for a target and opening a CONNECT tunnel through it.
#pragma once

#include "http/url.hpp"

#include <gioexport/options.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <optional>
#include <string>

namespace gioexport::detail {

struct proxy_endpoint {
    http_target address;        // where the proxy listens
    std::string authorization;  // "Basic ..." from the proxy URL's user info, or empty
};

// The proxy settings of a client, resolved once from its options and the
// environment (HTTPS_PROXY, HTTP_PROXY and NO_PROXY, upper or lower case).
class proxy_config {
public:
    proxy_config() = default;
    // Throws errc::invalid_argument for a proxy URL that is not http://host:port.
    explicit proxy_config(const proxy_options& options);

    // The proxy for a target, or nothing for a direct connection.
    std::optional<proxy_endpoint> for_target(const http_target& target) const;

private:
    bool bypassed(const std::string& host) const;

    std::optional<proxy_endpoint> https_;
    std::optional<proxy_endpoint> http_;
    std::vector<std::string> no_proxy_;
};

// Sends CONNECT host:port through `stream` (already connected to the proxy)
// and reads the proxy's response. Throws errc::proxy_auth_required on 407 and
// errc::connect_failed on any other status than 2xx.
boost::asio::awaitable<void> open_tunnel(boost::beast::tcp_stream& stream, const proxy_endpoint& proxy,
                                         const http_target& target, const timeout_options& timeouts);

}  // namespace gioexport::detail
