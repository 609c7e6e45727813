// Incremental MD5 over OpenSSL's EVP interface.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace gioexport::detail {

class md5_hasher {
public:
    md5_hasher();
    md5_hasher(md5_hasher&&) noexcept = default;
    md5_hasher& operator=(md5_hasher&&) noexcept = default;
    ~md5_hasher();

    void update(const void* data, std::size_t size);

    // Finishes the digest and returns it as lower-case hex. The hasher is
    // reset and can be used for a new stream afterwards.
    std::string finish();

    void reset();

private:
    struct deleter {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, deleter> ctx_;
};

}  // namespace gioexport::detail
