#include "detail/md5.hpp"

#include "detail/hex.hpp"

#include <gioexport/error.hpp>

#include <openssl/evp.h>

namespace gioexport::detail {

void md5_hasher::deleter::operator()(evp_md_ctx_st* ctx) const noexcept
{
    EVP_MD_CTX_free(ctx);
}

md5_hasher::md5_hasher() : ctx_(EVP_MD_CTX_new())
{
    if (!ctx_)
        throw error(errc::internal, "could not allocate an MD5 context");
    reset();
}

md5_hasher::~md5_hasher() = default;

void md5_hasher::reset()
{
    if (EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1)
        throw error(errc::internal, "could not initialise MD5");
}

void md5_hasher::update(const void* data, std::size_t size)
{
    if (EVP_DigestUpdate(ctx_.get(), data, size) != 1)
        throw error(errc::internal, "MD5 update failed");
}

std::string md5_hasher::finish()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1)
        throw error(errc::internal, "MD5 finish failed");
    reset();
    return to_hex(digest, length);
}

}  // namespace gioexport::detail
