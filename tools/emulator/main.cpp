// gioexport-emulator: a local server of GrowingIO's raw-data export API v2.
#include "emulator.hpp"
#include "log.hpp"
#include "options.hpp"
#include "server.hpp"
#include "tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using emulator::log_line;

// Writes `contents` to `path` through a temporary file and a rename, so that
// readers never see a partial file.
void write_file_atomically(const std::string& path, const std::string& contents)
{
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << contents;
        if (!out.flush()) {
            throw std::runtime_error("cannot write " + temporary);
        }
    }
    std::filesystem::rename(temporary, path);
}

// The cache directory: --cache-dir, or a fresh temporary one that is removed at exit.
class CacheDirectory {
public:
    explicit CacheDirectory(const std::string& requested)
    {
        if (!requested.empty()) {
            path_ = requested;
            std::filesystem::create_directories(path_);
            return;
        }
        std::string pattern = (std::filesystem::temp_directory_path() / "gioexport-emulator-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a temporary cache directory in "
                                     + std::filesystem::temp_directory_path().string());
        }
        path_ = pattern;
        temporary_ = true;
    }

    ~CacheDirectory()
    {
        if (temporary_) {
            std::error_code ignored;
            std::filesystem::remove_all(path_, ignored);
        }
    }

    CacheDirectory(const CacheDirectory&) = delete;
    CacheDirectory& operator=(const CacheDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    bool temporary_ = false;
};

// Raises the soft limit of open files to the hard limit. Each connection
// takes a socket, and each object reply in progress also an open file, so
// the common soft limit of 1024 runs out below 500 concurrent downloads.
void raise_open_file_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) {
        return;
    }
    const rlim_t soft_limit = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        log_line("warning: raising the open file limit from " + std::to_string(soft_limit) + " to "
                 + std::to_string(limit.rlim_max) + " failed: " + std::strerror(errno)
                 + "; many concurrent connections may fail with EMFILE");
    }
}

tcp::acceptor open_acceptor(asio::io_context& io, const asio::ip::address& address, std::uint16_t port)
{
    tcp::acceptor acceptor(io);
    const tcp::endpoint endpoint(address, port);
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + emulator::format_endpoint(endpoint) + ": " + ec.message()
                                 + "; choose another --port or --extra-port, or 0 for an ephemeral port");
    }
    return acceptor;
}

int run(emulator::Options options)
{
    boost::system::error_code address_error;
    const auto address = asio::ip::make_address(options.listen_address, address_error);
    if (address_error) {
        std::cerr << "gioexport-emulator: invalid --listen address '" << options.listen_address
                  << "': expected an IPv4 or IPv6 literal such as 127.0.0.1 or ::1\n";
        return 2;
    }

    raise_open_file_limit();
    const CacheDirectory cache(options.cache_dir);
    // Declared before the io_context so that they outlive every coroutine frame.
    emulator::Emulator state(options, cache.path());
    std::unique_ptr<asio::ssl::context> tls;
    asio::io_context io(1);

    if (options.tls) {
        std::string certificate_pem;
        if (options.cert_file.empty()) {
            const auto pair = emulator::generate_self_signed_certificate();
            tls = std::make_unique<asio::ssl::context>(emulator::make_server_context(pair));
            certificate_pem = pair.certificate_pem;
        } else {
            tls = std::make_unique<asio::ssl::context>(
                emulator::make_server_context(options.cert_file, options.key_file));
            std::ifstream in(options.cert_file, std::ios::binary);
            certificate_pem.assign(std::istreambuf_iterator<char>(in), {});
        }
        if (!options.cert_out_file.empty()) {
            write_file_atomically(options.cert_out_file, certificate_pem);
        }
    }

    tcp::acceptor main_acceptor = open_acceptor(io, address, options.port);
    std::optional<tcp::acceptor> extra_acceptor;
    if (options.extra_port) {
        extra_acceptor.emplace(open_acceptor(io, address, *options.extra_port));
        state.extra_port = extra_acceptor->local_endpoint().port();
    }

    const std::string scheme = options.tls ? "https" : "http";
    const std::string main_authority = emulator::format_endpoint(main_acceptor.local_endpoint());
    asio::co_spawn(io, emulator::accept_connections(state, main_acceptor, tls.get(), main_authority), asio::detached);
    std::string extra_authority;
    if (extra_acceptor) {
        extra_authority = emulator::format_endpoint(extra_acceptor->local_endpoint());
        asio::co_spawn(io, emulator::accept_connections(state, *extra_acceptor, tls.get(), extra_authority),
                       asio::detached);
    }

    if (!address.is_loopback()) {
        log_line("warning: listening on " + options.listen_address
                 + ", which is not a loopback address; other hosts can reach the emulator");
    }
    if (!options.port_file.empty()) {
        write_file_atomically(options.port_file, std::to_string(main_acceptor.local_endpoint().port()) + "\n");
    }
    std::cout << "gioexport-emulator listening on " << scheme << "://" << main_authority << '\n';
    if (extra_acceptor) {
        std::cout << "gioexport-emulator also listening on " << scheme << "://" << extra_authority << '\n';
    }
    std::cout.flush();
    log_line("started: cache directory " + cache.path().string() + ", chunk size "
             + std::to_string(options.chunk_bytes) + " bytes, " + std::to_string(options.chunks_per_hour)
             + " chunk(s) per hour");

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
        if (error) {
            return;
        }
        log_line("stopping on signal " + std::to_string(signal_number));
        boost::system::error_code ignored;
        main_acceptor.close(ignored);
        if (extra_acceptor) {
            extra_acceptor->close(ignored);
        }
        io.stop();
    });

    io.run();
    // A generation still running posts its completion to `io`, so the pool
    // must finish while `io` exists. This waits for that one chunk.
    state.generation_pool.stop();
    state.generation_pool.join();
    log_line("stopped");
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    auto parsed = emulator::parse_options(argc, argv);
    if (!parsed.options) {
        if (parsed.exit_code == 0) {
            std::cout << parsed.message;
        } else {
            std::cerr << "gioexport-emulator: " << parsed.message << '\n';
        }
        return parsed.exit_code;
    }
    try {
        return run(std::move(*parsed.options));
    } catch (const std::exception& error) {
        std::cerr << "gioexport-emulator: " << error.what() << '\n';
        return 1;
    }
}
