#include "catalogue.hpp"

#include "crypto.hpp"
#include "data_types.hpp"
#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

namespace emulator {

Catalogue::Catalogue(const Options& options)
    : options_(options), link_key_(random_hex(32)), external_(!options.external_objects_dir.empty())
{
    if (!external_) {
        return;
    }
    for (const auto& schema : data_types()) {
        auto& files = external_files_[std::string(schema.name)];
        const std::filesystem::path directory =
            std::filesystem::path(options.external_objects_dir) / std::string(schema.name);
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && name.ends_with(".csv.gz")) {
                files.push_back(name);
            }
        }
        std::ranges::sort(files);
    }
}

std::vector<ChunkKey> Catalogue::chunks_for(std::string_view data_type, const ExportPeriod& period) const
{
    std::vector<ChunkKey> chunks;
    if (options_.empty_types.contains(std::string(data_type))) {
        return chunks;
    }
    for (std::int64_t hour = period.start_seconds; hour < period.start_seconds + period.length_seconds;
         hour += 3600) {
        for (std::int64_t index = 0; index < options_.chunks_per_hour; ++index) {
            chunks.push_back(ChunkKey{std::string(data_type), hour, index});
        }
    }
    return chunks;
}

std::vector<ChunkKey> Catalogue::changed_chunks_for(std::string_view data_type, const ExportPeriod& period,
                                                    std::int64_t listing_number, std::int64_t count) const
{
    std::vector<ChunkKey> chunks;
    for (std::int64_t index = 0; index < count; ++index) {
        chunks.push_back(ChunkKey{std::string(data_type), period.start_seconds, 1000 * listing_number + index});
    }
    return chunks;
}

std::string Catalogue::register_object(const std::string& export_key, const ObjectRef& object)
{
    const std::string description = export_key + '\n' + object.listed_type + '\n'
        + std::to_string(object.position) + '\n' + object.chunk.data_type + '\n'
        + std::to_string(object.chunk.hour_start_seconds) + '\n' + std::to_string(object.chunk.index);
    // 128 bits of the keyed hash are plenty to keep ids unique.
    std::string id = hmac_sha256_hex(link_key_, "object\n" + description).substr(0, 32);
    objects_.try_emplace(id, object);
    return id;
}

const ObjectRef* Catalogue::find_object(std::string_view id) const
{
    const auto found = objects_.find(std::string(id));
    return found == objects_.end() ? nullptr : &found->second;
}

std::string Catalogue::sign_link(std::string_view resource, std::int64_t expires) const
{
    return hmac_sha256_hex(link_key_, "link\n" + std::string(resource) + '\n' + std::to_string(expires));
}

bool Catalogue::check_link_signature(std::string_view resource, std::string_view expires,
                                     std::string_view signature) const
{
    std::int64_t expires_value = 0;
    const auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), expires_value);
    if (ec != std::errc{} || end != expires.data() + expires.size() || expires.empty()) {
        return false;
    }
    return equal_constant_time(signature, sign_link(resource, expires_value));
}

std::string Catalogue::poll(const std::string& export_key, std::int64_t now_ms)
{
    auto [state, inserted] = polls_.try_emplace(export_key);
    if (inserted) {
        state->second.first_poll_ms = now_ms;
    }
    const std::int64_t poll_number = ++state->second.polls;
    const bool polls_pending = poll_number <= options_.running_polls;
    const bool time_pending = now_ms < state->second.first_poll_ms + options_.running_seconds * 1000;
    return polls_pending || time_pending ? "RUNNING" : "FINISHED";
}

std::int64_t Catalogue::count_finished_listing(const std::string& export_key)
{
    return ++polls_[export_key].finished_listings;
}

void Catalogue::reset_polls()
{
    polls_.clear();
}

const std::vector<std::string>& Catalogue::external_files(std::string_view data_type) const
{
    static const std::vector<std::string> none;
    const auto found = external_files_.find(data_type);
    return found == external_files_.end() ? none : found->second;
}

} // namespace emulator
