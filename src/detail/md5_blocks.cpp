// MD5 block functions: OpenSSL's for one stream, and AVX2 and AVX-512F
// kernels for 8 and 16 streams. The kernels are compiled with GCC's target
// attribute, so this file needs no -mavx flags and runs on any x86-64 CPU
// that passes the checks in md5_isa_supported.
#include "detail/md5_blocks.hpp"

#include <openssl/md5.h>

#include <immintrin.h>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string_view>
#include <utility>

namespace gioexport::detail {
namespace {

// The additive constant of each of the 64 steps: floor(2^32 * |sin(i + 1)|)
// for step i, as RFC 1321 defines the table T.
constexpr std::uint32_t sine_constants[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

// Left-rotation amounts of the four rounds. Each round of 16 steps repeats
// its four amounts four times.
constexpr int rotations[4][4] = {
    {7, 12, 17, 22},
    {5, 9, 14, 20},
    {4, 11, 16, 23},
    {6, 10, 15, 21},
};

// Index of the message word that `step` adds. Round 1 takes the words in
// order, and rounds 2, 3 and 4 take words 1 + 5i, 5 + 3i and 7i mod 16 in
// their step i.
constexpr std::size_t message_word(std::size_t step)
{
    const std::size_t i = step % 16;
    switch (step / 16) {
    case 0: return i;
    case 1: return (1 + 5 * i) % 16;
    case 2: return (5 + 3 * i) % 16;
    default: return (7 * i) % 16;
    }
}

// GCC vector extension types with one 32-bit lane per stream. Their
// operators compile to the instructions of the function they are used in,
// so one template serves both kernels.
using lanes8 = std::uint32_t __attribute__((vector_size(32)));
using lanes16 = std::uint32_t __attribute__((vector_size(64)));

// Applies MD5 step `Step` to every lane: a = b + ((a + fn(b, c, d) + word + K) <<< s),
// where fn is F, G, H or I by round.
//
// Vectors are passed by reference because this template is compiled without
// AVX, and by-value vector arguments would change the calling convention.
template <std::size_t Step, class Vec>
[[gnu::always_inline]] inline void md5_step(Vec (&v)[4], const Vec (&words)[16])
{
    // The roles rotate by one register each step: step 0 updates a from
    // (b, c, d), step 1 updates d from (a, b, c), and so on.
    constexpr std::size_t target = (4 - Step % 4) % 4;
    Vec& a = v[target];
    const Vec& b = v[(target + 1) % 4];
    const Vec& c = v[(target + 2) % 4];
    const Vec& d = v[(target + 3) % 4];
    constexpr int shift = rotations[Step / 16][Step % 4];

    // b is the value computed by the step before, so the time of a step is
    // the latency of the operations after b, and each step is written with
    // as few of them as possible. Everything that does not need b goes into
    // `early` first, and the empty asm stops GCC's reassociation from moving
    // those additions after b. Under AVX-512F, GCC 12 compiles F, H and I
    // to one vpternlogd each and the rotation to vprold, so four operations
    // follow b in every step.
    Vec early = a + words[message_word(Step)] + sine_constants[Step];
    Vec late;
    if constexpr (Step < 16) {
        late = d ^ (b & (c ^ d));  // F = (b & c) | (~b & d)
    } else if constexpr (Step < 32) {
        // G = (b & d) | (c & ~d). The two terms have no bit in common, so
        // the | is an addition and c & ~d joins `early`.
        early += c & ~d;
        late = b & d;
    } else if constexpr (Step < 48) {
        late = b ^ (c ^ d);  // H
    } else {
        late = c ^ (b | ~d);  // I
    }
#if !defined(__clang__)
    // Clang checks the operand against this template's own target, which
    // has no AVX, and rejects it. Without the barrier, a Clang 14 build of
    // the AVX-512F kernel ran about 15 percent slower than GCC's.
    asm("" : "+v"(early));
#endif
    const Vec sum = early + late;
    a = b + ((sum << shift) | (sum >> (32 - shift)));
}

template <class Vec, std::size_t... Steps>
[[gnu::always_inline]] inline void md5_steps(Vec (&v)[4], const Vec (&words)[16], std::index_sequence<Steps...>)
{
    (md5_step<Steps>(v, words), ...);
}

// Updates the chaining values in `state` (a, b, c, d, one lane per stream)
// with one block per lane, given as its 16 little-endian words.
template <class Vec>
[[gnu::always_inline]] inline void md5_compress(Vec (&state)[4], const Vec (&words)[16])
{
    Vec v[4] = {state[0], state[1], state[2], state[3]};
    md5_steps(v, words, std::make_index_sequence<64>{});
    for (std::size_t i = 0; i < 4; ++i)
        state[i] += v[i];
}

// Hashes `blocks` blocks in each of `lanes` streams with a kernel of `Width`
// lanes. Unused lanes hash lane 0's data again, and their results are
// dropped. Loader::load fills the 16 message words of every lane from the
// block at `offset` bytes past each lane's pointer.
template <class Vec, std::size_t Width, class Loader>
[[gnu::always_inline]] inline void md5_lanes(md5_words* states, const unsigned char* const* data, std::size_t lanes,
                                             std::size_t blocks)
{
    const unsigned char* pointers[Width];
    Vec state[4];
    for (std::size_t lane = 0; lane < Width; ++lane) {
        const std::size_t source = lane < lanes ? lane : 0;
        pointers[lane] = data[source];
        state[0][lane] = states[source].a;
        state[1][lane] = states[source].b;
        state[2][lane] = states[source].c;
        state[3][lane] = states[source].d;
    }

    for (std::size_t block = 0; block < blocks; ++block) {
        Vec words[16];
        Loader::load(pointers, block * 64, words);
        md5_compress(state, words);
    }

    for (std::size_t lane = 0; lane < lanes; ++lane)
        states[lane] = md5_words{state[0][lane], state[1][lane], state[2][lane], state[3][lane]};
}

// The loaders transpose because gathers were slower. Loading each word with
// two vpgatherqd, the 16-lane kernel ran at 5.3 GiB/s against 7.0 GiB/s
// transposed, and the 8-lane AVX2 kernel at 2.4 against 2.6 GiB/s. These are
// md5_blocks_bench numbers, 64 KiB a lane, on a 2-core AMD EPYC VM with
// AVX-512.

// Loads 8 blocks as two 8x8 transposes of 32-bit words: unpacking 32-bit
// then 64-bit pairs sorts each 128-bit half, and vperm2i128 joins the halves.
struct avx2_transpose_loader {
    [[gnu::target("avx2")]] static void load(const unsigned char* const (&pointers)[8], std::size_t offset,
                                             lanes8 (&words)[16])
    {
        #pragma GCC unroll 16
        for (std::size_t half = 0; half < 2; ++half) {
            __m256i rows[8];
            #pragma GCC unroll 16
            for (std::size_t lane = 0; lane < 8; ++lane)
                rows[lane] = _mm256_loadu_si256(
                    reinterpret_cast<const __m256i*>(pointers[lane] + offset + 32 * half));

            // pairs[2k] contains words 0, 1, 4, 5 of lanes 2k and 2k + 1
            // interleaved, and pairs[2k + 1] words 2, 3, 6, 7.
            __m256i pairs[8];
            #pragma GCC unroll 16
            for (std::size_t k = 0; k < 4; ++k) {
                pairs[2 * k] = _mm256_unpacklo_epi32(rows[2 * k], rows[2 * k + 1]);
                pairs[2 * k + 1] = _mm256_unpackhi_epi32(rows[2 * k], rows[2 * k + 1]);
            }

            // quads[4g + j] contains word j of lanes 4g to 4g + 3 in its low
            // 128 bits and word j + 4 in its high 128 bits.
            __m256i quads[8];
            #pragma GCC unroll 16
            for (std::size_t g = 0; g < 2; ++g) {
                quads[4 * g + 0] = _mm256_unpacklo_epi64(pairs[4 * g], pairs[4 * g + 2]);
                quads[4 * g + 1] = _mm256_unpackhi_epi64(pairs[4 * g], pairs[4 * g + 2]);
                quads[4 * g + 2] = _mm256_unpacklo_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
                quads[4 * g + 3] = _mm256_unpackhi_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
            }

            #pragma GCC unroll 16
            for (std::size_t j = 0; j < 4; ++j) {
                words[8 * half + j] = (lanes8)_mm256_permute2x128_si256(quads[j], quads[4 + j], 0x20);
                words[8 * half + j + 4] = (lanes8)_mm256_permute2x128_si256(quads[j], quads[4 + j], 0x31);
            }
        }
    }
};

// GCC 12.2's avx512fintrin.h fills the unused source of unmasked intrinsics
// with _mm512_undefined_epi32, a self-initialized variable that GCC then
// reports as maybe uninitialized (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// Loads 16 blocks as one 16x16 transpose of 32-bit words: unpacking 32-bit
// then 64-bit pairs sorts each 128-bit chunk, and two rounds of vshufi32x4
// move the chunks into place.
struct avx512_transpose_loader {
    [[gnu::target("avx512f")]] static void load(const unsigned char* const (&pointers)[16], std::size_t offset,
                                                lanes16 (&words)[16])
    {
        __m512i rows[16];
        #pragma GCC unroll 16
        for (std::size_t lane = 0; lane < 16; ++lane)
            rows[lane] = _mm512_loadu_si512(pointers[lane] + offset);

        // In chunk c, pairs[2k] contains words 4c and 4c + 1 of lanes 2k and
        // 2k + 1 interleaved, and pairs[2k + 1] words 4c + 2 and 4c + 3.
        __m512i pairs[16];
        #pragma GCC unroll 16
        for (std::size_t k = 0; k < 8; ++k) {
            pairs[2 * k] = _mm512_unpacklo_epi32(rows[2 * k], rows[2 * k + 1]);
            pairs[2 * k + 1] = _mm512_unpackhi_epi32(rows[2 * k], rows[2 * k + 1]);
        }

        // In chunk c, quads[4g + j] contains word 4c + j of lanes 4g to 4g + 3.
        __m512i quads[16];
        #pragma GCC unroll 16
        for (std::size_t g = 0; g < 4; ++g) {
            quads[4 * g + 0] = _mm512_unpacklo_epi64(pairs[4 * g], pairs[4 * g + 2]);
            quads[4 * g + 1] = _mm512_unpackhi_epi64(pairs[4 * g], pairs[4 * g + 2]);
            quads[4 * g + 2] = _mm512_unpacklo_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
            quads[4 * g + 3] = _mm512_unpackhi_epi64(pairs[4 * g + 1], pairs[4 * g + 3]);
        }

        #pragma GCC unroll 16
        for (std::size_t j = 0; j < 4; ++j) {
            // low01 contains chunks 0 and 1 of lane groups 0 and 1, and low23
            // the same chunks of groups 2 and 3. high01 and high23 contain
            // chunks 2 and 3.
            const __m512i low01 = _mm512_shuffle_i32x4(quads[j], quads[4 + j], 0x44);
            const __m512i low23 = _mm512_shuffle_i32x4(quads[8 + j], quads[12 + j], 0x44);
            const __m512i high01 = _mm512_shuffle_i32x4(quads[j], quads[4 + j], 0xee);
            const __m512i high23 = _mm512_shuffle_i32x4(quads[8 + j], quads[12 + j], 0xee);
            words[j] = (lanes16)_mm512_shuffle_i32x4(low01, low23, 0x88);
            words[4 + j] = (lanes16)_mm512_shuffle_i32x4(low01, low23, 0xdd);
            words[8 + j] = (lanes16)_mm512_shuffle_i32x4(high01, high23, 0x88);
            words[12 + j] = (lanes16)_mm512_shuffle_i32x4(high01, high23, 0xdd);
        }
    }
};

#pragma GCC diagnostic pop

[[gnu::target("avx2")]] void md5_blocks_avx2(md5_words* states, const unsigned char* const* data, std::size_t lanes,
                                             std::size_t blocks)
{
    md5_lanes<lanes8, 8, avx2_transpose_loader>(states, data, lanes, blocks);
}

[[gnu::target("avx512f")]] void md5_blocks_avx512(md5_words* states, const unsigned char* const* data,
                                                  std::size_t lanes, std::size_t blocks)
{
    md5_lanes<lanes16, 16, avx512_transpose_loader>(states, data, lanes, blocks);
}

void store_little_endian(std::uint32_t value, unsigned char* out) noexcept
{
    for (std::size_t i = 0; i < 4; ++i)
        out[i] = static_cast<unsigned char>(value >> (8 * i));
}

}  // namespace

void md5_blocks(md5_words& state, const unsigned char* data, std::size_t blocks) noexcept
{
    if (blocks == 0)
        return;

    // MD5_Update is deprecated in OpenSSL 3, but EVP has no way to set the
    // chaining value. With num == 0 and a length that is a multiple of 64,
    // MD5_Update passes `data` straight to the assembly block function.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    MD5_CTX context{};
    context.A = state.a;
    context.B = state.b;
    context.C = state.c;
    context.D = state.d;
    MD5_Update(&context, data, blocks * 64);
#pragma GCC diagnostic pop
    state = md5_words{context.A, context.B, context.C, context.D};
}

bool md5_isa_supported(md5_isa isa) noexcept
{
    // libgcc's checks also read XCR0, so they return false when the
    // operating system does not save the AVX or AVX-512 register state.
    __builtin_cpu_init();
    switch (isa) {
    case md5_isa::scalar: return true;
    case md5_isa::avx2: return __builtin_cpu_supports("avx2");
    case md5_isa::avx512: return __builtin_cpu_supports("avx512f");
    }
    return false;
}

const char* md5_isa_name(md5_isa isa) noexcept
{
    switch (isa) {
    case md5_isa::scalar: return "scalar";
    case md5_isa::avx2: return "avx2";
    case md5_isa::avx512: return "avx512";
    }
    return "unknown";
}

md5_isa md5_select_isa(const char* cap) noexcept
{
    constexpr md5_isa widest_first[] = {md5_isa::avx512, md5_isa::avx2, md5_isa::scalar};

    md5_isa limit = md5_isa::avx512;
    if (cap != nullptr && *cap != '\0') {
        const auto named = std::find_if(std::begin(widest_first), std::end(widest_first),
                                        [cap](md5_isa isa) { return std::string_view(cap) == md5_isa_name(isa); });
        if (named != std::end(widest_first))
            limit = *named;
        else
            std::fprintf(stderr,
                         "gioexport: ignoring invalid GIOEXPORT_MD5_ISA=%.64s; expected scalar, avx2 or avx512\n",
                         cap);
    }

    for (md5_isa isa : widest_first)
        if (isa <= limit && md5_isa_supported(isa))
            return isa;
    return md5_isa::scalar;
}

md5_isa md5_active_isa() noexcept
{
    static const md5_isa isa = md5_select_isa(std::getenv("GIOEXPORT_MD5_ISA"));
    return isa;
}

std::size_t md5_lane_count(md5_isa isa) noexcept
{
    switch (isa) {
    case md5_isa::scalar: return 1;
    case md5_isa::avx2: return 8;
    case md5_isa::avx512: return 16;
    }
    return 1;
}

std::size_t md5_lane_count() noexcept
{
    return md5_lane_count(md5_active_isa());
}

void md5_blocks_lanes(md5_isa isa, md5_words* states, const unsigned char* const* data, std::size_t lanes,
                      std::size_t blocks) noexcept
{
    assert(md5_isa_supported(isa));
    assert(lanes <= md5_lane_count(isa));
    if (lanes == 0 || blocks == 0)
        return;

    if (lanes == 1 || isa == md5_isa::scalar) {
        for (std::size_t lane = 0; lane < lanes; ++lane)
            md5_blocks(states[lane], data[lane], blocks);
        return;
    }
    if (isa == md5_isa::avx2)
        md5_blocks_avx2(states, data, lanes, blocks);
    else
        md5_blocks_avx512(states, data, lanes, blocks);
}

void md5_blocks_lanes(md5_words* states, const unsigned char* const* data, std::size_t lanes,
                      std::size_t blocks) noexcept
{
    md5_blocks_lanes(md5_active_isa(), states, data, lanes, blocks);
}

std::array<unsigned char, 16> md5_final(md5_words state, const unsigned char* tail, std::size_t tail_size,
                                        std::uint64_t total_bytes) noexcept
{
    assert(tail_size < 64);

    // RFC 1321 pads with one 0x80 byte and zeros up to 56 bytes mod 64, then
    // appends the length in bits mod 2^64 as a little-endian 64-bit number.
    unsigned char padded[128] = {};
    if (tail_size > 0)
        std::memcpy(padded, tail, tail_size);
    padded[tail_size] = 0x80;
    const std::size_t padded_size = tail_size < 56 ? 64 : 128;
    const std::uint64_t bits = total_bytes * 8;
    for (std::size_t i = 0; i < 8; ++i)
        padded[padded_size - 8 + i] = static_cast<unsigned char>(bits >> (8 * i));
    md5_blocks(state, padded, padded_size / 64);

    std::array<unsigned char, 16> digest{};
    store_little_endian(state.a, digest.data());
    store_little_endian(state.b, digest.data() + 4);
    store_little_endian(state.c, digest.data() + 8);
    store_little_endian(state.d, digest.data() + 12);
    return digest;
}

}  // namespace gioexport::detail
