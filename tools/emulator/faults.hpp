// Fault rules added through the control API and taken by matching requests.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace emulator {

enum class FaultKind {
    status,
    reset_after_bytes,
    stall,
    slow,
    wrong_md5,
    no_md5,
    upper_md5,
    truncated_gzip,
    close_without_length,
    expire_early,
    ignore_range,
    redirect,
    redirect_chain,
    oversized_json,
    malformed_json,
    bad_data_type,
    extra_data_type,
    chunked_trailer,
    keepalive_close_after_idle_ms,
    export_status,
    link_count_change,
    accept_delay,
};

// `connection` rules act on an accepted connection before any request is
// read, so they cannot tell token, api and objects traffic apart.
enum class FaultTarget { token, api, objects, connection };

std::string_view fault_kind_name(FaultKind kind);
std::string_view fault_target_name(FaultTarget target);

struct FaultRule {
    std::uint64_t id = 0;
    FaultKind kind = FaultKind::status;
    FaultTarget target = FaultTarget::objects;
    std::optional<std::string> match_data_type;
    std::optional<std::int64_t> match_position;
    std::int64_t remaining = 1; // -1: applies to every matching request
    std::int64_t applied = 0;

    // Parameters; each kind reads the ones it documents.
    unsigned status = 0;
    std::optional<std::string> retry_after;
    std::optional<std::string> body;
    std::optional<std::string> content_type;
    std::uint64_t bytes = 0;
    std::uint64_t after_bytes = 0;
    std::int64_t duration_ms = 0;
    std::string location;
    std::int64_t hops = 0;
    std::string name;
    std::string export_status;
    std::string close_with; // reset_after_bytes: "rst" or "fin"
    std::string error_message;
    std::string data_type;          // link_count_change: the type whose list changes
    std::int64_t links = 0;         // link_count_change: links in a changed list
    std::int64_t after_listings = 0; // link_count_change: listings served unchanged first
};

// What a request offers for matching: its target and, for objects, the data
// type and position under which the object was listed.
struct FaultMatch {
    FaultTarget target = FaultTarget::objects;
    std::optional<std::string> data_type;
    std::optional<std::int64_t> position;
};

class FaultTable {
public:
    // Adds the rules of `{"faults":[...]}`. On an invalid rule nothing is
    // added and the error names the rule index and the problem.
    std::optional<std::string> add(const boost::json::value& document, std::vector<std::uint64_t>& added_ids);

    // Takes the earliest rule of one of `kinds` that matches, and that
    // `applies` accepts when given, counting one use and dropping the rule
    // when its count is used up.
    std::optional<FaultRule> take(std::initializer_list<FaultKind> kinds, const FaultMatch& match,
                                  const std::function<bool(const FaultRule&)>& applies = {});

    void clear();
    boost::json::array describe() const;

private:
    std::vector<FaultRule> rules_;
    std::uint64_t next_id_ = 1;
};

} // namespace emulator
