#include "chunk_generator.hpp"

#include "crypto.hpp"
#include "csv_rows.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace emulator {

namespace {

// Chunks up to this size use zlib level 6, gzip's default. Larger ones use
// level 1, so that a 64 MiB chunk generates in a few seconds.
constexpr std::uint64_t default_level_max_bytes = 8ULL << 20;

// Rows are generated and compressed in pieces of about this many input bytes.
constexpr std::size_t piece_bytes = 1 << 20;

// Bytes that Z_FINISH after a sync flush adds (an empty final block) plus the
// 8-byte gzip trailer, rounded up.
constexpr std::uint64_t finish_bytes = 12;

std::uint64_t fnv1a(std::uint64_t hash, std::string_view data)
{
    for (const char c : data) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    // A 0xff byte, which UTF-8 never contains, ends each field so that "ab"+"c"
    // and "a"+"bc" hash differently.
    hash ^= 0xff;
    hash *= 0x100000001b3ULL;
    return hash;
}

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};

// Writes compressed output to a file while counting bytes and updating the MD5.
class CountingWriter {
public:
    explicit CountingWriter(const std::filesystem::path& path)
        : file_(std::fopen(path.c_str(), "wb")), path_(path)
    {
        if (!file_) {
            throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
        }
    }

    void write(const void* data, std::size_t size)
    {
        if (size == 0) {
            return;
        }
        if (std::fwrite(data, 1, size, file_.get()) != size) {
            throw std::runtime_error("write to " + path_.string() + " failed: " + std::strerror(errno));
        }
        md5_.update(data, size);
        written_ += size;
    }

    void close()
    {
        std::FILE* file = file_.release();
        if (std::fclose(file) != 0) {
            throw std::runtime_error("closing " + path_.string() + " failed: " + std::strerror(errno));
        }
    }

    std::uint64_t written() const { return written_; }
    std::string md5_hex() { return md5_.finish_hex(); }

private:
    std::unique_ptr<std::FILE, FileCloser> file_;
    std::filesystem::path path_;
    Md5 md5_;
    std::uint64_t written_ = 0;
};

// Raw deflate stream wrapped in a hand-written gzip header and trailer, so that
// no header field depends on the zlib build.
class GzipWriter {
public:
    GzipWriter(CountingWriter& out, int level) : out_(out)
    {
        if (deflateInit2(&stream_, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            throw std::runtime_error("deflateInit2 failed");
        }
        // ID1 ID2 CM FLG MTIME(4) XFL OS: deflate, no flags, mtime 0, Unix.
        // XFL is 2 for maximum compression, 4 for the fastest and 0 otherwise.
        unsigned char xfl = 0;
        if (level == 9) {
            xfl = 2;
        } else if (level == 1) {
            xfl = 4;
        }
        const std::array<unsigned char, 10> header{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3};
        out_.write(header.data(), header.size());
    }

    ~GzipWriter() { deflateEnd(&stream_); }
    GzipWriter(const GzipWriter&) = delete;
    GzipWriter& operator=(const GzipWriter&) = delete;

    void feed(std::string_view data, int flush)
    {
        // crc32() with a null buffer returns the initial value, so skip empty input.
        if (!data.empty()) {
            crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
        }
        input_bytes_ += data.size();
        stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        stream_.avail_in = static_cast<uInt>(data.size());
        do {
            stream_.next_out = buffer_.data();
            stream_.avail_out = static_cast<uInt>(buffer_.size());
            const int result = deflate(&stream_, flush);
            if (result == Z_STREAM_ERROR) {
                throw std::runtime_error("deflate failed");
            }
            out_.write(buffer_.data(), buffer_.size() - stream_.avail_out);
        } while (stream_.avail_out == 0 || stream_.avail_in > 0);
    }

    void finish()
    {
        feed({}, Z_FINISH);
        // CRC32 and ISIZE, little-endian; ISIZE is the input size modulo 2^32.
        std::array<unsigned char, 8> trailer{};
        const auto size = static_cast<std::uint32_t>(input_bytes_);
        for (int i = 0; i < 4; ++i) {
            trailer[static_cast<std::size_t>(i)] = static_cast<unsigned char>(crc_ >> (8 * i));
            trailer[static_cast<std::size_t>(4 + i)] = static_cast<unsigned char>(size >> (8 * i));
        }
        out_.write(trailer.data(), trailer.size());
    }

    std::uint64_t input_bytes() const { return input_bytes_; }

private:
    CountingWriter& out_;
    z_stream stream_{};
    std::vector<unsigned char> buffer_ = std::vector<unsigned char>(256 * 1024);
    uLong crc_ = crc32(0L, Z_NULL, 0);
    std::uint64_t input_bytes_ = 0;
};

} // namespace

std::uint64_t chunk_seed(const ChunkSpec& spec)
{
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    hash = fnv1a(hash, spec.ai);
    hash = fnv1a(hash, spec.schema->name);
    hash = fnv1a(hash, std::to_string(spec.hour_start_seconds));
    hash = fnv1a(hash, std::to_string(spec.index));
    hash = fnv1a(hash, std::to_string(spec.target_bytes));
    return hash;
}

GeneratedChunk write_chunk(const ChunkSpec& spec, const std::filesystem::path& path)
{
    const int level = spec.target_bytes <= default_level_max_bytes ? 6 : 1;
    CountingWriter out(path);
    RowGenerator rows(*spec.schema, spec.hour_start_seconds * 1000, chunk_seed(spec));

    std::string piece;
    piece.reserve(piece_bytes + 64 * 1024);
    rows.append_header(piece);
    {
        GzipWriter gzip(out, level);
        // Each round aims at half of the remaining compressed size, using the
        // compression ratio seen so far, and ends with Z_SYNC_FLUSH so that the
        // output size is exact. Rounds shrink until single rows close the gap.
        double ratio = 0.5;
        bool wrote_a_row = false;
        while (!wrote_a_row || out.written() + finish_bytes < spec.target_bytes) {
            const auto remaining = static_cast<double>(spec.target_bytes - std::min(spec.target_bytes, out.written() + finish_bytes));
            auto round_input = static_cast<std::uint64_t>(remaining / 2 / ratio);
            do {
                rows.append_row(piece);
                wrote_a_row = true;
                const bool round_done = piece.size() >= round_input;
                if (piece.size() >= piece_bytes || round_done) {
                    gzip.feed(piece, round_done ? Z_SYNC_FLUSH : Z_NO_FLUSH);
                    round_input -= std::min<std::uint64_t>(round_input, piece.size());
                    piece.clear();
                    if (round_done) {
                        break;
                    }
                }
            } while (true);
            ratio = std::max(0.01, static_cast<double>(out.written()) / static_cast<double>(gzip.input_bytes()));
        }
        gzip.finish();
    }
    out.close();
    return {out.written(), out.md5_hex()};
}

} // namespace emulator
