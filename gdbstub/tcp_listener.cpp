#include "gdbstub/tcp_listener.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gostart::gdbstub {
namespace {

class SocketTransport final : public Transport {
public:
    explicit SocketTransport(int fd) : fd_(fd) {}
    ~SocketTransport() override { ::close(fd_); }

    std::optional<std::string> read(int timeout_ms) override {
        if (closed_) return std::string();
        pollfd p{fd_, POLLIN, 0};
        int n = ::poll(&p, 1, timeout_ms);
        if (n == 0) return std::nullopt;
        if (n < 0) return errno == EINTR ? std::optional<std::string>() : std::string();
        char buf[4096];
        ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) return std::nullopt;
        if (got <= 0) {
            closed_ = true;
            return std::string();
        }
        return std::string(buf, static_cast<size_t>(got));
    }

    bool write(std::string_view bytes) override {
        while (!bytes.empty() && !closed_) {
            // MSG_NOSIGNAL: a gdb that went away must not kill the emulator with SIGPIPE.
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) closed_ = true;
            else bytes.remove_prefix(static_cast<size_t>(n));
        }
        return !closed_;
    }

private:
    int fd_;
    bool closed_ = false;
};

bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

HostPort parse_listen_address(const std::string& text) {
    HostPort hp;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw AddressError("expected [IPV6]:PORT");
        hp.host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
        hp.host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (hp.host.find(':') != std::string::npos) throw AddressError("write an IPv6 host in brackets: [::1]:PORT");
    } else {
        port = text;
    }
    if (!all_digits(port) || port.size() > 5 || std::stoul(port) > 65535)
        throw AddressError("expected HOST:PORT or PORT, with PORT a number from 0 to 65535");
    if (hp.host.empty()) hp.host = "127.0.0.1";  // loopback unless the user names another host
    hp.port = port;
    return hp;
}

TcpListener::TcpListener(const std::string& address) {
    HostPort hp = parse_listen_address(address);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (int e = ::getaddrinfo(hp.host.c_str(), hp.port.c_str(), &hints, &res); e != 0)
        throw AddressError(fmt::format("{}: {}", hp.host, gai_strerror(e)));
    std::string why = "no address";
    for (addrinfo* ai = res; ai && fd_ < 0; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            why = std::strerror(errno);
            continue;
        }
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        // A backlog of one: gdb is the only client we will ever accept.
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1) != 0) {
            why = std::strerror(errno);
            ::close(fd);
            continue;
        }
        fd_ = fd;
    }
    ::freeaddrinfo(res);
    if (fd_ < 0) throw ListenError(fmt::format("cannot listen on {}:{}: {}", hp.host, hp.port, why));

    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    ::getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV);
    bound_ = ss.ss_family == AF_INET6 ? fmt::format("[{}]:{}", host, serv) : fmt::format("{}:{}", host, serv);
}

TcpListener::~TcpListener() {
    if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<Transport> TcpListener::accept_one() {
    int c = -1;
    while (c < 0) {
        c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0 && errno != EINTR && errno != ECONNABORTED)
            throw ListenError(fmt::format("accepting on {}: {}", bound_, std::strerror(errno)));
    }
    ::close(fd_);  // no second client: connections are refused from now on
    fd_ = -1;
    int one = 1;
    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // small packets, answered at once
    return std::make_unique<SocketTransport>(c);
}

}  // namespace gostart::gdbstub
