#include "options.hpp"

#include "data_types.hpp"
#include "time_util.hpp"

#include <charconv>
#include <functional>
#include <map>
#include <string_view>
#include <vector>

namespace emulator {

namespace {

constexpr std::string_view help_text = R"(Usage: gioexport-emulator [OPTIONS]

A local server of GrowingIO's raw-data export API v2 (token, insights listings
and object downloads) with fault injection for testing clients.

Listening:
  --listen ADDR            address to bind (default 127.0.0.1; a warning is
                           printed when it is not a loopback address)
  --port N                 TCP port (default 0: an ephemeral port)
  --extra-port N           also listen on port N (0: ephemeral) as a second
                           host for redirect faults
  --port-file PATH         write the main port number to PATH (atomically)
  --tls                    serve HTTPS (TLS 1.2 and 1.3) instead of HTTP
  --cert FILE --key FILE   PEM certificate chain and private key for --tls;
                           without them a self-signed certificate is generated
                           (SAN DNS:localhost, IP:127.0.0.1, IP:::1)
  --cert-out FILE          write the certificate PEM to FILE, for use as a
                           client's CA file
  --idle-timeout SECONDS   close idle keep-alive connections (default 60)

Credentials:
  --client-id ID           expected X-Client-Id (default demo-client-id)
  --secret SECRET          HMAC key for token requests (default demo-secret)
  --project UID            project UID (default demoPrj1)
  --ai ID                  project ID (default a1b2c3d4e5f60718)
  --token-ttl SECONDS      token lifetime (default 3600)

Clock and export state:
  --now ISO8601            start the emulator clock at this instant, e.g.
                           2026-12-04T08:00:00Z (default: the system clock)
  --running-polls N        each export answers RUNNING to its first N listing
                           calls (default 0)
  --running-seconds S      each export answers RUNNING until S seconds after
                           its first listing call (default 0)
  --api-rate-limit N       answer 429 to insights calls above N per second
                           (default 0: no limit)

Data:
  --chunks-per-hour N      gzip CSV chunks per data type and hour (default 1)
  --chunk-bytes N          compressed size of each chunk in bytes
                           (default 65536)
  --empty-types LIST       comma-separated data types that have no files
  --cache-dir DIR          keep generated chunks in DIR (default: a temporary
                           directory removed at exit)

Benchmark mode:
  --external-objects DIR   list the files DIR/<data_type>/*.csv.gz instead of
                           generated chunks
  --external-base-url URL  base URL under which another server serves DIR

  --help                   print this help and exit
)";

struct Parser {
    std::vector<std::string_view> args;
    std::size_t index = 0;
    std::string error;
};

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text)
{
    Integer value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string invalid_value(std::string_view option, std::string_view value, std::string_view expected)
{
    return "invalid value '" + std::string(value) + "' for " + std::string(option) + ": expected "
        + std::string(expected);
}

// Stores an integer option after checking it against [minimum, maximum].
template <typename Integer>
std::function<std::string(std::string_view)> integer_setter(Integer& target, std::string_view option,
                                                            Integer minimum, Integer maximum)
{
    return [&target, option, minimum, maximum](std::string_view value) -> std::string {
        const auto parsed = parse_integer<Integer>(value);
        if (!parsed || *parsed < minimum || *parsed > maximum) {
            return invalid_value(option, value,
                                 "an integer from " + std::to_string(minimum) + " to "
                                     + std::to_string(maximum));
        }
        target = *parsed;
        return {};
    };
}

std::function<std::string(std::string_view)> string_setter(std::string& target, std::string_view option)
{
    return [&target, option](std::string_view value) -> std::string {
        if (value.empty()) {
            return "empty value for " + std::string(option);
        }
        target = std::string(value);
        return {};
    };
}

std::string parse_empty_types(std::string_view list, std::set<std::string>& types)
{
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t comma = std::min(list.find(',', start), list.size());
        const std::string_view name = list.substr(start, comma - start);
        if (!name.empty()) {
            if (find_data_type(name) == nullptr) {
                return "unknown data type '" + std::string(name) + "' in --empty-types";
            }
            types.insert(std::string(name));
        }
        start = comma + 1;
    }
    return {};
}

// Checks that a credential can appear in the token request body unescaped.
std::string check_body_value(std::string_view option, std::string_view value)
{
    if (value.find_first_of("&=") != std::string_view::npos) {
        return "invalid value for " + std::string(option) + ": '&' and '=' are not allowed";
    }
    return {};
}

} // namespace

ParsedOptions parse_options(int argc, char** argv)
{
    Options options;
    std::uint16_t extra_port = 0;
    std::int64_t now_value = 0;
    bool now_given = false;

    using Setter = std::function<std::string(std::string_view)>;
    const std::map<std::string_view, Setter> valued{
        {"--listen", string_setter(options.listen_address, "--listen")},
        {"--port", integer_setter<std::uint16_t>(options.port, "--port", 0, 65535)},
        {"--extra-port",
         [&](std::string_view value) -> std::string {
             const auto error = integer_setter<std::uint16_t>(extra_port, "--extra-port", 0, 65535)(value);
             if (error.empty()) {
                 options.extra_port = extra_port;
             }
             return error;
         }},
        {"--port-file", string_setter(options.port_file, "--port-file")},
        {"--cert", string_setter(options.cert_file, "--cert")},
        {"--key", string_setter(options.key_file, "--key")},
        {"--cert-out", string_setter(options.cert_out_file, "--cert-out")},
        {"--idle-timeout",
         integer_setter<std::int64_t>(options.idle_timeout_seconds, "--idle-timeout", 1, 86400)},
        {"--client-id", string_setter(options.client_id, "--client-id")},
        {"--secret", string_setter(options.secret, "--secret")},
        {"--project", string_setter(options.project, "--project")},
        {"--ai", string_setter(options.ai, "--ai")},
        {"--token-ttl",
         integer_setter<std::int64_t>(options.token_ttl_seconds, "--token-ttl", 1, 365LL * 86400)},
        {"--now",
         [&](std::string_view value) -> std::string {
             const auto parsed = parse_iso8601_ms(value);
             if (!parsed) {
                 return invalid_value("--now", value, "ISO 8601 with a zone, e.g. 2026-12-04T08:00:00Z");
             }
             now_value = *parsed;
             now_given = true;
             return {};
         }},
        {"--running-polls",
         integer_setter<std::int64_t>(options.running_polls, "--running-polls", 0, 1000000)},
        {"--running-seconds",
         integer_setter<std::int64_t>(options.running_seconds, "--running-seconds", 0, 30LL * 86400)},
        {"--api-rate-limit",
         integer_setter<std::int64_t>(options.api_rate_limit, "--api-rate-limit", 0, 1000000)},
        {"--chunks-per-hour",
         integer_setter<std::int64_t>(options.chunks_per_hour, "--chunks-per-hour", 1, 1000)},
        {"--chunk-bytes",
         integer_setter<std::uint64_t>(options.chunk_bytes, "--chunk-bytes", 256, 1ULL << 32)},
        {"--empty-types",
         [&](std::string_view value) { return parse_empty_types(value, options.empty_types); }},
        {"--cache-dir", string_setter(options.cache_dir, "--cache-dir")},
        {"--external-objects", string_setter(options.external_objects_dir, "--external-objects")},
        {"--external-base-url", string_setter(options.external_base_url, "--external-base-url")},
    };

    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            return {std::nullopt, 0, std::string(help_text)};
        }
        if (arg == "--tls") {
            options.tls = true;
            continue;
        }

        std::string_view value;
        bool has_value = false;
        if (const auto equals = arg.find('='); arg.starts_with("--") && equals != std::string_view::npos) {
            value = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
            has_value = true;
        }
        const auto setter = valued.find(arg);
        if (setter == valued.end()) {
            return {std::nullopt, 2, "unknown option '" + std::string(arg) + "'; see --help"};
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                return {std::nullopt, 2, "missing value for " + std::string(arg)};
            }
            value = argv[++i];
        }
        if (auto error = setter->second(value); !error.empty()) {
            return {std::nullopt, 2, error};
        }
    }

    if (now_given) {
        options.now_ms = now_value;
    }
    for (const auto& [option, value] : {std::pair{"--project", &options.project},
                                        std::pair{"--ai", &options.ai}}) {
        if (auto error = check_body_value(option, *value); !error.empty()) {
            return {std::nullopt, 2, error};
        }
    }
    if (options.cert_file.empty() != options.key_file.empty()) {
        return {std::nullopt, 2, "--cert and --key must be given together"};
    }
    if (!options.cert_file.empty() && !options.tls) {
        return {std::nullopt, 2, "--cert and --key need --tls"};
    }
    if (!options.cert_out_file.empty() && !options.tls) {
        return {std::nullopt, 2, "--cert-out needs --tls"};
    }
    if (options.external_objects_dir.empty() != options.external_base_url.empty()) {
        return {std::nullopt, 2, "--external-objects and --external-base-url must be given together"};
    }
    while (options.external_base_url.ends_with('/')) {
        options.external_base_url.pop_back();
    }
    return {options, 0, {}};
}

} // namespace emulator
