// The socket side of `--gdb HOST:PORT`: listen on one address, accept one gdb, and stop listening,
// so that a second client is refused while (and after) the first is attached. PORT 0 lets the
// kernel choose; bound_address() says which it chose.
#pragma once

#include "gdbstub/transport.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace gostart::gdbstub {

// A listening address the user wrote badly (usage), or one we cannot listen on.
struct AddressError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct ListenError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct HostPort {
    std::string host;  // "127.0.0.1" when only a port was given
    std::string port;
};
// "PORT", ":PORT", "HOST:PORT", "[IPV6]:PORT"; throws AddressError.
HostPort parse_listen_address(const std::string& text);

class TcpListener {
public:
    explicit TcpListener(const std::string& address);  // binds and listens; throws AddressError/ListenError
    ~TcpListener();
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;

    std::string bound_address() const { return bound_; }  // "127.0.0.1:40123", "[::1]:40123"
    // Waits for gdb, then closes the listening socket.
    std::unique_ptr<Transport> accept_one();

private:
    int fd_ = -1;
    std::string bound_;
};

}  // namespace gostart::gdbstub
