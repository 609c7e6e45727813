#include "download/fetch_file.hpp"

#include "detail/md5.hpp"
#include "download/part_file.hpp"
#include "download/response_check.hpp"
#include "http/errors.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>
#include <gioexport/version.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>

#include <vector>

namespace gioexport::detail {
namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_error_body = 64 * 1024;

http::request<http::string_body> make_get_request()
{
    // Object storage rejects requests that carry an Authorization header next
    // to a presigned query, and the API credentials must never reach it, so
    // only neutral headers are set.
    http::request<http::string_body> request{http::verb::get, "/", 11};
    request.set(http::field::user_agent, std::string("gioexport/") + GIOEXPORT_VERSION_STRING);
    request.set(http::field::accept_encoding, "identity");
    return request;
}

std::optional<std::string_view> header_value(const header_parser& parser, std::string_view name)
{
    const auto& fields = parser.get();
    const auto it = fields.find(name);  // Beast compares field names case-insensitively
    if (it == fields.end())
        return std::nullopt;
    return std::string_view(it->value().data(), it->value().size());
}

// Follows the Location of a redirect. Only http and https targets are
// accepted, and an https link is never downgraded to http.
http_target next_hop(const http_target& current, const std::string& current_url,
                     const header_parser& parser, std::string& next_url)
{
    const auto location = header_value(parser, "Location");
    if (!location || location->empty())
        throw error(errc::http_error, "redirect from " + redact_url(current_url) + " has no Location",
                    static_cast<int>(parser.get().result_int()));
    next_url = resolve_reference(current_url, *location);
    http_target next = parse_http_target(next_url);
    if (current.tls && !next.tls)
        throw error(errc::invalid_url, "refusing redirect from https to http: " + redact_url(next_url));
    return next;
}

// Reads the body into `part` and the hasher through one fixed buffer.
asio::awaitable<void> stream_body(http_context& context, open_response& response,
                                  part_file& part, md5_hasher& md5,
                                  const download_options& options, std::uint64_t total,
                                  bool& ended_by_close)
{
    http::response_parser<http::buffer_body> parser(std::move(*response.parser));
    parser.body_limit(boost::none);
    std::vector<char> buffer(std::max<std::size_t>(options.buffer_size, 16 * 1024));

    while (!parser.is_done()) {
        parser.get().body().data = buffer.data();
        parser.get().body().size = buffer.size();
        set_deadline(response.conn->tcp(), context.timeouts.idle);
        auto [ec, n] = co_await response.conn->visit([&](auto& stream) {
            return http::async_read_some(stream, response.conn->buffer(), parser, nothrow);
        });
        if (ec == http::error::need_buffer)
            ec = {};
        const std::size_t got = buffer.size() - parser.get().body().size;
        if (got > 0) {
            md5.update(buffer.data(), got);
            part.write(buffer.data(), got);
            if (options.on_progress)
                options.on_progress(part.size(), total);
        }
        if (!ec)
            continue;
        // A body without Content-Length or chunking ends when the peer closes.
        // Over TLS many servers skip close_notify, so that close arrives as
        // stream_truncated; the MD5 check then decides whether it is whole.
        const bool close_delimited = !parser.content_length() && !parser.chunked();
        if (close_delimited && (ec == asio::ssl::error::stream_truncated || ec == http::error::end_of_stream)) {
            ended_by_close = true;
            break;
        }
        throw_transport_error(ec, "reading the body of " + response.conn->origin() + " after " +
                                      std::to_string(part.size()) + " bytes");
    }
    if (parser.is_done() && !parser.content_length() && !parser.chunked())
        ended_by_close = true;

    const bool keep = parser.is_done() && parser.keep_alive();
    if (keep)
        context.pool.put(std::move(response.conn));
    response.conn.reset();
}

}  // namespace

asio::awaitable<file_result> fetch_file(http_context& context, std::string url,
                                        std::filesystem::path target, download_options options)
{
    std::string current_url = url;
    http_target hop = parse_http_target(current_url);
    const std::string file_name = target.filename().string();

    for (int redirects = 0;; ++redirects) {
        auto request = make_get_request();
        open_response response = co_await send_request(context, hop, request);
        const unsigned status = response.status();

        switch (classify_download_status(status)) {
        case download_action::stream:
            break;
        case download_action::redirect: {
            if (redirects >= max_redirects)
                throw error(errc::too_many_redirects,
                            "more than " + std::to_string(max_redirects) + " redirects for " +
                                redact_url(url),
                            static_cast<int>(status));
            std::string next_url;
            hop = next_hop(hop, current_url, *response.parser, next_url);
            current_url = std::move(next_url);
            response.conn.reset();  // the redirect body is not read, so the connection is closed
            continue;
        }
        case download_action::refused: {
            const std::string body = co_await read_string_body(context, response, max_error_body);
            const errc code = classify_refusal(body);
            throw error(code,
                        code == errc::link_expired
                            ? "download link for " + file_name + " has expired (HTTP 403); list the export again"
                            : "object storage refused the link for " + file_name + " (HTTP 403)",
                        403);
        }
        case download_action::retry_later:
            throw error(errc::server_busy, "object storage answered HTTP " + std::to_string(status) +
                                               " for " + file_name, static_cast<int>(status));
        case download_action::fail:
            throw error(errc::http_error, "object storage answered HTTP " + std::to_string(status) +
                                              " for " + file_name + "; expected 200",
                        static_cast<int>(status));
        }

        const auto expected_md5 = parse_md5_header(header_value(*response.parser, "x-amz-meta-md5-hash"));
        const auto content_length = response.parser->content_length();
        const std::uint64_t total = content_length.value_or(0);

        part_file part(target);
        md5_hasher md5;
        bool ended_by_close = false;
        try {
            co_await stream_body(context, response, part, md5, options, total, ended_by_close);
        } catch (const error& e) {
            // The .part file stays: its bytes are exactly what arrived.
            throw error(e.code(), file_name + ": " + e.what(), e.http_status());
        }

        if (content_length && part.size() != *content_length)
            throw error(errc::truncated, file_name + ": received " + std::to_string(part.size()) +
                                             " bytes, Content-Length is " +
                                             std::to_string(*content_length));
        if (ended_by_close && !expected_md5)
            throw error(errc::truncated,
                        file_name + ": the body had no length and ended with the connection, and "
                                    "no MD5 header was sent to prove it complete");

        const std::string actual = md5.finish();
        verification state{};
        try {
            state = check_md5(expected_md5, actual, options.require_md5, file_name);
        } catch (...) {
            part.discard();
            throw;
        }
        part.commit();
        co_return file_result{std::move(target), part.size(), actual, state};
    }
}

}  // namespace gioexport::detail
