// A guest program for the Linux layer's tests: a real Engine and Process, code assembled with the test
// assembler at kCode, data at kData, a stack — no ELF file. `sys()` emits one syscall and stores its
// result in a slot the test reads after run().
#pragma once

#include "cpu/engine.h"
#include "cpu/prot.h"
#include "linux/process.h"
#include "tests/unit/cpu/x86_asm.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace gostart::test {

// A syscall argument: an immediate, or a value the guest loads from memory when the call is made
// (so that one syscall can use another's result, e.g. a descriptor).
struct V {
    enum class Kind { imm, mem64, mem32 } kind = Kind::imm;
    uint64_t v = 0;
    template <class T, class = std::enable_if_t<std::is_integral_v<T> || std::is_enum_v<T>>>
    V(T x) : v(static_cast<uint64_t>(static_cast<int64_t>(x))) {}  // sign-extends, as the ABI passes ints
    V(Kind k, uint64_t addr) : kind(k), v(addr) {}
};
inline V m64(uint64_t addr) { return V(V::Kind::mem64, addr); }
inline V m32(uint64_t addr) { return V(V::Kind::mem32, addr); }

class Guest {
public:
    static constexpr uint64_t kCode = 0x400000;
    static constexpr uint64_t kData = 0x600000;         // [kData, +0x1000): fixed places tests choose
    static constexpr uint64_t kSlots = kData + 0x1000;  // one 8-byte slot per sys() result
    static constexpr uint64_t kHeap = kData + 0x2000;   // strings and buffers from alloc()/str()
    static constexpr uint64_t kDataSize = 0x10000;
    static constexpr uint64_t kStack = 0x10000000;
    static constexpr uint64_t kStackTop = kStack + 0x10000;
    static constexpr uint64_t kAltStack = 0x10100000;
    static constexpr uint64_t kAltStackSize = 0x8000;
    static constexpr uint64_t kChildStack = 0x10200000;  // [.., + 0x10000)
    static constexpr uint64_t kChildStackTop = kChildStack + 0x10000;

    std::ostringstream diag, trace;
    cpu::Engine engine;
    linux::Process proc;
    Asm code{kCode};

    explicit Guest(linux::ProcessOptions opts = {}, bool with_strace = false)
        : proc(engine, with_options(opts, with_strace)) {
        auto rw = cpu::kProtRead | cpu::kProtWrite;
        proc.memory().map_fixed(kCode, kCode + 0x10000, rw, "code");
        proc.memory().map_fixed(kData, kData + kDataSize, rw, "data");
        proc.memory().map_fixed(kStack, kStackTop, rw, "[stack]");
        proc.memory().map_fixed(kAltStack, kAltStack + kAltStackSize, rw, "altstack");
        proc.memory().map_fixed(kChildStack, kChildStackTop, rw, "child stack");
    }

    // Guest memory for the test's own data.
    uint64_t alloc(size_t n, size_t align = 16) {
        heap_ = (heap_ + align - 1) & ~uint64_t(align - 1);
        uint64_t at = heap_;
        heap_ += n;
        REQUIRE(heap_ <= kData + kDataSize);
        return at;
    }
    uint64_t bytes(const void* p, size_t n) {
        uint64_t at = alloc(n);
        engine.write(guest::Addr(at), p, n);
        return at;
    }
    template <class T>
    uint64_t put(const T& v) {
        return bytes(&v, sizeof v);
    }
    uint64_t str(const std::string& s) { return bytes(s.c_str(), s.size() + 1); }

    // Emits `mov reg, value` for an argument.
    void load(R reg, const V& v) {
        code.mov(reg, v.v);
        if (v.kind == V::Kind::mem64) code.load(reg, reg, 0);
        if (v.kind == V::Kind::mem32) code.load32(reg, reg, 0);
    }
    // Emits the syscall and `mov [slot], rax`; returns the slot's address.
    uint64_t sys(int nr, std::vector<V> args = {}) {
        static constexpr R kArgRegs[] = {R::rdi, R::rsi, R::rdx, R::r10, R::r8, R::r9};
        REQUIRE(args.size() <= 6);
        for (size_t i = 0; i < args.size(); ++i) load(kArgRegs[i], args[i]);
        code.mov(R::rax, static_cast<uint64_t>(nr));
        code.syscall();
        uint64_t slot = kSlots + 8 * slots_++;
        code.mov(R::r15, slot);
        code.store(R::r15, 0, R::rax);
        return slot;
    }
    void exit_group(int status) {
        code.mov(R::rdi, static_cast<uint64_t>(status));
        code.mov(R::rax, 231);
        code.syscall();
    }

    // Writes the code and runs the process from kCode to its end.
    linux::ExitInfo run() {
        std::vector<uint8_t> bin = code.finish();
        engine.write(guest::Addr(kCode), bin.data(), bin.size());
        proc.memory().mprotect(kCode, 0x10000, cpu::kProtRead | cpu::kProtExec);
        proc.start(kCode, kStackTop - 0x1000);
        return proc.run();
    }

    int64_t result(uint64_t slot) const { return static_cast<int64_t>(read64(slot)); }
    uint64_t read64(uint64_t addr) const {
        uint64_t v = 0;
        engine.read(guest::Addr(addr), &v, 8);
        return v;
    }
    uint32_t read32(uint64_t addr) const {
        uint32_t v = 0;
        engine.read(guest::Addr(addr), &v, 4);
        return v;
    }
    std::string read_bytes(uint64_t addr, size_t n) const {
        std::string s(n, '\0');
        engine.read(guest::Addr(addr), s.data(), n);
        return s;
    }

private:
    linux::ProcessOptions with_options(linux::ProcessOptions o, bool strace) {
        o.diag = &diag;
        if (strace) o.strace = &trace;
        o.exe_path = "/test/guest";
        return o;
    }

    uint64_t heap_ = kHeap;
    uint64_t slots_ = 0;
};

}  // namespace gostart::test
