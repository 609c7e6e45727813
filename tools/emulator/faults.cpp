#include "faults.hpp"

#include "data_types.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <array>

namespace emulator {

namespace json = boost::json;

namespace {

struct KindInfo {
    FaultKind kind;
    std::string_view name;
    bool token;
    bool api;
    bool objects;
    bool connection;
};

constexpr std::array<KindInfo, 22> kind_table{{
    {FaultKind::status, "status", true, true, true, false},
    {FaultKind::reset_after_bytes, "reset_after_bytes", true, true, true, false},
    {FaultKind::stall, "stall", true, true, true, false},
    {FaultKind::slow, "slow", true, true, true, false},
    {FaultKind::wrong_md5, "wrong_md5", false, false, true, false},
    {FaultKind::no_md5, "no_md5", false, false, true, false},
    {FaultKind::upper_md5, "upper_md5", false, false, true, false},
    {FaultKind::truncated_gzip, "truncated_gzip", false, false, true, false},
    {FaultKind::close_without_length, "close_without_length", true, true, true, false},
    {FaultKind::expire_early, "expire_early", false, true, false, false},
    {FaultKind::ignore_range, "ignore_range", false, false, true, false},
    {FaultKind::redirect, "redirect", true, true, true, false},
    {FaultKind::redirect_chain, "redirect_chain", true, true, true, false},
    {FaultKind::oversized_json, "oversized_json", true, true, false, false},
    {FaultKind::malformed_json, "malformed_json", true, true, false, false},
    {FaultKind::bad_data_type, "bad_data_type", false, true, false, false},
    {FaultKind::extra_data_type, "extra_data_type", false, true, false, false},
    {FaultKind::chunked_trailer, "chunked_trailer", true, true, true, false},
    {FaultKind::keepalive_close_after_idle_ms, "keepalive_close_after_idle_ms", true, true, true, false},
    {FaultKind::export_status, "export_status", false, true, false, false},
    {FaultKind::link_count_change, "link_count_change", false, true, false, false},
    {FaultKind::accept_delay, "accept_delay", false, false, false, true},
}};

const KindInfo& info_of(FaultKind kind)
{
    return *std::ranges::find(kind_table, kind, &KindInfo::kind);
}

bool allows(const KindInfo& info, FaultTarget target)
{
    switch (target) {
    case FaultTarget::token: return info.token;
    case FaultTarget::api: return info.api;
    case FaultTarget::objects: return info.objects;
    case FaultTarget::connection: return info.connection;
    }
    return false;
}

// Largest body that oversized_json builds in memory.
constexpr std::uint64_t oversized_json_max_bytes = 512ULL << 20;

// Largest list that link_count_change gives a data type, the same as the
// largest --chunks-per-hour.
constexpr std::int64_t max_changed_links = 1000;

// Reads the rule parameters; returns an error message or nothing.
class RuleReader {
public:
    explicit RuleReader(const json::object& object) : object_(object) {}

    std::optional<std::string> string(std::string_view key, bool required, std::string& out)
    {
        const auto* value = object_.if_contains(key);
        if (value == nullptr) {
            return required ? std::optional<std::string>("missing parameter '" + std::string(key) + "'")
                            : std::nullopt;
        }
        if (!value->is_string()) {
            return "parameter '" + std::string(key) + "' must be a string";
        }
        out = std::string(value->as_string());
        return std::nullopt;
    }

    std::optional<std::string> integer(std::string_view key, bool required, std::int64_t minimum,
                                       std::int64_t maximum, std::int64_t& out)
    {
        const auto* value = object_.if_contains(key);
        if (value == nullptr) {
            return required ? std::optional<std::string>("missing parameter '" + std::string(key) + "'")
                            : std::nullopt;
        }
        const auto number = value->is_int64() ? std::optional<std::int64_t>(value->as_int64())
            : value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)
            ? std::optional<std::int64_t>(static_cast<std::int64_t>(value->as_uint64()))
            : std::nullopt;
        if (!number || *number < minimum || *number > maximum) {
            return "parameter '" + std::string(key) + "' must be an integer from " + std::to_string(minimum)
                + " to " + std::to_string(maximum);
        }
        out = *number;
        return std::nullopt;
    }

private:
    const json::object& object_;
};

std::optional<std::string> read_parameters(const json::object& object, FaultRule& rule)
{
    RuleReader reader(object);
    std::int64_t number = 0;
    std::string text;
    std::optional<std::string> error;

    switch (rule.kind) {
    case FaultKind::status:
        number = 503;
        error = reader.integer("status", false, 100, 599, number);
        rule.status = static_cast<unsigned>(number);
        for (const auto& [key, target] : {std::pair{"retry_after", &rule.retry_after}, std::pair{"body", &rule.body},
                                          std::pair{"content_type", &rule.content_type}}) {
            if (error || !object.contains(key)) {
                continue;
            }
            error = reader.string(key, true, text);
            *target = text;
        }
        return error;
    case FaultKind::reset_after_bytes:
        error = reader.integer(object.contains("after_bytes") ? "after_bytes" : "bytes", true, 0, INT64_MAX, number);
        rule.bytes = static_cast<std::uint64_t>(number);
        rule.close_with = "rst";
        if (!error) {
            error = reader.string("close", false, rule.close_with);
        }
        if (!error && rule.close_with != "rst" && rule.close_with != "fin") {
            error = "parameter 'close' must be rst or fin";
        }
        return error;
    case FaultKind::stall:
        error = reader.integer("after_bytes", false, 0, INT64_MAX, number);
        rule.after_bytes = static_cast<std::uint64_t>(number);
        if (!error) {
            error = reader.integer("stall_ms", true, 0, 3600000, rule.duration_ms);
        }
        return error;
    case FaultKind::slow:
        error = reader.integer("bytes_per_second", true, 1, INT64_MAX, number);
        rule.bytes = static_cast<std::uint64_t>(number);
        return error;
    case FaultKind::redirect:
    case FaultKind::redirect_chain:
        number = 302;
        error = reader.integer("status", false, 301, 308, number);
        if (!error && (number == 304 || number == 305 || number == 306)) {
            error = "parameter 'status' must be 301, 302, 303, 307 or 308";
        }
        rule.status = static_cast<unsigned>(number);
        if (!error && rule.kind == FaultKind::redirect) {
            error = reader.string("location", false, rule.location);
        }
        if (!error && rule.kind == FaultKind::redirect_chain) {
            error = reader.integer("hops", true, 1, 1000, rule.hops);
        }
        return error;
    case FaultKind::oversized_json:
        number = 16 << 20;
        error = reader.integer("bytes", false, 1, static_cast<std::int64_t>(oversized_json_max_bytes), number);
        rule.bytes = static_cast<std::uint64_t>(number);
        return error;
    case FaultKind::bad_data_type:
    case FaultKind::extra_data_type:
        error = reader.string("name", true, rule.name);
        if (!error && rule.name.empty()) {
            error = "parameter 'name' must not be empty";
        }
        return error;
    case FaultKind::keepalive_close_after_idle_ms:
        rule.duration_ms = 1000;
        return reader.integer("idle_ms", false, 1, 3600000, rule.duration_ms);
    case FaultKind::link_count_change:
        error = reader.string("data_type", true, rule.data_type);
        if (!error && find_data_type(rule.data_type) == nullptr) {
            error = "parameter 'data_type' must name one of the ten data types, e.g. visit";
        }
        if (!error) {
            error = reader.integer("links", true, 0, max_changed_links, rule.links);
        }
        if (!error) {
            rule.after_listings = 1;
            error = reader.integer("after_listings", false, 0, 1000000, rule.after_listings);
        }
        return error;
    case FaultKind::accept_delay:
        return reader.integer("delay_ms", true, 0, 3600000, rule.duration_ms);
    case FaultKind::export_status:
        error = reader.string("status", true, rule.export_status);
        if (!error && rule.export_status != "RUNNING" && rule.export_status != "NOT_EXISTS"
            && rule.export_status != "ERROR" && rule.export_status != "FINISHED") {
            error = "parameter 'status' must be RUNNING, NOT_EXISTS, ERROR or FINISHED";
        }
        if (!error) {
            error = reader.string("error_msg", false, rule.error_message);
        }
        return error;
    case FaultKind::wrong_md5:
    case FaultKind::no_md5:
    case FaultKind::upper_md5:
    case FaultKind::truncated_gzip:
    case FaultKind::close_without_length:
    case FaultKind::expire_early:
    case FaultKind::ignore_range:
    case FaultKind::malformed_json:
    case FaultKind::chunked_trailer:
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<std::string> parse_rule(const json::value& value, FaultRule& rule)
{
    if (!value.is_object()) {
        return std::string("a rule must be a JSON object");
    }
    const auto& object = value.as_object();
    RuleReader reader(object);

    std::string kind_name;
    if (auto error = reader.string("kind", true, kind_name)) {
        return error;
    }
    const auto* info = std::ranges::find(kind_table, kind_name, &KindInfo::name);
    if (info == kind_table.end()) {
        return "unknown kind '" + kind_name + "'";
    }
    rule.kind = info->kind;

    std::string target_name;
    if (auto error = reader.string("target", false, target_name)) {
        return error;
    }
    if (target_name.empty()) {
        // A kind that applies to one target only may leave the target out.
        std::vector<FaultTarget> allowed;
        for (const auto target : {FaultTarget::token, FaultTarget::api, FaultTarget::objects, FaultTarget::connection}) {
            if (allows(*info, target)) {
                allowed.push_back(target);
            }
        }
        if (allowed.size() != 1) {
            return "missing parameter 'target' (token, api, objects or connection) for kind '" + kind_name + "'";
        }
        rule.target = allowed.front();
    } else if (target_name == "token") {
        rule.target = FaultTarget::token;
    } else if (target_name == "api") {
        rule.target = FaultTarget::api;
    } else if (target_name == "objects") {
        rule.target = FaultTarget::objects;
    } else if (target_name == "connection") {
        rule.target = FaultTarget::connection;
    } else {
        return "unknown target '" + target_name + "': expected token, api, objects or connection";
    }
    if (!allows(*info, rule.target)) {
        return "kind '" + kind_name + "' does not apply to target '" + target_name + "'";
    }

    if (const auto* match = object.if_contains("match")) {
        if (rule.target != FaultTarget::objects) {
            return std::string("'match' is only allowed with target objects");
        }
        if (!match->is_object()) {
            return std::string("'match' must be an object");
        }
        RuleReader match_reader(match->as_object());
        std::string data_type;
        std::int64_t position = -1;
        if (auto error = match_reader.string("data_type", false, data_type)) {
            return error;
        }
        if (auto error = match_reader.integer("position", false, 0, INT64_MAX, position)) {
            return error;
        }
        if (!data_type.empty()) {
            rule.match_data_type = data_type;
        }
        if (position >= 0) {
            rule.match_position = position;
        }
    }

    rule.remaining = 1;
    if (auto error = reader.integer("count", false, -1, INT64_MAX, rule.remaining)) {
        return error;
    }
    if (rule.remaining == 0) {
        return std::string("'count' must be -1 (always) or at least 1");
    }
    return read_parameters(object, rule);
}

} // namespace

std::string_view fault_kind_name(FaultKind kind)
{
    return info_of(kind).name;
}

std::string_view fault_target_name(FaultTarget target)
{
    switch (target) {
    case FaultTarget::token: return "token";
    case FaultTarget::api: return "api";
    case FaultTarget::objects: return "objects";
    case FaultTarget::connection: return "connection";
    }
    return "";
}

std::optional<std::string> FaultTable::add(const json::value& document, std::vector<std::uint64_t>& added_ids)
{
    const auto* faults = document.is_object() ? document.as_object().if_contains("faults") : nullptr;
    if (faults == nullptr || !faults->is_array()) {
        return std::string("expected a JSON object {\"faults\": [rules]}");
    }
    std::vector<FaultRule> parsed;
    for (std::size_t i = 0; i < faults->as_array().size(); ++i) {
        FaultRule rule;
        if (auto error = parse_rule(faults->as_array()[i], rule)) {
            return "invalid fault rule " + std::to_string(i) + ": " + *error;
        }
        parsed.push_back(std::move(rule));
    }
    for (auto& rule : parsed) {
        rule.id = next_id_++;
        added_ids.push_back(rule.id);
        rules_.push_back(std::move(rule));
    }
    return std::nullopt;
}

std::optional<FaultRule> FaultTable::take(std::initializer_list<FaultKind> kinds, const FaultMatch& match,
                                          const std::function<bool(const FaultRule&)>& applies)
{
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
        FaultRule& rule = *it;
        if (rule.target != match.target || std::ranges::find(kinds, rule.kind) == kinds.end()) {
            continue;
        }
        if (rule.match_data_type && rule.match_data_type != match.data_type) {
            continue;
        }
        if (rule.match_position && rule.match_position != match.position) {
            continue;
        }
        if (applies && !applies(rule)) {
            continue;
        }
        ++rule.applied;
        FaultRule taken = rule;
        if (rule.remaining > 0 && --rule.remaining == 0) {
            rules_.erase(it);
        }
        return taken;
    }
    return std::nullopt;
}

void FaultTable::clear()
{
    rules_.clear();
}

json::array FaultTable::describe() const
{
    json::array rules;
    for (const auto& rule : rules_) {
        json::object entry;
        entry["id"] = rule.id;
        entry["kind"] = fault_kind_name(rule.kind);
        entry["target"] = fault_target_name(rule.target);
        if (rule.match_data_type || rule.match_position) {
            json::object match;
            if (rule.match_data_type) {
                match["data_type"] = *rule.match_data_type;
            }
            if (rule.match_position) {
                match["position"] = *rule.match_position;
            }
            entry["match"] = std::move(match);
        }
        entry["remaining"] = rule.remaining;
        entry["applied"] = rule.applied;
        rules.push_back(std::move(entry));
    }
    return rules;
}

} // namespace emulator
