#include "output.hpp"

#include <gioexport/download.hpp>
#include <gioexport/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace gioexport::cli {
namespace {

namespace json = boost::json;

// Writes a double in its shortest round-trip form, such as 1.346, where
// Boost.JSON 1.81 would write 1.346E0. A whole number keeps a ".0" so that
// it reads back as a double.
void write_double(std::string& out, double value)
{
    char text[32];
    const auto result = std::to_chars(text, text + sizeof text, value);
    const std::string_view written(text, static_cast<std::size_t>(result.ptr - text));
    out += written;
    if (written.find_first_of(".e") == std::string_view::npos)
        out += ".0";
}

// Writes `value` on one line when `indented` is false, otherwise with two
// spaces per level of `depth`.
void write_value(std::string& out, const json::value& value, bool indented, int depth)
{
    const std::string indent =
        indented ? "\n" + std::string(static_cast<std::size_t>(depth + 1) * 2, ' ') : "";
    const std::string closing_indent =
        indented ? "\n" + std::string(static_cast<std::size_t>(depth) * 2, ' ') : "";
    const char* separator = indented ? ": " : ":";

    if (const json::object* object = value.if_object()) {
        if (object->empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& member : *object) {
            if (!first)
                out += ',';
            first = false;
            out += indent;
            out += json::serialize(json::string(member.key()));
            out += separator;
            write_value(out, member.value(), indented, depth + 1);
        }
        out += closing_indent + "}";
        return;
    }

    if (const json::array* array = value.if_array()) {
        if (array->empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const json::value& element : *array) {
            if (!first)
                out += ',';
            first = false;
            out += indent;
            write_value(out, element, indented, depth + 1);
        }
        out += closing_indent + "]";
        return;
    }

    if (value.is_double()) {
        write_double(out, value.get_double());
        return;
    }
    out += json::serialize(value);
}

double round_to_millis(double seconds)
{
    return std::round(seconds * 1000.0) / 1000.0;
}

}  // namespace

boost::json::object listing_to_json(const gioexport::links_response& listing, bool show_links,
                                    exit_code code)
{
    json::object links;
    for (const gioexport::type_links& type : listing.links) {
        json::array urls;
        urls.reserve(type.urls.size());
        for (const std::string& url : type.urls)
            urls.emplace_back(show_links ? url : gioexport::redact_url(url));
        links[type.type.name()] = std::move(urls);
    }

    json::object out;
    out["ok"] = code == exit_code::success;
    out["exitCode"] = to_int(code);
    out["status"] = listing.status_text;
    out["exportType"] = listing.export_type;
    out["dataType"] = listing.data_type;
    out["exportDate"] = listing.export_date;
    out["exportVersion"] = listing.export_version;
    out["requestTime"] = listing.request_time;
    out["errorMsg"] = listing.error_msg;
    out["links"] = std::move(links);
    return out;
}

boost::json::object export_result_to_json(const gioexport::export_result& result, exit_code code,
                                          double seconds)
{
    json::array files;
    files.reserve(result.files.size());
    for (const gioexport::file_outcome& file : result.files) {
        json::object entry;
        entry["dataType"] = file.type.name();
        entry["position"] = file.position;
        entry["path"] = (result.export_dir / file.relative_path).string();
        if (file.result) {
            entry["bytes"] = file.result->bytes;
            entry["md5"] = file.result->md5;
            entry["verification"] = gioexport::to_string(file.result->state);
        } else {
            entry["bytes"] = 0;
            entry["md5"] = nullptr;
            entry["verification"] = nullptr;
        }
        if (file.error == gioexport::errc::ok) {
            entry["error"] = nullptr;
            entry["message"] = nullptr;
        } else {
            entry["error"] = gioexport::errc_name(file.error);
            entry["message"] = file.error_message;
        }
        files.emplace_back(std::move(entry));
    }

    json::object out;
    out["ok"] = code == exit_code::success;
    out["exitCode"] = to_int(code);
    out["exportDir"] = result.export_dir.string();
    out["manifest"] = result.manifest_path.string();
    out["status"] = result.listing.status_text;
    out["files"] = std::move(files);
    out["bytes"] = count_files(result).bytes;
    out["seconds"] = round_to_millis(seconds);
    return out;
}

boost::json::object error_to_json(exit_code code, std::string_view error_name,
                                  std::string_view message, int http_status)
{
    json::object out;
    out["ok"] = false;
    out["exitCode"] = to_int(code);
    out["error"] = error_name;
    out["message"] = message;
    if (http_status != 0)
        out["httpStatus"] = http_status;
    else
        out["httpStatus"] = nullptr;
    return out;
}

std::string serialize_indented(const boost::json::value& value)
{
    std::string out;
    write_value(out, value, true, 0);
    out += '\n';
    return out;
}

std::string serialize_line(const boost::json::value& value)
{
    std::string out;
    write_value(out, value, false, 0);
    out += '\n';
    return out;
}

file_counts count_files(const gioexport::export_result& result)
{
    file_counts counts;
    for (const gioexport::file_outcome& file : result.files) {
        if (file.error != gioexport::errc::ok || !file.result) {
            ++counts.failed;
            continue;
        }
        counts.bytes += file.result->bytes;
        if (file.result->state == gioexport::verification::verified)
            ++counts.verified;
        else
            ++counts.unverified;
    }
    return counts;
}

std::string format_megabytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", static_cast<double>(bytes) / 1e6);
    return text;
}

std::string render_summary(const gioexport::export_result& result, double seconds,
                           language lang)
{
    const file_counts counts = count_files(result);
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.1f", seconds);

    std::string out;
    out += format_message(lang, message_id::summary_export_dir, {result.export_dir.string()});
    out += '\n';
    out += format_message(lang, message_id::summary_manifest, {result.manifest_path.string()});
    out += '\n';
    out += format_message(lang, message_id::summary_files,
                          {std::to_string(counts.verified), std::to_string(counts.unverified),
                           std::to_string(counts.failed), std::to_string(result.files.size())});
    out += '\n';
    out += format_message(lang, message_id::summary_data,
                          {format_megabytes(counts.bytes), std::to_string(counts.bytes)});
    out += '\n';
    out += format_message(lang, message_id::summary_elapsed, {elapsed});
    out += '\n';
    return out;
}

std::string render_failures(const gioexport::export_result& result, language lang)
{
    std::string out;
    for (const gioexport::file_outcome& file : result.files) {
        if (file.error == gioexport::errc::ok)
            continue;
        out += format_message(lang, message_id::failed_file,
                              {file.type.name(), std::to_string(file.position),
                               gioexport::errc_name(file.error), file.error_message});
        out += '\n';
    }
    return out;
}

std::string render_unverified(const gioexport::export_result& result, language lang, std::size_t limit)
{
    std::string out;
    std::size_t count = 0;
    for (const gioexport::file_outcome& file : result.files) {
        if (file.error != gioexport::errc::ok || !file.result ||
            file.result->state != gioexport::verification::unverified)
            continue;
        if (++count <= limit) {
            out += format_message(lang, message_id::unverified_file, {file.type.name(), std::to_string(file.position)});
            out += '\n';
        }
    }
    if (count > limit) {
        out += format_message(lang, message_id::unverified_more, {std::to_string(count - limit)});
        out += '\n';
    }
    return out;
}

std::string render_help(language lang)
{
    std::string out(message_text(lang, message_id::help_text));
    out += '\n';
    out += message_text(lang, message_id::help_exit_codes_heading);
    out += '\n';
    for (const exit_code_description& row : exit_code_descriptions()) {
        char number[16];
        std::snprintf(number, sizeof number, "  %-5d", to_int(row.code));
        out += number;
        out += message_text(lang, row.description);
        out += '\n';
    }
    return out;
}

}  // namespace gioexport::cli
