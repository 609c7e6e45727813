#include "log.hpp"

#include <unistd.h>

#include <string>

namespace emulator {

void log_line(std::string_view line)
{
    std::string text(line);
    text.push_back('\n');
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t result = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
        if (result <= 0) {
            return;
        }
        written += static_cast<std::size_t>(result);
    }
}

} // namespace emulator
