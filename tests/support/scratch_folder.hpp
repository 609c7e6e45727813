// A fresh empty folder under TMPDIR for one unit test, removed with
// everything in it by the destructor. Header-only, so the unit tests need
// none of the emulator support code.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <unistd.h>

namespace gioexport::test {

class scratch_folder {
public:
    // Creates TMPDIR/<prefix>XXXXXX. Throws std::runtime_error when that fails.
    explicit scratch_folder(const std::string& prefix)
    {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("creating a folder from the pattern " + pattern +
                                     " failed: " + std::strerror(errno));
        path_ = pattern;
    }
    scratch_folder(const scratch_folder&) = delete;
    scratch_folder& operator=(const scratch_folder&) = delete;
    ~scratch_folder()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace gioexport::test
