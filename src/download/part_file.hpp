// A download's file on disk, which takes its final name only when the caller
// commits it, so a partial or unverified file never carries that name.
//
// A new file starts without a name (O_TMPFILE) and is linked as
// "<name>.part" once it contains name_after bytes, or when it is closed before
// the commit. A small file is thus named once, at the commit, instead of
// being created and then renamed: on a folder that many threads write, each
// name change holds the folder's lock while ext4 looks for a free inode
// (benchmarks/RESULTS.md, "Files named once"). A crash, which closes nothing,
// loses the bytes of unnamed files, at most name_after per transfer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

namespace gioexport::detail {

class part_file {
public:
    enum class open_mode {
        truncate,  // start empty
        resume,    // keep the bytes already there and append
    };

    // A file without a name is linked as .part once it contains this many bytes.
    static constexpr std::uint64_t name_after = 4 * 1024 * 1024;

    // Creates the parent folders and opens final_path + ".part" when it
    // exists, or else a file without a name in the same folder (a named
    // .part file where the file system or /proc cannot do that). Throws
    // errc::io_error or errc::disk_full.
    explicit part_file(std::filesystem::path final_path, open_mode mode = open_mode::truncate);
    part_file(const part_file&) = delete;
    part_file& operator=(const part_file&) = delete;
    // Closes the descriptor. Unless discard() or commit() ran, the bytes stay
    // under the .part name for a later resume, and a file without a name
    // that contains any bytes gets that name now.
    ~part_file();

    // Writes all bytes, retrying short writes and EINTR. Throws
    // errc::disk_full (ENOSPC, EDQUOT) or errc::io_error with the errno text.
    void write(const void* data, std::size_t size);

    // Flushes to stable storage and renames to the final name, then syncs
    // the folder so the rename itself survives a crash.
    void commit();

    // The two halves of commit(), for callers that record the file between.
    // With `sync_folder` false the caller syncs the folder later, once for
    // many files. Until then a crash may undo the rename. It never leaves a
    // final name on bytes that are not on disk.
    void sync();
    void rename_into_place(bool sync_folder = true);

    // Sets whether sync() and rename_into_place() flush to stable storage.
    // With false they do not, and the operating system writes the bytes back
    // when it chooses (download_options::sync_files).
    void set_durable(bool durable) noexcept { durable_ = durable; }

    // Closes and removes the .part file, if it has that name.
    void discard() noexcept;

    // Empties the file, for a transfer that starts over.
    void restart();

    // Calls `consume(data, size)` for the bytes already in the file, in order,
    // through a buffer of `buffer_size` bytes.
    template <class Consume>
    void read_existing(std::size_t buffer_size, Consume&& consume) const;

    std::uint64_t size() const noexcept { return written_; }

    // The last byte written; the file must not be empty.
    char last_byte() const;
    // The .part name, which the file may not carry yet (see has_part_name()).
    const std::filesystem::path& part_path() const noexcept { return part_path_; }
    bool has_part_name() const noexcept { return named_; }

    static std::filesystem::path part_path_for(const std::filesystem::path& final_path);

private:
    // Links a file without a name as the .part file, replacing a stale one,
    // or copies it there where the system rejects such links. Returns true
    // after a copy, which is not synced yet.
    bool give_part_name();
    // Copies the bytes into a new .part file and continues with that one.
    void copy_to_part_name();
    // Links a file without a name under `path`. Returns 0 or the errno.
    int link_as(const std::filesystem::path& path) const noexcept;

    // The path that error messages name: the .part file, or the final path
    // while the file has no name.
    const std::filesystem::path& shown_path() const noexcept { return named_ ? part_path_ : final_path_; }

    // Reads up to `size` bytes at `offset` from the .part file.
    std::size_t read_at(std::uint64_t offset, char* data, std::size_t size) const;

    std::filesystem::path final_path_;
    std::filesystem::path part_path_;
    int fd_ = -1;
    bool named_ = true;  // false while the file has no name
    bool durable_ = true;
    std::uint64_t written_ = 0;
};

template <class Consume>
void part_file::read_existing(std::size_t buffer_size, Consume&& consume) const
{
    std::vector<char> buffer(buffer_size);
    for (std::uint64_t offset = 0; offset < written_;) {
        const std::size_t got = read_at(offset, buffer.data(), buffer.size());
        consume(buffer.data(), got);
        offset += got;
    }
}

// Flushes a folder's entries (new names, renames) to stable storage.
// Throws errc::io_error.
void sync_folder(const std::filesystem::path& folder);

// Flushes the bytes of an existing file to stable storage. Throws
// errc::io_error.
void sync_file(const std::filesystem::path& path);

// Writes `content` to `path` atomically: a temporary file in the same folder,
// fsync, rename, folder fsync.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace gioexport::detail
