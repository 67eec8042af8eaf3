// The one error type of the Go readers. Every reader throws it on corrupt or unrecognised input, with
// a message that names the table and what was wrong, so a caller (or a fuzzer) never sees a crash or
// an out-of-bounds read, only a reason.
#pragma once

#include <stdexcept>
#include <string>

namespace gostart::loader {

class GoFormatError : public std::runtime_error {
public:
    explicit GoFormatError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace gostart::loader
