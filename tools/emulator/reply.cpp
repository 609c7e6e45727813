#include "reply.hpp"

#include "crypto.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace emulator {

namespace {

bool equal_ignoring_case(std::string_view left, std::string_view right)
{
    return std::ranges::equal(left, right, [](char a, char b) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        return lower(a) == lower(b);
    });
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

std::optional<std::string_view> Request::header(std::string_view name) const
{
    for (const auto& [field, value] : headers) {
        if (equal_ignoring_case(field, name)) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::optional<std::string> Request::query_parameter(std::string_view name) const
{
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto equals = pair.find('=');
        const std::string key = percent_decode(pair.substr(0, equals));
        if (key == name) {
            return equals == std::string_view::npos ? std::string{} : percent_decode(pair.substr(equals + 1));
        }
    }
    return std::nullopt;
}

void Reply::set(std::string name, std::string value)
{
    for (auto& field : fields) {
        if (equal_ignoring_case(field.first, name)) {
            field = {std::move(name), std::move(value)};
            return;
        }
    }
    fields.emplace_back(std::move(name), std::move(value));
}

std::string percent_decode(std::string_view text)
{
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0
            && hex_value(text[i + 2]) >= 0) {
            decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else if (text[i] == '+') {
            decoded.push_back(' ');
        } else {
            decoded.push_back(text[i]);
        }
    }
    return decoded;
}

std::string percent_encode(std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string encoded;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            encoded.push_back(c);
        } else {
            encoded.push_back('%');
            encoded.push_back(digits[byte >> 4]);
            encoded.push_back(digits[byte & 0x0f]);
        }
    }
    return encoded;
}

Reply json_reply(unsigned status, const boost::json::value& body)
{
    Reply reply;
    reply.status = status;
    reply.set("Content-Type", "application/json;charset=UTF-8");
    reply.body = boost::json::serialize(body);
    return reply;
}

std::string xml_escape(std::string_view text)
{
    std::string escaped;
    for (const char c : text) {
        switch (c) {
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '&': escaped += "&amp;"; break;
        case '"': escaped += "&quot;"; break;
        case '\'': escaped += "&apos;"; break;
        default: escaped.push_back(c);
        }
    }
    return escaped;
}

Reply xml_error(unsigned status, std::string_view code, std::string_view message,
                const std::vector<std::pair<std::string, std::string>>& extra_elements)
{
    Reply reply;
    reply.status = status;
    reply.set("Content-Type", "application/xml");
    const std::string request_id = random_hex(8);
    reply.set("x-amz-request-id", request_id);
    std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>";
    body += xml_escape(code);
    body += "</Code><Message>";
    body += xml_escape(message);
    body += "</Message>";
    for (const auto& [name, value] : extra_elements) {
        body += '<' + name + '>' + xml_escape(value) + "</" + name + '>';
    }
    body += "<RequestId>" + request_id + "</RequestId></Error>";
    reply.body = std::move(body);
    return reply;
}

} // namespace emulator
