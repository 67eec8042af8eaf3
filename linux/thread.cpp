#include "linux/thread.h"

#include <fmt/format.h>

namespace gostart::linux {

std::string_view wait_name(Wait::Kind k) {
    switch (k) {
        case Wait::Kind::none: return "runnable";
        case Wait::Kind::futex: return "futex wait";
        case Wait::Kind::sleep: return "sleeping";
        case Wait::Kind::epoll: return "epoll wait";
        case Wait::Kind::exited: return "exited";
    }
    return "?";
}

std::string describe_wait(const Wait& w) {
    if (w.kind == Wait::Kind::futex) return fmt::format("{} {:#x}", wait_name(w.kind), w.futex_addr.addr());
    return std::string(wait_name(w.kind));
}

}  // namespace gostart::linux
