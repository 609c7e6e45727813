#include "journal.hpp"

#include "detail/hex.hpp"

#include <gioexport/error.hpp>
#include <gioexport/types.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace gioexport::detail {
namespace {

std::vector<std::string_view> split_fields(std::string_view line)
{
    std::vector<std::string_view> fields;
    while (!line.empty()) {
        const auto space = line.find(' ');
        fields.push_back(line.substr(0, space));
        if (space == std::string_view::npos)
            break;
        line.remove_prefix(space + 1);
    }
    return fields;
}

template <class Number>
bool parse_number(std::string_view text, Number& out)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

[[noreturn]] void throw_io(int err, const std::string& action, const std::filesystem::path& path)
{
    throw error(err == ENOSPC || err == EDQUOT ? errc::disk_full : errc::io_error,
                action + " \"" + path.string() + "\" failed: " + std::strerror(err));
}

}  // namespace

export_journal::export_journal(const std::filesystem::path& export_dir) : path_(export_dir / file_name)
{
    std::error_code ec;
    std::filesystem::create_directories(export_dir, ec);
    if (ec)
        throw error(errc::io_error, "creating folder \"" + export_dir.string() + "\" failed: " + ec.message());

    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw_io(errno, "opening journal", path_);
    // One run per export folder: a second run would rename and remove files
    // under the first one and overwrite its manifest. The lock ends with the
    // process, also when it is killed.
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw error(errc::io_error, "export folder \"" + export_dir.string() +
                                            "\" is in use by another gioexport run (its journal is locked); "
                                            "wait for that run to end, or choose another output folder");
        throw_io(err, "locking journal", path_);
    }

    std::ifstream in(path_, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    const std::string text = content.str();
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        if (end == std::string::npos)
            break;  // a torn last line
        const auto fields = split_fields(std::string_view(text).substr(start, end - start));
        start = end + 1;
        std::size_t position = 0;
        std::size_t count = 0;
        journal_entry entry;
        if (fields.size() == 3 && fields[0] == "listed" && data_type::is_valid_name(fields[1]) &&
            parse_number(fields[2], count)) {
            apply_listed(std::string(fields[1]), count);
        } else if ((fields.size() == 6 || (fields.size() == 7 && fields[6] == "unsynced")) &&
                   fields[0] == "verified" && data_type::is_valid_name(fields[1]) &&
                   parse_number(fields[2], position) && parse_number(fields[3], entry.bytes) &&
                   is_hex(fields[4], 32) && (fields[5] == "verified" || fields[5] == "unverified")) {
            entry.md5 = std::string(fields[4]);
            entry.state = fields[5] == "verified" ? verification::verified : verification::unverified;
            entry.synced = fields.size() == 6;
            verified_[{std::string(fields[1]), position}] = entry;
        }
    }

    // A torn last line would glue onto the next record, so end it first. A
    // bare newline would let the next run parse it, and a `verified` record
    // cut just before ` unsynced` would then read as a synced one. The extra
    // field keeps any cut record unreadable.
    if (!text.empty() && text.back() != '\n')
        append(" torn");
}

export_journal::~export_journal()
{
    if (fd_ >= 0)
        ::close(fd_);
}

std::optional<journal_entry> export_journal::verified(const std::string& type, std::size_t position) const
{
    std::lock_guard lock(mutex_);
    const auto it = verified_.find({type, position});
    if (it == verified_.end())
        return std::nullopt;
    return it->second;
}

void export_journal::append(const std::string& line)
{
    const std::string data = line + "\n";
    std::lock_guard lock(mutex_);
    const char* bytes = data.data();
    std::size_t left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, bytes, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw_io(errno, "writing journal", path_);
        bytes += n;
        left -= static_cast<std::size_t>(n);
    }
}

void export_journal::sync()
{
    if (::fdatasync(fd_) != 0)
        throw_io(errno, "syncing journal", path_);
}

std::optional<std::size_t> export_journal::apply_listed(const std::string& type, std::size_t count)
{
    std::optional<std::size_t> previous;
    if (const auto it = listed_.find(type); it != listed_.end())
        previous = it->second;
    if (previous && *previous != count)
        std::erase_if(verified_, [&type](const auto& record) { return record.first.first == type; });
    listed_[type] = count;
    return previous;
}

std::optional<std::size_t> export_journal::record_listed(const std::string& type, std::size_t count)
{
    append("listed " + type + " " + std::to_string(count));
    std::lock_guard lock(mutex_);
    return apply_listed(type, count);
}

void export_journal::record_downloading(const std::string& type, std::size_t position, std::uint64_t offset)
{
    append("downloading " + type + " " + std::to_string(position) + " " + std::to_string(offset));
}

void export_journal::record_verified(const std::string& type, std::size_t position, const journal_entry& entry)
{
    append("verified " + type + " " + std::to_string(position) + " " + std::to_string(entry.bytes) + " " + entry.md5 +
           " " + std::string(to_string(entry.state)) + (entry.synced ? "" : " unsynced"));
    std::lock_guard lock(mutex_);
    verified_[{type, position}] = entry;
}

}  // namespace gioexport::detail
