#include "manifest.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <gioexport/error.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace gioexport::detail {

std::string manifest_json(const export_result& result, const std::string& ai, const earlier_manifest& earlier)
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
    for (const json::value& entry : earlier.entries)
        files.push_back(entry);

    const links_response& listing = result.listing;
    json::object root;
    root["ai"] = ai;
    root["exportType"] = listing.export_type;
    root["exportDate"] = listing.export_date;
    root["exportVersion"] = listing.export_version;
    root["requestTime"] = listing.request_time;
    root["status"] = listing.status_text;
    root["complete"] = result.all_ok() && earlier.complete;
    root["files"] = std::move(files);
    return json::serialize(root) + "\n";
}

namespace {

constexpr std::uintmax_t max_manifest_bytes = 64 * 1024 * 1024;
// Entries left out beyond this many are counted in one warning.
constexpr std::size_t max_named_drops = 10;

// Returns the value of a JSON integer that is not negative.
std::optional<std::uint64_t> count_of(const boost::json::value* value)
{
    if (value != nullptr && value->is_uint64())
        return value->get_uint64();
    if (value != nullptr && value->is_int64() && value->get_int64() >= 0)
        return static_cast<std::uint64_t>(value->get_int64());
    return std::nullopt;
}

// Checks one entry of an earlier manifest. Returns its data type name, or
// an empty string after setting `reason`. `label` names the entry for the
// warning, by its path once that is known to be valid.
std::string check_entry(const boost::json::value& value, const std::filesystem::path& export_dir,
                        std::string& label, std::string& reason)
{
    const boost::json::object* entry = value.if_object();
    if (entry == nullptr) {
        reason = "it is not a JSON object";
        return {};
    }
    const boost::json::value* type = entry->if_contains("dataType");
    const auto position = count_of(entry->if_contains("position"));
    const boost::json::value* path = entry->if_contains("path");
    if (type == nullptr || !type->is_string() || !position || path == nullptr || !path->is_string()) {
        reason = "it lacks a dataType, position or path";
        return {};
    }
    std::string name;
    try {
        name = data_type::parse(type->as_string()).name();
    } catch (const error&) {
        reason = "its dataType is not a valid data type name";
        return {};
    }
    // Only the path gioexport gives the file is trusted, so the check below
    // never reads outside the export folder.
    const std::string expected = name + "/" + part_file_name(static_cast<std::size_t>(*position));
    if (path->as_string() != expected) {
        reason = "its path is not " + expected;
        return {};
    }
    label = expected;
    if (entry->contains("error"))
        return name;
    const auto bytes = count_of(entry->if_contains("bytes"));
    if (!bytes) {
        reason = "its bytes field is not a byte count";
        return {};
    }
    // A symbolic link is not followed, because its target may lie outside.
    const auto file = export_dir / expected;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, ec)) ||
        std::filesystem::file_size(file, ec) != *bytes || ec) {
        reason = "the file is missing, is not a regular file or no longer has its " + std::to_string(*bytes) +
                 " bytes";
        return {};
    }
    return name;
}

// Returns the text of the manifest at `path`. Returns nothing when there is
// none, or when it cannot be used, and then sets `reason`.
std::optional<std::string> read_manifest_text(const std::filesystem::path& path, std::string& reason)
{
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found)
        return std::nullopt;
    if (ec || !std::filesystem::is_regular_file(status)) {
        reason = "is not a regular file";
        return std::nullopt;
    }
    if (std::filesystem::file_size(path, ec) > max_manifest_bytes || ec) {
        reason = "is larger than 64 MiB";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        reason = "cannot be read";
        return std::nullopt;
    }
    return text.str();
}

}  // namespace

earlier_manifest entries_of_other_types(const std::filesystem::path& path,
                                        const std::filesystem::path& export_dir,
                                        const std::string& export_version, const std::vector<data_type>& types,
                                        std::vector<std::string>& warnings)
{
    namespace json = boost::json;
    const std::string replaced = ", so it is replaced without the entries of other data types";
    std::string reason;
    const auto text = read_manifest_text(path, reason);
    if (!text) {
        if (reason.empty())
            return {};  // no earlier manifest
        warnings.push_back("the earlier manifest.json " + reason + replaced);
        return {{}, false};
    }
    boost::system::error_code ec;
    const json::value earlier = json::parse(*text, ec);
    const json::object* root = ec ? nullptr : earlier.if_object();
    const json::value* files = root != nullptr ? root->if_contains("files") : nullptr;
    if (files == nullptr || !files->is_array()) {
        warnings.push_back("the earlier manifest.json is invalid" + replaced);
        return {{}, false};
    }
    const json::value* version = root->if_contains("exportVersion");
    if (version == nullptr || !version->is_string() || version->as_string() != export_version) {
        warnings.push_back("the earlier manifest.json lists another export version than \"" + export_version +
                           "\"" + replaced);
        return {{}, false};
    }

    earlier_manifest result;
    std::set<std::string> seen;
    std::size_t dropped = 0;
    const auto& entries = files->as_array();
    for (std::size_t index = 0; index < entries.size(); ++index) {
        // Entries of the types this run lists again are replaced, valid or not.
        const json::object* object = entries[index].if_object();
        const json::value* type = object != nullptr ? object->if_contains("dataType") : nullptr;
        if (type != nullptr && type->is_string() &&
            std::any_of(types.begin(), types.end(), [&](const data_type& t) { return t.name() == type->as_string(); }))
            continue;

        std::string label = "entry " + std::to_string(index);
        reason.clear();
        const std::string name = check_entry(entries[index], export_dir, label, reason);
        if (!name.empty() && !seen.insert(label).second)
            reason = "it repeats an earlier entry";
        if (!reason.empty()) {
            if (++dropped <= max_named_drops)
                warnings.push_back("manifest.json no longer lists " + label + ": " + reason);
            result.complete = false;
            continue;
        }
        result.complete = result.complete && !object->contains("error");
        result.entries.push_back(entries[index]);
    }
    if (dropped > max_named_drops)
        warnings.push_back("manifest.json no longer lists " + std::to_string(dropped - max_named_drops) +
                           " more entries of the earlier manifest");
    return result;
}

}  // namespace gioexport::detail
