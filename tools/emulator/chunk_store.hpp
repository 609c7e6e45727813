// Cache of generated chunks on disk, generated lazily and at most once.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace emulator {

struct ChunkKey {
    std::string data_type;
    std::int64_t hour_start_seconds = 0; // UTC epoch second at which the hour starts
    std::int64_t index = 0;

    auto operator<=>(const ChunkKey&) const = default;
};

struct ChunkFile {
    std::filesystem::path path;
    std::uint64_t size = 0;
    std::string md5_hex;
    std::int64_t last_modified_seconds = 0;
};

// Thread-safe: find_ready() is cheap and never blocks on a generation, while
// ensure() may generate the chunk and blocks concurrent callers of the same
// chunk until that one generation has finished.
class ChunkStore {
public:
    ChunkStore(std::filesystem::path directory, std::string ai, std::uint64_t chunk_bytes);

    std::shared_ptr<const ChunkFile> find_ready(const ChunkKey& key);
    std::shared_ptr<const ChunkFile> ensure(const ChunkKey& key);

private:
    struct Entry {
        std::mutex generation;
        std::atomic<bool> ready{false};
        std::shared_ptr<const ChunkFile> file;
    };

    std::shared_ptr<Entry> entry_for(const ChunkKey& key);
    std::shared_ptr<const ChunkFile> load_or_generate(const ChunkKey& key);
    std::string file_stem(const ChunkKey& key) const;

    std::filesystem::path directory_;
    std::string ai_;
    std::uint64_t chunk_bytes_;
    std::mutex entries_mutex_;
    std::map<ChunkKey, std::shared_ptr<Entry>> entries_;
};

} // namespace emulator
