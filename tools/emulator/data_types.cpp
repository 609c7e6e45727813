#include "data_types.hpp"

namespace emulator {

namespace {

constexpr std::array<std::string_view, 29> visit_columns{
    "visitUserId", "sessionId", "accountVersion", "platform", "domain", "page",
    "queryParameters", "referrer", "language", "screenHeight", "screenWidth", "time",
    "sendTime", "ip", "userAgent", "operatingSystem", "operatingSystemVersion",
    "clientVersion", "channel", "deviceBrand", "deviceModel", "deviceType",
    "deviceOrientation", "latitude", "longitude", "vstRequestId", "idfa", "androidId", "IMEI"};

constexpr std::array<std::string_view, 36> page_columns{
    "visitUserId", "sessionId", "platform", "domain", "page", "queryParameters", "referrer",
    "referrerPage", "title", "time", "sendTime", "deviceOrientation", "loginUserId", "pageGroup",
    "appVariable", "customerAttributes2", "customerAttributes3", "customerAttributes4",
    "customerAttributes5", "customerAttributes6", "customerAttributes7", "customerAttributes8",
    "customerAttributes9", "customerAttributes10", "pageAttributes1", "pageAttributes2",
    "pageAttributes3", "pageAttributes4", "pageAttributes5", "pageAttributes6", "pageAttributes7",
    "pageAttributes8", "pageAttributes9", "pageAttributes10", "pageRequestId", "vstRequestId"};

constexpr std::array<std::string_view, 13> action_columns{
    "visitUserId", "sessionId", "requestType", "domain", "page", "sendTime", "time", "href",
    "requestValue", "index", "info", "pageRequestId", "actionRequestId"};

constexpr std::array<std::string_view, 3> action_tag_columns{"sendTime", "actionRequestId",
                                                             "ruleId"};

constexpr std::array<std::string_view, 13> custom_event_columns{
    "visitUserId", "sessionId", "time", "sendTime", "pageTime", "domain", "page",
    "queryParameters", "eventName", "eventNumber", "eventVariable", "loginUserId",
    "pageRequestId"};

constexpr std::array<std::string_view, 9> pvar_columns{
    "visitUserId", "sessionId", "time", "sendTime", "pageTime", "domain", "page",
    "pageVariable", "pageRequestId"};

constexpr std::array<std::string_view, 6> evar_columns{
    "visitUserId", "sessionId", "time", "sendTime", "domain", "conversionVariable"};

constexpr std::array<std::string_view, 5> vstr_columns{"visitUserId", "sessionId", "time",
                                                       "sendTime", "visitorVariable"};

constexpr std::array<std::string_view, 17> ads_track_activation_columns{
    "visitUserId", "idfa", "imei", "uuid", "androidId", "ip", "userAgent", "platform",
    "operatingSystemVersion", "sendTime", "linkId", "campaignId", "channelId", "linkName",
    "campaignName", "channelName", "adsVariable"};

constexpr std::array<std::string_view, 16> ads_track_click_columns{
    "idfa", "imei", "uuid", "androidId", "ip", "userAgent", "platform", "operatingSystemVersion",
    "eventTime", "linkId", "campaignId", "channelId", "linkName", "campaignName", "channelName",
    "adsVariable"};

constexpr std::array<DataTypeSchema, data_type_count> all_types{{
    {"visit", visit_columns},
    {"page", page_columns},
    {"action", action_columns},
    {"action_tag", action_tag_columns},
    {"custom_event", custom_event_columns},
    {"pvar", pvar_columns},
    {"evar", evar_columns},
    {"vstr", vstr_columns},
    {"ads_track_activation", ads_track_activation_columns},
    {"ads_track_click", ads_track_click_columns},
}};

} // namespace

const std::array<DataTypeSchema, data_type_count>& data_types()
{
    return all_types;
}

const DataTypeSchema* find_data_type(std::string_view name)
{
    for (const auto& schema : all_types) {
        if (schema.name == name) {
            return &schema;
        }
    }
    return nullptr;
}

} // namespace emulator
