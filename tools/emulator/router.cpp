#include "router.hpp"

#include "api.hpp"
#include "control.hpp"
#include "emulator.hpp"
#include "objects.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>

namespace emulator {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::string_view redirect_prefix = "/_redirect/";

// Returns the host part of "host:port", "[v6]:port", "host" or "[v6]".
std::string_view host_of(std::string_view authority)
{
    if (authority.starts_with('[')) {
        return authority.substr(0, authority.find(']') + 1);
    }
    return authority.substr(0, authority.find(':'));
}

std::string absolute_url(const Request& request, std::string_view path_and_query)
{
    return request.scheme + "://" + request.link_authority + std::string(path_and_query);
}

Reply redirect_reply(unsigned status, std::string location)
{
    Reply reply;
    reply.status = status;
    reply.set("Location", std::move(location));
    reply.set("Content-Type", "text/plain;charset=UTF-8");
    reply.body = "Redirecting\n";
    return reply;
}

// Location of hop `hops_left` of a redirect chain that ends at `final_target`.
std::string chain_location(const Request& request, std::int64_t hops_left, unsigned status,
                           std::string_view final_target)
{
    if (hops_left <= 0) {
        return absolute_url(request, final_target);
    }
    return absolute_url(request, std::string(redirect_prefix) + std::to_string(hops_left) + "?status="
                                     + std::to_string(status) + "&to=" + percent_encode(final_target));
}

std::string default_status_body(FaultTarget target, unsigned status, std::string& content_type)
{
    if (target == FaultTarget::objects) {
        content_type = "application/xml";
        const auto [code, message] = status == 503 ? std::pair{"SlowDown", "Please reduce your request rate."}
            : status == 500 ? std::pair{"InternalError", "We encountered an internal error. Please try again."}
            : status == 429 ? std::pair{"TooManyRequests", "Please reduce your request rate."}
            : status == 403 ? std::pair{"AccessDenied", "Access Denied"}
            : status == 404 ? std::pair{"NoSuchKey", "The specified key does not exist."}
                            : std::pair{"ServiceError", "Injected fault."};
        return xml_error(status, code, message).body;
    }
    content_type = "application/json;charset=UTF-8";
    return json::serialize(json::object{
        {"status", "failed"}, {"errorMsg", "injected fault: HTTP " + std::to_string(status)}});
}

// Builds the reply of a fault that replaces the endpoint's own reply.
Reply front_fault_reply(Emulator& emulator, const Request& request, const FaultRule& rule)
{
    switch (rule.kind) {
    case FaultKind::status: {
        Reply reply;
        reply.status = rule.status;
        std::string content_type;
        reply.body = rule.body ? *rule.body : default_status_body(rule.target, rule.status, content_type);
        reply.set("Content-Type", rule.content_type ? *rule.content_type
                                  : rule.body       ? (rule.body->starts_with('<') ? "application/xml"
                                                       : rule.body->starts_with('{') ? "application/json;charset=UTF-8"
                                                                                     : "text/plain;charset=UTF-8")
                                                    : content_type);
        if (rule.retry_after) {
            reply.set("Retry-After", *rule.retry_after);
        }
        return reply;
    }
    case FaultKind::redirect: {
        std::string location = rule.location;
        if (location.empty()) {
            // The same request on the second listener when there is one: another origin.
            const std::string authority = emulator.extra_port
                ? std::string(host_of(request.link_authority)) + ":" + std::to_string(*emulator.extra_port)
                : request.link_authority;
            location = request.scheme + "://" + authority + request.target;
        }
        return redirect_reply(rule.status, location);
    }
    case FaultKind::redirect_chain:
        return redirect_reply(rule.status, chain_location(request, rule.hops - 1, rule.status, request.target));
    case FaultKind::oversized_json: {
        // A valid document of about rule.bytes bytes: the usual fields plus padding.
        json::object body{{"status", rule.target == FaultTarget::token ? "failed" : "RUNNING"}, {"errorMsg", ""}};
        const std::string prefix = json::serialize(body);
        const std::size_t overhead = prefix.size() + 14; // ,"padding":"" plus closing
        body["padding"] = std::string(rule.bytes > overhead ? rule.bytes - overhead : 0, 'x');
        return json_reply(200, body);
    }
    case FaultKind::malformed_json: {
        Reply reply;
        reply.set("Content-Type", "application/json;charset=UTF-8");
        reply.body = rule.target == FaultTarget::token
            ? R"({"status":"success","code":"AbC)"
            : R"({"status":"FINISHED","downloadLinks":{"visit":["http://127.0.0.1/objects/)";
        return reply;
    }
    default:
        return json_reply(500, json::object{{"status", "failed"}, {"errorMsg", "unexpected fault kind"}});
    }
}

Reply handle_redirect_hop(const Request& request)
{
    std::int64_t hops_left = 0;
    const std::string_view count = std::string_view(request.path).substr(redirect_prefix.size());
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), hops_left);
    const auto final_target = request.query_parameter("to");
    const auto status_text = request.query_parameter("status");
    const unsigned status = status_text == "301" || status_text == "303" || status_text == "307" || status_text == "308"
        ? static_cast<unsigned>(std::stoi(*status_text))
        : 302;
    if (ec != std::errc{} || end != count.data() + count.size() || hops_left < 1 || !final_target
        || !final_target->starts_with('/') || final_target->starts_with("//")) {
        return json_reply(404, json::object{{"status", "failed"}, {"errorMsg", "not found"}});
    }
    return redirect_reply(status, chain_location(request, hops_left - 1, status, *final_target));
}

// Returns true when an insights call goes over --api-rate-limit.
bool over_api_rate_limit(Emulator& emulator)
{
    if (emulator.options.api_rate_limit <= 0) {
        return false;
    }
    const auto now = std::chrono::steady_clock::now();
    auto& calls = emulator.recent_api_calls;
    while (!calls.empty() && calls.front() <= now - std::chrono::seconds(1)) {
        calls.pop_front();
    }
    if (static_cast<std::int64_t>(calls.size()) >= emulator.options.api_rate_limit) {
        return true;
    }
    calls.push_back(now);
    return false;
}

void take_delivery_faults(Emulator& emulator, const FaultMatch& match, Reply& reply)
{
    auto& delivery = reply.delivery;
    auto& faults = emulator.faults;
    const auto note = [&reply](FaultKind kind) { reply.faults_applied.emplace_back(fault_kind_name(kind)); };
    if (const auto rule = faults.take({FaultKind::reset_after_bytes}, match)) {
        delivery.reset_after_bytes = rule->bytes;
        delivery.reset_with_fin = rule->close_with == "fin";
        note(rule->kind);
    }
    if (const auto rule = faults.take({FaultKind::stall}, match)) {
        delivery.stall_after_bytes = rule->after_bytes;
        delivery.stall_duration = std::chrono::milliseconds(rule->duration_ms);
        note(rule->kind);
    }
    if (const auto rule = faults.take({FaultKind::slow}, match)) {
        delivery.bytes_per_second = rule->bytes;
        note(rule->kind);
    }
    if (const auto rule = faults.take({FaultKind::close_without_length}, match)) {
        delivery.close_without_length = true;
        note(rule->kind);
    }
    if (const auto rule = faults.take({FaultKind::chunked_trailer}, match)) {
        delivery.chunked_trailer = true;
        note(rule->kind);
    }
    if (const auto rule = faults.take({FaultKind::keepalive_close_after_idle_ms}, match)) {
        delivery.idle_close_after = std::chrono::milliseconds(rule->duration_ms);
        note(rule->kind);
    }
}

} // namespace

asio::awaitable<Reply> route_request(Emulator& emulator, const Request& request, std::string& target_kind)
{
    const std::string_view path = request.path;
    FaultMatch match;
    if (path == "/auth/token") {
        target_kind = "token";
        match.target = FaultTarget::token;
    } else if (path.starts_with("/v2/insights/")) {
        target_kind = "api";
        match.target = FaultTarget::api;
    } else if (path.starts_with("/objects/")) {
        target_kind = "objects";
        if (auto rejected = reject_second_auth_mechanism(request)) {
            co_return std::move(*rejected);
        }
        match = object_fault_match(emulator, request);
    } else if (path.starts_with("/_control/")) {
        target_kind = "control";
        co_return handle_control_request(emulator, request);
    } else if (path.starts_with(redirect_prefix)) {
        target_kind = "redirect";
        co_return handle_redirect_hop(request);
    } else {
        target_kind = "other";
        co_return json_reply(404, json::object{{"status", "failed"}, {"errorMsg", "not found: " + request.path}});
    }

    Reply reply;
    if (const auto fault = emulator.faults.take({FaultKind::status, FaultKind::redirect, FaultKind::redirect_chain,
                                                 FaultKind::oversized_json, FaultKind::malformed_json},
                                                match)) {
        reply = front_fault_reply(emulator, request, *fault);
        reply.faults_applied.emplace_back(fault_kind_name(fault->kind));
    } else if (match.target == FaultTarget::api && over_api_rate_limit(emulator)) {
        reply = json_reply(429, json::object{{"status", "failed"},
                                             {"errorMsg", "rate limit exceeded: at most "
                                                              + std::to_string(emulator.options.api_rate_limit)
                                                              + " insights requests per second"}});
        reply.set("Retry-After", "1");
    } else if (match.target == FaultTarget::token) {
        reply = handle_token_request(emulator, request);
    } else if (match.target == FaultTarget::api) {
        reply = handle_insights_request(emulator, request);
    } else {
        reply = co_await handle_object_request(emulator, request);
    }

    if (reply.status >= 200 && reply.status < 300) {
        take_delivery_faults(emulator, match, reply);
    }
    co_return reply;
}

} // namespace emulator
