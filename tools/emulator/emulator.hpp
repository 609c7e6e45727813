// State shared by every connection. Except for the thread-safe chunk store,
// it is used only from the single I/O thread, so it needs no locks.
#pragma once

#include "auth.hpp"
#include "catalogue.hpp"
#include "chunk_store.hpp"
#include "faults.hpp"
#include "options.hpp"
#include "stats.hpp"
#include "time_util.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <deque>
#include <filesystem>
#include <optional>

namespace emulator {

struct Emulator {
    Emulator(Options options_in, const std::filesystem::path& cache_dir)
        : options(std::move(options_in)),
          tokens(options),
          catalogue(options),
          chunks(cache_dir, options.ai, options.chunk_bytes)
    {
        if (options.now_ms) {
            clock.set_now_ms(*options.now_ms);
        }
    }

    Options options;
    EmulatorClock clock;
    TokenIssuer tokens;
    Catalogue catalogue;
    ChunkStore chunks;
    FaultTable faults;
    Stats stats;

    // Start times of recent insights calls, for --api-rate-limit.
    std::deque<std::chrono::steady_clock::time_point> recent_api_calls;

    // Bound port of --extra-port, once listening.
    std::optional<std::uint16_t> extra_port;

    // Worker threads on which objects.cpp generates chunks, off the I/O thread.
    boost::asio::thread_pool generation_pool{2};
};

} // namespace emulator
