// client_impl::api_send: one export API request with the shared call budget,
// backoff and Retry-After.
#include "client_impl.hpp"

#include "detail/deadline.hpp"
#include "detail/sleep.hpp"
#include "http/errors.hpp"

#include <gioexport/error.hpp>

namespace gioexport {
namespace {

using namespace std::chrono;

std::string header_or_empty(const detail::header_parser& parser, std::string_view name)
{
    return std::string(detail::header_value(parser, name).value_or(std::string_view()));
}

bool is_retryable_transport(errc code) noexcept
{
    return code == errc::connect_failed || code == errc::timeout || code == errc::truncated;
}

}  // namespace

boost::asio::awaitable<client_impl::api_reply> client_impl::exchange_once(
    const detail::http_target& target, detail::http::request<detail::http::string_body>& request,
    std::string& retry_after, std::string& server_date)
{
    auto response = co_await detail::send_request(http, target, request);
    api_reply reply;
    reply.status = static_cast<int>(response.status());
    retry_after = header_or_empty(*response.parser, "Retry-After");
    server_date = header_or_empty(*response.parser, "Date");
    reply.body = co_await detail::read_string_body(http, response, options.limits.max_body_bytes);
    co_return reply;
}

boost::asio::awaitable<client_impl::api_reply> client_impl::api_send(
    detail::http_target target, detail::http::request<detail::http::string_body> request, std::string what)
{
    const retry_options& retry = options.retry;
    const auto started = steady_clock::now();
    for (int attempt = 1;; ++attempt) {
        co_await detail::sleep_for(limiter_.reserve(steady_clock::now()), "waiting for the API call budget");

        api_reply reply;
        std::string retry_after_text, server_date;
        std::string reason;
        try {
            reply = co_await detail::with_deadline(exchange_once(target, request, retry_after_text, server_date),
                                                   http.timeouts.request, what);
            if (!detail::is_retryable_status(static_cast<unsigned>(reply.status)))
                co_return reply;
            reason = "HTTP " + std::to_string(reply.status);
        } catch (const error& e) {
            if (!is_retryable_transport(e.code()) || attempt >= retry.max_attempts)
                throw;
            reason = e.what();
        }

        // A retryable response or transport failure: decide the wait.
        std::optional<milliseconds> retry_after;
        if (!retry_after_text.empty())
            retry_after = detail::parse_retry_after(
                retry_after_text, server_date.empty() ? std::nullopt : std::optional<std::string_view>(server_date),
                system_clock::now());
        if (retry_after && *retry_after > retry.max_retry_after)
            throw error(errc::rate_limited,
                        "the export API asked to wait " + std::to_string(retry_after->count() / 1000) +
                            " s (Retry-After) for " + what + ", more than the maximum wait of " +
                            std::to_string(retry.max_retry_after.count()) + " s; try again later",
                        reply.status);
        if (retry_after)
            limiter_.pause_until(steady_clock::now() + *retry_after);

        const auto delay = std::max(detail::backoff_delay(retry, attempt, detail::jitter_random()),
                                    retry_after.value_or(milliseconds(0)));
        const bool out_of_time = retry.deadline.count() > 0 && steady_clock::now() + delay - started > retry.deadline;
        if (attempt >= retry.max_attempts || out_of_time) {
            const errc code = reply.status == 429 ? errc::rate_limited : errc::server_busy;
            throw error(code, what + " failed after " + std::to_string(attempt) + " attempts: " + reason, reply.status);
        }
        log(log_level::warning, "retrying " + what + " in " + std::to_string(delay.count()) + " ms (attempt " +
                                    std::to_string(attempt + 1) + " of " + std::to_string(retry.max_attempts) +
                                    "): " + reason);
        co_await detail::sleep_for(delay, "waiting to retry " + what);
    }
}

}  // namespace gioexport
