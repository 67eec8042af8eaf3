// Typed reads and writes of guest memory for syscall handlers: a failed access is -EFAULT, as the
// kernel's copy_from_user/copy_to_user would report it.
#pragma once

#include "cpu/guest_cpu.h"

#include <cerrno>
#include <optional>
#include <string>
#include <type_traits>

namespace gostart::linux {

template <class T>
std::optional<T> read_guest(const cpu::GuestCpu& cpu, uint64_t addr) {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    if (!cpu.try_read_user(addr, &v, sizeof v)) return std::nullopt;
    return v;
}

template <class T>
bool write_guest(cpu::GuestCpu& cpu, uint64_t addr, const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    return cpu.try_write_user(addr, &v, sizeof v);
}

// A NUL-terminated string of at most `max` bytes; nullopt when unreadable or too long.
inline std::optional<std::string> read_cstring(const cpu::GuestCpu& cpu, uint64_t addr, size_t max = 4096) {
    std::string s;
    char buf[64];
    while (s.size() < max) {
        size_t n = sizeof buf;
        if (!cpu.try_read_user(addr + s.size(), buf, n))  // near the end of a mapping: byte by byte
            for (n = 0; n < sizeof buf; ++n)
                if (!cpu.try_read_user(addr + s.size() + n, &buf[n], 1)) break;
        for (size_t i = 0; i < n; ++i) {
            if (buf[i] == 0) return s.append(buf, i);
        }
        if (n < sizeof buf) return std::nullopt;
        s.append(buf, n);
    }
    return std::nullopt;
}

}  // namespace gostart::linux
