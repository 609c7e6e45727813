// The exports the emulator offers: chunk lists per period, export state
// (RUNNING/FINISHED), opaque object ids and link signatures.
#pragma once

#include "chunk_store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emulator {

struct Options;

// A listed object: the downloadLinks key it was listed under, its index in
// that key's list, and the chunk it serves.
struct ObjectRef {
    std::string listed_type;
    std::int64_t position = 0;
    ChunkKey chunk;
};

// An hour or a day, as UTC epoch seconds.
struct ExportPeriod {
    std::int64_t start_seconds = 0;
    std::int64_t length_seconds = 0;
};

class Catalogue {
public:
    explicit Catalogue(const Options& options);

    // Returns the chunks of `data_type` in `period`, hour by hour and then by
    // chunk index, or none for an empty type.
    std::vector<ChunkKey> chunks_for(std::string_view data_type, const ExportPeriod& period) const;

    // Returns the object id of `object` listed by export `export_key`, and
    // remembers it so that find_object() can resolve it. The id is a keyed
    // hash, so it reveals neither the type nor the position.
    std::string register_object(const std::string& export_key, const ObjectRef& object);
    const ObjectRef* find_object(std::string_view id) const;

    // Signature of a link to `resource` (a URL path) valid until `expires`
    // (epoch seconds): HMAC-SHA256 under a key drawn at start-up.
    std::string sign_link(std::string_view resource, std::int64_t expires) const;
    bool check_link_signature(std::string_view resource, std::string_view expires,
                              std::string_view signature) const;

    // Returns the chunks that link_count_change lists for `data_type` in the
    // `listing_number`th FINISHED listing: `count` chunks of the period's
    // first hour, with indices from 1000 * listing_number up. Usual lists use
    // indices below 1000, so these chunks differ from them and from the
    // changed lists of other listings.
    std::vector<ChunkKey> changed_chunks_for(std::string_view data_type, const ExportPeriod& period,
                                             std::int64_t listing_number, std::int64_t count) const;

    // Counts one listing call of a finished period and returns RUNNING or FINISHED
    // according to --running-polls and --running-seconds.
    std::string poll(const std::string& export_key, std::int64_t now_ms);
    // Counts one FINISHED listing of `export_key` and returns its number,
    // from 1 on.
    std::int64_t count_finished_listing(const std::string& export_key);
    // Clears the counters of poll() and count_finished_listing().
    void reset_polls();

    bool external() const { return external_; }
    // File names found under --external-objects for `data_type`, sorted.
    const std::vector<std::string>& external_files(std::string_view data_type) const;

private:
    struct PollState {
        std::int64_t polls = 0;
        std::int64_t first_poll_ms = 0;
        std::int64_t finished_listings = 0;
    };

    const Options& options_;
    std::string link_key_;
    std::unordered_map<std::string, ObjectRef> objects_;
    std::map<std::string, PollState> polls_;
    bool external_ = false;
    std::map<std::string, std::vector<std::string>, std::less<>> external_files_;
};

} // namespace emulator
