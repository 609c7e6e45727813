// The manifest.json written next to an export's files.
#pragma once

#include <gioexport/export.hpp>
#include <gioexport/types.hpp>

#include <boost/json/array.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gioexport::detail {

// Serialises the result: the listing's metadata, then one entry per file with
// its data type, position, relative path, bytes, MD5 and verification, or
// its error code and message. The `earlier_entries` follow the result's
// entries, and the `complete` flag covers them too.
std::string manifest_json(const export_result& result, const std::string& ai,
                          const boost::json::array& earlier_entries = {});

// Returns the entries of the manifest at `path`, written by an earlier run,
// whose data type is not in `types`, so that a run for some data types
// keeps the other types' files listed. An entry of a verified file stays
// only while the file in `export_dir` still has its recorded size. The
// result is empty when the earlier manifest is missing, cannot be parsed or
// lists another export version than `export_version`. Each entry or
// manifest left out adds a line to `warnings`.
boost::json::array entries_of_other_types(const std::filesystem::path& path,
                                          const std::filesystem::path& export_dir,
                                          const std::string& export_version, const std::vector<data_type>& types,
                                          std::vector<std::string>& warnings);

}  // namespace gioexport::detail
