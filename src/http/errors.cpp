#include "http/errors.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <utility>

namespace gioexport::detail {

namespace {

// Returns the gioexport error code and message for a transport failure.
std::pair<errc, std::string> describe_transport_error(const boost::system::error_code& ec,
                                                      const std::string& context)
{
    namespace asio = boost::asio;
    namespace beast = boost::beast;

    const std::string detail = context + ": " + ec.message();
    if (ec == beast::error::timeout)
        return {errc::timeout, "timed out " + context};
    if (ec == asio::error::operation_aborted)
        return {errc::cancelled, "cancelled while " + context};
    if (ec == asio::ssl::error::stream_truncated || ec == beast::http::error::partial_message ||
        ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
        return {errc::truncated, "connection closed early while " + detail};
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == asio::ssl::error::get_stream_category())
        return {errc::tls_failed,
                "TLS failure while " + detail + "; check the CA file, the host name and the server certificate"};
    if (ec.category() == beast::http::make_error_code(beast::http::error::bad_version).category())
        return {errc::invalid_response, "malformed HTTP message while " + detail};
    return {errc::connect_failed, "network failure while " + detail};
}

}  // namespace

void throw_transport_error(const boost::system::error_code& ec, const std::string& context, std::string_view hint)
{
    auto [code, message] = describe_transport_error(ec, context);
    if (!hint.empty())
        message += "; " + std::string(hint);
    throw error(code, message);
}

void set_deadline(boost::beast::tcp_stream& stream, std::chrono::milliseconds timeout)
{
    if (timeout.count() > 0)
        stream.expires_after(timeout);
    else
        stream.expires_never();
}

}  // namespace gioexport::detail
