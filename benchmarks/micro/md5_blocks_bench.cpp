// Aggregate throughput of the MD5 block functions on 64 KiB per stream:
// OpenSSL's single-stream md5_blocks, and md5_blocks_lanes with 2, 4, 8 and
// 16 streams on each instruction set this CPU supports. The bytes counted
// are those of all streams together.
#include "detail/md5_blocks.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using gioexport::detail::md5_isa;
using gioexport::detail::md5_words;

constexpr std::size_t stream_bytes = 64 * 1024;
constexpr std::size_t stream_blocks = stream_bytes / 64;

std::vector<unsigned char> pseudo_random_bytes(std::size_t size)
{
    std::vector<unsigned char> data(size);
    std::uint32_t x = 0x9e3779b9u;
    for (auto& byte : data) {
        x = x * 1664525u + 1013904223u;
        byte = static_cast<unsigned char>(x >> 24);
    }
    return data;
}

void BM_Md5Blocks(benchmark::State& state)
{
    const auto data = pseudo_random_bytes(stream_bytes);
    md5_words chaining_value = gioexport::detail::md5_initial;
    for (auto _ : state) {
        gioexport::detail::md5_blocks(chaining_value, data.data(), stream_blocks);
        benchmark::DoNotOptimize(chaining_value);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream_bytes));
}
BENCHMARK(BM_Md5Blocks);

void BM_Md5BlocksLanes(benchmark::State& state, md5_isa isa, std::size_t lanes)
{
    const auto data = pseudo_random_bytes(lanes * stream_bytes);
    std::vector<const unsigned char*> pointers;
    for (std::size_t lane = 0; lane < lanes; ++lane)
        pointers.push_back(data.data() + lane * stream_bytes);
    std::vector<md5_words> chaining_values(lanes, gioexport::detail::md5_initial);

    for (auto _ : state) {
        gioexport::detail::md5_blocks_lanes(isa, chaining_values.data(), pointers.data(), lanes, stream_blocks);
        benchmark::DoNotOptimize(chaining_values.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * lanes * stream_bytes));
}

// Registers BM_Md5BlocksLanes/<isa>/<lanes> for the instruction sets that
// this CPU supports, so that the list shows what was measured.
const bool lanes_registered = [] {
    for (md5_isa isa : {md5_isa::avx2, md5_isa::avx512}) {
        if (!gioexport::detail::md5_isa_supported(isa))
            continue;
        for (std::size_t lanes : {2u, 4u, 8u, 16u}) {
            if (lanes > gioexport::detail::md5_lane_count(isa))
                continue;
            const std::string name =
                std::string("BM_Md5BlocksLanes/") + gioexport::detail::md5_isa_name(isa) + "/" + std::to_string(lanes);
            benchmark::RegisterBenchmark(name.c_str(), BM_Md5BlocksLanes, isa, lanes);
        }
    }
    return true;
}();

}  // namespace
