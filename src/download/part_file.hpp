// A file written under "<name>.part" that takes its final name only when the
// caller commits it, so a partial or unverified file never carries the name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace gioexport::detail {

class part_file {
public:
    // Creates the parent folders and opens final_path + ".part" for writing,
    // truncating what was there. Throws errc::io_error or errc::disk_full.
    explicit part_file(std::filesystem::path final_path);
    part_file(const part_file&) = delete;
    part_file& operator=(const part_file&) = delete;
    // Closes the descriptor; the .part file stays for a later resume unless
    // discard() or commit() ran.
    ~part_file();

    // Writes all bytes, retrying short writes and EINTR. Throws
    // errc::disk_full (ENOSPC, EDQUOT) or errc::io_error with the errno text.
    void write(const void* data, std::size_t size);

    // Flushes to stable storage and renames to the final name, then syncs
    // the folder so the rename itself survives a crash.
    void commit();

    // Closes and removes the .part file.
    void discard() noexcept;

    std::uint64_t size() const noexcept { return written_; }
    const std::filesystem::path& part_path() const noexcept { return part_path_; }

    static std::filesystem::path part_path_for(const std::filesystem::path& final_path);

private:
    std::filesystem::path final_path_;
    std::filesystem::path part_path_;
    int fd_ = -1;
    std::uint64_t written_ = 0;
};

// Writes `content` to `path` atomically: a temporary file in the same folder,
// fsync, rename, folder fsync.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace gioexport::detail
