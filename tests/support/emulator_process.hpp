// Starts gioexport-emulator as a child process for a test and stops it again.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gioexport::test {

// Default credentials of the emulator.
inline constexpr const char* demo_client_id = "demo-client-id";
inline constexpr const char* demo_secret = "demo-secret";
inline constexpr const char* demo_project = "demoPrj1";
inline constexpr const char* demo_ai = "a1b2c3d4e5f60718";

// Digits of a period relative to now in Beijing time: the day `days_ago`
// days back as yyyyMMdd, or the hour `hours_ago` hours back as yyyyMMddHH.
// The emulator runs on the real clock because it checks the token request's
// tm against its clock, as the real server does.
std::string beijing_day(int days_ago);
std::string beijing_hour(int hours_ago);

class emulator_process {
public:
    // Starts the emulator on an ephemeral loopback port with `extra_args`,
    // over HTTPS when `tls` is set (its certificate is written to ca_file()),
    // and waits for its "listening on" line.
    emulator_process(bool tls, std::vector<std::string> extra_args = {});
    emulator_process(const emulator_process&) = delete;
    emulator_process& operator=(const emulator_process&) = delete;
    ~emulator_process();

    // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
    const std::string& base_url() const noexcept { return base_url_; }
    const std::filesystem::path& ca_file() const noexcept { return ca_file_; }
    bool tls() const noexcept { return tls_; }
    // Everything the emulator wrote to stderr so far (one line per request).
    std::string log() const;

    // Sends a request to the control API and returns the parsed JSON body.
    boost::json::value control(const std::string& method, const std::string& path,
                               const std::string& body = {}) const;

private:
    bool tls_;
    pid_t pid_ = -1;
    std::filesystem::path dir_;
    std::filesystem::path ca_file_;
    std::filesystem::path log_file_;
    std::string base_url_;
    std::string host_;
    unsigned short port_ = 0;
};

// A fresh empty folder under the build's temporary area, removed by the
// destructor.
class temp_folder {
public:
    temp_folder();
    ~temp_folder();
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

// Emulator arguments for an export of three data types, visit, page and
// action, each with two chunks of `chunk_bytes` bytes per hour. The other
// seven types are empty.
std::vector<std::string> three_type_export(std::uint64_t chunk_bytes);

// Counts the requests the emulator recorded whose path starts with
// `path_prefix`. A `status` other than 0 counts only responses with it.
std::size_t count_requests(const emulator_process& emulator, const std::string& path_prefix, int status = 0);

// Reads a whole file.
std::string read_file(const std::filesystem::path& path);

// MD5 of a file as lower-case hex.
std::string md5_of_file(const std::filesystem::path& path);

// Decompresses a gzip file of one or more members; returns the bytes or
// throws std::runtime_error when the file is not valid gzip.
std::string gunzip_file(const std::filesystem::path& path);

}  // namespace gioexport::test
