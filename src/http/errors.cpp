#include "http/errors.hpp"

#include <gioexport/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace gioexport::detail {

void throw_transport_error(const boost::system::error_code& ec, const std::string& context, std::string_view hint)
{
    namespace asio = boost::asio;
    namespace beast = boost::beast;

    const std::string detail = context + ": " + ec.message();
    const std::string suffix = hint.empty() ? std::string() : "; " + std::string(hint);
    if (ec == beast::error::timeout)
        throw error(errc::timeout, "timed out " + context + suffix);
    if (ec == asio::error::operation_aborted)
        throw error(errc::cancelled, "cancelled while " + context + suffix);
    if (ec == asio::ssl::error::stream_truncated || ec == beast::http::error::partial_message ||
        ec == beast::http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
        throw error(errc::truncated, "connection closed early while " + detail + suffix);
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == asio::ssl::error::get_stream_category())
        throw error(errc::tls_failed, "TLS failure while " + detail +
                                          "; check the CA file, the host name and the server certificate" + suffix);
    if (ec.category() == beast::http::make_error_code(beast::http::error::bad_version).category())
        throw error(errc::invalid_response, "malformed HTTP message while " + detail + suffix);
    throw error(errc::connect_failed, "network failure while " + detail + suffix);
}

void set_deadline(boost::beast::tcp_stream& stream, std::chrono::milliseconds timeout)
{
    if (timeout.count() > 0)
        stream.expires_after(timeout);
    else
        stream.expires_never();
}

}  // namespace gioexport::detail
