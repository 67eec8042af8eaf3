// guest::Ptr<T>: an address in the emulated program's memory, typed by what lives there — rr's
// remote_ptr. A number the host could confuse with a size, a count or a host pointer becomes a type
// the compiler checks:
//   - nothing converts to a Ptr by itself: a syscall argument, a register or a sum of offsets is made
//     one on purpose (`guest::Ptr<timespec>(c.a[1])`, `Addr(rsp)`), where it enters the program;
//   - a typed Ptr converts to the untyped guest::Addr (as T* to void*), never back without cast<U>();
//   - arithmetic moves by elements: Ptr<iovec> + 1 is the next iovec, Addr + 1 the next byte;
//   - the typed readers (linux/guest_io.h) take the value's type from the pointer, so a timespec
//     cannot be written where the guest asked for a uint32_t.
// Header only, free of everything else of ours: every layer may use it (cpu/, linux/, runtime_model/ …).
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace gostart::guest {

template <class T>
class Ptr {
public:
    using element_type = T;
    // How far +1 moves: the size of a T, one byte for an untyped address.
    static constexpr uint64_t stride = [] {
        if constexpr (std::is_void_v<T>) return uint64_t{1};
        else return uint64_t{sizeof(T)};
    }();

    constexpr Ptr() = default;
    constexpr explicit Ptr(uint64_t address) : v_(address) {}
    // Any typed address is also an untyped one, as any T* is a void*.
    template <class U>
        requires(std::is_void_v<T> && !std::is_void_v<U>)
    constexpr Ptr(Ptr<U> p) : v_(p.addr()) {}

    // The number itself: for printing, page arithmetic and the engine's own calls.
    constexpr uint64_t addr() const { return v_; }
    constexpr bool is_null() const { return v_ == 0; }
    constexpr explicit operator bool() const { return v_ != 0; }

    // The same address seen as holding a U (a struct's field, a byte buffer): said, never implied.
    template <class U>
    constexpr Ptr<U> cast() const { return Ptr<U>(v_); }

    constexpr Ptr operator+(uint64_t n) const { return Ptr(v_ + n * stride); }
    constexpr Ptr operator-(uint64_t n) const { return Ptr(v_ - n * stride); }
    constexpr Ptr& operator+=(uint64_t n) { v_ += n * stride; return *this; }
    constexpr Ptr& operator-=(uint64_t n) { v_ -= n * stride; return *this; }
    // Elements between two addresses of the same type (bytes for Addr).
    constexpr int64_t operator-(Ptr o) const { return static_cast<int64_t>(v_ - o.v_) / static_cast<int64_t>(stride); }
    // Bytes further on, whatever T is: a field at an offset the Go layout tables give.
    constexpr Ptr<void> plus_bytes(uint64_t n) const { return Ptr<void>(v_ + n); }

    constexpr auto operator<=>(const Ptr&) const = default;

private:
    uint64_t v_ = 0;
};

// An untyped address: memory mapped, protected or copied as bytes.
using Addr = Ptr<void>;

}  // namespace gostart::guest
