// Text names of the small enums in the public headers.
#include <gioexport/download.hpp>
#include <gioexport/options.hpp>

namespace gioexport {

std::string_view to_string(verification v) noexcept
{
    return v == verification::verified ? "verified" : "unverified";
}

std::string_view to_string(log_level level) noexcept
{
    switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warning: return "warning";
    case log_level::error: return "error";
    }
    return "unknown";
}

}  // namespace gioexport
