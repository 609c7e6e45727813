// MD5 block functions (RFC 1321) that hash several independent streams at
// once in SIMD lanes, with runtime CPU dispatch.
//
// One MD5 stream is serial: each step needs the result of the one before, so
// a single stream cannot use SIMD. Different streams (for example, files that
// download at the same time) are independent, so an AVX2 register hashes 8
// of them and an AVX-512 register 16, one stream per 32-bit lane.
//
// The dispatch picks the widest instruction set that the CPU and the
// operating system support, once per process. The environment variable
// GIOEXPORT_MD5_ISA=scalar|avx2|avx512 caps that choice, so the rest of the
// library can be tested on each path. A cap above what the CPU supports has
// no effect, and an unrecognized value is reported once on stderr and
// ignored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace gioexport::detail {

// MD5 chaining value.
struct md5_words {
    std::uint32_t a, b, c, d;
};
inline constexpr md5_words md5_initial{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};

// Instruction set of an md5_blocks_lanes implementation.
enum class md5_isa {
    scalar,  // OpenSSL's block function, one stream after another
    avx2,    // 8 lanes
    avx512,  // 16 lanes (AVX-512F)
};

// Updates `state` with `blocks` consecutive 64-byte blocks at `data`, using
// OpenSSL's block function, which is assembly on x86-64.
void md5_blocks(md5_words& state, const unsigned char* data, std::size_t blocks) noexcept;

// Returns how many streams md5_blocks_lanes hashes at once on this CPU: 16
// with AVX-512F, 8 with AVX2 and 1 otherwise, or fewer under
// GIOEXPORT_MD5_ISA.
std::size_t md5_lane_count() noexcept;

// Updates states[i] with `blocks` 64-byte blocks at data[i] for each
// i < lanes. Requires 1 <= lanes <= md5_lane_count(). The pointers need no
// alignment and may point into the same buffer. With lanes == 1, or without
// SIMD, this calls md5_blocks for each lane.
//
// NOTE: a SIMD call takes as long for 2 lanes as for all of them. On an AMD
// EPYC (Zen 5), 2 lanes with AVX2 ran at 700 MB/s, below two md5_blocks
// calls at 890 MB/s. From 4 lanes with AVX2, and from 2 lanes with
// AVX-512F, the kernels were faster. On an AVX2-only EPYC at 2.45 GHz, 2
// AVX2 lanes ran at 837 MiB/s against 636 MiB/s for md5_blocks, so where
// the kernels start to pay depends on the CPU (benchmarks/RESULTS.md).
void md5_blocks_lanes(md5_words* states, const unsigned char* const* data, std::size_t lanes,
                      std::size_t blocks) noexcept;

// Returns the digest of a stream from its chaining value after all whole
// blocks, the bytes after the last whole block (tail_size < 64) and the
// stream's total length in bytes.
std::array<unsigned char, 16> md5_final(md5_words state, const unsigned char* tail, std::size_t tail_size,
                                        std::uint64_t total_bytes) noexcept;

// The functions below let tests and benchmarks run each implementation.

// Returns "scalar", "avx2" or "avx512", the spelling GIOEXPORT_MD5_ISA uses.
const char* md5_isa_name(md5_isa isa) noexcept;

// Returns whether the CPU and the operating system support `isa`,
// regardless of GIOEXPORT_MD5_ISA.
bool md5_isa_supported(md5_isa isa) noexcept;

// Returns the widest supported instruction set that is not above `cap`, the
// text of GIOEXPORT_MD5_ISA. A null or empty cap means no cap, and so does an
// unrecognized one, after a message on stderr.
md5_isa md5_select_isa(const char* cap) noexcept;

// Returns the instruction set that md5_lane_count and md5_blocks_lanes use,
// chosen on the first call from the CPU and GIOEXPORT_MD5_ISA.
md5_isa md5_active_isa() noexcept;

// Returns how many lanes the implementation for `isa` has: 1, 8 or 16.
std::size_t md5_lane_count(md5_isa isa) noexcept;

// md5_blocks_lanes with the implementation for `isa`, which must be
// supported, and 1 <= lanes <= md5_lane_count(isa).
void md5_blocks_lanes(md5_isa isa, md5_words* states, const unsigned char* const* data, std::size_t lanes,
                      std::size_t blocks) noexcept;

}  // namespace gioexport::detail
