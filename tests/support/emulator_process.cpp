#include "support/emulator_process.hpp"

#include <gioexport/types.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>

#include <openssl/evp.h>
#include <zlib.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace gioexport::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::filesystem::path emulator_path()
{
    const char* path = std::getenv("GIOEXPORT_EMULATOR");
    if (path == nullptr || *path == '\0')
        throw std::runtime_error("GIOEXPORT_EMULATOR is not set; run the tests through meson test");
    return path;
}

std::filesystem::path make_unique_folder(const std::string& prefix)
{
    std::random_device random;
    const auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = base / (prefix + std::to_string(random()));
        if (std::filesystem::create_directory(candidate))
            return candidate;
    }
    throw std::runtime_error("cannot create a temporary folder");
}

template <class Stream>
http::response<http::string_body> exchange(Stream& stream, http::request<http::string_body>& request)
{
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return response;
}

}  // namespace

emulator_process::emulator_process(bool tls, std::vector<std::string> extra_args) : tls_(tls)
{
    dir_ = make_unique_folder("gioexport-emu-");
    ca_file_ = dir_ / "ca.pem";
    log_file_ = dir_ / "emulator.log";
    const auto out_file = dir_ / "stdout.txt";

    std::vector<std::string> args = {emulator_path().string(), "--port", "0", "--cache-dir",
                                     (dir_ / "cache").string()};
    if (tls) {
        args.push_back("--tls");
        args.push_back("--cert-out");
        args.push_back(ca_file_.string());
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());

    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + args[0]);

    // Wait for "gioexport-emulator listening on <scheme>://<host>:<port>".
    const std::string marker = "listening on ";
    for (int i = 0; i < 300; ++i) {
        const std::string out = read_file(out_file);
        const auto at = out.find(marker);
        const auto end = at == std::string::npos ? at : out.find('\n', at);
        if (end != std::string::npos) {
            base_url_ = out.substr(at + marker.size(), end - at - marker.size());
            const auto colon = base_url_.rfind(':');
            port_ = static_cast<unsigned short>(std::stoi(base_url_.substr(colon + 1)));
            // "scheme://host:port" or "scheme://[v6]:port"; control requests
            // go to the same address.
            host_ = base_url_.substr(base_url_.find("//") + 2, colon - base_url_.find("//") - 2);
            if (!host_.empty() && host_.front() == '[')
                host_ = host_.substr(1, host_.size() - 2);
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("the emulator exited early: " + read_file(log_file_));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the emulator did not report its port within 6 s");
}

emulator_process::~emulator_process()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (waitpid(pid_, &status, WNOHANG) == 0) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string emulator_process::log() const
{
    return read_file(log_file_);
}

boost::json::value emulator_process::control(const std::string& method, const std::string& path,
                                             const std::string& body) const
{
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host_, std::to_string(port_));

    http::request<http::string_body> request{http::string_to_verb(method), path, 11};
    const std::string host_header = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    request.set(http::field::host, host_header + ":" + std::to_string(port_));
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();

    http::response<http::string_body> response;
    if (tls_) {
        asio::ssl::context context(asio::ssl::context::tls_client);
        context.load_verify_file(ca_file_.string());
        context.set_verify_mode(asio::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(io, context);
        beast::get_lowest_layer(stream).connect(endpoints);
        stream.handshake(asio::ssl::stream_base::client);
        response = exchange(stream, request);
    } else {
        beast::tcp_stream stream(io);
        stream.connect(endpoints);
        response = exchange(stream, request);
    }
    if (response.result_int() != 200)
        throw std::runtime_error("control " + path + " answered " + std::to_string(response.result_int()) +
                                 ": " + response.body());
    if (response.body().empty())
        return nullptr;
    return boost::json::parse(response.body());
}

std::vector<std::string> three_type_export(std::uint64_t chunk_bytes)
{
    return {"--chunks-per-hour", "2", "--chunk-bytes", std::to_string(chunk_bytes), "--empty-types",
            "action_tag,custom_event,pvar,evar,vstr,ads_track_activation,ads_track_click"};
}

std::size_t count_requests(const emulator_process& emulator, const std::string& path_prefix, int status)
{
    std::size_t count = 0;
    const auto stats = emulator.control("GET", "/_control/stats");
    for (const auto& record : stats.as_object().at("requests").as_array()) {
        const auto& fields = record.as_object();
        if (std::string(fields.at("path").as_string()).rfind(path_prefix, 0) != 0)
            continue;
        if (status == 0 || fields.at("status").to_number<int>() == status)
            ++count;
    }
    return count;
}

std::string beijing_day(int days_ago)
{
    const auto tp = std::chrono::system_clock::now() - std::chrono::hours(24 * days_ago);
    return export_date::from_time_point(tp).truncated(export_type::day);
}

std::string beijing_hour(int hours_ago)
{
    const auto tp = std::chrono::system_clock::now() - std::chrono::hours(hours_ago);
    return export_date::from_time_point(tp).truncated(export_type::hour);
}

temp_folder::temp_folder() : path_(make_unique_folder("gioexport-test-")) {}

temp_folder::~temp_folder()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string md5_of_file(const std::filesystem::path& path)
{
    const std::string content = read_file(path);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(content.data(), content.size(), digest, &length, EVP_md5(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (unsigned i = 0; i < length; ++i) {
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 15];
    }
    return text;
}

std::string gunzip_file(const std::filesystem::path& path)
{
    const std::string input = read_file(path);
    std::string output;
    std::size_t offset = 0;
    if (input.empty())
        throw std::runtime_error("empty gzip file " + path.string());
    while (offset < input.size()) {
        z_stream stream{};
        if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
            throw std::runtime_error("inflateInit2 failed");
        stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + offset));
        stream.avail_in = static_cast<uInt>(input.size() - offset);
        char buffer[65536];
        int rc = Z_OK;
        while (rc == Z_OK) {
            stream.next_out = reinterpret_cast<Bytef*>(buffer);
            stream.avail_out = sizeof buffer;
            rc = inflate(&stream, Z_NO_FLUSH);
            output.append(buffer, sizeof buffer - stream.avail_out);
        }
        const std::size_t used = input.size() - offset - stream.avail_in;
        inflateEnd(&stream);
        if (rc != Z_STREAM_END)
            throw std::runtime_error("invalid gzip data in " + path.string());
        offset += used;
    }
    return output;
}

}  // namespace gioexport::test
