// The export API client.
#pragma once

#include <gioexport/download.hpp>
#include <gioexport/export.hpp>
#include <gioexport/links.hpp>
#include <gioexport/options.hpp>
#include <gioexport/types.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace gioexport {

class client_impl;

// A client of the export API and of the object storage behind its links.
//
// Every operation is an awaitable that runs on the executor given at
// construction and throws gioexport::error on failure. A client may be used
// by several coroutines at once, also from several threads: it keeps one
// token and one pool of idle connections for all of them. Copies share the
// same state.
//
// Per-operation cancellation: each awaitable stops at its next suspension
// point when its cancellation slot is emitted (terminal type) and throws
// errc::cancelled. A download cancelled this way leaves only its .part file.
class client {
public:
    client(boost::asio::any_io_executor executor, client_options options);

    // Requests a token with the HMAC-signed POST /auth/token, stores it for
    // later calls and returns it. Uses the configured token, if any, without
    // a request.
    boost::asio::awaitable<std::string> fetch_token();

    // Fetches the links of every data type (the all-types endpoint).
    boost::asio::awaitable<links_response> fetch_links(export_type type, export_date date,
                                                       link_expiry expiry = {});

    // Fetches the links of one data type (the one-type endpoint).
    boost::asio::awaitable<links_response> fetch_links(export_type type, data_type data,
                                                       export_date date,
                                                       link_expiry expiry = {});

    // Downloads one link to `target`. The file takes that name only once its
    // length and MD5 check out. Until then it is target + ".part", or has no
    // name while it is smaller than 4 MiB (see part_file in the sources).
    // Sends neither X-Client-Id nor Authorization. The link and the path are
    // taken by value because the coroutine outlives the caller's arguments.
    boost::asio::awaitable<file_result> download_link(std::string url,
                                                      std::filesystem::path target,
                                                      download_options options = {});

    // Lists, waits while RUNNING, downloads every file and writes the
    // manifest. Per-file failures are reported in the result, not thrown;
    // listing failures are thrown.
    boost::asio::awaitable<export_result> download_export(export_request request);

    const client_options& options() const noexcept;
    boost::asio::any_io_executor get_executor() const noexcept;

private:
    std::shared_ptr<client_impl> impl_;
};

}  // namespace gioexport
