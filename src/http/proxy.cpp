#include "http/proxy.hpp"

#include "http/errors.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdlib>

namespace gioexport::detail {
namespace {

namespace http = boost::beast::http;

std::string environment(const char* lower, const char* upper)
{
    // Lower case first, as curl does; an empty value counts as unset.
    for (const char* name : {lower, upper})
        if (const char* value = std::getenv(name); value != nullptr && *value != '\0')
            return value;
    return {};
}

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::optional<proxy_endpoint> parse_proxy(const std::string& url, const char* source)
{
    if (url.empty())
        return std::nullopt;
    // A proxy given as host:port gets the http scheme, as curl assumes.
    const std::string full = url.find("://") == std::string::npos ? "http://" + url : url;
    const auto parsed = boost::urls::parse_absolute_uri(full);
    // Anything after the port (Boost.URL 1.81 reads "host:1abc" as port 1
    // and path "abc") would be ignored, so it is rejected.
    const bool only_authority = parsed && (parsed->encoded_path().empty() || parsed->encoded_path() == "/") &&
                                !parsed->has_query() && !parsed->has_fragment();
    if (!parsed || parsed->scheme_id() != boost::urls::scheme::http || parsed->host().empty() || !only_authority)
        throw error(errc::invalid_argument, std::string("invalid proxy ") + source + " " + redact_url(full) +
                                                ": expected http://[user:password@]host:port");
    proxy_endpoint proxy;
    std::string without_user = "http://" + std::string(parsed->encoded_host_and_port());
    proxy.address = parse_http_target(without_user);
    if (parsed->has_userinfo()) {
        const std::string credentials = parsed->user() + ":" + parsed->password();
        std::string encoded(boost::beast::detail::base64::encoded_size(credentials.size()), '\0');
        encoded.resize(boost::beast::detail::base64::encode(encoded.data(), credentials.data(), credentials.size()));
        proxy.authorization = "Basic " + encoded;
    }
    return proxy;
}

}  // namespace

proxy_config::proxy_config(const proxy_options& options)
{
    if (!options.url.empty()) {
        https_ = parse_proxy(options.url, "option");
        http_ = https_;
    } else if (options.from_environment) {
        https_ = parse_proxy(environment("https_proxy", "HTTPS_PROXY"), "HTTPS_PROXY");
        http_ = parse_proxy(environment("http_proxy", "HTTP_PROXY"), "HTTP_PROXY");
    }
    std::string list = options.no_proxy;
    if (list.empty() && options.from_environment)
        list = environment("no_proxy", "NO_PROXY");
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        item.erase(std::remove(item.begin(), item.end(), ' '), item.end());
        if (!item.empty())
            no_proxy_.push_back(lowercase(item));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
}

bool proxy_config::bypassed(const std::string& host) const
{
    const std::string name = lowercase(host);
    for (std::string entry : no_proxy_) {
        if (entry == "*")
            return true;
        if (!entry.empty() && entry.front() == '.')
            entry.erase(0, 1);
        // "example.com" matches the host itself and its subdomains.
        if (name == entry ||
            (name.size() > entry.size() && name.ends_with(entry) && name[name.size() - entry.size() - 1] == '.'))
            return true;
    }
    return false;
}

std::optional<proxy_endpoint> proxy_config::for_target(const http_target& target) const
{
    const auto& proxy = target.tls ? https_ : http_;
    if (!proxy || bypassed(target.host))
        return std::nullopt;
    return proxy;
}

boost::asio::awaitable<void> open_tunnel(boost::beast::tcp_stream& stream, const proxy_endpoint& proxy,
                                         const http_target& target, const timeout_options& timeouts)
{
    constexpr auto nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);
    const std::string authority = target.host_is_ip && target.host.find(':') != std::string::npos
                                      ? "[" + target.host + "]:" + std::to_string(target.port)
                                      : target.host + ":" + std::to_string(target.port);
    http::request<http::empty_body> request{http::verb::connect, authority, 11};
    request.set(http::field::host, authority);
    if (!proxy.authorization.empty())
        request.set(http::field::proxy_authorization, proxy.authorization);

    set_deadline(stream, timeouts.connect);
    auto [write_ec, written] = co_await http::async_write(stream, request, nothrow);
    if (write_ec)
        throw_transport_error(write_ec, "sending CONNECT to the proxy " + proxy.address.host_header);

    // The response to CONNECT has no body; the parser must not wait for one.
    boost::beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);
    parser.header_limit(16 * 1024);
    auto [read_ec, read] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    if (read_ec)
        throw_transport_error(read_ec, "waiting for the proxy " + proxy.address.host_header);
    const unsigned status = parser.get().result_int();
    if (status == 407)
        throw error(errc::proxy_auth_required,
                    "the proxy " + proxy.address.host_header + " requires authentication (HTTP 407); put the user "
                    "and password in the proxy URL", 407);
    if (status < 200 || status > 299)
        throw error(errc::connect_failed, "the proxy " + proxy.address.host_header + " rejected CONNECT to " +
                                              authority + " (HTTP " + std::to_string(status) + ")",
                    static_cast<int>(status));
    if (buffer.size() > 0)
        throw error(errc::connect_failed, "the proxy " + proxy.address.host_header +
                                              " sent bytes after its CONNECT response");
}

}  // namespace gioexport::detail
