// The journal of an export folder: one line per event, appended with one
// write() each, so a run that is killed at any moment leaves a journal the
// next run can read. A torn last line (no newline, or fields that do not
// parse) is ignored. The next run ends it with an extra field, so that it
// stays unreadable for the runs after it.
//
// Appends are not synced one by one: a killed process loses nothing that
// write() returned, and the runner syncs the journal once before the
// manifest. A file's bytes are synced before its `verified` record is
// written, so a record never claims bytes that are not on disk. After a power
// loss a missing record only means the file is downloaded again. A run
// without syncs (download_options::sync_files false) marks its records
// `unsynced`, and such a file is trusted only after its MD5 is checked again.
//
// Lines:
//   listed <dataType> <linkCount>
//   downloading <dataType> <position> <offset>
//   verified <dataType> <position> <bytes> <md5> <verified|unverified> [unsynced]
//
// A listed line whose count differs from the type's previous listed line
// voids the type's earlier verified lines: the positions of a list of
// another length name other files.
#pragma once

#include <gioexport/download.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace gioexport::detail {

struct journal_entry {
    std::uint64_t bytes = 0;
    std::string md5;
    verification state = verification::verified;
    // Whether the bytes were synced before the record was written.
    bool synced = true;
};

class export_journal {
public:
    static constexpr const char* file_name = ".gioexport-journal";

    // Opens (creating) the journal in `export_dir`, locks it for this run
    // and reads what earlier runs recorded. Throws errc::io_error when
    // another run holds the lock, and errc::io_error or errc::disk_full when
    // the file cannot be opened.
    explicit export_journal(const std::filesystem::path& export_dir);
    export_journal(const export_journal&) = delete;
    export_journal& operator=(const export_journal&) = delete;
    ~export_journal();

    // The record of a file an earlier run (or this one) verified.
    std::optional<journal_entry> verified(const std::string& type, std::size_t position) const;

    // Records a listing of `type` with `count` links. Returns the count of
    // the type's previous listed record, if there is one. When the counts
    // differ, the type's verified records are dropped.
    std::optional<std::size_t> record_listed(const std::string& type, std::size_t count);
    void record_downloading(const std::string& type, std::size_t position, std::uint64_t offset);
    // Called after the bytes are synced and before the rename, so a file
    // under its final name always has a record.
    void record_verified(const std::string& type, std::size_t position, const journal_entry& entry);

    // Flushes every record appended so far to stable storage.
    void sync();

private:
    void append(const std::string& line);
    // Applies a listed record to the maps; the caller holds mutex_ or is the
    // constructor.
    std::optional<std::size_t> apply_listed(const std::string& type, std::size_t count);

    std::filesystem::path path_;
    int fd_ = -1;
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::size_t>, journal_entry> verified_;
    std::map<std::string, std::size_t> listed_;
};

}  // namespace gioexport::detail
