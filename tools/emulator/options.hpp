// Command-line options of gioexport-emulator.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace emulator {

struct Options {
    std::string listen_address = "127.0.0.1";
    std::uint16_t port = 0;
    std::optional<std::uint16_t> extra_port;
    std::string port_file;

    bool tls = false;
    std::string cert_file;
    std::string key_file;
    std::string cert_out_file;

    std::string client_id = "demo-client-id";
    std::string secret = "demo-secret";
    std::string project = "demoPrj1";
    std::string ai = "a1b2c3d4e5f60718";
    std::int64_t token_ttl_seconds = 3600;

    std::optional<std::int64_t> now_ms;
    std::int64_t running_polls = 0;
    std::int64_t running_seconds = 0;

    std::int64_t chunks_per_hour = 1;
    std::uint64_t chunk_bytes = 65536;
    std::set<std::string> empty_types;
    std::string cache_dir;

    std::string external_objects_dir;
    std::string external_base_url;

    std::int64_t api_rate_limit = 0;
    std::int64_t idle_timeout_seconds = 60;
};

// Outcome of parsing the command line: options to run with, or a request to
// exit at once with `exit_code` after printing `message` (help text or an error).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_code = 0;
    std::string message;
};

ParsedOptions parse_options(int argc, char** argv);

} // namespace emulator
