// The response of the two insights endpoints and its parser. No I/O here.
#pragma once

#include <gioexport/types.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gioexport {

enum class export_status { finished, running, not_exists, error, unknown };

std::string_view to_string(export_status s) noexcept;

// The links of one data type, in the order the server listed them. The
// position of a link in `urls` is the file's part number.
struct type_links {
    data_type type;
    std::vector<std::string> urls;
};

// A parsed insights response.
struct links_response {
    export_status status = export_status::unknown;
    std::string status_text;          // as sent, also for unknown values
    std::vector<type_links> links;    // server order
    std::string export_type;
    std::string data_type;            // empty for the all-types endpoint
    std::string export_date;
    std::string export_version;
    std::string request_time;
    std::string error_msg;

    // Total number of links over all types.
    std::size_t link_count() const noexcept;
};

// Bounds on what a server may send.
struct response_limits {
    std::size_t max_body_bytes = 16 * 1024 * 1024;
    std::size_t max_links = 1'000'000;
    std::size_t max_link_length = 8192;
};

// Which endpoint produced the body: the all-types endpoint returns an object
// of arrays in downloadLinks, the one-type endpoint a plain array.
enum class links_shape { all_types, one_type };

// Parses an insights body. For the one-type shape, `requested_type` names the
// type the links belong to. Throws errc::invalid_response when the body is
// not the documented JSON, a data type name does not match [a-z0-9_]{1,64}, or
// a link is not an absolute http or https URL; errc::response_too_large when a
// limit is exceeded. Error messages never quote a link's query string.
links_response parse_links_response(std::string_view body, links_shape shape,
                                    const std::optional<data_type>& requested_type,
                                    const response_limits& limits = {});

// Parses the body of POST /auth/token and returns the token. Throws
// errc::auth_failed when status is not "success" (with the server's errorMsg),
// errc::invalid_response when the body is not the documented JSON.
std::string parse_token_response(std::string_view body, int http_status);

// Returns the URL with its query string and fragment replaced by "?..."
// and without a user name or password, so it can appear in logs and errors
// without the link's signature or a proxy's password.
std::string redact_url(std::string_view url);

}  // namespace gioexport
