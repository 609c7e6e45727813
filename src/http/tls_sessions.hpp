// TLS sessions kept per host, so a new connection to a host this client
// already reached resumes its session instead of a full handshake.
#pragma once

#include <map>
#include <mutex>
#include <string>

struct ssl_ctx_st;
struct ssl_st;
struct ssl_session_st;

namespace gioexport::detail {

// Thread-safe. Sessions arrive after a handshake that passed verification
// (TLS 1.3 sends them as tickets after the handshake), and the cache keeps the
// newest one for each host and port. A resumed handshake trusts the
// certificate verified when the session was made, which was for the same
// host name.
class tls_session_cache {
public:
    tls_session_cache() = default;
    tls_session_cache(const tls_session_cache&) = delete;
    tls_session_cache& operator=(const tls_session_cache&) = delete;
    ~tls_session_cache();

    // Makes `context` hand new client sessions to this cache. The cache must
    // outlive every connection made from `context`.
    void enable(ssl_ctx_st* context);

    // Offers a copy of the session kept for `key` (host and port) to `ssl`
    // before its handshake, and files the sessions that `ssl` receives under
    // `key`.
    void prepare(ssl_st* ssl, const std::string& key);

private:
    static int on_new_session(ssl_st* ssl, ssl_session_st* session);
    void keep(const std::string& key, ssl_session_st* session);

    std::mutex mutex_;
    std::map<std::string, ssl_session_st*> sessions_;
};

}  // namespace gioexport::detail
