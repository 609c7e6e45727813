#include "environment.hpp"

#include <cstring>

#include <unistd.h>  // environ, which glibc declares under _GNU_SOURCE

namespace gioexport::cli {

environment::environment(
    std::initializer_list<std::pair<const std::string, std::string>> variables)
    : variables_(variables.begin(), variables.end())
{
}

environment environment::from_process()
{
    environment env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const char* variable = *entry;
        const char* separator = std::strchr(variable, '=');
        if (separator == nullptr)
            continue;
        env.set(std::string(variable, separator), std::string(separator + 1));
    }
    return env;
}

void environment::set(std::string name, std::string value)
{
    variables_.insert_or_assign(std::move(name), std::move(value));
}

std::optional<std::string_view> environment::get(std::string_view name) const
{
    const auto found = variables_.find(name);
    if (found == variables_.end() || found->second.empty())
        return std::nullopt;
    return std::string_view(found->second);
}

}  // namespace gioexport::cli
