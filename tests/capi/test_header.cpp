// gioexport.h compiles as C++ with its extern "C" guards, and the version
// and status names it declares agree with the library.
#include "gioexport.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const char* what)
{
    if (!ok) {
        ++failures;
        std::fprintf(stderr, "check failed: %s\n", what);
    }
}

}  // namespace

int main()
{
    const std::string header_version = std::to_string(GIOEXPORT_C_VERSION_MAJOR) + "." +
                                       std::to_string(GIOEXPORT_C_VERSION_MINOR) + "." +
                                       std::to_string(GIOEXPORT_C_VERSION_PATCH);
    check(header_version == gioexport_version(), "gioexport_version() equals the header's version");
    check(gioexport_version_number() == GIOEXPORT_C_VERSION_NUMBER,
          "gioexport_version_number() equals GIOEXPORT_C_VERSION_NUMBER");
    check(GIOEXPORT_C_VERSION_ENCODE(1, 2, 3) == 1002003, "GIOEXPORT_C_VERSION_ENCODE(1, 2, 3)");

    struct named {
        gioexport_status code;
        const char* name;
    };
    const named names[] = {
        {GIOEXPORT_OK, "ok"},
        {GIOEXPORT_E_INVALID_ARGUMENT, "invalid_argument"},
        {GIOEXPORT_E_EXPORT_NOT_READY, "export_not_ready"},
        {GIOEXPORT_E_CHECKSUM_MISMATCH, "checksum_mismatch"},
        {GIOEXPORT_E_CANCELLED, "cancelled"},
        {GIOEXPORT_E_INTERNAL, "internal"},
        {GIOEXPORT_E_WOULD_DEADLOCK, "would_deadlock"},
    };
    for (const named& entry : names)
        check(std::strcmp(gioexport_status_name(entry.code), entry.name) == 0, entry.name);
    check(std::strcmp(gioexport_status_name(12345), "unknown") == 0, "an unknown code is \"unknown\"");

    // Every code the library names must have a constant in the header, so a
    // code added to gioexport::errc without one fails here.
    const gioexport_status declared[] = {
        GIOEXPORT_OK, GIOEXPORT_E_INVALID_ARGUMENT, GIOEXPORT_E_INVALID_URL, GIOEXPORT_E_AUTH_FAILED,
        GIOEXPORT_E_API_ERROR, GIOEXPORT_E_INVALID_RESPONSE, GIOEXPORT_E_RESPONSE_TOO_LARGE,
        GIOEXPORT_E_EXPORT_NOT_EXISTS, GIOEXPORT_E_EXPORT_FAILED, GIOEXPORT_E_EXPORT_NOT_READY,
        GIOEXPORT_E_EXPORT_PAST_RETENTION, GIOEXPORT_E_EXPORT_NOT_ENABLED, GIOEXPORT_E_RATE_LIMITED,
        GIOEXPORT_E_UNKNOWN_STATUS, GIOEXPORT_E_CONNECT_FAILED, GIOEXPORT_E_TLS_FAILED,
        GIOEXPORT_E_TIMEOUT, GIOEXPORT_E_TRUNCATED, GIOEXPORT_E_HTTP_ERROR, GIOEXPORT_E_LINK_EXPIRED,
        GIOEXPORT_E_ACCESS_DENIED, GIOEXPORT_E_TOO_MANY_REDIRECTS, GIOEXPORT_E_SERVER_BUSY,
        GIOEXPORT_E_PROXY_AUTH_REQUIRED, GIOEXPORT_E_CHECKSUM_MISMATCH, GIOEXPORT_E_MD5_MISSING,
        GIOEXPORT_E_DISK_FULL, GIOEXPORT_E_IO_ERROR, GIOEXPORT_E_CANCELLED, GIOEXPORT_E_INTERNAL,
        GIOEXPORT_E_WOULD_DEADLOCK,
    };
    for (int value = -16; value <= 1024; ++value) {
        const bool named = std::strcmp(gioexport_status_name(value), "unknown") != 0;
        bool in_header = false;
        for (gioexport_status code : declared)
            in_header = in_header || code == value;
        if (named != in_header) {
            ++failures;
            std::fprintf(stderr, "check failed: code %d (%s) is %s gioexport.h\n", value,
                         gioexport_status_name(value), in_header ? "in" : "missing from");
        }
    }
    check(std::strcmp(gioexport_status_name(-1), "unknown") == 0, "a negative code is \"unknown\"");

    if (failures > 0)
        return 1;
    std::puts("capi_header_cxx: all checks passed");
    return 0;
}
