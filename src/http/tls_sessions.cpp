#include "http/tls_sessions.hpp"

#include <openssl/ssl.h>

#include <memory>

namespace gioexport::detail {
namespace {

// The cache and host key that a connection's SSL object carries for
// on_new_session.
struct session_owner {
    tls_session_cache* cache;
    std::string key;
};

void free_owner(void*, void* pointer, CRYPTO_EX_DATA*, int, long, void*)
{
    delete static_cast<session_owner*>(pointer);
}

int owner_index()
{
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_owner);
    return index;
}

}  // namespace

tls_session_cache::~tls_session_cache()
{
    for (auto& [key, session] : sessions_)
        SSL_SESSION_free(session);
}

void tls_session_cache::enable(ssl_ctx_st* context)
{
    // Client sessions go only to the callback, not to OpenSSL's own cache,
    // which would not know which host a session belongs to.
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(context, &tls_session_cache::on_new_session);
}

void tls_session_cache::prepare(ssl_st* ssl, const std::string& key)
{
    auto owner = std::make_unique<session_owner>(session_owner{this, key});
    if (SSL_set_ex_data(ssl, owner_index(), owner.get()) == 1)
        owner.release();  // freed with the SSL object
    SSL_SESSION* copy = nullptr;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(key);
        if (it != sessions_.end())
            copy = SSL_SESSION_dup(it->second);
    }
    if (copy != nullptr) {
        SSL_set_session(ssl, copy);  // takes its own reference
        SSL_SESSION_free(copy);
    }
}

int tls_session_cache::on_new_session(ssl_st* ssl, ssl_session_st* session)
{
    const auto* owner = static_cast<session_owner*>(SSL_get_ex_data(ssl, owner_index()));
    if (owner == nullptr || !SSL_SESSION_is_resumable(session))
        return 0;
    // The cache keeps a copy. OpenSSL treats a session whose connection ended
    // without a TLS shutdown as bad (SSL_clear(3), after RFC 2246) and marks
    // that object not resumable, and most pooled connections end that way.
    SSL_SESSION* copy = SSL_SESSION_dup(session);
    if (copy != nullptr)
        owner->cache->keep(owner->key, copy);
    return 0;  // the connection keeps its own reference
}

void tls_session_cache::keep(const std::string& key, ssl_session_st* session)
{
    std::lock_guard lock(mutex_);
    auto& slot = sessions_[key];
    if (slot != nullptr)
        SSL_SESSION_free(slot);
    slot = session;
}

}  // namespace gioexport::detail
