// Cost of the copy that Beast's parser makes when a response body is read
// with http::buffer_body. The download path decrypts TLS records into the
// connection's flat_buffer, and parser.put() then copies the body bytes into
// the transfer buffer that is hashed and written. A plain memcpy of the same
// pieces is the floor for that copy.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr std::size_t body_bytes = 16 * 1024 * 1024;
constexpr std::size_t transfer_buffer_bytes = 256 * 1024;  // download_options::buffer_size default

std::string make_response()
{
    std::string wire = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/octet-stream\r\n"
                       "Content-Length: " + std::to_string(body_bytes) +
                       "\r\nx-amz-meta-md5-hash: 0123456789abcdef0123456789abcdef\r\n\r\n";
    const std::size_t header_size = wire.size();
    wire.resize(header_size + body_bytes);
    std::uint32_t x = 12345;
    for (std::size_t i = header_size; i < wire.size(); ++i) {
        x = x * 1664525u + 1013904223u;
        wire[i] = static_cast<char>(x >> 24);
    }
    return wire;
}

// Feeds the response to a buffer_body parser in pieces of `piece` bytes, the
// amount one read of the TLS stream returns.
void BM_BeastBufferBodyPut(benchmark::State& state)
{
    const auto piece = static_cast<std::size_t>(state.range(0));
    const std::string wire = make_response();
    std::vector<char> transfer(transfer_buffer_bytes);

    for (auto _ : state) {
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none);
        parser.eager(true);
        parser.get().body().data = transfer.data();
        parser.get().body().size = transfer.size();
        std::size_t offset = 0;
        while (!parser.is_done()) {
            const std::size_t size = std::min(piece, wire.size() - offset);
            boost::system::error_code ec;
            offset += parser.put(asio::buffer(wire.data() + offset, size), ec);
            if (ec == http::error::need_buffer || parser.get().body().size == 0) {
                benchmark::DoNotOptimize(transfer.data());
                parser.get().body().data = transfer.data();
                parser.get().body().size = transfer.size();
            } else if (ec) {
                state.SkipWithError(ec.message().c_str());
                return;
            }
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body_bytes));
}
BENCHMARK(BM_BeastBufferBodyPut)->Arg(16 * 1024)->Arg(64 * 1024);

void BM_MemcpyPieces(benchmark::State& state)
{
    const auto piece = static_cast<std::size_t>(state.range(0));
    const std::string wire = make_response();
    std::vector<char> transfer(transfer_buffer_bytes);

    for (auto _ : state) {
        std::size_t used = 0;
        for (std::size_t offset = 0; offset < body_bytes; offset += piece) {
            const std::size_t size = std::min({piece, body_bytes - offset, transfer.size() - used});
            std::memcpy(transfer.data() + used, wire.data() + offset, size);
            used += size;
            if (used == transfer.size()) {
                benchmark::DoNotOptimize(transfer.data());
                used = 0;
            }
        }
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body_bytes));
}
BENCHMARK(BM_MemcpyPieces)->Arg(16 * 1024)->Arg(64 * 1024);

}  // namespace
