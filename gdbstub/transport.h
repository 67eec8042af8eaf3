// Transport: the byte stream to gdb (a TCP connection, or a script in the unit tests).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gostart::gdbstub {

class Transport {
public:
    virtual ~Transport() = default;
    // What has arrived, waiting up to `timeout_ms` (-1: as long as it takes) for at least one byte.
    // nullopt: nothing yet; "": the peer closed the connection (or it broke).
    virtual std::optional<std::string> read(int timeout_ms) = 0;
    // False when the peer is gone.
    virtual bool write(std::string_view bytes) = 0;
};

}  // namespace gostart::gdbstub
