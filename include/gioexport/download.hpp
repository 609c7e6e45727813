// Results and settings of file downloads.
#pragma once

#include <gioexport/error.hpp>
#include <gioexport/types.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace gioexport {

// How far a finished file was checked.
enum class verification {
    verified,    // the MD5 of the bytes on disk equals x-amz-meta-md5-hash
    unverified,  // the server sent no MD5 header; the file was kept unchecked
};

std::string_view to_string(verification v) noexcept;

// Bytes received so far and the expected total (0 when the server sent no
// Content-Length).
using progress_callback = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct download_options {
    // Fail with errc::md5_missing when the response carries no MD5 header.
    bool require_md5 = false;
    // Bytes of buffer per transfer. The transfer fills one half while the
    // other half is hashed and written.
    std::size_t buffer_size = 256 * 1024;
    // Whether to flush each file to stable storage (fsync) before it takes
    // its final name, so a file reported as done survives a power loss. With
    // false the operating system writes the bytes back later, as after curl
    // or wget. That is faster for many small files, but a power loss or a
    // kernel crash may then lose or damage files reported as done. An export
    // run marks such files in its journal, and a later run checks their MD5
    // before trusting them.
    bool sync_files = true;
    progress_callback on_progress;
};

// A file that arrived whole and now carries its final name.
struct file_result {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
    std::string md5;  // lower-case hex of the bytes on disk
    verification state = verification::unverified;
};

}  // namespace gioexport
