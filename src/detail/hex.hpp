// Hex encoding and comparison helpers shared by the signing and download code.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gioexport::detail {

// Lower-case hex of `size` bytes.
std::string to_hex(const unsigned char* data, std::size_t size);

// Compares two hex strings ignoring case; false when lengths differ.
bool hex_equal_ignore_case(std::string_view a, std::string_view b) noexcept;

// True when text is exactly `length` hex digits of either case.
bool is_hex(std::string_view text, std::size_t length) noexcept;

}  // namespace gioexport::detail
