// Status codes, error objects and the conversion of C++ exceptions.
#include "internal.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <filesystem>
#include <new>

namespace gioexport::capi {
namespace {

// The C values must stay equal to the C++ ones: both are part of the ABI.
#define GIOEXPORT_CHECK_CODE(c_value, cxx_value) \
    static_assert(static_cast<int>(c_value) == static_cast<int>(errc::cxx_value))
GIOEXPORT_CHECK_CODE(GIOEXPORT_OK, ok);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_INVALID_ARGUMENT, invalid_argument);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_INVALID_URL, invalid_url);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_AUTH_FAILED, auth_failed);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_API_ERROR, api_error);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_INVALID_RESPONSE, invalid_response);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_RESPONSE_TOO_LARGE, response_too_large);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_EXPORT_NOT_EXISTS, export_not_exists);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_EXPORT_FAILED, export_failed);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_EXPORT_NOT_READY, export_not_ready);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_EXPORT_PAST_RETENTION, export_past_retention);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_EXPORT_NOT_ENABLED, export_not_enabled);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_RATE_LIMITED, rate_limited);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_UNKNOWN_STATUS, unknown_status);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_CONNECT_FAILED, connect_failed);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_TLS_FAILED, tls_failed);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_TIMEOUT, timeout);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_TRUNCATED, truncated);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_HTTP_ERROR, http_error);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_LINK_EXPIRED, link_expired);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_ACCESS_DENIED, access_denied);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_TOO_MANY_REDIRECTS, too_many_redirects);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_SERVER_BUSY, server_busy);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_PROXY_AUTH_REQUIRED, proxy_auth_required);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_CHECKSUM_MISMATCH, checksum_mismatch);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_MD5_MISSING, md5_missing);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_DISK_FULL, disk_full);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_IO_ERROR, io_error);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_CANCELLED, cancelled);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_INTERNAL, internal);
GIOEXPORT_CHECK_CODE(GIOEXPORT_E_WOULD_DEADLOCK, would_deadlock);
#undef GIOEXPORT_CHECK_CODE

// Handed out when not even an error object can be allocated. The message
// fits the small-string buffer, so building it allocates nothing.
gioexport_error out_of_memory{GIOEXPORT_E_INTERNAL, "out of memory", 0, {}, false};

bool is_out_of_memory_error(const gioexport_error* error) noexcept
{
    return error == &out_of_memory;
}

gioexport_status to_status(errc code) noexcept
{
    return static_cast<gioexport_status>(static_cast<int>(code));
}

}  // namespace

failure current_failure() noexcept
{
    try {
        try {
            throw;
        } catch (const error& e) {
            return {to_status(e.code()), e.what(), e.http_status(), e.server_message()};
        } catch (const boost::system::system_error& e) {
            // Asio throws operation_aborted from a co_await in a coroutine
            // whose cancellation slot has been emitted.
            if (e.code() == asio::error::operation_aborted)
                return {GIOEXPORT_E_CANCELLED, "the operation was cancelled", 0, {}};
            return {GIOEXPORT_E_INTERNAL, std::string("internal error: ") + e.what(), 0, {}};
        } catch (const std::filesystem::filesystem_error& e) {
            return {GIOEXPORT_E_IO_ERROR, e.what(), 0, {}};
        } catch (const std::bad_alloc&) {
            return {GIOEXPORT_E_INTERNAL, "out of memory", 0, {}};
        } catch (const std::exception& e) {
            return {GIOEXPORT_E_INTERNAL, std::string("internal error: ") + e.what(), 0, {}};
        } catch (...) {
            return {GIOEXPORT_E_INTERNAL, "internal error: an exception of unknown type", 0, {}};
        }
    } catch (...) {
        // Building the message itself failed, which means no memory was left.
        return {GIOEXPORT_E_INTERNAL, {}, 0, {}};
    }
}

gioexport_error* make_error(const failure& what) noexcept
{
    try {
        const bool retryable = is_retryable(static_cast<errc>(what.code));
        return new gioexport_error{what.code, what.message, what.http_status, what.server_message,
                                   retryable};
    } catch (...) {
        return &out_of_memory;
    }
}

gioexport_status report(gioexport_error** out_error, failure&& what) noexcept
{
    if (out_error == nullptr)
        return what.code;
    *out_error = make_error(what);
    return (*out_error)->code;
}

[[noreturn]] void throw_invalid(const std::string& message)
{
    throw error(errc::invalid_argument, message);
}

void require(const void* value, const char* parameter)
{
    if (value == nullptr)
        throw_invalid(std::string("missing ") + parameter + ": it must not be NULL");
}

}  // namespace gioexport::capi

using namespace gioexport::capi;

extern "C" {

const char* gioexport_status_name(int status)
{
    return gioexport::errc_name(static_cast<gioexport::errc>(status));
}

gioexport_status gioexport_error_code(const gioexport_error* error)
{
    return error != nullptr ? error->code : GIOEXPORT_E_INVALID_ARGUMENT;
}

const char* gioexport_error_message(const gioexport_error* error)
{
    return error != nullptr ? error->message.c_str() : "";
}

int gioexport_error_http_status(const gioexport_error* error)
{
    return error != nullptr ? error->http_status : 0;
}

const char* gioexport_error_server_message(const gioexport_error* error)
{
    return error != nullptr ? error->server_message.c_str() : "";
}

int gioexport_error_is_retryable(const gioexport_error* error)
{
    return error != nullptr && error->retryable ? 1 : 0;
}

void gioexport_error_free(gioexport_error* error)
{
    if (is_out_of_memory_error(error))
        return;
    delete error;
}

void gioexport_string_free(char* text)
{
    delete[] text;
}

}  // extern "C"
