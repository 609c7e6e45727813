// The manifest.json written next to an export's files.
#pragma once

#include <gioexport/export.hpp>
#include <gioexport/types.hpp>

#include <boost/json/array.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace gioexport::detail {

// The entries of an earlier manifest that a run for some data types keeps.
struct earlier_manifest {
    boost::json::array entries;  // of the data types outside the run
    // False when an entry or the whole earlier manifest was left out, or a
    // kept entry is of a file that failed.
    bool complete = true;
};

// Serialises the result: the listing's metadata, then one entry per file with
// its data type, position, relative path, bytes, MD5 and verification, or
// its error code and message. The earlier entries follow the result's, and
// the `complete` flag covers them too.
std::string manifest_json(const export_result& result, const std::string& ai,
                          const earlier_manifest& earlier = {});

// Reads the manifest at `path`, written by an earlier run, and returns its
// entries whose data type is not in `types`, so that a run for some data
// types keeps the other types' files listed. An entry stays only when its
// path is the one gioexport gives its data type and position, and, for a
// verified file, when a regular file in `export_dir` still has its recorded
// size. Nothing stays when the earlier manifest is not a regular file, is
// larger than 64 MiB, cannot be parsed or lists another export version than
// `export_version`. Entries of the types in `types` are left out silently.
// A manifest left out, and each of the first ten other entries left out,
// adds a line to `warnings`, and one more line counts the rest.
earlier_manifest entries_of_other_types(const std::filesystem::path& path,
                                        const std::filesystem::path& export_dir,
                                        const std::string& export_version, const std::vector<data_type>& types,
                                        std::vector<std::string>& warnings);

}  // namespace gioexport::detail
