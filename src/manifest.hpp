// The manifest.json written next to an export's files.
#pragma once

#include <gioexport/export.hpp>

#include <string>

namespace gioexport::detail {

// Serialises the result: the listing's metadata, then one entry per file with
// its data type, position, relative path, bytes, MD5 and verification, or
// its error code and message.
std::string manifest_json(const export_result& result, const std::string& ai);

}  // namespace gioexport::detail
