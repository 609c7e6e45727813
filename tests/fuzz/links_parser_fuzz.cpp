// libFuzzer target: the insights response parser on arbitrary bytes.
// Whatever it accepts must satisfy what the download code relies on.
#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <cctype>
#include <cstdint>
#include <string>
#include <cstdlib>
#include <string_view>

namespace {

// True when the URL's scheme is http or https, in any letter case.
bool has_http_scheme(const std::string& url)
{
    const auto colon = url.find("://");
    if (colon != 4 && colon != 5)
        return false;
    std::string scheme = url.substr(0, colon);
    for (char& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme == "http" || scheme == "https";
}

void check_accepted(const gioexport::links_response& response)
{
    for (const auto& type : response.links) {
        if (!gioexport::data_type::is_valid_name(type.type.name()))
            std::abort();
        for (const auto& url : type.urls)
            if (!has_http_scheme(url))
                std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    gioexport::response_limits limits;
    limits.max_links = 1000;
    try {
        check_accepted(gioexport::parse_links_response(body, gioexport::links_shape::all_types, std::nullopt, limits));
    } catch (const gioexport::error&) {
    }
    try {
        check_accepted(gioexport::parse_links_response(body, gioexport::links_shape::one_type,
                                                       gioexport::data_type::parse("visit"), limits));
    } catch (const gioexport::error&) {
    }
    try {
        gioexport::parse_token_response(body, 200);
    } catch (const gioexport::error&) {
    }
    return 0;
}
