// Shared state behind gioexport::client.
#pragma once

#include "http/exchange.hpp"
#include "download/fetch_file.hpp"
#include "retry.hpp"

#include <gioexport/client.hpp>

#include <mutex>
#include <string>

namespace gioexport {

class client_impl {
public:
    client_impl(boost::asio::any_io_executor executor, client_options options);

    boost::asio::awaitable<std::string> fetch_token();
    boost::asio::awaitable<links_response> fetch_links(export_type type,
                                                       const std::optional<data_type>& data,
                                                       export_date date, link_expiry expiry);
    boost::asio::awaitable<export_result> download_export(export_request request);

    // Lists the export (one call, or one per requested type) and polls while
    // it is not ready, until request.wait runs out. Returns a FINISHED listing.
    boost::asio::awaitable<links_response> list_export(const export_request& request);

    void log(log_level level, const std::string& line) const;

    // Retry settings and the log sink for downloads of this client.
    detail::fetch_settings fetch_settings();

    boost::asio::any_io_executor executor;
    client_options options;
    detail::http_context http;
    // Threads for the fsync and rename at the end of each download. Four let
    // the syncs of several finished files run at once.
    detail::file_pool files{4};
    // Transfer buffers (halves of the default download_options::buffer_size)
    // and the thread that hashes them. Buffers outlive the engine, which may
    // hold some until it stops.
    detail::buffer_pool buffers{detail::transfer_buffer_size(download_options{}), 32};
    std::unique_ptr<detail::md5_engine> hashing =
        detail::md5_engine::has_lanes() ? std::make_unique<detail::md5_engine>() : nullptr;

private:
    // Sends one authenticated GET to the export API and returns the body of a
    // 2xx response. A 401 with a token we fetched ourselves is retried once with
    // a new token, since tokens expire.
    boost::asio::awaitable<std::string> api_get(std::string path_and_query);
    boost::asio::awaitable<std::string> current_token();

    struct api_reply {
        int status = 0;
        std::string body;
    };

    // Sends one export API request within the shared call budget, retrying
    // connection errors, timeouts, 5xx and 429 with backoff and Retry-After.
    // Returns the last reply when its status is not one to retry. Throws
    // errc::server_busy or errc::rate_limited when the attempts run out, and
    // errc::rate_limited when Retry-After exceeds the configured maximum.
    // One request and its whole reply, without retries.
    boost::asio::awaitable<api_reply> exchange_once(const detail::http_target& target,
                                                    detail::http::request<detail::http::string_body>& request,
                                                    std::string& retry_after, std::string& server_date);

    boost::asio::awaitable<api_reply> api_send(detail::http_target target,
                                               detail::http::request<detail::http::string_body> request,
                                               std::string what);

    detail::http_target base_;   // the base URL; its path is the prefix of every API path
    std::string base_path_;      // without a trailing slash
    std::mutex token_mutex_;
    std::string token_;
    detail::api_rate_limiter limiter_;
};

// Builds the path of an insights request, relative to the base URL's path.
std::string insights_path(export_type type, const std::optional<data_type>& data,
                          std::string_view ai, const export_date& date, link_expiry expiry);

}  // namespace gioexport
