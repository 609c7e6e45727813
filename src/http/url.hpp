// The destination of an HTTP request: scheme, host, port and request target.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gioexport::detail {

struct http_target {
    bool tls = false;
    std::string host;         // without brackets, for resolving and SNI
    std::uint16_t port = 0;
    std::string host_header;  // as sent in Host: brackets for IPv6, port when not default
    std::string target;       // path and query, at least "/"
    bool host_is_ip = false;  // IP literals get no SNI; the certificate must name the IP
    // The URL came from the user (the API base URL), not from a server, so
    // an error may suggest changing its scheme.
    bool from_user = false;

    // "https://host:port", the key of the connection pool.
    std::string origin() const;
};

// Parses an absolute http or https URL. Throws errc::invalid_url naming the
// URL without its query for anything else, including IPv6 zone IDs.
http_target parse_http_target(std::string_view url);

// Resolves `reference` (such as a Location header) against `base`.
std::string resolve_reference(std::string_view base, std::string_view reference);

}  // namespace gioexport::detail
