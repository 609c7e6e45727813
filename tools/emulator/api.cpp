#include "api.hpp"

#include "data_types.hpp"
#include "emulator.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <charconv>

namespace emulator {

namespace json = boost::json;

namespace {

constexpr std::string_view insights_prefix = "/v2/insights/";
constexpr std::int64_t default_expire_minutes = 5;
constexpr std::int64_t max_expire_minutes = 10080;
// Data older than this is gone: GrowingIO keeps raw data for 15 days.
constexpr std::int64_t retention_seconds = 15 * 86400;

json::object failure_body(std::string_view message)
{
    return json::object{{"status", "failed"}, {"errorMsg", message}};
}

// The parts of an insights path: /v2/insights/{type}[/{data_type}]/{ai}/{date}.json
struct InsightsPath {
    std::string export_type;
    std::optional<std::string> data_type;
    std::string ai;
    std::string export_date;
};

std::optional<InsightsPath> parse_insights_path(std::string_view path)
{
    if (!path.starts_with(insights_prefix)) {
        return std::nullopt;
    }
    path.remove_prefix(insights_prefix.size());
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = std::min(path.find('/', start), path.size());
        segments.push_back(percent_decode(path.substr(start, slash - start)));
        start = slash + 1;
    }
    if (segments.size() != 3 && segments.size() != 4) {
        return std::nullopt;
    }
    std::string& file = segments.back();
    if (!file.ends_with(".json") || file.size() == 5) {
        return std::nullopt;
    }
    for (const auto& segment : segments) {
        if (segment.empty()) {
            return std::nullopt;
        }
    }
    InsightsPath parsed;
    parsed.export_type = segments[0];
    if (segments.size() == 4) {
        parsed.data_type = segments[1];
    }
    parsed.ai = segments[segments.size() - 2];
    parsed.export_date = file.substr(0, file.size() - 5);
    return parsed;
}

// The validated request: a period in UTC and the truncated exportDate.
struct ExportQuery {
    ExportPeriod period;
    std::string truncated_date;
    std::int64_t expire_minutes = default_expire_minutes;
};

std::optional<ExportQuery> validate(const InsightsPath& path, const Request& request, std::string& error)
{
    if (path.export_type != "hour" && path.export_type != "day") {
        error = "invalid export_type '" + path.export_type + "': expected hour or day";
        return std::nullopt;
    }
    if (path.data_type && find_data_type(*path.data_type) == nullptr) {
        error = "invalid data_type '" + *path.data_type + "'";
        return std::nullopt;
    }

    const std::string& date = path.export_date;
    const auto digits = [&](std::size_t offset, std::size_t count) {
        int value = 0;
        std::from_chars(date.data() + offset, date.data() + offset + count, value);
        return value;
    };
    const bool twelve_digits = date.size() == 12 && date.find_first_not_of("0123456789") == std::string::npos;
    const CivilTime beijing = twelve_digits
        ? CivilTime{digits(0, 4), digits(4, 2), digits(6, 2), digits(8, 2), digits(10, 2), 0}
        : CivilTime{};
    if (!twelve_digits || !epoch_from_civil(beijing)) {
        error = "invalid export_date '" + date
            + "': expected 12 digits yyyyMMddHHmm naming a real date and time in Beijing time";
        return std::nullopt;
    }

    ExportQuery query;
    const bool day = path.export_type == "day";
    CivilTime start = beijing;
    start.minute = 0;
    if (day) {
        start.hour = 0;
    }
    query.period.start_seconds = *epoch_from_civil(start) - beijing_offset_seconds;
    query.period.length_seconds = day ? 86400 : 3600;
    query.truncated_date = date.substr(0, day ? 8 : 10);

    if (const auto expire = request.query_parameter("expire")) {
        std::int64_t minutes = 0;
        const auto [end, ec] = std::from_chars(expire->data(), expire->data() + expire->size(), minutes);
        if (expire->empty() || ec != std::errc{} || end != expire->data() + expire->size() || minutes < 1
            || minutes > max_expire_minutes) {
            error = "invalid expire '" + *expire + "': expected an integer number of minutes from 1 to "
                + std::to_string(max_expire_minutes);
            return std::nullopt;
        }
        query.expire_minutes = minutes;
    }
    return query;
}

// A listing body in the documented shape with the links left empty.
json::object listing_body(const InsightsPath& path, std::string_view status, std::string_view export_date,
                          std::int64_t now_seconds, std::string_view error_message)
{
    json::object body;
    body["status"] = status;
    if (path.data_type) {
        body["downloadLinks"] = json::array{};
    } else {
        body["downloadLinks"] = json::object{};
    }
    body["exportType"] = path.export_type;
    if (path.data_type) {
        body["dataType"] = *path.data_type;
    }
    body["exportDate"] = export_date;
    body["exportVersion"] = "v2";
    body["requestTime"] = format_beijing_minutes(now_seconds);
    body["errorMsg"] = error_message;
    return body;
}

class LinkBuilder {
public:
    LinkBuilder(Emulator& emulator, const Request& request, std::string export_key, std::int64_t expires)
        : emulator_(emulator), request_(request), export_key_(std::move(export_key)), expires_(expires)
    {
    }

    // Returns the links of `source_type`'s chunks, listed under `listed_type`.
    json::array links(std::string_view listed_type, std::string_view source_type, const ExportPeriod& period)
    {
        json::array links;
        if (emulator_.catalogue.external()) {
            if (emulator_.options.empty_types.contains(std::string(source_type))) {
                return links;
            }
            for (const auto& file : emulator_.catalogue.external_files(source_type)) {
                const std::string resource = "/" + std::string(source_type) + "/" + percent_encode(file);
                links.emplace_back(emulator_.options.external_base_url + resource + query_for(resource));
            }
            return links;
        }
        const auto chunks = replaced_type_ == listed_type ? replacement_chunks_
                                                          : emulator_.catalogue.chunks_for(source_type, period);
        for (std::size_t position = 0; position < chunks.size(); ++position) {
            const ObjectRef object{std::string(listed_type), static_cast<std::int64_t>(position), chunks[position]};
            const std::string resource = "/objects/" + emulator_.catalogue.register_object(export_key_, object);
            links.emplace_back(request_.scheme + "://" + request_.link_authority + resource + query_for(resource));
        }
        return links;
    }

    // Lists `chunks` under `listed_type` in place of its usual chunks.
    void replace(std::string listed_type, std::vector<ChunkKey> chunks)
    {
        replaced_type_ = std::move(listed_type);
        replacement_chunks_ = std::move(chunks);
    }

private:
    std::string query_for(const std::string& resource) const
    {
        return "?X-Gio-Expires=" + std::to_string(expires_)
            + "&X-Gio-Signature=" + emulator_.catalogue.sign_link(resource, expires_);
    }

    Emulator& emulator_;
    const Request& request_;
    std::string export_key_;
    std::int64_t expires_;
    std::string replaced_type_;
    std::vector<ChunkKey> replacement_chunks_;
};

} // namespace

Reply handle_token_request(Emulator& emulator, const Request& request)
{
    if (request.method != "POST") {
        Reply reply = json_reply(405, failure_body("method not allowed: use POST"));
        reply.set("Allow", "POST");
        return reply;
    }
    const TokenOutcome outcome =
        emulator.tokens.issue(request.header("X-Client-Id"), request.body, emulator.clock.now_ms());
    if (!outcome.token) {
        return json_reply(401, failure_body(outcome.error));
    }
    emulator.stats.count("tokens_issued");
    return json_reply(200, json::object{{"status", "success"}, {"code", *outcome.token}});
}

Reply handle_insights_request(Emulator& emulator, const Request& request)
{
    const auto path = parse_insights_path(request.path);
    if (!path) {
        return json_reply(404, failure_body("not found: expected /v2/insights/{export_type}[/{data_type}]/{ai}/"
                                            "{export_date}.json"));
    }
    if (request.method != "GET") {
        Reply reply = json_reply(405, failure_body("method not allowed: use GET"));
        reply.set("Allow", "GET");
        return reply;
    }
    const std::int64_t now_ms = emulator.clock.now_ms();
    const std::int64_t now_seconds = now_ms / 1000;
    if (const auto error = emulator.tokens.check_api_credentials(request.header("X-Client-Id"),
                                                                 request.header("Authorization"), now_ms)) {
        return json_reply(401, failure_body(*error));
    }

    std::string error;
    const auto query = validate(*path, request, error);
    if (!query) {
        return json_reply(400, listing_body(*path, "ERROR", path->export_date, now_seconds, error));
    }

    const auto& period = query->period;
    const std::string export_key =
        path->export_type + "/" + query->truncated_date + "/" + path->data_type.value_or("all");
    std::string status;
    if (path->ai != emulator.options.ai) {
        status = "NOT_EXISTS";
    } else if (period.start_seconds < now_seconds - retention_seconds
               || period.start_seconds + period.length_seconds > now_seconds) {
        status = "NOT_EXISTS";
    } else {
        status = emulator.catalogue.poll(export_key, now_ms);
    }

    std::vector<std::string> faults_applied;
    std::string error_message;
    if (const auto fault = emulator.faults.take({FaultKind::export_status}, {FaultTarget::api, {}, {}})) {
        status = fault->export_status;
        error_message = fault->error_message;
        faults_applied.emplace_back("export_status");
    }

    json::object body = listing_body(*path, status, query->truncated_date, now_seconds, error_message);
    if (status == "FINISHED") {
        std::int64_t expires = now_seconds + query->expire_minutes * 60;
        if (emulator.faults.take({FaultKind::expire_early}, {FaultTarget::api, {}, {}})) {
            expires = now_seconds - 60;
            faults_applied.emplace_back("expire_early");
        }
        LinkBuilder builder(emulator, request, export_key, expires);
        const std::int64_t listing_number = emulator.catalogue.count_finished_listing(export_key);
        const auto lists_type = [&](const FaultRule& rule) {
            return listing_number > rule.after_listings && (!path->data_type || *path->data_type == rule.data_type);
        };
        // Benchmark mode lists another server's files, which link_count_change leaves alone.
        std::optional<FaultRule> changed;
        if (!emulator.catalogue.external()) {
            changed = emulator.faults.take({FaultKind::link_count_change}, {FaultTarget::api, {}, {}}, lists_type);
        }
        if (changed) {
            builder.replace(changed->data_type, emulator.catalogue.changed_chunks_for(changed->data_type, period,
                                                                                      listing_number, changed->links));
            faults_applied.emplace_back("link_count_change");
        }
        if (path->data_type) {
            body["downloadLinks"] = builder.links(*path->data_type, *path->data_type, period);
        } else {
            json::object links;
            for (const auto& schema : data_types()) {
                links[schema.name] = builder.links(schema.name, schema.name, period);
            }
            // Injected keys list the visit chunks under another name.
            for (const auto kind : {FaultKind::extra_data_type, FaultKind::bad_data_type}) {
                if (const auto fault = emulator.faults.take({kind}, {FaultTarget::api, {}, {}})) {
                    links[fault->name] = builder.links(fault->name, "visit", period);
                    faults_applied.emplace_back(fault_kind_name(kind));
                }
            }
            body["downloadLinks"] = std::move(links);
        }
    }

    Reply reply = json_reply(200, body);
    reply.faults_applied = std::move(faults_applied);
    return reply;
}

} // namespace emulator
