#include "manifest.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace gioexport::detail {

std::string manifest_json(const export_result& result, const std::string& ai,
                          const boost::json::array& earlier_entries)
{
    namespace json = boost::json;
    json::array files;
    for (const file_outcome& file : result.files) {
        json::object entry;
        entry["dataType"] = file.type.name();
        entry["position"] = file.position;
        entry["path"] = file.relative_path.generic_string();
        if (file.result) {
            entry["bytes"] = file.result->bytes;
            entry["md5"] = file.result->md5;
            entry["verification"] = std::string(to_string(file.result->state));
        } else {
            entry["error"] = errc_name(file.error);
            entry["message"] = file.error_message;
        }
        files.push_back(std::move(entry));
    }
    bool complete = result.all_ok();
    for (const json::value& entry : earlier_entries) {
        complete = complete && !entry.as_object().contains("error");
        files.push_back(entry);
    }

    const links_response& listing = result.listing;
    json::object root;
    root["ai"] = ai;
    root["exportType"] = listing.export_type;
    root["exportDate"] = listing.export_date;
    root["exportVersion"] = listing.export_version;
    root["requestTime"] = listing.request_time;
    root["status"] = listing.status_text;
    root["complete"] = complete;
    root["files"] = std::move(files);
    return json::serialize(root) + "\n";
}

namespace {

// Returns whether `entry` names a verified file that still has its recorded
// size, or a failed file. Sets `reason` otherwise.
bool entry_still_valid(const boost::json::object& entry, const std::filesystem::path& export_dir,
                       std::string& reason)
{
    if (entry.contains("error"))
        return true;
    const auto* path = entry.if_contains("path");
    const auto* bytes = entry.if_contains("bytes");
    if (path == nullptr || !path->is_string() || bytes == nullptr || !bytes->is_number()) {
        reason = "an entry has no path or no size";
        return false;
    }
    const std::filesystem::path relative(std::string(path->as_string()));
    // The path comes from a file on disk, so it must stay inside the folder.
    if (relative.is_absolute() || relative.empty() ||
        std::any_of(relative.begin(), relative.end(), [](const auto& part) { return part == ".."; })) {
        reason = "the entry path \"" + relative.generic_string() + "\" leaves the export folder";
        return false;
    }
    std::error_code ec;
    const auto size = std::filesystem::file_size(export_dir / relative, ec);
    std::uint64_t expected = 0;
    try {
        expected = bytes->to_number<std::uint64_t>();
    } catch (const std::exception&) {
        reason = "the size of " + relative.generic_string() + " is not a byte count";
        return false;
    }
    if (ec || size != expected) {
        reason = relative.generic_string() + " is missing or no longer has its " + std::to_string(expected) +
                 " bytes";
        return false;
    }
    return true;
}

}  // namespace

boost::json::array entries_of_other_types(const std::filesystem::path& path,
                                          const std::filesystem::path& export_dir,
                                          const std::string& export_version, const std::vector<data_type>& types,
                                          std::vector<std::string>& warnings)
{
    namespace json = boost::json;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::ostringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const json::value earlier = json::parse(text.str(), ec);
    const json::object* root = ec ? nullptr : earlier.if_object();
    const json::value* files = root != nullptr ? root->if_contains("files") : nullptr;
    if (files == nullptr || !files->is_array()) {
        warnings.push_back("the earlier manifest.json is invalid, so it is replaced without its entries");
        return {};
    }
    const json::value* version = root->if_contains("exportVersion");
    if (version == nullptr || !version->is_string() || version->as_string() != export_version) {
        warnings.push_back("the earlier manifest.json lists another export version than \"" + export_version +
                           "\"; its files of other data types are no longer listed");
        return {};
    }

    json::array entries;
    for (const json::value& value : files->as_array()) {
        const json::object* entry = value.if_object();
        const json::value* type = entry != nullptr ? entry->if_contains("dataType") : nullptr;
        if (type == nullptr || !type->is_string())
            continue;
        const std::string_view name = type->as_string();
        if (std::any_of(types.begin(), types.end(), [&](const data_type& t) { return t.name() == name; }))
            continue;
        std::string reason;
        if (entry_still_valid(*entry, export_dir, reason))
            entries.push_back(value);
        else
            warnings.push_back("manifest.json no longer lists a " + std::string(name) + " file: " + reason);
    }
    return entries;
}

}  // namespace gioexport::detail
