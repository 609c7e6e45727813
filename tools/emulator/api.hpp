// Handlers of POST /auth/token and GET /v2/insights/...
#pragma once

#include "reply.hpp"

namespace emulator {

struct Emulator;

Reply handle_token_request(Emulator& emulator, const Request& request);
Reply handle_insights_request(Emulator& emulator, const Request& request);

} // namespace emulator
