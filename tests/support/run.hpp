// Runs a library awaitable to completion from a plain test function.
#pragma once

#include "support/emulator_process.hpp"

#include <gioexport/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace gioexport::test {

// Runs `work` on `io` until it finishes and returns its result or rethrows.
template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> work)
{
    auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
    io.restart();
    io.run();
    return future.get();
}

// Log lines a client wrote, for checks that no secret leaks.
struct captured_log {
    std::mutex mutex;
    std::vector<std::string> lines;

    log_sink sink()
    {
        return [this](log_level, std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(line);
        };
    }

    std::string joined()
    {
        std::lock_guard lock(mutex);
        std::string all;
        for (const auto& line : lines)
            all += line + "\n";
        return all;
    }
};

// Client settings for the emulator: demo credentials, its CA file over TLS.
inline client_options emulator_options(const emulator_process& emulator)
{
    client_options options;
    options.base_url = emulator.base_url();
    options.creds = {demo_client_id, demo_secret, demo_project, demo_ai, ""};
    if (emulator.tls())
        options.tls.ca_file = emulator.ca_file().string();
    return options;
}

// A client of the emulator with its own io_context, whose log lines are
// captured.
struct logged_client {
    explicit logged_client(const emulator_process& emulator)
        : c(io.get_executor(), [&] {
              auto options = emulator_options(emulator);
              options.logger = log.sink();
              return options;
          }())
    {
    }

    boost::asio::io_context io;
    captured_log log;
    client c;
};

// Lists the hour export of three hours ago for one data type and returns the
// link at `position`.
inline std::string link_of(boost::asio::io_context& io, client& c, const char* type, std::size_t position = 0,
                           link_expiry expiry = {})
{
    const auto listing = run(io, c.fetch_links(export_type::hour, data_type::parse(type),
                                               export_date::parse(beijing_hour(3)), expiry));
    if (listing.links.size() != 1 || listing.links[0].urls.size() <= position)
        throw std::runtime_error(std::string("the listing of ") + type + " has no link at that position");
    return listing.links[0].urls[position];
}

}  // namespace gioexport::test
