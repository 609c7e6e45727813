// The control API under /_control/, served to loopback peers only.
#pragma once

#include "reply.hpp"

namespace emulator {

struct Emulator;

Reply handle_control_request(Emulator& emulator, const Request& request);

} // namespace emulator
