// Parsing of the insights and token responses. Every check here runs on text
// from the network, so each failure names what was wrong without echoing a
// link's query string.
#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

namespace gioexport {
namespace {

namespace json = boost::json;

[[noreturn]] void invalid(const std::string& what)
{
    throw error(errc::invalid_response, "invalid export API response: " + what);
}

std::string_view short_text(std::string_view text)
{
    return text.substr(0, 64);
}

json::value parse_json(std::string_view body, std::size_t max_bytes)
{
    if (body.size() > max_bytes)
        throw error(errc::response_too_large,
                    "export API response of " + std::to_string(body.size()) +
                        " bytes is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec)
        invalid("the body is not JSON (" + ec.message() + ")");
    if (!value.is_object())
        invalid("the body is not a JSON object");
    return value;
}

// Reads an optional string field; absent or null gives "".
std::string optional_string(const json::object& object, std::string_view key)
{
    const json::value* value = object.if_contains(key);
    if (value == nullptr || value->is_null())
        return {};
    if (!value->is_string())
        invalid("field \"" + std::string(key) + "\" is not a string");
    return std::string(value->get_string());
}

export_status status_from_text(std::string_view text) noexcept
{
    if (text == "FINISHED")
        return export_status::finished;
    if (text == "RUNNING")
        return export_status::running;
    if (text == "NOT_EXISTS")
        return export_status::not_exists;
    if (text == "ERROR")
        return export_status::error;
    return export_status::unknown;
}

void check_link(std::string_view link, const response_limits& limits)
{
    if (link.size() > limits.max_link_length)
        invalid("a link of " + std::to_string(link.size()) + " characters is longer than the limit of " +
                std::to_string(limits.max_link_length));
    const auto parsed = boost::urls::parse_absolute_uri(link);
    if (!parsed)
        invalid("link " + redact_url(link) + " is not an absolute URL");
    const auto scheme = parsed->scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
        invalid("link " + redact_url(link) + " is not an http or https URL");
    if (parsed->host().empty())
        invalid("link " + redact_url(link) + " has no host");
}

std::vector<std::string> read_link_array(const json::value& value, std::string_view type_name,
                                         std::size_t& total, const response_limits& limits)
{
    if (value.is_null())
        return {};
    if (!value.is_array())
        invalid("the links of data type \"" + std::string(type_name) + "\" are not an array");
    std::vector<std::string> urls;
    urls.reserve(value.get_array().size());
    for (const json::value& item : value.get_array()) {
        if (!item.is_string())
            invalid("a link of data type \"" + std::string(type_name) + "\" is not a string");
        if (++total > limits.max_links)
            throw error(errc::response_too_large,
                        "export API response lists more than " + std::to_string(limits.max_links) +
                            " links");
        check_link(item.get_string(), limits);
        urls.emplace_back(item.get_string());
    }
    return urls;
}

}  // namespace

std::string_view to_string(export_status s) noexcept
{
    switch (s) {
    case export_status::finished: return "FINISHED";
    case export_status::running: return "RUNNING";
    case export_status::not_exists: return "NOT_EXISTS";
    case export_status::error: return "ERROR";
    case export_status::unknown: break;
    }
    return "UNKNOWN";
}

std::size_t links_response::link_count() const noexcept
{
    std::size_t count = 0;
    for (const auto& type : links)
        count += type.urls.size();
    return count;
}

links_response parse_links_response(std::string_view body, links_shape shape,
                                    const std::optional<data_type>& requested_type,
                                    const response_limits& limits)
{
    const json::value root = parse_json(body, limits.max_body_bytes);
    const json::object& object = root.get_object();

    links_response response;
    const json::value* status = object.if_contains("status");
    if (status == nullptr || !status->is_string())
        invalid("field \"status\" is missing or not a string");
    response.status_text = std::string(status->get_string());
    response.status = status_from_text(response.status_text);
    response.export_type = optional_string(object, "exportType");
    response.data_type = optional_string(object, "dataType");
    response.export_date = optional_string(object, "exportDate");
    response.export_version = optional_string(object, "exportVersion");
    response.request_time = optional_string(object, "requestTime");
    response.error_msg = optional_string(object, "errorMsg");

    const json::value* links = object.if_contains("downloadLinks");
    std::size_t total = 0;
    if (links == nullptr || links->is_null())
        return response;

    if (shape == links_shape::one_type) {
        // An empty object also stands for "no links" in responses that are not
        // FINISHED; the one-type shape otherwise must be an array.
        if (links->is_object() && links->get_object().empty())
            return response;
        if (!requested_type)
            throw error(errc::internal, "one-type listing parsed without its data type");
        response.links.push_back(
            {*requested_type, read_link_array(*links, requested_type->name(), total, limits)});
        return response;
    }

    if (links->is_array() && links->get_array().empty())
        return response;
    if (!links->is_object())
        invalid("field \"downloadLinks\" is not an object of data types");
    for (const auto& entry : links->get_object()) {
        const std::string_view name = entry.key();
        if (!data_type::is_valid_name(name))
            invalid("data type name \"" + std::string(short_text(name)) +
                    "\" does not match [a-z0-9_]{1,64}");
        response.links.push_back(
            {data_type::parse(name), read_link_array(entry.value(), name, total, limits)});
    }
    return response;
}

std::string parse_token_response(std::string_view body, int http_status)
{
    boost::system::error_code ec;
    const json::value value = json::parse(body.substr(0, 1 << 20), ec);
    if (ec || !value.is_object()) {
        if (http_status < 200 || http_status > 299)
            throw error(errc::auth_failed,
                        "token request failed with HTTP " + std::to_string(http_status), http_status);
        invalid("the token response is not a JSON object");
    }
    const json::object& object = value.get_object();
    const json::value* status = object.if_contains("status");
    const json::value* code = object.if_contains("code");
    std::string server_message;
    if (const json::value* msg = object.if_contains("errorMsg"); msg && msg->is_string())
        server_message = std::string(msg->get_string());

    const bool success = status && status->is_string() && status->get_string() == "success";
    if (!success || http_status < 200 || http_status > 299) {
        std::string message = "token request was rejected (HTTP " + std::to_string(http_status) + ")";
        if (!server_message.empty())
            message += ": " + server_message;
        message += "; check the client ID, secret, project UID and ai";
        throw error(errc::auth_failed, message, http_status, server_message);
    }
    if (code == nullptr || !code->is_string() || code->get_string().empty())
        invalid("the token response has no \"code\" string");
    for (unsigned char c : code->get_string())
        if (c <= 0x20 || c == 0x7f)
            invalid("the token contains spaces or control characters");
    return std::string(code->get_string());
}

std::string redact_url(std::string_view url)
{
    const auto cut = url.find_first_of("?#");
    std::string without_user(url.substr(0, std::min<std::size_t>(cut, 200)));
    // A user name and password before the host ("scheme://user:password@")
    // are dropped; the authority ends at the first '/' after the scheme.
    if (const auto scheme_end = without_user.find("://"); scheme_end != std::string::npos) {
        const auto authority = scheme_end + 3;
        const auto path = without_user.find('/', authority);
        const auto at = without_user.rfind('@', path == std::string::npos ? std::string::npos : path);
        if (at != std::string::npos && at >= authority)
            without_user.erase(authority, at + 1 - authority);
    }
    const std::string_view kept = without_user;
    // Control characters are escaped so a hostile link cannot forge log lines.
    std::string shown;
    for (unsigned char c : kept) {
        if (c < 0x20 || c == 0x7f) {
            static constexpr char hex[] = "0123456789ABCDEF";
            shown += '%';
            shown += hex[c >> 4];
            shown += hex[c & 15];
        } else {
            shown += static_cast<char>(c);
        }
    }
    if (cut != std::string_view::npos)
        shown += "?...";
    else if (url.size() > 200)
        shown += "...";
    return shown;
}

}  // namespace gioexport
