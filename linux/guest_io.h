// Typed reads and writes of guest memory for syscall handlers: a failed access is -EFAULT, as the
// kernel's copy_from_user/copy_to_user would report it. The value's type comes from the pointer
// (guest/ptr.h): read_guest(cpu, c.ptr<timespec>(1)) reads a timespec, and writing a uint32_t where
// the guest's pointer says timespec does not compile.
#pragma once

#include "cpu/guest_cpu.h"

#include <cerrno>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace gostart::linux {

// What a Ptr<T> reads as: T without const; nothing for an untyped address (no size to read), so that
// read_guest(cpu, Addr) is no candidate at all rather than an error inside std::optional<void>.
template <class T>
struct guest_value {
    using type = std::remove_const_t<T>;
};
template <>
struct guest_value<void> {};
template <>
struct guest_value<const void> {};

template <class T>
std::optional<typename guest_value<T>::type> read_guest(const cpu::GuestCpu& cpu, guest::Ptr<T> p) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::remove_const_t<T> v;
    if (!cpu.try_read_user(p, &v, sizeof v)) return std::nullopt;
    return v;
}

// The value is converted to the pointer's type (type_identity: T comes from the pointer alone), so a
// literal 0 fills a Ptr<int32_t> while a struct of another type is refused.
template <class T>
    requires(!std::is_const_v<T>)
bool write_guest(cpu::GuestCpu& cpu, guest::Ptr<T> p, const std::type_identity_t<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    return cpu.try_write_user(p, &v, sizeof v);
}

// A NUL-terminated string of at most `max` bytes; nullopt when unreadable or too long (then
// `*too_long` says which).
inline std::optional<std::string> read_cstring(const cpu::GuestCpu& cpu, guest::Ptr<const char> str,
                                               size_t max = 4096, bool* too_long = nullptr) {
    if (too_long) *too_long = false;
    std::string s;
    char buf[64];
    while (s.size() < max) {
        size_t n = sizeof buf;
        if (!cpu.try_read_user(str + s.size(), buf, n))  // near the end of a mapping: byte by byte
            for (n = 0; n < sizeof buf; ++n)
                if (!cpu.try_read_user(str + (s.size() + n), &buf[n], 1)) break;
        for (size_t i = 0; i < n; ++i) {
            if (buf[i] == 0) return s.append(buf, i);
        }
        if (n < sizeof buf) return std::nullopt;
        s.append(buf, n);
    }
    if (too_long) *too_long = true;
    return std::nullopt;
}

// A path argument as the kernel's getname() takes it: the bytes before the NUL, or why not —
// -EFAULT when memory ends first, -ENAMETOOLONG when PATH_MAX (4096) bytes hold no NUL.
struct GuestPath {
    std::string path;
    int64_t error = 0;
    explicit operator bool() const { return error == 0; }
    const std::string& operator*() const { return path; }
    const std::string* operator->() const { return &path; }
};

inline GuestPath read_guest_path(const cpu::GuestCpu& cpu, guest::Ptr<const char> addr) {
    constexpr size_t kPathMax = 4096;
    bool too_long = false;
    auto s = read_cstring(cpu, addr, kPathMax, &too_long);
    if (!s) return {{}, too_long ? -ENAMETOOLONG : -EFAULT};
    return {std::move(*s), 0};
}

}  // namespace gostart::linux
