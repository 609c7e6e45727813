// A snapshot of the process environment, so that option parsing and locale
// selection are pure functions that tests can feed with made-up variables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace gioexport::cli {

class environment {
public:
    environment() = default;
    environment(std::initializer_list<std::pair<const std::string, std::string>> variables);

    // Copies every variable of the running process.
    static environment from_process();

    void set(std::string name, std::string value);

    // Returns the value of a variable that is set and not empty. An empty
    // variable counts as unset, as it does for most Unix tools.
    std::optional<std::string_view> get(std::string_view name) const;

private:
    std::map<std::string, std::string, std::less<>> variables_;
};

}  // namespace gioexport::cli
