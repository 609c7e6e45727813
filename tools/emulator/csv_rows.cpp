#include "csv_rows.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace emulator {

std::uint64_t SplitMix64::next()
{
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void append_csv_field(std::string& out, std::string_view value)
{
    const bool needs_quotes = value.find_first_of(",\"\n\r") != std::string_view::npos;
    const bool needs_escapes = value.find_first_of("\"\\") != std::string_view::npos;
    if (!needs_quotes && !needs_escapes) {
        out.append(value);
        return;
    }
    if (needs_quotes) {
        out.push_back('"');
    }
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    if (needs_quotes) {
        out.push_back('"');
    }
}

namespace {

enum class Field {
    unknown,
    visitor_id,
    session_id,
    account_version,
    platform,
    domain,
    page,
    query_parameters,
    referrer,
    language,
    screen_height,
    screen_width,
    time,
    send_time,
    page_time,
    ip,
    user_agent,
    operating_system,
    operating_system_version,
    client_version,
    channel,
    device_brand,
    device_model,
    device_type,
    device_orientation,
    latitude,
    longitude,
    visit_request_id,
    idfa,
    android_id,
    imei,
    referrer_page,
    title,
    login_user_id,
    page_group,
    app_variable,
    attribute,
    page_request_id,
    request_type,
    href,
    request_value,
    index,
    info,
    action_request_id,
    rule_id,
    event_name,
    event_number,
    event_variable,
    page_variable,
    conversion_variable,
    visitor_variable,
    ads_variable,
    uuid,
    link_id,
    campaign_id,
    channel_id,
    link_name,
    campaign_name,
    channel_name,
};

Field field_of(std::string_view column)
{
    static const std::map<std::string_view, Field> fields{
        {"visitUserId", Field::visitor_id},
        {"sessionId", Field::session_id},
        {"accountVersion", Field::account_version},
        {"platform", Field::platform},
        {"domain", Field::domain},
        {"page", Field::page},
        {"queryParameters", Field::query_parameters},
        {"referrer", Field::referrer},
        {"language", Field::language},
        {"screenHeight", Field::screen_height},
        {"screenWidth", Field::screen_width},
        {"time", Field::time},
        {"sendTime", Field::send_time},
        {"eventTime", Field::send_time},
        {"pageTime", Field::page_time},
        {"ip", Field::ip},
        {"userAgent", Field::user_agent},
        {"operatingSystem", Field::operating_system},
        {"operatingSystemVersion", Field::operating_system_version},
        {"clientVersion", Field::client_version},
        {"channel", Field::channel},
        {"deviceBrand", Field::device_brand},
        {"deviceModel", Field::device_model},
        {"deviceType", Field::device_type},
        {"deviceOrientation", Field::device_orientation},
        {"latitude", Field::latitude},
        {"longitude", Field::longitude},
        {"vstRequestId", Field::visit_request_id},
        {"idfa", Field::idfa},
        {"androidId", Field::android_id},
        {"IMEI", Field::imei},
        {"imei", Field::imei},
        {"referrerPage", Field::referrer_page},
        {"title", Field::title},
        {"loginUserId", Field::login_user_id},
        {"pageGroup", Field::page_group},
        {"appVariable", Field::app_variable},
        {"pageRequestId", Field::page_request_id},
        {"requestType", Field::request_type},
        {"href", Field::href},
        {"requestValue", Field::request_value},
        {"index", Field::index},
        {"info", Field::info},
        {"actionRequestId", Field::action_request_id},
        {"ruleId", Field::rule_id},
        {"eventName", Field::event_name},
        {"eventNumber", Field::event_number},
        {"eventVariable", Field::event_variable},
        {"pageVariable", Field::page_variable},
        {"conversionVariable", Field::conversion_variable},
        {"visitorVariable", Field::visitor_variable},
        {"adsVariable", Field::ads_variable},
        {"uuid", Field::uuid},
        {"linkId", Field::link_id},
        {"campaignId", Field::campaign_id},
        {"channelId", Field::channel_id},
        {"linkName", Field::link_name},
        {"campaignName", Field::campaign_name},
        {"channelName", Field::channel_name},
    };
    if (column.starts_with("customerAttributes") || column.starts_with("pageAttributes")) {
        return Field::attribute;
    }
    const auto found = fields.find(column);
    return found == fields.end() ? Field::unknown : found->second;
}

// Platforms, indexed by RowContext::platform.
constexpr int web = 0;
constexpr int ios = 1;
constexpr int android = 2;
constexpr int mini_program = 3;
constexpr std::array<std::string_view, 4> platforms{"Web", "iOS", "Android", "MinP"};
constexpr std::array<std::string_view, 4> operating_systems{"Windows", "iOS", "Android", "Android"};
constexpr std::array<std::string_view, 4> operating_system_versions{"Windows 10", "iOS 16.0.1", "Android 13",
                                                                    "Android 12"};

// Page titles mix plain Chinese text with the awkward cases of the CSV dialect:
// quotes, commas, an embedded newline and backslashes.
constexpr std::array<std::string_view, 12> titles{
    "首页", "商品详情", "他说 \"你好\"", "购物车", "订单确认", "搜索结果, 第2页",
    "第一行\n第二行", "C:\\temp\\报表", "会员中心", "结尾\\", "限时秒杀", "帮助中心"};

constexpr std::array<std::string_view, 8> pages{
    "/", "/product/detail", "/search", "/cart", "/order/confirm", "/活动/双十一",
    "/user/center", "/help"};

constexpr std::array<std::string_view, 5> queries{
    "", "utm_source=wechat&utm_medium=social", "q=手机,平板", "id=42&from=home", ""};

constexpr std::array<std::string_view, 4> referrers{
    "", "https://www.baidu.com/s?wd=%E6%89%8B%E6%9C%BA", "https://www.example.cn/", ""};

constexpr std::array<std::string_view, 4> user_agents{
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148",
    "Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230805.001)",
    "Mozilla/5.0 (Linux; Android 12; MI 11) AppleWebKit/537.36 MicroMessenger/8.0.40"};

constexpr std::array<std::string_view, 6> event_names{
    "加入购物车", "支付成功", "revenue", "他说 \"你好\"", "share_click", "领取优惠券"};

constexpr std::array<std::string_view, 6> button_texts{
    "立即购买", "加入购物车", "查看更多, 共12条", "", "路径 C:\\temp", "登录"};

constexpr std::array<std::string_view, 5> event_variables{
    "{\"price\": \"50.0\", \"item\": \"101\"}", "{\"品类\": \"手机\", \"数量\": \"2\"}", "",
    "{\"coupon\": \"满100减20\"}", "{\"path\": \"C:\\\\temp\"}"};

constexpr std::array<std::string_view, 3> page_variables{
    "{\"category\": \"funnel\"}", "{\"频道\": \"首页推荐\", \"位置\": \"3\"}", ""};

constexpr std::array<std::string_view, 3> conversion_variables{
    "{\"keyword\": \"retention\"}", "{\"来源\": \"朋友圈\"}", "{\"campaign\": \"双十一\", \"step\": \"2\"}"};

constexpr std::array<std::string_view, 2> visitor_variables{
    "{\"gender\": \"female\", \"城市\": \"上海\"}", "{\"member_level\": \"gold\"}"};

constexpr std::array<std::string_view, 3> ads_variables{
    "", "{\"creative\": \"banner_01\", \"位置\": \"开屏\"}", "{\"keyword\": \"跑鞋\"}"};

constexpr std::array<std::string_view, 4> channel_ids{"inmobi", "toutiao", "baidu", "wechat"};
constexpr std::array<std::string_view, 4> ad_names{"双十一大促", "新用户拉新", "Spring, 2026", "品牌曝光"};

template <std::size_t N>
std::string_view pick(SplitMix64& random, const std::array<std::string_view, N>& values)
{
    return values[random.below(N)];
}

void append_alphanumeric(std::string& out, SplitMix64& random, std::size_t length)
{
    static constexpr std::string_view alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (std::size_t i = 0; i < length; ++i) {
        out.push_back(alphabet[random.below(alphabet.size())]);
    }
}

void append_hex(std::string& out, SplitMix64& random, std::size_t length)
{
    static constexpr std::string_view digits = "0123456789abcdef";
    for (std::size_t i = 0; i < length; ++i) {
        out.push_back(digits[random.below(16)]);
    }
}

void append_uuid(std::string& out, SplitMix64& random)
{
    append_hex(out, random, 8);
    out.push_back('-');
    append_hex(out, random, 4);
    out.append("-4");
    append_hex(out, random, 3);
    out.push_back('-');
    out.push_back("89ab"[random.below(4)]);
    append_hex(out, random, 3);
    out.push_back('-');
    append_hex(out, random, 12);
}

void append_number(std::string& out, std::uint64_t value)
{
    out.append(std::to_string(value));
}

void append_coordinate(std::string& out, SplitMix64& random, int whole_min, int whole_span)
{
    const auto whole = whole_min + static_cast<int>(random.below(static_cast<std::uint64_t>(whole_span)));
    const auto fraction = random.below(100000);
    std::array<char, 24> text{};
    std::snprintf(text.data(), text.size(), "%d.%05llu", whole, static_cast<unsigned long long>(fraction));
    out.append(text.data());
}

} // namespace

RowGenerator::RowGenerator(const DataTypeSchema& schema, std::int64_t hour_start_ms, std::uint64_t seed)
    : schema_(schema), hour_start_ms_(hour_start_ms), random_(seed)
{
    for (const auto column : schema.columns) {
        field_kinds_.push_back(static_cast<int>(field_of(column)));
    }
}

void RowGenerator::append_header(std::string& out) const
{
    for (std::size_t i = 0; i < schema_.columns.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        append_csv_field(out, schema_.columns[i]);
    }
    out.push_back('\n');
}

void RowGenerator::append_row(std::string& out)
{
    RowContext row;
    row.platform = static_cast<int>(random_.below(platforms.size()));
    row.send_time = hour_start_ms_ + static_cast<std::int64_t>(random_.below(3600000));
    row.time = std::max(hour_start_ms_, row.send_time - static_cast<std::int64_t>(random_.below(30000)));
    row.page_time = std::max(hour_start_ms_, row.time - static_cast<std::int64_t>(random_.below(600000)));

    for (std::size_t i = 0; i < field_kinds_.size(); ++i) {
        if (i > 0) {
            out.push_back(',');
        }
        scratch_.clear();
        append_value(scratch_, field_kinds_[i], row);
        append_csv_field(out, scratch_);
    }
    out.push_back('\n');
}

void RowGenerator::append_value(std::string& value, int field_kind, const RowContext& row)
{
    const bool mobile = row.platform == ios || row.platform == android;
    switch (static_cast<Field>(field_kind)) {
    case Field::unknown:
        break;
    case Field::visitor_id:
    case Field::session_id:
    case Field::uuid:
        append_uuid(value, random_);
        break;
    case Field::account_version:
        value.append(std::array<std::string_view, 3>{"2.3.0", "2.8.4", "3.1.2"}[random_.below(3)]);
        break;
    case Field::platform:
        value.append(platforms[static_cast<std::size_t>(row.platform)]);
        break;
    case Field::domain:
        value.append(mobile ? "com.example.shop" : "www.example.cn");
        break;
    case Field::page:
        value.append(pick(random_, pages));
        break;
    case Field::query_parameters:
        value.append(pick(random_, queries));
        break;
    case Field::referrer:
        value.append(pick(random_, referrers));
        break;
    case Field::language:
        value.append(random_.below(4) == 0 ? "en-us" : "zh-cn");
        break;
    case Field::screen_height:
        append_number(value, mobile ? 2340 : 1080);
        break;
    case Field::screen_width:
        append_number(value, mobile ? 1080 : 1920);
        break;
    case Field::time:
        append_number(value, static_cast<std::uint64_t>(row.time));
        break;
    case Field::send_time:
        append_number(value, static_cast<std::uint64_t>(row.send_time));
        break;
    case Field::page_time:
        append_number(value, static_cast<std::uint64_t>(row.page_time));
        break;
    case Field::ip:
        value.append(random_.below(2) == 0 ? "10." : "223.");
        append_number(value, random_.below(256));
        value.push_back('.');
        append_number(value, random_.below(256));
        value.push_back('.');
        append_number(value, 1 + random_.below(254));
        break;
    case Field::user_agent:
        value.append(pick(random_, user_agents));
        break;
    case Field::operating_system:
        value.append(operating_systems[static_cast<std::size_t>(row.platform)]);
        break;
    case Field::operating_system_version:
        value.append(operating_system_versions[static_cast<std::size_t>(row.platform)]);
        break;
    case Field::client_version:
        if (mobile) {
            value.append("5.12.");
            append_number(value, random_.below(10));
        }
        break;
    case Field::channel:
        if (mobile) {
            value.append(row.platform == ios ? "App Store" : "华为应用市场");
        }
        break;
    case Field::device_brand:
        if (mobile) {
            value.append(row.platform == ios ? "Apple" : "google");
        }
        break;
    case Field::device_model:
        if (mobile) {
            value.append(row.platform == ios ? "iPhone14,2" : "Nexus 5");
        }
        break;
    case Field::device_type:
        if (mobile) {
            value.append(random_.below(5) == 0 ? "0" : "1");
        }
        break;
    case Field::device_orientation:
        value.append(random_.below(6) == 0 ? "LANDSCAPE" : "PORTRAIT");
        break;
    case Field::latitude:
        if (mobile) {
            append_coordinate(value, random_, 22, 18);
        }
        break;
    case Field::longitude:
        if (mobile) {
            append_coordinate(value, random_, 100, 21);
        }
        break;
    case Field::visit_request_id:
        append_alphanumeric(value, random_, 16);
        break;
    case Field::idfa:
        if (row.platform == ios) {
            append_uuid(value, random_);
        }
        break;
    case Field::android_id:
        if (row.platform == android) {
            append_hex(value, random_, 16);
        }
        break;
    case Field::imei:
        if (row.platform == android) {
            value.append("86");
            for (int digit = 0; digit < 13; ++digit) {
                value.push_back(static_cast<char>('0' + random_.below(10)));
            }
        }
        break;
    case Field::referrer_page:
        if (mobile) {
            value.append(pick(random_, pages));
        }
        break;
    case Field::title:
        value.append(pick(random_, titles));
        break;
    case Field::login_user_id:
        if (random_.below(3) == 0) {
            value.append("crm_");
            append_number(value, 100000 + random_.below(900000));
        }
        break;
    case Field::page_group:
        if (row.platform == mini_program) {
            value.append("商品页");
        }
        break;
    case Field::app_variable:
        if (row.platform == web) {
            value.append("{\"abtest\": \"B\", \"渠道\": \"直接访问\"}");
        }
        break;
    case Field::attribute:
        if (random_.below(10) == 0) {
            value.append("属性值_");
            append_number(value, random_.below(100));
        }
        break;
    case Field::page_request_id:
        append_alphanumeric(value, random_, 23);
        break;
    case Field::request_type:
        value.append(std::array<std::string_view, 3>{"clck", "chng", "sbmt"}[random_.below(3)]);
        break;
    case Field::href:
        if (random_.below(2) == 0) {
            value.append("https://www.example.cn/product/");
            append_number(value, random_.below(10000));
        }
        break;
    case Field::request_value:
        value.append(pick(random_, button_texts));
        break;
    case Field::index:
        if (random_.below(2) == 0) {
            append_number(value, random_.below(50));
        }
        break;
    case Field::info:
        if (random_.below(4) == 0) {
            value.append("推荐位, 第");
            append_number(value, 1 + random_.below(9));
            value.append("屏");
        }
        break;
    case Field::action_request_id:
        value.append(row.platform == web ? "wa" : "ma");
        append_alphanumeric(value, random_, 28);
        break;
    case Field::rule_id:
        append_hex(value, random_, 8);
        break;
    case Field::event_name:
        value.append(pick(random_, event_names));
        break;
    case Field::event_number:
        if (random_.below(3) != 0) {
            append_number(value, random_.below(1000));
            value.push_back('.');
            append_number(value, 10 + random_.below(90));
        }
        break;
    case Field::event_variable:
        value.append(pick(random_, event_variables));
        break;
    case Field::page_variable:
        value.append(pick(random_, page_variables));
        break;
    case Field::conversion_variable:
        value.append(pick(random_, conversion_variables));
        break;
    case Field::visitor_variable:
        value.append(pick(random_, visitor_variables));
        break;
    case Field::ads_variable:
        value.append(pick(random_, ads_variables));
        break;
    case Field::link_id:
    case Field::campaign_id:
        append_alphanumeric(value, random_, 8);
        break;
    case Field::channel_id:
        value.append(pick(random_, channel_ids));
        break;
    case Field::link_name:
    case Field::campaign_name:
    case Field::channel_name:
        value.append(pick(random_, ad_names));
        break;
    }
}

} // namespace emulator
