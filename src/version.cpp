#include <gioexport/version.hpp>

namespace gioexport {

const char* version() noexcept
{
    return GIOEXPORT_VERSION_STRING;
}

}  // namespace gioexport
