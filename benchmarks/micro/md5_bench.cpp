// Throughput of the MD5 hasher that checks every downloaded byte, per update
// size: 512 bytes (Beast's smallest read), one TLS record (16 KiB) and the
// default transfer buffer (256 KiB).
#include "detail/md5.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

namespace {

void BM_Md5Update(benchmark::State& state)
{
    const auto update_size = static_cast<std::size_t>(state.range(0));
    std::vector<unsigned char> data(update_size);
    std::uint32_t x = 0x9e3779b9u;
    for (auto& byte : data) {
        x = x * 1664525u + 1013904223u;
        byte = static_cast<unsigned char>(x >> 24);
    }

    gioexport::detail::md5_hasher md5;
    for (auto _ : state)
        md5.update(data.data(), data.size());
    benchmark::DoNotOptimize(md5.finish());
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * update_size));
}
BENCHMARK(BM_Md5Update)->Arg(512)->Arg(16 * 1024)->Arg(256 * 1024);

// One whole 4 MiB stream per iteration, including the context set-up and the
// hex digest, whose cost shows as the gap to BM_Md5Update.
void BM_Md5WholeStream(benchmark::State& state)
{
    constexpr std::size_t stream_bytes = 4 * 1024 * 1024;
    constexpr std::size_t update_size = 256 * 1024;
    std::vector<unsigned char> data(update_size, 0x5a);
    for (auto _ : state) {
        gioexport::detail::md5_hasher md5;
        for (std::size_t done = 0; done < stream_bytes; done += update_size)
            md5.update(data.data(), data.size());
        benchmark::DoNotOptimize(md5.finish());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream_bytes));
}
BENCHMARK(BM_Md5WholeStream);

}  // namespace
