// gioexport_client: options and lifetime.
#include "internal.hpp"

#include <cmath>

namespace gioexport::capi {
namespace {

std::string optional_string(const char* value)
{
    return value != nullptr ? std::string(value) : std::string();
}

std::chrono::milliseconds millis(std::uint32_t value)
{
    return std::chrono::milliseconds(value);
}

client_options to_client_options(const gioexport_client_options& given)
{
    client_options options;
    if (given.base_url != nullptr)
        options.base_url = given.base_url;
    options.creds.client_id = optional_string(given.client_id);
    options.creds.secret = optional_string(given.secret);
    options.creds.project = optional_string(given.project);
    options.creds.ai = optional_string(given.ai);
    options.creds.token = optional_string(given.token);
    options.tls.verify_peer = given.tls_verify_peer != 0;
    options.tls.ca_file = optional_string(given.tls_ca_file);
    options.timeouts.connect = millis(given.connect_timeout_ms);
    options.timeouts.tls_handshake = millis(given.tls_handshake_timeout_ms);
    options.timeouts.first_byte = millis(given.first_byte_timeout_ms);
    options.timeouts.idle = millis(given.idle_timeout_ms);
    options.timeouts.request = millis(given.request_timeout_ms);

    if (given.retry_max_attempts < 1 || given.retry_max_attempts > 1000)
        throw_invalid("invalid retry_max_attempts " + std::to_string(given.retry_max_attempts) +
                      ": expected 1 to 1000");
    if (!std::isfinite(given.api_calls_per_second) || given.api_calls_per_second < 0)
        throw_invalid("invalid api_calls_per_second " + std::to_string(given.api_calls_per_second) +
                      ": expected 0 (no limit) or a positive number");
    options.retry.max_attempts = static_cast<int>(given.retry_max_attempts);
    options.retry.base_delay = millis(given.retry_base_delay_ms);
    options.retry.max_delay = millis(given.retry_max_delay_ms);
    options.retry.deadline = millis(given.retry_deadline_ms);
    options.retry.max_retry_after = std::chrono::seconds(given.max_retry_after_seconds);
    options.retry.api_calls_per_second = given.api_calls_per_second;

    options.proxy.url = optional_string(given.proxy_url);
    options.proxy.from_environment = given.proxy_from_environment != 0;
    options.proxy.no_proxy = optional_string(given.no_proxy);
    return options;
}

}  // namespace
}  // namespace gioexport::capi

using namespace gioexport::capi;

extern "C" {

void gioexport_client_options_init(gioexport_client_options* out, size_t struct_size)
{
    const gioexport::timeout_options defaults;
    gioexport_client_options options{};
    options.tls_verify_peer = 1;
    options.connect_timeout_ms = static_cast<std::uint32_t>(defaults.connect.count());
    options.tls_handshake_timeout_ms = static_cast<std::uint32_t>(defaults.tls_handshake.count());
    options.first_byte_timeout_ms = static_cast<std::uint32_t>(defaults.first_byte.count());
    options.idle_timeout_ms = static_cast<std::uint32_t>(defaults.idle.count());
    options.request_timeout_ms = static_cast<std::uint32_t>(defaults.request.count());

    const gioexport::retry_options retry;
    options.retry_max_attempts = static_cast<std::uint32_t>(retry.max_attempts);
    options.retry_base_delay_ms = static_cast<std::uint32_t>(retry.base_delay.count());
    options.retry_max_delay_ms = static_cast<std::uint32_t>(retry.max_delay.count());
    options.retry_deadline_ms = static_cast<std::uint32_t>(retry.deadline.count());
    options.max_retry_after_seconds = static_cast<std::uint32_t>(retry.max_retry_after.count());
    options.api_calls_per_second = retry.api_calls_per_second;

    const gioexport::proxy_options proxy;
    options.proxy_from_environment = proxy.from_environment ? 1 : 0;
    write_defaults(out, struct_size, options);
}

gioexport_status gioexport_client_new(gioexport_runtime* runtime, const gioexport_client_options* options,
                                      gioexport_client** out_client, gioexport_error** out_error)
{
    return guarded(out_error, [&] {
        require(out_client, "out_client");
        *out_client = nullptr;
        require(runtime, "runtime");
        require(options, "options");
        if (runtime->tag != runtime_tag)
            throw_invalid("invalid runtime: the pointer is not a live gioexport_runtime");
        if (!runtime->core->accepting())
            throw_invalid("invalid runtime: it is shutting down");
        const auto settings = read_options(options, &gioexport_client_options_init, "gioexport_client_options");
        if (settings.client_id == nullptr || settings.project == nullptr || settings.ai == nullptr)
            throw_invalid("missing credentials: client_id, project and ai must not be NULL");
        if (settings.secret == nullptr && settings.token == nullptr)
            throw_invalid("missing credentials: set secret, or token when a token is known");

        auto client = std::make_unique<gioexport_client>(gioexport_client{
            client_tag, runtime->core,
            gioexport::client(runtime->core->io().get_executor(), to_client_options(settings))});
        *out_client = client.release();
        return GIOEXPORT_OK;
    });
}

void gioexport_client_free(gioexport_client* client)
{
    if (client == nullptr || client->tag != client_tag)
        return;
    client->tag = 0;
    delete client;
}

}  // extern "C"
