// Cost of a call through the C interface (libgioexport.so, a call through the
// PLT into a shared library) next to the same work called directly in the
// statically linked C++ core. Both sides do almost nothing, so the difference
// is the call overhead a binding pays per call.
#include <gioexport.h>

#include <gioexport/error.hpp>
#include <gioexport/version.hpp>

#include <benchmark/benchmark.h>

namespace {

void BM_CxxVersion(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(gioexport::version());
}
BENCHMARK(BM_CxxVersion);

void BM_CVersion(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(gioexport_version());
}
BENCHMARK(BM_CVersion);

void BM_CxxErrcName(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(gioexport::errc_name(gioexport::errc::checksum_mismatch));
}
BENCHMARK(BM_CxxErrcName);

void BM_CStatusName(benchmark::State& state)
{
    for (auto _ : state)
        benchmark::DoNotOptimize(gioexport_status_name(GIOEXPORT_E_CHECKSUM_MISMATCH));
}
BENCHMARK(BM_CStatusName);

}  // namespace
