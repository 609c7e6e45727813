// Text and JSON documents the tool prints: the listing and download results,
// errors, the summary of a download, failure lines and the help text. Pure
// functions, no I/O.
#pragma once

#include "exit_codes.hpp"
#include "messages.hpp"

#include <gioexport/export.hpp>
#include <gioexport/links.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gioexport::cli {

// The listing as a JSON object: ok, exitCode, status, exportType, dataType,
// exportDate, exportVersion, requestTime, errorMsg, and links as an object
// from data type to URLs in server order. Each URL's query string is replaced
// by redact_url unless `show_links` is set, because a full link is a bearer
// credential.
boost::json::object listing_to_json(const gioexport::links_response& listing, bool show_links,
                                    exit_code code);

// The outcome of a download as a JSON object: ok, exitCode, exportDir,
// manifest, status, files, bytes (of the files that arrived) and seconds.
// Each file has dataType, position, path, bytes, md5, verification, error
// and message, with null where a failed file has no value.
boost::json::object export_result_to_json(const gioexport::export_result& result, exit_code code,
                                          double seconds);

// An error as a JSON object: ok (false), exitCode, error (a gioexport::errc
// name such as "auth_failed"), message, and httpStatus (null when no HTTP
// response caused the error).
boost::json::object error_to_json(exit_code code, std::string_view error_name,
                                  std::string_view message, int http_status);

// Serializes with two-space indentation and a trailing newline, for a person.
std::string serialize_indented(const boost::json::value& value);

// Serializes on one line with a trailing newline, for --json.
std::string serialize_line(const boost::json::value& value);

struct file_counts {
    std::size_t verified = 0;
    std::size_t unverified = 0;
    std::size_t failed = 0;
    std::uint64_t bytes = 0;  // of the files that arrived
};

file_counts count_files(const gioexport::export_result& result);

// Formats bytes as decimal megabytes (10^6 bytes) with one decimal, e.g. "12.3".
std::string format_megabytes(std::uint64_t bytes);

// The summary of a download, one line per fact, ending in a newline.
std::string render_summary(const gioexport::export_result& result, double seconds,
                           language lang);

// One line per failed file (data type, part, error code name, message), each
// ending in a newline.
std::string render_failures(const gioexport::export_result& result, language lang);

// One warning line per file kept without an MD5 check (data type and part),
// at most `limit` of them and then one line that counts the rest, each
// ending in a newline.
std::string render_unverified(const gioexport::export_result& result, language lang, std::size_t limit = 10);

// The full --help text, exit codes included, ending in a newline.
std::string render_help(language lang);

}  // namespace gioexport::cli
