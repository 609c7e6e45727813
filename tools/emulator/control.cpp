#include "control.hpp"

#include "emulator.hpp"
#include "log.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

namespace emulator {

namespace json = boost::json;

namespace {

Reply control_error(unsigned status, std::string_view message)
{
    return json_reply(status, json::object{{"error", message}});
}

Reply method_not_allowed(std::string_view allowed)
{
    Reply reply = control_error(405, "method not allowed: use " + std::string(allowed));
    reply.set("Allow", std::string(allowed));
    return reply;
}

std::optional<json::value> parse_body(const Request& request, std::string& error)
{
    boost::system::error_code ec;
    json::value document = json::parse(request.body, ec);
    if (ec) {
        error = "invalid JSON body: " + ec.message();
        return std::nullopt;
    }
    return document;
}

json::object clock_body(const Emulator& emulator)
{
    return json::object{{"now", format_iso8601_utc_ms(emulator.clock.now_ms())}};
}

Reply handle_clock(Emulator& emulator, const Request& request)
{
    if (request.method == "GET") {
        return json_reply(200, clock_body(emulator));
    }
    if (request.method != "POST") {
        return method_not_allowed("GET, POST");
    }
    std::string error;
    const auto document = parse_body(request, error);
    if (!document) {
        return control_error(400, error);
    }
    const auto* object = document->if_object();
    const auto* now = object ? object->if_contains("now") : nullptr;
    const auto* advance = object ? object->if_contains("advance_seconds") : nullptr;
    if ((now == nullptr) == (advance == nullptr)) {
        return control_error(400, "expected {\"now\": \"<ISO 8601>\"} or {\"advance_seconds\": <integer>}");
    }
    if (now != nullptr) {
        const auto parsed = now->is_string() ? parse_iso8601_ms(now->as_string()) : std::nullopt;
        if (!parsed) {
            return control_error(400, "invalid 'now': expected ISO 8601 with a zone, e.g. 2026-12-04T08:00:00Z");
        }
        emulator.clock.set_now_ms(*parsed);
    } else {
        if (!advance->is_int64() && !advance->is_uint64()) {
            return control_error(400, "invalid 'advance_seconds': expected an integer");
        }
        emulator.clock.advance_seconds(advance->to_number<std::int64_t>());
    }
    json::object body = clock_body(emulator);
    log_line("control: clock set to " + std::string(body["now"].as_string()));
    return json_reply(200, body);
}

Reply handle_faults(Emulator& emulator, const Request& request)
{
    if (request.method == "GET") {
        return json_reply(200, json::object{{"faults", emulator.faults.describe()}});
    }
    if (request.method == "DELETE") {
        emulator.faults.clear();
        return json_reply(200, json::object{{"faults", json::array{}}});
    }
    if (request.method != "POST") {
        return method_not_allowed("GET, POST, DELETE");
    }
    std::string error;
    const auto document = parse_body(request, error);
    if (!document) {
        return control_error(400, error);
    }
    std::vector<std::uint64_t> ids;
    if (const auto add_error = emulator.faults.add(*document, ids)) {
        return control_error(400, *add_error);
    }
    json::array added;
    for (const auto id : ids) {
        added.emplace_back(id);
    }
    log_line("control: added " + std::to_string(ids.size()) + " fault rule(s)");
    return json_reply(200, json::object{{"added", std::move(added)}});
}

} // namespace

Reply handle_control_request(Emulator& emulator, const Request& request)
{
    if (!request.peer_is_loopback) {
        return control_error(403, "the control API is served to loopback peers only");
    }
    const std::string_view path = request.path;
    if (path == "/_control/reset") {
        if (request.method != "POST") {
            return method_not_allowed("POST");
        }
        emulator.faults.clear();
        emulator.catalogue.reset_polls();
        emulator.stats.clear();
        emulator.recent_api_calls.clear();
        log_line("control: reset faults, poll counters and stats");
        return json_reply(200, json::object{{"reset", true}});
    }
    if (path == "/_control/clock") {
        return handle_clock(emulator, request);
    }
    if (path == "/_control/stats") {
        if (request.method != "GET") {
            return method_not_allowed("GET");
        }
        return json_reply(200, emulator.stats.to_json());
    }
    if (path == "/_control/faults") {
        return handle_faults(emulator, request);
    }
    return control_error(404, "not found: expected /_control/reset, clock, stats or faults");
}

} // namespace emulator
