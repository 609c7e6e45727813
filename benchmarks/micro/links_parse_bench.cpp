// Parsing of insights responses with 10,000 links of about 220 characters,
// shaped like object-storage presigned URLs.
#include <gioexport/links.hpp>
#include <gioexport/types.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t link_count = 10'000;

// A link shaped like an object-storage presigned URL: bucket host, a path with
// the project and period, and a signed query.
std::string make_link(std::string_view type, std::size_t position)
{
    char link[512];
    std::snprintf(link, sizeof link,
                  "https://gio-export-bucket.oss-cn-beijing.aliyuncs.com/raw/"
                  "2a1b4018cd954ec2bcc69da5138bdb96/day/20261203/%.*s/part-%05zu.csv.gz"
                  "?Expires=1764834000&OSSAccessKeyId=LTAI5tBenchmarkKeyId01"
                  "&Signature=q8Zr%%2B4k1bN7xYw%%3D%05zu",
                  static_cast<int>(type.size()), type.data(), position, position);
    return link;
}

std::string body_header(std::string_view status)
{
    return R"({"status":")" + std::string(status) + R"(","downloadLinks":)";
}

std::string body_trailer(bool with_data_type)
{
    std::string trailer = R"(,"exportType":"day",)";
    if (with_data_type)
        trailer += R"("dataType":"visit",)";
    trailer += R"("exportDate":"20261203","exportVersion":"v2","requestTime":"2026-12-04 10:41","errorMsg":""})";
    return trailer;
}

// The all-types shape: the ten documented types with link_count / 10 links each.
std::string all_types_body()
{
    const auto& types = gioexport::data_type::documented();
    const std::size_t per_type = link_count / types.size();
    std::string body = body_header("FINISHED") + "{";
    for (std::size_t t = 0; t < types.size(); ++t) {
        if (t > 0)
            body += ',';
        body += '"' + std::string(types[t]) + "\":[";
        for (std::size_t i = 0; i < per_type; ++i) {
            if (i > 0)
                body += ',';
            body += '"' + make_link(types[t], i) + '"';
        }
        body += ']';
    }
    body += '}';
    return body + body_trailer(false);
}

// The one-type shape: link_count links of the visit type in a plain array.
std::string one_type_body()
{
    std::string body = body_header("FINISHED") + "[";
    for (std::size_t i = 0; i < link_count; ++i) {
        if (i > 0)
            body += ',';
        body += '"' + make_link("visit", i) + '"';
    }
    body += ']';
    return body + body_trailer(true);
}

void BM_ParseLinksAllTypes(benchmark::State& state)
{
    const std::string body = all_types_body();
    for (auto _ : state) {
        auto response = gioexport::parse_links_response(body, gioexport::links_shape::all_types, std::nullopt);
        benchmark::DoNotOptimize(response);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * link_count));
    state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseLinksAllTypes)->Unit(benchmark::kMillisecond);

void BM_ParseLinksOneType(benchmark::State& state)
{
    const std::string body = one_type_body();
    const auto visit = gioexport::data_type::parse("visit");
    for (auto _ : state) {
        auto response = gioexport::parse_links_response(body, gioexport::links_shape::one_type, visit);
        benchmark::DoNotOptimize(response);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * link_count));
    state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseLinksOneType)->Unit(benchmark::kMillisecond);

}  // namespace
