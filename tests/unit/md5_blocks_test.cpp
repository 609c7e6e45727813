// MD5 block functions against OpenSSL's EVP MD5, on every instruction set
// this CPU supports.
#include "detail/hex.hpp"
#include "detail/md5_blocks.hpp"

#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace gioexport::detail;

namespace gioexport::detail {

inline std::ostream& boost_test_print_type(std::ostream& out, md5_isa isa)
{
    return out << md5_isa_name(isa);
}

}  // namespace gioexport::detail

namespace {

constexpr std::size_t block_size = 64;

std::string evp_md5_hex(const unsigned char* data, std::size_t size)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    BOOST_TEST_REQUIRE(EVP_Digest(data, size, digest, &length, EVP_md5(), nullptr) == 1);
    return to_hex(digest, length);
}

std::string hex(const std::array<unsigned char, 16>& digest)
{
    return to_hex(digest.data(), digest.size());
}

// The digest of a whole stream through md5_blocks and md5_final.
std::string md5_blocks_hex(const unsigned char* data, std::size_t size)
{
    md5_words state = md5_initial;
    const std::size_t blocks = size / block_size;
    md5_blocks(state, data, blocks);
    return hex(md5_final(state, data + blocks * block_size, size % block_size, size));
}

std::vector<unsigned char> random_bytes(std::size_t size, std::uint32_t seed)
{
    std::mt19937 generator(seed);
    std::vector<unsigned char> bytes(size);
    for (auto& byte : bytes)
        byte = static_cast<unsigned char>(generator());
    return bytes;
}

std::vector<md5_isa> supported_isas()
{
    std::vector<md5_isa> isas;
    for (md5_isa isa : {md5_isa::scalar, md5_isa::avx2, md5_isa::avx512}) {
        if (md5_isa_supported(isa))
            isas.push_back(isa);
        else
            BOOST_TEST_MESSAGE("this CPU does not support " << md5_isa_name(isa) << ", so it is not tested");
    }
    return isas;
}

const unsigned char* bytes_of(std::string_view text)
{
    return reinterpret_cast<const unsigned char*>(text.data());
}

struct rfc_vector {
    std::string_view message;
    std::string_view digest;
};

// The test suite of RFC 1321, appendix A.5.
constexpr rfc_vector rfc_vectors[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(md5_blocks_suite)

BOOST_AUTO_TEST_CASE(rfc1321_test_vectors)
{
    for (const auto& vector : rfc_vectors) {
        BOOST_TEST_CONTEXT("message \"" << vector.message << "\"")
        {
            BOOST_TEST(md5_blocks_hex(bytes_of(vector.message), vector.message.size()) == vector.digest);
            BOOST_TEST(evp_md5_hex(bytes_of(vector.message), vector.message.size()) == vector.digest);
        }
    }
}

BOOST_AUTO_TEST_CASE(rfc1321_vector_in_every_lane)
{
    // The last RFC vector is one whole block and a 16-byte tail.
    const std::string_view message = rfc_vectors[6].message;
    for (md5_isa isa : supported_isas()) {
        const std::size_t lanes = md5_lane_count(isa);
        std::vector<md5_words> states(lanes, md5_initial);
        const std::vector<const unsigned char*> pointers(lanes, bytes_of(message));
        md5_blocks_lanes(isa, states.data(), pointers.data(), lanes, 1);

        for (std::size_t lane = 0; lane < lanes; ++lane) {
            BOOST_TEST_CONTEXT(md5_isa_name(isa) << " lane " << lane)
            {
                const auto digest = md5_final(states[lane], bytes_of(message) + block_size, 16, message.size());
                BOOST_TEST(hex(digest) == rfc_vectors[6].digest);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(final_every_length_up_to_200)
{
    // Covers tail sizes 0 to 63 after 0, 1 and 2 whole blocks, and so both
    // sides of the 55/56-byte point where the padding needs a second block.
    const auto data = random_bytes(200, 1);
    for (std::size_t size = 0; size <= data.size(); ++size) {
        BOOST_TEST_CONTEXT("length " << size)
        {
            BOOST_TEST(md5_blocks_hex(data.data(), size) == evp_md5_hex(data.data(), size));
        }
    }
}

BOOST_AUTO_TEST_CASE(final_long_stream)
{
    const auto data = random_bytes(1000 * block_size + 55, 2);
    BOOST_TEST(md5_blocks_hex(data.data(), data.size()) == evp_md5_hex(data.data(), data.size()));
}

BOOST_AUTO_TEST_CASE(final_length_is_independent_of_tail)
{
    // The length field covers the whole stream, not only the tail.
    const auto tail = random_bytes(10, 3);
    const auto short_stream = md5_final(md5_initial, tail.data(), tail.size(), 10);
    const auto long_stream = md5_final(md5_initial, tail.data(), tail.size(), 10 + block_size);
    BOOST_TEST(hex(short_stream) == evp_md5_hex(tail.data(), tail.size()));
    BOOST_TEST(hex(short_stream) != hex(long_stream));
}

BOOST_AUTO_TEST_CASE(lanes_match_evp)
{
    const md5_words untouched{1, 2, 3, 4};
    for (md5_isa isa : supported_isas()) {
        const std::size_t lane_count = md5_lane_count(isa);
        for (std::size_t lanes = 1; lanes <= lane_count; ++lanes) {
            for (std::size_t blocks : {0u, 1u, 2u, 17u, 300u}) {
                BOOST_TEST_CONTEXT(md5_isa_name(isa) << ", " << lanes << " lanes, " << blocks << " blocks")
                {
                    std::vector<std::vector<unsigned char>> inputs;
                    std::vector<const unsigned char*> pointers;
                    for (std::size_t lane = 0; lane < lanes; ++lane) {
                        inputs.push_back(random_bytes(blocks * block_size, static_cast<std::uint32_t>(100 + lane)));
                        pointers.push_back(inputs.back().data());
                    }
                    // One more state than lanes, which must stay as it is.
                    std::vector<md5_words> states(lanes, md5_initial);
                    states.push_back(untouched);

                    md5_blocks_lanes(isa, states.data(), pointers.data(), lanes, blocks);

                    for (std::size_t lane = 0; lane < lanes; ++lane) {
                        BOOST_TEST_CONTEXT("lane " << lane)
                        {
                            const auto digest = md5_final(states[lane], nullptr, 0, blocks * block_size);
                            BOOST_TEST(hex(digest) == evp_md5_hex(inputs[lane].data(), inputs[lane].size()));
                        }
                    }
                    BOOST_TEST(states[lanes].a == untouched.a);
                    BOOST_TEST(states[lanes].b == untouched.b);
                    BOOST_TEST(states[lanes].c == untouched.c);
                    BOOST_TEST(states[lanes].d == untouched.d);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(lanes_continue_from_own_state)
{
    // Each lane has hashed a different number of blocks before, so a kernel
    // that loads one lane's chaining value into another fails here.
    constexpr std::size_t blocks = 9;
    for (md5_isa isa : supported_isas()) {
        const std::size_t lanes = md5_lane_count(isa);
        std::vector<std::vector<unsigned char>> inputs;
        std::vector<const unsigned char*> pointers;
        std::vector<md5_words> states;
        for (std::size_t lane = 0; lane < lanes; ++lane) {
            const std::size_t prefix_blocks = lane % 5;
            inputs.push_back(random_bytes((prefix_blocks + blocks) * block_size + lane,
                                          static_cast<std::uint32_t>(200 + lane)));
            md5_words state = md5_initial;
            md5_blocks(state, inputs.back().data(), prefix_blocks);
            states.push_back(state);
            pointers.push_back(inputs.back().data() + prefix_blocks * block_size);
        }

        md5_blocks_lanes(isa, states.data(), pointers.data(), lanes, blocks);

        for (std::size_t lane = 0; lane < lanes; ++lane) {
            BOOST_TEST_CONTEXT(md5_isa_name(isa) << " lane " << lane)
            {
                const auto& input = inputs[lane];
                const std::size_t whole = input.size() / block_size * block_size;
                const auto digest = md5_final(states[lane], input.data() + whole, input.size() - whole, input.size());
                BOOST_TEST(hex(digest) == evp_md5_hex(input.data(), input.size()));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(lanes_share_buffer_at_odd_offsets)
{
    // Overlapping streams in one buffer, none of them aligned.
    constexpr std::size_t blocks = 5;
    const auto buffer = random_bytes(16 * 37 + blocks * block_size + 1, 4);
    for (md5_isa isa : supported_isas()) {
        const std::size_t lanes = md5_lane_count(isa);
        std::vector<const unsigned char*> pointers;
        for (std::size_t lane = 0; lane < lanes; ++lane)
            pointers.push_back(buffer.data() + 1 + 37 * lane);
        std::vector<md5_words> states(lanes, md5_initial);

        md5_blocks_lanes(isa, states.data(), pointers.data(), lanes, blocks);

        for (std::size_t lane = 0; lane < lanes; ++lane) {
            BOOST_TEST_CONTEXT(md5_isa_name(isa) << " lane " << lane)
            {
                const auto digest = md5_final(states[lane], nullptr, 0, blocks * block_size);
                BOOST_TEST(hex(digest) == evp_md5_hex(pointers[lane], blocks * block_size));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(dispatch_uses_active_isa)
{
    const md5_isa active = md5_active_isa();
    BOOST_TEST(md5_isa_supported(active));
    BOOST_TEST(md5_lane_count() == md5_lane_count(active));

    const std::size_t lanes = md5_lane_count();
    constexpr std::size_t blocks = 3;
    const auto buffer = random_bytes(lanes * blocks * block_size, 5);
    std::vector<const unsigned char*> pointers;
    for (std::size_t lane = 0; lane < lanes; ++lane)
        pointers.push_back(buffer.data() + lane * blocks * block_size);
    std::vector<md5_words> states(lanes, md5_initial);

    md5_blocks_lanes(states.data(), pointers.data(), lanes, blocks);

    for (std::size_t lane = 0; lane < lanes; ++lane) {
        BOOST_TEST_CONTEXT("lane " << lane)
        {
            const auto digest = md5_final(states[lane], nullptr, 0, blocks * block_size);
            BOOST_TEST(hex(digest) == evp_md5_hex(pointers[lane], blocks * block_size));
        }
    }
}

BOOST_AUTO_TEST_CASE(lane_counts_per_isa)
{
    BOOST_TEST(md5_isa_supported(md5_isa::scalar));
    BOOST_TEST(md5_lane_count(md5_isa::scalar) == 1u);
    BOOST_TEST(md5_lane_count(md5_isa::avx2) == 8u);
    BOOST_TEST(md5_lane_count(md5_isa::avx512) == 16u);
}

BOOST_AUTO_TEST_CASE(select_isa_caps_dispatch)
{
    const md5_isa widest = md5_select_isa(nullptr);
    BOOST_TEST(md5_isa_supported(widest));
    BOOST_TEST(md5_select_isa("") == widest);
    BOOST_TEST(md5_select_isa("avx512") == widest);
    BOOST_TEST(md5_select_isa("scalar") == md5_isa::scalar);

    const md5_isa expected_avx2 = md5_isa_supported(md5_isa::avx2) ? md5_isa::avx2 : md5_isa::scalar;
    BOOST_TEST(md5_select_isa("avx2") == expected_avx2);

    // An unrecognized value is reported on stderr and sets no cap.
    BOOST_TEST(md5_select_isa("AVX2") == widest);
    BOOST_TEST(md5_select_isa("sse2") == widest);
}

BOOST_AUTO_TEST_SUITE_END()
