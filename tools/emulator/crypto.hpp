// Small wrappers over OpenSSL for HMAC, MD5 and random values.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace emulator {

// Returns HMAC-SHA256(key, message) as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Compares two strings in time that depends only on their lengths.
bool equal_constant_time(std::string_view left, std::string_view right);

// Returns `length` characters drawn uniformly from [0-9A-Za-z] by the OpenSSL CSPRNG.
std::string random_alphanumeric(std::size_t length);

// Returns `byte_count` random bytes from the OpenSSL CSPRNG as lower-case hex.
std::string random_hex(std::size_t byte_count);

std::string to_hex(const unsigned char* data, std::size_t size);
// Returns the bytes of an even-length hex string; invalid digits decode as 0.
std::string hex_to_bytes(std::string_view hex);

// Incremental MD5 of a byte stream; the result is lower-case hex.
class Md5 {
public:
    Md5();
    ~Md5();
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;

    void update(const void* data, std::size_t size);
    std::string finish_hex();

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

// Returns the MD5 of `data` as 16 raw bytes.
std::string md5_raw(std::string_view data);

} // namespace emulator
