// Transport-neutral request and reply types shared by the endpoint handlers.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emulator {

struct Request {
    std::string method;
    std::string target; // path and query as received
    std::string path;
    std::string query; // without the '?'
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    std::string peer; // "127.0.0.1:50432" or "[::1]:50432"
    bool peer_is_loopback = false;
    std::uint16_t local_port = 0;
    std::string scheme; // "http" or "https"
    // host[:port] for links: the Host header when it is well-formed, otherwise
    // the address and port of the listener that accepted the connection.
    std::string link_authority;

    // Returns the first header named `name` (compared case-insensitively).
    std::optional<std::string_view> header(std::string_view name) const;
    // Returns the value of query parameter `name`, percent-decoded.
    std::optional<std::string> query_parameter(std::string_view name) const;
};

struct FileBody {
    std::filesystem::path path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

// Faults that change how a reply is sent rather than its content.
struct Delivery {
    std::optional<std::uint64_t> reset_after_bytes;
    bool reset_with_fin = false; // end reset_after_bytes with a FIN instead of an RST
    std::optional<std::uint64_t> stall_after_bytes;
    std::chrono::milliseconds stall_duration{0};
    std::optional<std::uint64_t> bytes_per_second;
    bool close_without_length = false;
    bool chunked_trailer = false;
    std::optional<std::chrono::milliseconds> idle_close_after;
};

struct Reply {
    unsigned status = 200;
    // Header fields in sending order. The writer adds Date, Server,
    // Content-Length (or Transfer-Encoding) and Connection.
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    std::optional<FileBody> file; // when set, the body is read from this file
    bool head_only = false;      // HEAD: send the headers of the full reply only
    bool close = false;          // close the connection after this reply
    Delivery delivery;
    std::vector<std::string> faults_applied;

    void set(std::string name, std::string value);
    std::uint64_t body_length() const { return file ? file->length : body.size(); }
};

std::string percent_decode(std::string_view text);
std::string percent_encode(std::string_view text);

// A reply with a JSON body and Content-Type application/json;charset=UTF-8.
Reply json_reply(unsigned status, const boost::json::value& body);

// A reply in the shape of an S3 error: <Error><Code>..</Code><Message>..</Message>..</Error>.
Reply xml_error(unsigned status, std::string_view code, std::string_view message,
                const std::vector<std::pair<std::string, std::string>>& extra_elements = {});

std::string xml_escape(std::string_view text);

} // namespace emulator
