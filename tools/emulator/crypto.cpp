#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace emulator {

std::string to_hex(const unsigned char* data, std::size_t size)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return hex;
}

std::string hex_to_bytes(std::string_view hex)
{
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return 0;
    };
    std::string bytes(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<char>(nibble(hex[2 * i]) * 16 + nibble(hex[2 * i + 1]));
    }
    return bytes;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    const unsigned char* result =
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
             &digest_size);
    if (result == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
    }
    return to_hex(digest.data(), digest_size);
}

bool equal_constant_time(std::string_view left, std::string_view right)
{
    if (left.size() != right.size()) {
        return false;
    }
    return CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

namespace {

void fill_random(unsigned char* data, std::size_t size)
{
    if (RAND_bytes(data, static_cast<int>(size)) != 1) {
        throw std::runtime_error("RAND_bytes failed in OpenSSL");
    }
}

} // namespace

std::string random_alphanumeric(std::size_t length)
{
    static constexpr std::string_view alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string text;
    text.reserve(length);
    std::array<unsigned char, 64> pool{};
    while (text.size() < length) {
        fill_random(pool.data(), pool.size());
        for (const unsigned char byte : pool) {
            // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
            if (byte < 248 && text.size() < length) {
                text.push_back(alphabet[byte % alphabet.size()]);
            }
        }
    }
    return text;
}

std::string random_hex(std::size_t byte_count)
{
    std::string bytes(byte_count, '\0');
    fill_random(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size());
    return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

struct Md5::Context {
    EVP_MD_CTX* ctx = nullptr;
};

Md5::Md5() : context_(std::make_unique<Context>())
{
    context_->ctx = EVP_MD_CTX_new();
    if (context_->ctx == nullptr || EVP_DigestInit_ex(context_->ctx, EVP_md5(), nullptr) != 1) {
        EVP_MD_CTX_free(context_->ctx);
        throw std::runtime_error("MD5 initialisation failed in OpenSSL");
    }
}

Md5::~Md5()
{
    EVP_MD_CTX_free(context_->ctx);
}

void Md5::update(const void* data, std::size_t size)
{
    if (EVP_DigestUpdate(context_->ctx, data, size) != 1) {
        throw std::runtime_error("MD5 update failed in OpenSSL");
    }
}

std::string Md5::finish_hex()
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (EVP_DigestFinal_ex(context_->ctx, digest.data(), &digest_size) != 1) {
        throw std::runtime_error("MD5 finalisation failed in OpenSSL");
    }
    return to_hex(digest.data(), digest_size);
}

std::string md5_raw(std::string_view data)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &digest_size, EVP_md5(), nullptr) != 1) {
        throw std::runtime_error("MD5 failed in OpenSSL");
    }
    return std::string(reinterpret_cast<const char*>(digest.data()), digest_size);
}

} // namespace emulator
