#include "chunk_store.hpp"

#include "chunk_generator.hpp"
#include "data_types.hpp"
#include "time_util.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace emulator {

namespace {

// A chunk's Last-Modified: 30 minutes after its hour ends, when an hour is
// normally ready.
constexpr std::int64_t ready_delay_seconds = 30 * 60;

bool is_lower_hex(std::string_view text)
{
    return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Returns a string that is safe in a file name; other characters become '_'.
std::string file_name_part(std::string_view text)
{
    std::string part(text);
    for (char& c : part) {
        const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || c == '-';
        if (!safe) {
            c = '_';
        }
    }
    return part;
}

std::string unique_temporary_suffix()
{
    std::ostringstream suffix;
    suffix << ".tmp." << ::getpid() << '.' << std::this_thread::get_id();
    return suffix.str();
}

} // namespace

ChunkStore::ChunkStore(std::filesystem::path directory, std::string ai, std::uint64_t chunk_bytes)
    : directory_(std::move(directory)), ai_(std::move(ai)), chunk_bytes_(chunk_bytes)
{
}

std::shared_ptr<ChunkStore::Entry> ChunkStore::entry_for(const ChunkKey& key)
{
    const std::lock_guard lock(entries_mutex_);
    auto& entry = entries_[key];
    if (!entry) {
        entry = std::make_shared<Entry>();
    }
    return entry;
}

std::shared_ptr<const ChunkFile> ChunkStore::find_ready(const ChunkKey& key)
{
    const auto entry = entry_for(key);
    if (entry->ready.load(std::memory_order_acquire)) {
        return entry->file;
    }
    return nullptr;
}

std::shared_ptr<const ChunkFile> ChunkStore::ensure(const ChunkKey& key)
{
    const auto entry = entry_for(key);
    const std::lock_guard lock(entry->generation);
    if (!entry->ready.load(std::memory_order_acquire)) {
        entry->file = load_or_generate(key);
        entry->ready.store(true, std::memory_order_release);
    }
    return entry->file;
}

std::string ChunkStore::file_stem(const ChunkKey& key) const
{
    const CivilTime hour = civil_from_epoch(key.hour_start_seconds);
    std::array<char, 16> hour_text{};
    std::snprintf(hour_text.data(), hour_text.size(), "%04d%02d%02d%02d", hour.year, hour.month,
                  hour.day, hour.hour);
    // Example: a1b2c3d4e5f60718_visit_2026120400Z_part-00000_65536
    std::array<char, 16> part_text{};
    std::snprintf(part_text.data(), part_text.size(), "part-%05lld", static_cast<long long>(key.index));
    return file_name_part(ai_) + '_' + key.data_type + '_' + hour_text.data() + "Z_" + part_text.data()
        + '_' + std::to_string(chunk_bytes_);
}

std::shared_ptr<const ChunkFile> ChunkStore::load_or_generate(const ChunkKey& key)
{
    const DataTypeSchema* schema = find_data_type(key.data_type);
    if (schema == nullptr) {
        throw std::logic_error("chunk requested for unknown data type " + key.data_type);
    }
    const std::string stem = file_stem(key);
    auto file = std::make_shared<ChunkFile>();
    file->path = directory_ / (stem + ".csv.gz");
    file->last_modified_seconds = key.hour_start_seconds + 3600 + ready_delay_seconds;
    const auto md5_path = directory_ / (stem + ".csv.gz.md5");

    // A chunk left by an earlier run is reused when its MD5 sidecar, written
    // after the chunk itself, is present and well-formed.
    std::error_code ec;
    const auto existing_size = std::filesystem::file_size(file->path, ec);
    if (!ec) {
        std::ifstream sidecar(md5_path);
        std::string md5;
        if (sidecar >> md5 && md5.size() == 32 && is_lower_hex(md5)) {
            file->size = existing_size;
            file->md5_hex = md5;
            return file;
        }
    }

    ChunkSpec spec;
    spec.schema = schema;
    spec.ai = ai_;
    spec.hour_start_seconds = key.hour_start_seconds;
    spec.index = key.index;
    spec.target_bytes = chunk_bytes_;

    const std::string suffix = unique_temporary_suffix();
    const auto chunk_temporary = file->path.string() + suffix;
    const GeneratedChunk generated = write_chunk(spec, chunk_temporary);
    std::filesystem::rename(chunk_temporary, file->path);

    const auto md5_temporary = md5_path.string() + suffix;
    {
        std::ofstream sidecar(md5_temporary, std::ios::trunc);
        sidecar << generated.md5_hex << '\n';
        if (!sidecar.flush()) {
            throw std::runtime_error("cannot write " + md5_temporary);
        }
    }
    std::filesystem::rename(md5_temporary, md5_path);

    file->size = generated.size;
    file->md5_hex = generated.md5_hex;
    return file;
}

} // namespace emulator
