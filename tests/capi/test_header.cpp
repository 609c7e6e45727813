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
    check(std::strcmp(gioexport_status_name(-1), "unknown") == 0, "a negative code is \"unknown\"");

    if (failures > 0)
        return 1;
    std::puts("capi_header_cxx: all checks passed");
    return 0;
}
