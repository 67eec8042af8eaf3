// Errors from the CPU engine carry Unicorn's own message, so a failure reads like the library's.
#pragma once

#include <stdexcept>
#include <string>

namespace gostart::cpu {

class EngineError : public std::runtime_error {
public:
    explicit EngineError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace gostart::cpu
