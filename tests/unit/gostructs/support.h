// Where the gostructs tests' binaries are: meson passes their paths in the environment.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace gostart::test {

inline std::string env_path(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) throw std::runtime_error(std::string("environment variable ") + name + " is not set (run via meson test)");
    return v;
}

}  // namespace gostart::test
