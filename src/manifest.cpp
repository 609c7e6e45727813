#include "manifest.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace gioexport::detail {

std::string manifest_json(const export_result& result, const std::string& ai)
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

    const links_response& listing = result.listing;
    json::object root;
    root["ai"] = ai;
    root["exportType"] = listing.export_type;
    root["exportDate"] = listing.export_date;
    root["exportVersion"] = listing.export_version;
    root["requestTime"] = listing.request_time;
    root["status"] = listing.status_text;
    root["complete"] = result.all_ok();
    root["files"] = std::move(files);
    return json::serialize(root) + "\n";
}

}  // namespace gioexport::detail
