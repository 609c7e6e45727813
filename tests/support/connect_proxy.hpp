// A small HTTP CONNECT proxy on loopback for tests: it records each CONNECT
// request, can demand Basic credentials, and relays bytes both ways.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gioexport::test {

class connect_proxy {
public:
    // `required_authorization`, when not empty, is the exact
    // Proxy-Authorization value to accept; others get 407.
    explicit connect_proxy(std::string required_authorization = {});
    ~connect_proxy();

    unsigned short port() const noexcept { return port_; }

    // The request head (request line and headers) of every CONNECT so far.
    std::vector<std::string> requests() const;

private:
    struct state;
    std::shared_ptr<state> state_;
    unsigned short port_ = 0;
    std::thread acceptor_;
};

}  // namespace gioexport::test
