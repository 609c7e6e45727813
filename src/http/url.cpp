#include "http/url.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <charconv>

namespace gioexport::detail {

std::string http_target::origin() const
{
    return (tls ? "https://" : "http://") + host_header;
}

http_target parse_http_target(std::string_view url)
{
    auto fail = [&](std::string_view why) -> http_target {
        throw error(errc::invalid_url, "invalid URL " + redact_url(url) + ": " + std::string(why));
    };

    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return fail("expected an absolute http:// or https:// URL");

    http_target out;
    const auto scheme = parsed->scheme_id();
    if (scheme == boost::urls::scheme::https)
        out.tls = true;
    else if (scheme != boost::urls::scheme::http)
        return fail("only http and https are supported");

    switch (parsed->host_type()) {
    case boost::urls::host_type::ipv6:
        out.host = parsed->host_address();
        if (out.host.find('%') != std::string::npos)
            return fail("IPv6 zone IDs are not supported");
        out.host_is_ip = true;
        break;
    case boost::urls::host_type::ipv4:
        out.host = parsed->host_address();
        out.host_is_ip = true;
        break;
    case boost::urls::host_type::name:
        out.host = parsed->encoded_host().decode();
        if (out.host.empty())
            return fail("the host is empty");
        break;
    default:
        return fail("unsupported host form");
    }
    if (parsed->has_userinfo())
        return fail("user names and passwords in URLs are not supported");

    const std::uint16_t default_port = out.tls ? 443 : 80;
    out.port = default_port;
    if (parsed->has_port()) {
        const std::string_view text = parsed->port();
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
            return fail("invalid port");
        out.port = static_cast<std::uint16_t>(value);
    }

    out.host_header = parsed->host_type() == boost::urls::host_type::ipv6
                          ? "[" + out.host + "]"
                          : std::string(parsed->encoded_host());
    if (out.port != default_port)
        out.host_header += ":" + std::to_string(out.port);

    out.target = std::string(parsed->encoded_path());
    // RFC 3986 requires the path after an authority to be empty or to start
    // with "/"; Boost.URL 1.81 accepts "https://[::1]:9443.x/y" with the
    // path ".x/y", which would make a malformed request line.
    if (!out.target.empty() && out.target.front() != '/')
        return fail("the path after the host must start with \"/\"");
    if (out.target.empty())
        out.target = "/";
    if (parsed->has_query())
        out.target += "?" + std::string(parsed->encoded_query());
    return out;
}

std::string resolve_reference(std::string_view base, std::string_view reference)
{
    const auto base_url = boost::urls::parse_absolute_uri(base);
    const auto ref = boost::urls::parse_uri_reference(reference);
    if (!base_url || !ref)
        throw error(errc::invalid_url, "invalid redirect location " + redact_url(reference));
    boost::urls::url resolved;
    const auto result = boost::urls::resolve(*base_url, *ref, resolved);
    if (!result)
        throw error(errc::invalid_url, "invalid redirect location " + redact_url(reference));
    return std::string(resolved.buffer());
}

}  // namespace gioexport::detail
