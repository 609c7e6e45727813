#include "support/connect_proxy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <istream>

namespace gioexport::test {

namespace asio = boost::asio;
using asio::ip::tcp;

struct connect_proxy::state {
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::string required_authorization;
    mutable std::mutex mutex;
    std::vector<std::string> requests;
    std::vector<std::thread> workers;
    std::atomic<bool> stopping{false};
};

namespace {

void pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to)
{
    char buffer[16384];
    boost::system::error_code ec;
    for (;;) {
        const std::size_t n = from->read_some(asio::buffer(buffer), ec);
        if (ec || n == 0)
            break;
        asio::write(*to, asio::buffer(buffer, n), ec);
        if (ec)
            break;
    }
    to->shutdown(tcp::socket::shutdown_send, ec);
}

std::string header_value(const std::string& head, const std::string& name)
{
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos)
        return {};
    const auto start = at + name.size() + 4;
    return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

connect_proxy::connect_proxy(std::string required_authorization) : state_(std::make_shared<state>())
{
    state_->required_authorization = std::move(required_authorization);
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    state_->acceptor.open(endpoint.protocol());
    state_->acceptor.bind(endpoint);
    state_->acceptor.listen();
    port_ = state_->acceptor.local_endpoint().port();

    acceptor_ = std::thread([s = state_] {
        for (;;) {
            auto client = std::make_shared<tcp::socket>(s->io);
            boost::system::error_code ec;
            s->acceptor.accept(*client, ec);
            if (ec || s->stopping)
                return;
            s->workers.emplace_back([s, client] {
                boost::system::error_code error;
                asio::streambuf head_buffer;
                const std::size_t head_size = asio::read_until(*client, head_buffer, "\r\n\r\n", error);
                if (error)
                    return;
                std::string head(asio::buffers_begin(head_buffer.data()),
                                 asio::buffers_begin(head_buffer.data()) + static_cast<std::ptrdiff_t>(head_size));
                {
                    std::lock_guard lock(s->mutex);
                    s->requests.push_back(head);
                }
                if (!s->required_authorization.empty() &&
                    header_value(head, "Proxy-Authorization") != s->required_authorization) {
                    asio::write(*client, asio::buffer(std::string(
                                             "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                             "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")),
                                error);
                    return;
                }
                // "CONNECT host:port HTTP/1.1": the proxy resolves the host.
                const auto first_space = head.find(' ');
                const std::string authority = head.substr(first_space + 1, head.find(' ', first_space + 1) - first_space - 1);
                const auto colon = authority.rfind(':');
                std::string host = authority.substr(0, colon);
                if (!host.empty() && host.front() == '[')
                    host = host.substr(1, host.size() - 2);
                auto upstream = std::make_shared<tcp::socket>(s->io);
                tcp::resolver resolver(s->io);
                asio::connect(*upstream, resolver.resolve(host, authority.substr(colon + 1), error), error);
                if (error) {
                    asio::write(*client, asio::buffer(std::string("HTTP/1.1 502 Bad Gateway\r\n\r\n")), error);
                    return;
                }
                asio::write(*client, asio::buffer(std::string("HTTP/1.1 200 Connection established\r\n\r\n")), error);
                // Bytes that followed the head belong to the tunnel.
                if (head_buffer.size() > head_size) {
                    head_buffer.consume(head_size);
                    asio::write(*upstream, head_buffer.data(), error);
                }
                std::thread back(pump, upstream, client);
                pump(client, upstream);
                back.join();
            });
        }
    });
}

connect_proxy::~connect_proxy()
{
    state_->stopping = true;
    boost::system::error_code ec;
    // Wake the blocking accept with a connection of our own.
    tcp::socket poke(state_->io);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    acceptor_.join();
    state_->acceptor.close(ec);
    for (auto& worker : state_->workers)
        worker.detach();  // tunnels end when their peers close
}

std::vector<std::string> connect_proxy::requests() const
{
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

}  // namespace gioexport::test
