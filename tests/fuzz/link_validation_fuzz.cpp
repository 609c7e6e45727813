// libFuzzer target: validation of links and redirect locations. An accepted
// link must give a request that cannot smuggle bytes into the HTTP header,
// and redaction must never keep a query string.
#include "http/url.hpp"

#include <gioexport/error.hpp>
#include <gioexport/links.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

bool has_header_breaking_byte(const std::string& text)
{
    for (unsigned char c : text)
        if (c == '\r' || c == '\n' || c == '\0' || c == ' ')
            return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);

    const std::string redacted = gioexport::redact_url(input);
    const auto question = redacted.find('?');
    if (question != std::string::npos && redacted.substr(question) != "?...")
        std::abort();

    try {
        const auto target = gioexport::detail::parse_http_target(input);
        if (target.host.empty() || target.port == 0 || target.target.empty() || target.target[0] != '/')
            std::abort();
        if (has_header_breaking_byte(target.host_header) || has_header_breaking_byte(target.target))
            std::abort();
    } catch (const gioexport::error&) {
    }

    try {
        const auto resolved = gioexport::detail::resolve_reference("https://a.invalid/x/y?s=1", input);
        (void)resolved;
    } catch (const gioexport::error&) {
    }
    return 0;
}
