// Handler of GET and HEAD /objects/<id>, the emulated S3-style object store.
#pragma once

#include "faults.hpp"
#include "reply.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>

namespace emulator {

struct Emulator;

// Returns the 400 reply for an object request that carries an Authorization
// header (S3 accepts one auth mechanism only), or nothing.
std::optional<Reply> reject_second_auth_mechanism(const Request& request);

// Returns what an object request offers for fault matching: the data type and
// position under which its id was listed, when the id is known.
FaultMatch object_fault_match(const Emulator& emulator, const Request& request);

// Serves the object after checking the link signature and expiry. The first
// request for a chunk waits until it has been generated.
boost::asio::awaitable<Reply> handle_object_request(Emulator& emulator, const Request& request);

} // namespace emulator
