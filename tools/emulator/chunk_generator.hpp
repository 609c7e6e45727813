// Deterministic generation of one gzip-compressed CSV chunk.
#pragma once

#include "data_types.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace emulator {

struct ChunkSpec {
    const DataTypeSchema* schema = nullptr;
    std::string ai;
    std::int64_t hour_start_seconds = 0; // UTC epoch second at which the hour starts
    std::int64_t index = 0;              // chunk number inside the hour
    std::uint64_t target_bytes = 0;      // wanted size of the compressed file
};

struct GeneratedChunk {
    std::uint64_t size = 0;
    std::string md5_hex;
};

// Returns the PRNG seed of a chunk: a hash of ai, data type, hour, index and size.
std::uint64_t chunk_seed(const ChunkSpec& spec);

// Writes the chunk to `path` and returns its size and MD5.
//
// The output is a single gzip member with mtime 0, no file name and OS byte 3,
// so the same spec gives the same bytes with the same zlib version. The file
// is at least `target_bytes` long and exceeds it by at most about one row.
// Throws std::runtime_error on I/O or zlib errors.
GeneratedChunk write_chunk(const ChunkSpec& spec, const std::filesystem::path& path);

} // namespace emulator
