#include "client_impl.hpp"

#include "download/fetch_file.hpp"

#include <gioexport/error.hpp>
#include <gioexport/version.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>

namespace gioexport {
namespace {

namespace http = boost::beast::http;

std::int64_t unix_millis_now()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Pulls errorMsg out of an error body when it is the documented JSON.
std::string server_error_message(std::string_view body)
{
    boost::system::error_code ec;
    const auto value = boost::json::parse(body.substr(0, 64 * 1024), ec);
    if (ec || !value.is_object())
        return {};
    const auto* msg = value.get_object().if_contains("errorMsg");
    if (msg == nullptr || !msg->is_string())
        return {};
    return std::string(msg->get_string().subview(0, std::min<std::size_t>(msg->get_string().size(), 500)));
}

http::request<http::string_body> api_request(http::verb verb, const std::string& client_id)
{
    http::request<http::string_body> request{verb, "/", 11};
    request.set(http::field::user_agent, std::string("gioexport/") + GIOEXPORT_VERSION_STRING);
    request.set("X-Client-Id", client_id);
    request.set(http::field::accept, "application/json");
    return request;
}

}  // namespace

std::string insights_path(export_type type, const std::optional<data_type>& data, std::string_view ai,
                          const export_date& date, link_expiry expiry)
{
    std::string path = "/v2/insights/";
    path += type.name();
    path += '/';
    if (data) {
        path += data->name();
        path += '/';
    }
    path += ai;
    path += '/';
    path += date.request_value(type);
    path += ".json?expire=";
    path += std::to_string(expiry.minutes());
    return path;
}

client_impl::client_impl(boost::asio::any_io_executor executor_, client_options options_)
    : executor(std::move(executor_)), options(std::move(options_)), limiter_(options.retry.api_calls_per_second)
{
    if (options.retry.max_attempts < 1)
        throw error(errc::invalid_argument, "invalid retry max_attempts " +
                                                std::to_string(options.retry.max_attempts) + ": expected 1 or more");
    validate_credentials(options.creds);
    base_ = detail::parse_http_target(options.base_url);
    base_.from_user = true;
    base_path_ = base_.target.substr(0, base_.target.find('?'));
    while (!base_path_.empty() && base_path_.back() == '/')
        base_path_.pop_back();
    http.tls = detail::make_tls_context(options.tls);
    http.sessions.enable(http.tls->native_handle());
    http.verify_peer = options.tls.verify_peer;
    http.timeouts = options.timeouts;
    http.proxies = detail::proxy_config(options.proxy);
    token_ = options.creds.token;
}

detail::fetch_settings client_impl::fetch_settings()
{
    detail::fetch_settings settings;
    settings.retry = options.retry;
    settings.log = [this](log_level level, const std::string& line) { log(level, line); };
    settings.files = &files;
    settings.hashing = hashing.get();
    settings.buffers = &buffers;
    return settings;
}

void client_impl::log(log_level level, const std::string& line) const
{
    if (options.logger)
        options.logger(level, line);
}

boost::asio::awaitable<std::string> client_impl::fetch_token()
{
    if (!options.creds.token.empty())
        co_return options.creds.token;

    detail::http_target target = base_;
    target.target = base_path_ + "/auth/token";
    auto request = api_request(http::verb::post, options.creds.client_id);
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = token_request_body(options.creds, unix_millis_now());

    const auto reply = co_await api_send(target, std::move(request), "the token request");
    std::string token = parse_token_response(reply.body, reply.status);
    log(log_level::info, "obtained an API token from " + target.origin());
    {
        std::lock_guard lock(token_mutex_);
        token_ = token;
    }
    co_return token;
}

boost::asio::awaitable<std::string> client_impl::current_token()
{
    {
        std::lock_guard lock(token_mutex_);
        if (!token_.empty())
            co_return token_;
    }
    co_return co_await fetch_token();
}

boost::asio::awaitable<std::string> client_impl::api_get(std::string path_and_query)
{
    detail::http_target target = base_;
    target.target = base_path_ + path_and_query;
    const std::string shown_path = path_and_query.substr(0, path_and_query.find('?'));

    for (int attempt = 0;; ++attempt) {
        const std::string token = co_await current_token();
        auto request = api_request(http::verb::get, options.creds.client_id);
        request.set(http::field::authorization, "Token " + token);

        auto reply = co_await api_send(target, std::move(request), "listing " + shown_path);
        const int status = reply.status;
        if (status >= 200 && status <= 299)
            co_return std::move(reply.body);

        const std::string server_message = server_error_message(reply.body);
        if (status == 401 && attempt == 0 && options.creds.token.empty()) {
            log(log_level::warning, "export API returned 401 for " + shown_path +
                                        "; requesting a new token and trying once more");
            {
                std::lock_guard lock(token_mutex_);
                if (token_ == token)
                    token_.clear();
            }
            continue;
        }
        std::string message = "export API returned HTTP " + std::to_string(status) + " for " + shown_path;
        if (!server_message.empty())
            message += ": " + server_message;
        const errc code = status == 401 ? errc::auth_failed : errc::api_error;
        throw error(code, message, status, server_message);
    }
}

boost::asio::awaitable<links_response> client_impl::fetch_links(export_type type,
                                                                const std::optional<data_type>& data,
                                                                export_date date, link_expiry expiry)
{
    // No export exists for a period that has not started; a year typo would
    // otherwise poll under --wait for hours.
    require_period_started(type, date);
    const std::string path = insights_path(type, data, options.creds.ai, date, expiry);
    const std::string body = co_await api_get(path);
    links_response response = parse_links_response(
        body, data ? links_shape::one_type : links_shape::all_types, data, options.limits);

    // The server echoes the period after truncation. Another value would put
    // another period's files under this period's folder.
    const std::string expected_date = date.truncated(type);
    if (!response.export_date.empty() && response.export_date != expected_date)
        throw error(errc::invalid_response,
                    "invalid export API response: exportDate \"" + response.export_date.substr(0, 32) +
                        "\" does not match the requested " + expected_date);
    co_return response;
}

// client

client::client(boost::asio::any_io_executor executor, client_options options)
    : impl_(std::make_shared<client_impl>(std::move(executor), std::move(options)))
{
}

boost::asio::awaitable<std::string> client::fetch_token()
{
    auto impl = impl_;
    co_return co_await impl->fetch_token();
}

boost::asio::awaitable<links_response> client::fetch_links(export_type type, export_date date,
                                                           link_expiry expiry)
{
    auto impl = impl_;
    co_return co_await impl->fetch_links(type, std::nullopt, date, expiry);
}

boost::asio::awaitable<links_response> client::fetch_links(export_type type, data_type data,
                                                           export_date date, link_expiry expiry)
{
    auto impl = impl_;
    co_return co_await impl->fetch_links(type, data, date, expiry);
}

boost::asio::awaitable<file_result> client::download_link(std::string url, std::filesystem::path target,
                                                          download_options options)
{
    auto impl = impl_;
    co_return co_await detail::fetch_file(impl->http, impl->fetch_settings(), std::move(url), std::move(target),
                                          std::move(options));
}

boost::asio::awaitable<export_result> client::download_export(export_request request)
{
    auto impl = impl_;
    co_return co_await impl->download_export(std::move(request));
}

const client_options& client::options() const noexcept
{
    return impl_->options;
}

boost::asio::any_io_executor client::get_executor() const noexcept
{
    return impl_->executor;
}

}  // namespace gioexport
