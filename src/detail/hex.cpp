#include "detail/hex.hpp"

namespace gioexport::detail {

std::string to_hex(const unsigned char* data, std::size_t size)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(size * 2, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return out;
}

namespace {

char lower(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool hex_equal_ignore_case(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

bool is_hex(std::string_view text, std::size_t length) noexcept
{
    if (text.size() != length)
        return false;
    for (char c : text) {
        const char l = lower(c);
        if (!((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f')))
            return false;
    }
    return true;
}

}  // namespace gioexport::detail
