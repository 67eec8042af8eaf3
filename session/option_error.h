// A run option the session cannot use (an --allow-write directory that does not exist, …): the user's
// mistake, not the program's. main.cpp answers it as a usage error (status 2) without the --help hint,
// since the reason names the option; the session stays free of the CLI's own error types.
#pragma once

#include <stdexcept>
#include <string>

namespace gostart::session {

struct OptionError : std::runtime_error {
    explicit OptionError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace gostart::session
