#include "download/part_file.hpp"

#include <gioexport/error.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

namespace gioexport::detail {
namespace {

[[noreturn]] void throw_errno(int err, const std::string& action, const std::filesystem::path& path)
{
    const errc code = (err == ENOSPC || err == EDQUOT) ? errc::disk_full : errc::io_error;
    throw error(code, action + " \"" + path.string() + "\" failed: " + std::strerror(err) +
                          " (errno " + std::to_string(err) + ")");
}

void create_parent(const std::filesystem::path& path)
{
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
        throw error(errc::io_error, "creating folder \"" + path.parent_path().string() +
                                        "\" failed: " + ec.message());
}

// The largest write per call. The kernel sizes page-cache folios by a
// write's length, and on guests that give free blocks of 128 KiB and up back
// to their host, larger writes trap to the host on every page
// (benchmarks/RESULTS.md, "Writes of at most 64 KiB").
constexpr std::size_t max_write = 64 * 1024;

void write_all(int fd, const void* data, std::size_t size, const std::filesystem::path& path)
{
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, bytes, std::min(size, max_write));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw_errno(errno, "writing", path);
        }
        bytes += n;
        size -= static_cast<std::size_t>(n);
    }
}

}  // namespace

namespace {

// Opens `path` read-only with `flags` added and syncs it. `kind` ("file" or
// "folder") goes into error messages. Some file systems cannot sync a folder
// and return EINVAL, which counts as done.
void sync_path(const std::filesystem::path& path, int flags, const std::string& kind)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0)
        throw_errno(errno, "opening " + kind, path);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL)
        throw_errno(err, "syncing " + kind, path);
}

}  // namespace

void sync_folder(const std::filesystem::path& path)
{
    sync_path(path.empty() ? std::filesystem::path(".") : path, O_DIRECTORY, "folder");
}

void sync_file(const std::filesystem::path& path)
{
    sync_path(path, 0, "file");
}

std::filesystem::path part_file::part_path_for(const std::filesystem::path& final_path)
{
    std::filesystem::path part = final_path;
    part += ".part";
    return part;
}

namespace {

// Whether a link through /proc/self/fd failed for a reason other than the
// target. Later files then take the .part name from the start.
std::atomic<bool> naming_refused{false};

// Returns whether a file opened without a name can be linked later. That goes
// through /proc/self/fd, because linkat() with AT_EMPTY_PATH needs a
// capability that a download client should not ask for.
bool can_name_open_files()
{
    static const bool available = ::access("/proc/self/fd", X_OK) == 0;
    return available && !naming_refused.load(std::memory_order_relaxed);
}

}  // namespace

part_file::part_file(std::filesystem::path final_path, open_mode mode)
    : final_path_(std::move(final_path)), part_path_(part_path_for(final_path_))
{
    create_parent(final_path_);
    const int truncate = mode == open_mode::truncate ? O_TRUNC : 0;
    // Opening a name that exists takes no exclusive lock on the folder.
    fd_ = ::open(part_path_.c_str(), O_RDWR | O_CLOEXEC | truncate);
    if (fd_ < 0 && errno != ENOENT)
        throw_errno(errno, "opening", part_path_);
    if (fd_ < 0 && can_name_open_files()) {
        std::filesystem::path folder = final_path_.parent_path();
        if (folder.empty())
            folder = ".";
        fd_ = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
        // Kernels and file systems without O_TMPFILE reject it with one of
        // these errors, and the named .part file below serves them.
        if (fd_ < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            throw_errno(errno, "creating a file in", folder);
        named_ = fd_ < 0;
    }
    if (fd_ < 0) {
        fd_ = ::open(part_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | truncate, 0644);
        if (fd_ < 0)
            throw_errno(errno, "creating", part_path_);
    }
    const off_t end = ::lseek(fd_, 0, SEEK_END);
    if (end < 0) {
        const int err = errno;
        ::close(fd_);
        throw_errno(err, "seeking in", shown_path());
    }
    written_ = static_cast<std::uint64_t>(end);
}

int part_file::link_as(const std::filesystem::path& path) const noexcept
{
    char open_file[40];
    std::snprintf(open_file, sizeof open_file, "/proc/self/fd/%d", fd_);
    return ::linkat(AT_FDCWD, open_file, AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0 : errno;
}

bool part_file::give_part_name()
{
    int err = link_as(part_path_);
    if (err == EEXIST) {
        // Another attempt created a .part file after this one was opened.
        // These bytes are newer, so they replace it.
        ::unlink(part_path_.c_str());
        err = link_as(part_path_);
    }
    if (err == ENOSPC || err == EDQUOT || err == EEXIST)
        throw_errno(err, "naming", part_path_);
    if (err != 0) {
        // The system rejects links through /proc (some sandboxes do), so
        // the bytes move to a named file, and later files start named.
        naming_refused.store(true, std::memory_order_relaxed);
        copy_to_part_name();
        return true;
    }
    named_ = true;
    return false;
}

void part_file::copy_to_part_name()
{
    const int copy = ::open(part_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (copy < 0)
        throw_errno(errno, "creating", part_path_);
    try {
        std::vector<char> buffer(max_write);
        for (std::uint64_t offset = 0; offset < written_;) {
            const std::size_t got =
                read_at(offset, buffer.data(), static_cast<std::size_t>(std::min<std::uint64_t>(max_write, written_ - offset)));
            write_all(copy, buffer.data(), got, part_path_);
            offset += got;
        }
    } catch (...) {
        ::close(copy);
        ::unlink(part_path_.c_str());
        throw;
    }
    ::close(fd_);
    fd_ = copy;
    named_ = true;
}

void part_file::restart()
{
    if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) != 0)
        throw_errno(errno, "truncating", shown_path());
    written_ = 0;
}

char part_file::last_byte() const
{
    char byte = 0;
    read_at(written_ - 1, &byte, 1);
    return byte;
}

std::size_t part_file::read_at(std::uint64_t offset, char* data, std::size_t size) const
{
    for (;;) {
        const ssize_t n = ::pread(fd_, data, size, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw_errno(errno, "reading", shown_path());
        if (n == 0)
            throw error(errc::io_error, "\"" + shown_path().string() + "\" is shorter than expected");
        return static_cast<std::size_t>(n);
    }
}

part_file::~part_file()
{
    if (fd_ < 0)
        return;
    if (!named_ && written_ > 0) {
        try {
            give_part_name();
        } catch (...) {
            // The bytes are lost with the descriptor, so the next attempt starts over.
        }
    }
    ::close(fd_);
}

void part_file::write(const void* data, std::size_t size)
{
    write_all(fd_, data, size, shown_path());
    written_ += size;
    if (!named_ && written_ >= name_after)
        give_part_name();
}

void part_file::commit()
{
    sync();
    rename_into_place();
}

void part_file::sync()
{
    if (durable_ && ::fsync(fd_) != 0)
        throw_errno(errno, "syncing", shown_path());
}

void part_file::rename_into_place(bool sync_folder_after)
{
    // A file without a name gets the final one in one step. A file already
    // there (a download run once more) is replaced through the .part name,
    // because rename() replaces a file atomically and linkat() does not.
    bool linked = false;
    if (!named_) {
        const int err = link_as(final_path_);
        if (err == ENOSPC || err == EDQUOT)
            throw_errno(err, "naming", final_path_);
        if (err == 0) {
            linked = true;
        } else if (give_part_name()) {
            // Links through /proc are rejected, and the copy in the new .part
            // file needs its own sync before it may take the final name.
            sync();
        }
    }
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0)
        throw_errno(errno, "closing", linked ? final_path_ : shown_path());
    if (!linked && ::rename(part_path_.c_str(), final_path_.c_str()) != 0)
        throw_errno(errno, "renaming to final name", final_path_);
    if (sync_folder_after && durable_)
        sync_folder(final_path_.parent_path());
}

void part_file::discard() noexcept
{
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    if (named_)
        ::unlink(part_path_.c_str());
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
    part_file file(path);
    try {
        file.write(content.data(), content.size());
        file.commit();
    } catch (...) {
        file.discard();
        throw;
    }
}

}  // namespace gioexport::detail
