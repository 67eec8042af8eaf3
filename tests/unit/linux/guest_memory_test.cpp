// GuestMemory: Linux's memory syscalls over a real engine — what is (not) committed to Unicorn, and
// every argument check, with the errno a Linux kernel gives an unprivileged x86-64 process. The
// expected values are the kernel's rules (mm/*.c), not this implementation's output.
#include "cpu/engine.h"
#include "cpu/prot.h"
#include "linux/guest_memory.h"
#include "tests/unit/cpu/x86_asm.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <sys/mman.h>
#include <vector>

using gostart::cpu::kPageSize;
using gostart::cpu::kProtExec;
using gostart::cpu::kProtNone;
using gostart::cpu::kProtRead;
using gostart::cpu::kProtWrite;
using gostart::linux::GuestMemory;
using gostart::linux::MappedFile;
using gostart::linux::MemoryLimits;

namespace {

constexpr uint32_t kRW = kProtRead | kProtWrite;
constexpr uint64_t kArena = 0xc000000000;  // Go's first heap-arena hint
constexpr uint64_t kPriv = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint64_t kTop = GuestMemory::kUserTop;
constexpr uint64_t kAll = ~uint64_t(0);

struct Mem {
    gostart::cpu::Engine engine;
    GuestMemory mem;
    MemoryLimits limits;
    explicit Mem(uint64_t cap = 1ull << 30) : mem(engine, cap) {}

    int64_t map(uint64_t addr, uint64_t len, uint32_t prot, uint64_t flags = kPriv) {
        return mem.mmap(addr, len, prot, flags, 0, nullptr, limits);
    }
    int64_t fixed(uint64_t addr, uint64_t len, uint32_t prot, uint64_t more = 0) {
        return map(addr, len, prot, kPriv | MAP_FIXED | more);
    }
    void poke(uint64_t a, uint8_t v) { REQUIRE(engine.try_write(gostart::guest::Addr(a), &v, 1)); }
    int peek(uint64_t a) const {
        uint8_t v = 0;
        return engine.try_read(gostart::guest::Addr(a), &v, 1) ? v : -1;  // -1: not mapped in the engine
    }
    std::vector<gostart::linux::Vma> at(uint64_t start, uint64_t end) const {
        std::vector<gostart::linux::Vma> out;
        for (const auto& v : mem.vmas())
            if (v.end > start && v.start < end) out.push_back(v);
        return out;
    }
};

}  // namespace

// ------------------------------------------------------------------------------------- mmap

TEST_CASE("mmap honours a free hint exactly and picks another place when it is taken", "[linux][memory]") {
    Mem m;
    int64_t a = m.map(kArena, 0x10000, kRW);
    REQUIRE(a == static_cast<int64_t>(kArena));
    m.poke(kArena, 0x5a);

    int64_t b = m.map(kArena, 0x10000, kRW);
    REQUIRE(b > 0);
    CHECK(b != a);
    uint64_t ub = static_cast<uint64_t>(b);
    CHECK((ub + 0x10000 <= kArena || ub >= kArena + 0x10000));  // no overlap
    CHECK(m.peek(kArena) == 0x5a);                               // the first mapping is untouched
    // Without a usable hint Linux's top-down layout is used: right below mmap_base.
    CHECK(ub == GuestMemory::kMmapBase - 0x10000);
}

TEST_CASE("hintless mmaps stack downwards from mmap_base without gaps", "[linux][memory]") {
    Mem m;
    int64_t a = m.map(0, 0x3000, kRW);
    int64_t b = m.map(0, 0x1000, kRW);
    CHECK(a == static_cast<int64_t>(GuestMemory::kMmapBase - 0x3000));
    CHECK(b == a - 0x1000);
    // A length that is not a page multiple is rounded up.
    int64_t c = m.map(0, 10, kRW);
    CHECK(c == b - 0x1000);
    CHECK(m.map(0, 0, kRW) == -EINVAL);
    // Adjacent anonymous mappings with the same protection are one VMA, as Linux merges them.
    CHECK(m.at(static_cast<uint64_t>(c), GuestMemory::kMmapBase).size() == 1);
}

TEST_CASE("MAP_FIXED over an existing mapping replaces it with zeroed memory", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x4000, kRW) == static_cast<int64_t>(kArena));
    m.poke(kArena + 0x1000, 0x77);
    m.poke(kArena + 0x3000, 0x99);
    uint64_t committed = m.mem.committed_bytes();

    REQUIRE(m.fixed(kArena + 0x1000, 0x1000, kProtRead) == static_cast<int64_t>(kArena + 0x1000));
    CHECK(m.peek(kArena + 0x1000) == 0);     // replaced: fresh zero page
    CHECK(m.peek(kArena + 0x3000) == 0x99);  // the rest is kept
    CHECK(m.mem.find(kArena + 0x1000)->prot == kProtRead);
    CHECK(m.mem.find(kArena)->prot == kRW);
    CHECK(m.mem.vmas().size() == 3);
    CHECK(m.mem.committed_bytes() == committed);
    CHECK(m.fixed(kArena + 0x10, 0x1000, kRW) == -EINVAL);  // unaligned fixed address
}

TEST_CASE("MAP_FIXED_NOREPLACE refuses any overlap with EEXIST", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x2000, kRW) == static_cast<int64_t>(kArena));
    m.poke(kArena, 1);
    CHECK(m.map(kArena, 0x2000, kRW, kPriv | MAP_FIXED_NOREPLACE) == -EEXIST);
    CHECK(m.map(kArena - 0x1000, 0x2000, kRW, kPriv | MAP_FIXED_NOREPLACE) == -EEXIST);  // partial overlap
    CHECK(m.peek(kArena) == 1);
    CHECK(m.map(kArena + 0x2000, 0x1000, kRW, kPriv | MAP_FIXED_NOREPLACE) == static_cast<int64_t>(kArena + 0x2000));
}

TEST_CASE("mmap refuses what the kernel refuses, in the kernel's order, and maps nothing", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    m.poke(kArena, 7);
    size_t before = m.mem.vmas().size();
    // Below vm.mmap_min_addr: EPERM for a process without CAP_SYS_RAWIO; page 0 too.
    CHECK(m.fixed(0, 0x1000, kRW) == -EPERM);
    CHECK(m.fixed(0x1000, 0x1000, kRW) == -EPERM);
    CHECK(m.fixed(GuestMemory::kMmapMin - 0x1000, 0x2000, kRW) == -EPERM);
    // Across the top of the user half, or longer than it: ENOMEM.
    CHECK(m.fixed(kTop - 0x1000, 0x2000, kRW) == -ENOMEM);
    CHECK(m.fixed(kTop, 0x1000, kRW) == -ENOMEM);
    CHECK(m.map(0, kTop + 0x1000, kRW) == -ENOMEM);
    // The top check comes before the alignment check for a fixed address.
    CHECK(m.fixed(kAll - 0x10, 0x1000, kRW) == -ENOMEM);
    // A length that rounds up past 2^64 is ENOMEM; zero is EINVAL.
    CHECK(m.map(0, kAll - 10, kRW) == -ENOMEM);
    CHECK(m.map(0, 0, kRW) == -EINVAL);
    // Neither MAP_PRIVATE nor MAP_SHARED (and MAP_SHARED_VALIDATE, for anonymous memory) is EINVAL —
    // but only after the length checks.
    CHECK(m.map(0, 0x1000, kRW, MAP_ANONYMOUS) == -EINVAL);
    CHECK(m.map(0, 0x1000, kRW, MAP_ANONYMOUS | MAP_SHARED_VALIDATE) == -EINVAL);
    CHECK(m.map(0, kAll, kRW, MAP_ANONYMOUS) == -ENOMEM);
    CHECK(m.map(0, 0x1000, kRW, MAP_ANONYMOUS | MAP_SHARED | MAP_GROWSDOWN) == -EINVAL);
    // A file offset past the largest file size is EOVERFLOW; anonymous memory ignores the offset.
    MappedFile f{"/some/file", true, false};
    CHECK(m.mem.mmap(0, 0x2000, kProtRead, MAP_PRIVATE, uint64_t(1) << 63, &f, m.limits) == -EOVERFLOW);
    CHECK(m.mem.vmas().size() == before);
    CHECK(m.peek(kArena) == 7);
}

TEST_CASE("mmap hints: below mmap_min_addr they move up to it; MAP_32BIT stays under 2 GiB", "[linux][memory]") {
    Mem m;
    CHECK(m.map(0x1000, 0x1000, kRW) == static_cast<int64_t>(GuestMemory::kMmapMin));
    int64_t low = m.map(0, 0x3000, kRW, kPriv | MAP_32BIT);
    REQUIRE(low > 0);
    CHECK(static_cast<uint64_t>(low) >= 0x40000000);
    CHECK(static_cast<uint64_t>(low) + 0x3000 <= 0x80000000);
}

TEST_CASE("mmap counts against RLIMIT_AS, RLIMIT_DATA and RLIMIT_MEMLOCK", "[linux][memory]") {
    Mem m;
    m.limits.as = m.mem.total_bytes() + 0x10000;
    CHECK(m.map(0, 0x11000, kProtNone) == -ENOMEM);
    CHECK(m.map(0, 0x10000, kProtNone) > 0);
    m.limits.as = kAll;
    m.limits.data = 0x4000;
    CHECK(m.map(0, 0x5000, kRW) == -ENOMEM);                       // private writable: data
    CHECK(m.map(0, 0x5000, kProtRead) > 0);                        // read-only: not data
    CHECK(m.map(0, 0x5000, kRW, MAP_SHARED | MAP_ANONYMOUS) > 0);  // shared: not data
    m.limits.data = kAll;
    m.limits.memlock = 0x2000;
    CHECK(m.map(0, 0x3000, kRW, kPriv | MAP_LOCKED) == -EAGAIN);
    CHECK(m.map(0, 0x2000, kRW, kPriv | MAP_LOCKED) > 0);
    CHECK(m.mem.locked_bytes() == 0x2000);
    m.limits.memlock = 0;
    CHECK(m.map(0, 0x1000, kRW, kPriv | MAP_LOCKED) == -EPERM);
}

TEST_CASE("A shared mapping of a file is never writable: the bytes are a private copy", "[linux][memory]") {
    Mem m;
    MappedFile rw{"/some/file", true, true};
    MappedFile ro{"/some/file", true, false};
    MappedFile wo{"/some/file", false, true};
    uint64_t shared = MAP_SHARED;
    CHECK(m.mem.mmap(0, 0x1000, kRW, shared, 0, &ro, m.limits) == -EACCES);  // the kernel's own refusal
    CHECK(m.mem.mmap(0, 0x1000, kRW, shared, 0, &rw, m.limits) == -EACCES);  // the sandbox's
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE, 0, &wo, m.limits) == -EACCES);
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_SHARED_VALIDATE | 0x80000 /*MAP_SYNC*/, 0, &ro, m.limits) == -EOPNOTSUPP);
    MappedFile ext4{"/some/file", true, false, false, true, true};
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE | 0x80000, 0, &ext4, m.limits) == -EOPNOTSUPP);
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE | 0x80000, 0, &ro, m.limits) > 0);  // tmpfs's does not
    CHECK(m.map(0, 0x1000, kProtRead, kPriv | 0x80000) > 0);  // nor does anonymous memory
    MappedFile dir{"/some/dir", true, false, false, false};
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE, 0, &dir, m.limits) == -ENODEV);
    // Offsets past MAX_LFS_FILESIZE are EOVERFLOW for a regular file only; the type is checked first.
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE, uint64_t(1) << 63, &dir, m.limits) == -ENODEV);
    CHECK(m.mem.mmap(0, 0x1000, kProtRead, 0, uint64_t(1) << 63, &dir, m.limits) == -EINVAL);
    int64_t a = m.mem.mmap(0, 0x1000, kProtRead, shared, 0, &ro, m.limits);
    REQUIRE(a > 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(a), 0x1000, kRW) == -EACCES);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(a), 0x1000, kProtNone) == 0);
    // A private one may be written: it was always a copy.
    int64_t p = m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE, 0, &ro, m.limits);
    REQUIRE(p > 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(p), 0x1000, kRW) == 0);
}

// ------------------------------------------------------------------------------------ munmap

TEST_CASE("munmap of the middle of a mapping splits it in two", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x4000, kRW) > 0);
    uint64_t committed = m.mem.committed_bytes();
    REQUIRE(m.mem.munmap(kArena + 0x1000, 0x2000) == 0);
    auto v = m.mem.vmas();
    REQUIRE(v.size() == 2);
    CHECK(v[0].start == kArena);
    CHECK(v[0].end == kArena + 0x1000);
    CHECK(v[1].start == kArena + 0x3000);
    CHECK(v[1].end == kArena + 0x4000);
    CHECK(m.mem.find(kArena + 0x1000) == nullptr);
    CHECK(m.peek(kArena + 0x1000) == -1);
    CHECK(m.peek(kArena + 0x2fff) == -1);
    CHECK(m.peek(kArena + 0x3000) == 0);
    CHECK(m.mem.committed_bytes() == committed - 0x2000);
    CHECK(m.mem.munmap(kArena + 1, 0x1000) == -EINVAL);
    CHECK(m.mem.munmap(kArena + 0x1000, 0x1000) == 0);  // nothing there: still fine, as Linux
}

TEST_CASE("munmap with a length that overflows is EINVAL and unmaps nothing (issue 18)", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(0x400000, 0x10000, kRW) > 0);
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    m.poke(0x400000, 1);
    CHECK(m.mem.munmap(0x1000, kAll - 0x2000) == -EINVAL);  // the reproduction
    CHECK(m.mem.munmap(0x400000, kTop) == -EINVAL);         // past the top of the user half
    CHECK(m.mem.munmap(kTop, 0x1000) == -EINVAL);
    CHECK(m.mem.munmap(kTop + 0x1000, 0x1000) == -EINVAL);
    CHECK(m.mem.munmap(0x400000, 0) == -EINVAL);
    CHECK(m.peek(0x400000) == 1);
    CHECK(m.peek(kArena) == 0);
    CHECK(m.mem.vmas().size() == 2);
    // Up to the very top is a valid range.
    CHECK(m.mem.munmap(kTop - 0x1000, 0x1000) == 0);
}

// ---------------------------------------------------------------------------------- mprotect

TEST_CASE("mprotect of part of a mapping splits it and the guest sees the new protection", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x3000, kRW) > 0);
    REQUIRE(m.mem.mprotect(kArena + 0x1000, 0x1000, kProtRead) == 0);
    auto v = m.mem.vmas();
    REQUIRE(v.size() == 3);
    CHECK(v[0].prot == kRW);
    CHECK(v[1].prot == kProtRead);
    CHECK(v[1].start == kArena + 0x1000);
    CHECK(v[2].prot == kRW);
    CHECK(m.mem.mprotect(kArena + 0x10000, 0x1000, kRW) == -ENOMEM);  // nothing mapped there

    // A guest store into the read-only page faults; into the neighbours it does not.
    REQUIRE(m.fixed(0x400000, 0x1000, kRW) > 0);
    gostart::test::Asm a(0x400000);
    using gostart::test::R;
    a.mov(R::rbx, kArena);
    a.mov(R::rax, 1);
    a.store(R::rbx, 0x2000, R::rax);  // third page: fine
    a.store(R::rbx, 0x1008, R::rax);  // second page: read-only
    a.syscall();
    auto bin = a.finish();
    m.engine.write(gostart::guest::Addr(0x400000), bin.data(), bin.size());
    REQUIRE(m.mem.mprotect(0x400000, 0x1000, kProtRead | kProtExec) == 0);
    m.engine.set_reg(gostart::cpu::Reg::rip, 0x400000);
    auto r = m.engine.run(0);
    REQUIRE(r.kind == gostart::cpu::StopReason::Kind::fault);
    CHECK(r.access == gostart::cpu::StopReason::Access::write);
    CHECK(r.address == kArena + 0x1008);
    CHECK(m.peek(kArena + 0x2000) == 1);

    // Back to read-write: Linux merges the three again.
    REQUIRE(m.mem.mprotect(kArena + 0x1000, 0x1000, kRW) == 0);
    CHECK(m.at(kArena, kArena + 0x3000).size() == 1);
}

TEST_CASE("mprotect checks as Linux: bits, wrap, PROT_GROWSDOWN, and stops at a hole", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x2000, kRW) > 0);
    REQUIRE(m.fixed(kArena + 0x3000, 0x1000, kRW) > 0);  // a hole at +0x2000
    CHECK(m.mem.mprotect(kArena, 0x1000, 0x10) == -EINVAL);                 // not a protection bit
    CHECK(m.mem.mprotect(kArena, 0x1000, uint64_t(1) << 32) == -EINVAL);   // an unsigned long, all of it
    CHECK(m.mem.mprotect(kArena, 0x1000, kProtRead | 0x8 /*PROT_SEM*/) == 0);
    CHECK(m.mem.mprotect(kArena, kAll, 0x10) == -ENOMEM);  // the wrap is found before the bits
    CHECK(m.mem.mprotect(kArena + 1, 0x1000, kRW) == -EINVAL);
    CHECK(m.mem.mprotect(kArena, 0, 0x10) == 0);  // a zero length returns before the bits are looked at
    CHECK(m.mem.mprotect(kArena, 0x1000, kRW | PROT_GROWSDOWN | PROT_GROWSUP) == -EINVAL);
    CHECK(m.mem.mprotect(kArena, 0x1000, kRW | PROT_GROWSDOWN) == -EINVAL);  // not a MAP_GROWSDOWN mapping
    CHECK(m.mem.mprotect(kArena, 0x1000, kRW | PROT_GROWSUP) == -EINVAL);
    // Across the hole: the part before it changes, then ENOMEM.
    CHECK(m.mem.mprotect(kArena, 0x4000, kProtRead) == -ENOMEM);
    CHECK(m.mem.find(kArena)->prot == kProtRead);
    CHECK(m.mem.find(kArena + 0x1000)->prot == kProtRead);
    CHECK(m.mem.find(kArena + 0x3000)->prot == kRW);
}

TEST_CASE("mprotect with a zero length checks only the address", "[linux][memory]") {
    Mem m;
    CHECK(m.mem.mprotect(kArena, 0, kRW) == 0);  // nothing mapped, nothing asked
    CHECK(m.mem.mprotect(kArena + 1, 0, kRW) == -EINVAL);
}

// ---------------------------------------------------------------------------------- reservations

TEST_CASE("A PROT_NONE reservation costs nothing until part of it becomes accessible", "[linux][memory]") {
    Mem m;
    uint64_t before = m.mem.committed_bytes();
    int64_t r = m.map(0, 256ull << 20, kProtNone);
    REQUIRE(r > 0);
    uint64_t res = static_cast<uint64_t>(r);
    CHECK(m.mem.committed_bytes() == before);
    REQUIRE(m.mem.find(res) != nullptr);
    CHECK_FALSE(m.mem.find(res)->in_engine);
    CHECK(m.peek(res) == -1);

    SECTION("mprotect commits only the range made accessible") {
        REQUIRE(m.mem.mprotect(res + (1 << 20), 0x10000, kRW) == 0);
        CHECK(m.mem.committed_bytes() == before + 0x10000);
        CHECK(m.peek(res + (1 << 20)) == 0);
        CHECK(m.peek(res + (1 << 20) - 1) == -1);
        CHECK(m.peek(res + (1 << 20) + 0x10000) == -1);
        CHECK(m.mem.find(res + (1 << 20))->in_engine);
        CHECK_FALSE(m.mem.find(res)->in_engine);
        CHECK(m.mem.vmas().size() == 3);
    }
    SECTION("MAP_FIXED inside it commits only the new mapping") {
        REQUIRE(m.fixed(res + 0x4000, 0x2000, kRW) == static_cast<int64_t>(res + 0x4000));
        CHECK(m.mem.committed_bytes() == before + 0x2000);
        CHECK(m.peek(res + 0x4000) == 0);
        CHECK(m.peek(res + 0x3000) == -1);
    }
    SECTION("unmapping it changes nothing committed") {
        REQUIRE(m.mem.munmap(res, 256ull << 20) == 0);
        CHECK(m.mem.committed_bytes() == before);
        CHECK(m.mem.vmas().empty());
    }
}

TEST_CASE("The committed-memory cap makes mmap and mprotect fail with ENOMEM", "[linux][memory]") {
    Mem m(1 << 20);
    CHECK(m.map(0, 2 << 20, kRW) == -ENOMEM);
    CHECK(m.mem.committed_bytes() == 0);
    int64_t res = m.map(0, 2 << 20, kProtNone);  // reservations are free
    REQUIRE(res > 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(res), 2 << 20, kRW) == -ENOMEM);
    CHECK(m.mem.committed_bytes() == 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(res), 1 << 20, kRW) == 0);  // exactly at the cap
    CHECK(m.mem.committed_bytes() == 1 << 20);
    CHECK(m.map(0, 0x1000, kRW) == -ENOMEM);
    CHECK(m.mem.peak_committed_bytes() == 1 << 20);
    // MAP_FIXED over committed memory replaces it: no more memory is needed.
    CHECK(m.fixed(static_cast<uint64_t>(res), 0x10000, kRW) == res);
}

// ------------------------------------------------------------------------------------ madvise

TEST_CASE("madvise(MADV_DONTNEED) reads back as zeros and keeps the protection", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x3000, kRW) > 0);
    m.poke(kArena + 0x10, 1);
    m.poke(kArena + 0x1010, 2);
    m.poke(kArena + 0x2010, 3);
    REQUIRE(m.mem.madvise(kArena + 0x1000, 0x1000, MADV_DONTNEED) == 0);
    CHECK(m.peek(kArena + 0x10) == 1);
    CHECK(m.peek(kArena + 0x1010) == 0);
    CHECK(m.peek(kArena + 0x2010) == 3);
    CHECK(m.mem.find(kArena + 0x1000)->prot == kRW);
    m.poke(kArena + 0x1010, 4);  // still writable
    CHECK(m.peek(kArena + 0x1010) == 4);
    // Read-only private memory is zeroed too; shared memory keeps its pages.
    REQUIRE(m.mem.mprotect(kArena + 0x2000, 0x1000, kProtRead) == 0);
    REQUIRE(m.mem.madvise(kArena + 0x2000, 0x1000, MADV_DONTNEED) == 0);
    CHECK(m.peek(kArena + 0x2010) == 0);
    int64_t s = m.map(0, 0x1000, kRW, MAP_SHARED | MAP_ANONYMOUS);
    REQUIRE(s > 0);
    m.poke(static_cast<uint64_t>(s), 9);
    REQUIRE(m.mem.madvise(static_cast<uint64_t>(s), 0x1000, MADV_DONTNEED) == 0);
    CHECK(m.peek(static_cast<uint64_t>(s)) == 9);
}

TEST_CASE("madvise checks the advice first, then the range, and reports holes after the work", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    REQUIRE(m.fixed(kArena + 0x2000, 0x1000, kRW) > 0);
    m.poke(kArena, 1);
    m.poke(kArena + 0x2000, 2);
    CHECK(m.mem.madvise(kArena + 1, 0x1000, 5) == -EINVAL);          // an unknown advice, before the address
    CHECK(m.mem.madvise(kArena, 0x1000, 102 /*MADV_GUARD_INSTALL, 6.13*/) == -EINVAL);
    CHECK(m.mem.madvise(kArena + 1, 0x1000, MADV_NORMAL) == -EINVAL);
    CHECK(m.mem.madvise(kArena, kAll - 5, MADV_NORMAL) == -EINVAL);  // rounds up to zero
    CHECK(m.mem.madvise(kTop, kAll - 0x1fff, MADV_NORMAL) == -EINVAL);  // wraps
    CHECK(m.mem.madvise(kArena, 0, MADV_DONTNEED) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_HWPOISON) == -EPERM);
    CHECK(m.mem.madvise(kArena + 0x4000, 0x1000, MADV_NORMAL) == -ENOMEM);  // nothing from there on
    CHECK(m.mem.madvise(kArena, 0x3000, MADV_DONTNEED) == -ENOMEM);  // the hole in the middle...
    CHECK(m.peek(kArena) == 0);                                        // ...after zeroing both sides
    CHECK(m.peek(kArena + 0x2000) == 0);
}

TEST_CASE("madvise refuses advice that does not fit the mapping", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    MappedFile f{"/some/file", true, false};
    int64_t file = m.mem.mmap(0, 0x1000, kProtRead, MAP_PRIVATE, 0, &f, m.limits);
    REQUIRE(file > 0);
    uint64_t fa = static_cast<uint64_t>(file);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_REMOVE) == -EINVAL);  // private anonymous: no file to punch
    CHECK(m.mem.madvise(fa, 0x1000, MADV_REMOVE) == -EACCES);      // not a shared writable mapping
    CHECK(m.mem.madvise(fa, 0x1000, MADV_FREE) == -EINVAL);        // anonymous memory only
    CHECK(m.mem.madvise(fa, 0x1000, MADV_WIPEONFORK) == -EINVAL);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_WIPEONFORK) == 0);
    REQUIRE(m.mem.mprotect(kArena, 0x1000, kProtNone) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_POPULATE_READ) == -EINVAL);
    REQUIRE(m.mem.mprotect(kArena, 0x1000, kProtRead) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_POPULATE_READ) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_POPULATE_WRITE) == -EINVAL);
    REQUIRE(m.mem.mlock(kArena, 0x1000, 0, m.limits) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_DONTNEED) == -EINVAL);  // locked
    CHECK(m.mem.madvise(kArena, 0x1000, 24 /*MADV_DONTNEED_LOCKED*/) == 0);
    CHECK(m.mem.madvise(kArena, 0x1000, MADV_COLD) == -EINVAL);
    // MADV_COLLAPSE needs a VMA that can hold a 2 MiB-aligned huge page.
    CHECK(m.mem.madvise(fa, 0x1000, 25) == -EINVAL);
    REQUIRE(m.fixed(0x40000000 - 0x1000, 0x202000, kRW) > 0);
    CHECK(m.mem.madvise(0x40000000 - 0x1000, 0x1000, 25) == 0);
    REQUIRE(m.fixed(0x50000000, 0x1ff000, kRW) > 0);
    CHECK(m.mem.madvise(0x50000000, 0x1000, 25) == -EINVAL);
}

// --------------------------------------------------------------------------------------- brk

TEST_CASE("brk grows and shrinks the heap above its base", "[linux][memory]") {
    Mem m;
    constexpr uint64_t kBase = 0x800000;
    m.mem.set_brk_base(kBase);
    CHECK(m.mem.brk(0, m.limits) == static_cast<int64_t>(kBase));
    CHECK(m.peek(kBase) == -1);

    CHECK(m.mem.brk(kBase + 0x1800, m.limits) == static_cast<int64_t>(kBase + 0x1800));
    CHECK(m.peek(kBase) == 0);
    CHECK(m.peek(kBase + 0x1fff) == 0);  // the whole last page
    CHECK(m.peek(kBase + 0x2000) == -1);
    CHECK(m.mem.find(kBase)->name == "[heap]");
    m.poke(kBase + 0x10, 9);

    CHECK(m.mem.brk(kBase + 0x100, m.limits) == static_cast<int64_t>(kBase + 0x100));
    CHECK(m.peek(kBase + 0x10) == 9);
    CHECK(m.peek(kBase + 0x1000) == -1);
    CHECK(m.mem.brk(0, m.limits) == static_cast<int64_t>(kBase + 0x100));  // a query answers the current break

    // Growing into something already mapped fails, and so does growing to one page short of it.
    REQUIRE(m.fixed(kBase + 0x3000, 0x1000, kRW) > 0);
    CHECK(m.mem.brk(kBase + 0x5000, m.limits) == static_cast<int64_t>(kBase + 0x100));
    CHECK(m.mem.brk(kBase + 0x2800, m.limits) == static_cast<int64_t>(kBase + 0x100));
    CHECK(m.mem.brk(kBase + 0x1800, m.limits) == static_cast<int64_t>(kBase + 0x1800));
}

TEST_CASE("A bad brk answers the current break and changes nothing (issue 18)", "[linux][memory]") {
    Mem m;
    constexpr uint64_t kText = 0x400000, kBase = 0x800000;
    REQUIRE(m.fixed(kText, 0x10000, kProtRead | kProtExec) > 0);
    m.mem.set_brk_base(kBase);
    REQUIRE(m.mem.brk(kBase + 0x21000, m.limits) == static_cast<int64_t>(kBase + 0x21000));
    m.poke(kBase + 0x20000, 5);
    auto before = m.mem.vmas();
    int64_t cur = static_cast<int64_t>(kBase + 0x21000);
    for (uint64_t bad : {kAll, kAll - 0xfff, kAll - 0x1000, uint64_t(1) << 63, kTop, kTop - 0x1000 + 1, kBase - 1,
                         kText, uint64_t(1)}) {
        INFO("brk(" << std::hex << bad << ")");
        CHECK(m.mem.brk(bad, m.limits) == cur);
    }
    CHECK(m.mem.vmas().size() == before.size());
    CHECK(m.peek(kText) == 0);
    CHECK(m.peek(kBase + 0x20000) == 5);
    // brk at its base frees the heap; below it is refused.
    CHECK(m.mem.brk(kBase, m.limits) == static_cast<int64_t>(kBase));
    CHECK(m.peek(kBase) == -1);
}

TEST_CASE("brk growth counts against --max-memory and RLIMIT_DATA (issue 19)", "[linux][memory]") {
    Mem m(1 << 30);
    constexpr uint64_t kBase = 0x800000;
    m.mem.set_brk_base(kBase, 0x1000);
    CHECK(m.mem.brk(kBase + (8ull << 30), m.limits) == static_cast<int64_t>(kBase));  // 8 GiB past a 1 GiB cap
    CHECK(m.mem.limit_reached());
    CHECK(m.mem.refused_bytes() == 8ull << 30);
    CHECK(m.mem.committed_bytes() == 0);
    CHECK(m.mem.find(kBase) == nullptr);

    Mem d;
    d.mem.set_brk_base(kBase, 0x1000);
    d.limits.data = 0x3000;  // the data segment and the break together
    CHECK(d.mem.brk(kBase + 0x2000, d.limits) == static_cast<int64_t>(kBase + 0x2000));
    CHECK(d.mem.brk(kBase + 0x2001, d.limits) == static_cast<int64_t>(kBase + 0x2000));
    CHECK_FALSE(d.mem.limit_reached());
}

// ------------------------------------------------------------------------------------- mremap

TEST_CASE("mremap shrinks, grows in place, and moves with the bytes", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x4000, kRW) > 0);
    m.poke(kArena + 0x10, 0x11);
    m.poke(kArena + 0x3010, 0x33);
    // Shrink: the tail goes.
    CHECK(m.mem.mremap(kArena, 0x4000, 0x2000, 0, 0, m.limits) == static_cast<int64_t>(kArena));
    CHECK(m.peek(kArena + 0x3010) == -1);
    // Grow in place: the space after it is free.
    CHECK(m.mem.mremap(kArena, 0x2000, 0x5000, 0, 0, m.limits) == static_cast<int64_t>(kArena));
    CHECK(m.peek(kArena + 0x4fff) == 0);
    CHECK(m.at(kArena, kArena + 0x5000).size() == 1);
    // Something in the way: without MREMAP_MAYMOVE, ENOMEM; with it, elsewhere, with the bytes.
    REQUIRE(m.fixed(kArena + 0x5000, 0x1000, kProtRead) > 0);
    CHECK(m.mem.mremap(kArena, 0x5000, 0x8000, 0, 0, m.limits) == -ENOMEM);
    int64_t moved = m.mem.mremap(kArena, 0x5000, 0x8000, MREMAP_MAYMOVE, 0, m.limits);
    REQUIRE(moved > 0);
    REQUIRE(moved != static_cast<int64_t>(kArena));
    CHECK(m.peek(static_cast<uint64_t>(moved) + 0x10) == 0x11);
    CHECK(m.peek(kArena + 0x10) == -1);
    // MREMAP_FIXED puts it exactly there, replacing what was there.
    CHECK(m.mem.mremap(static_cast<uint64_t>(moved), 0x8000, 0x8000, MREMAP_MAYMOVE | MREMAP_FIXED, kArena + 0x10000,
                       m.limits) == static_cast<int64_t>(kArena + 0x10000));
    CHECK(m.peek(kArena + 0x10010) == 0x11);
    // MREMAP_DONTUNMAP leaves the old range mapped and empty.
    int64_t d = m.mem.mremap(kArena + 0x10000, 0x1000, 0x1000, MREMAP_MAYMOVE | 4 /*MREMAP_DONTUNMAP*/, 0, m.limits);
    REQUIRE(d > 0);
    CHECK(m.peek(static_cast<uint64_t>(d) + 0x10) == 0x11);
    CHECK(m.peek(kArena + 0x10010) == 0);
}

TEST_CASE("A fixed move of the same length may span VMAs, and keeps their gaps", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    REQUIRE(m.fixed(kArena + 0x2000, 0x1000, kProtRead) > 0);
    m.poke(kArena, 1);
    m.engine.try_write(gostart::guest::Addr(kArena + 0x2000), "\x02", 1);
    constexpr uint64_t kTo = kArena + 0x100000;
    CHECK(m.mem.mremap(kArena, 0x3000, 0x3000, MREMAP_MAYMOVE | MREMAP_FIXED, kTo, m.limits) == static_cast<int64_t>(kTo));
    CHECK(m.peek(kTo) == 1);
    CHECK(m.mem.find(kTo + 0x1000) == nullptr);  // the hole moved with them
    CHECK(m.peek(kTo + 0x2000) == 2);
    CHECK(m.mem.find(kTo + 0x2000)->prot == kProtRead);
    CHECK(m.mem.find(kArena) == nullptr);
    // It must start in a VMA; and with MREMAP_DONTUNMAP the source stays, emptied.
    CHECK(m.mem.mremap(kTo + 0x1000, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, kArena, m.limits) == -EFAULT);
    CHECK(m.mem.mremap(kTo, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED | 4, kArena, m.limits) == static_cast<int64_t>(kArena));
    CHECK(m.peek(kArena) == 1);
    CHECK(m.peek(kTo) == 0);
}

TEST_CASE("mremap refuses what the kernel refuses", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x2000, kRW) > 0);
    REQUIRE(m.fixed(kArena + 0x2000, 0x1000, kProtRead) > 0);  // a different VMA right after
    CHECK(m.mem.mremap(kArena, 0x1000, 0x2000, 8, 0, m.limits) == -EINVAL);             // unknown flag
    CHECK(m.mem.mremap(kArena, 0x1000, 0x2000, MREMAP_FIXED, kArena + 0x8000, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x1000, 0x2000, MREMAP_MAYMOVE | 4, 0, m.limits) == -EINVAL);  // DONTUNMAP resizes
    CHECK(m.mem.mremap(kArena + 1, 0x1000, 0x2000, 0, 0, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x1000, 0, 0, 0, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x1000, kAll, 0, 0, m.limits) == -EINVAL);  // rounds up to zero
    CHECK(m.mem.mremap(kArena + 0x8000, 0x1000, kTop + 0x1000, 0, 0, m.limits) == -EINVAL);  // before the VMA lookup
    CHECK(m.mem.mremap(kArena + 0x8000, 0x1000, 0x2000, 0, 0, m.limits) == -EFAULT);  // nothing mapped there
    CHECK(m.mem.mremap(kArena, 0x3000, 0x4000, MREMAP_MAYMOVE, 0, m.limits) == -EFAULT);  // across two VMAs
    CHECK(m.mem.mremap(kArena, 0, 0x1000, MREMAP_MAYMOVE, 0, m.limits) == -EINVAL);  // duplicating private memory
    CHECK(m.mem.mremap(kArena, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED, kArena + 0x800, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x2000, 0x2000, MREMAP_MAYMOVE | MREMAP_FIXED, kArena + 0x1000, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED, kTop, m.limits) == -EINVAL);
    CHECK(m.mem.mremap(kArena, 0x1000, 0x1000, MREMAP_MAYMOVE | MREMAP_FIXED, 0x1000, m.limits) == -EPERM);
    CHECK(m.mem.mremap(kArena, 0x1000, 0x1000, 0, 0, m.limits) == static_cast<int64_t>(kArena));
    CHECK(m.at(kArena, kArena + 0x3000).size() == 2);
}

// -------------------------------------------------------------------------------- msync, mincore

TEST_CASE("msync and mincore check their ranges as Linux", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x1000, kRW) > 0);
    REQUIRE(m.fixed(kArena + 0x2000, 0x1000, kRW) > 0);
    CHECK(m.mem.msync(kArena, 0x1000, MS_SYNC) == 0);
    CHECK(m.mem.msync(kArena, 0x1000, 8) == -EINVAL);
    CHECK(m.mem.msync(kArena, 0x1000, MS_SYNC | MS_ASYNC) == -EINVAL);
    CHECK(m.mem.msync(kArena + 1, 0x1000, MS_SYNC) == -EINVAL);
    CHECK(m.mem.msync(kArena, kAll, MS_SYNC) == 0);  // rounds to zero: nothing to do
    CHECK(m.mem.msync(kArena, 0x3000, MS_SYNC) == -ENOMEM);   // a hole
    CHECK(m.mem.msync(kArena, 0x3000, MS_ASYNC) == -ENOMEM);
    CHECK(m.mem.msync(kArena + 0x4000, 0x1000, MS_SYNC) == -ENOMEM);
    REQUIRE(m.mem.mlock(kArena, 0x1000, 0, m.limits) == 0);
    CHECK(m.mem.msync(kArena, 0x1000, MS_INVALIDATE) == -EBUSY);

    uint64_t vec = kArena + 0x2000;
    CHECK(m.mem.mincore(kArena, 0x1000, vec) == 0);
    CHECK(m.peek(vec) == 1);
    CHECK(m.mem.mincore(kArena + 1, 0x1000, vec) == -EINVAL);
    CHECK(m.mem.mincore(kArena, 0x3000, vec) == -ENOMEM);  // the hole
    CHECK(m.mem.mincore(kTop - 0x1000, 0x2000, vec) == -ENOMEM);  // past the user half
    CHECK(m.mem.mincore(kArena, 0x1000, kTop) == -EFAULT);
    CHECK(m.mem.mincore(kArena, 0x1000, kArena + 0x1000) == -EFAULT);  // the vector is not mapped
}

// -------------------------------------------------------------------------------------- mlock

TEST_CASE("mlock is bounded by RLIMIT_MEMLOCK and stops at holes", "[linux][memory]") {
    Mem m;
    m.limits.memlock = 0x4000;
    REQUIRE(m.fixed(kArena, 0x8000, kRW) > 0);
    CHECK(m.mem.mlock(kArena, 0x5000, 0, m.limits) == -ENOMEM);
    CHECK(m.mem.locked_bytes() == 0);
    CHECK(m.mem.mlock(kArena + 0x10, 0x3ff0, 0, m.limits) == 0);  // the start is rounded down
    CHECK(m.mem.locked_bytes() == 0x4000);
    CHECK(m.mem.mlock(kArena, 0x4000, 0, m.limits) == 0);  // already locked: no more against the limit
    CHECK(m.mem.mlock(kArena, 0x5000, 0, m.limits) == -ENOMEM);
    CHECK(m.mem.mlock(kArena, kAll, 0, m.limits) == 0);    // the length rounds up to zero
    CHECK(m.mem.mlock(kArena, 0x1000, 2, m.limits) == -EINVAL);  // mlock2: only MLOCK_ONFAULT
    CHECK(m.mem.munlock(kArena, 0x4000) == 0);
    CHECK(m.mem.locked_bytes() == 0);
    CHECK(m.mem.mlock(kArena + 0x1000, 0xfff, 0, m.limits) == 0);  // inside a mapping
    CHECK(m.mem.locked_bytes() == 0x1000);
    CHECK(m.mem.munlock(kArena + 0x1000, 0x2000) == 0);
    CHECK(m.mem.locked_bytes() == 0);
    CHECK(m.mem.munlock(kArena, 0x9000) == -ENOMEM);  // runs past the end
    CHECK(m.mem.munlock(kArena + 0x10000, 0x1000) == -ENOMEM);
    // A reservation cannot be faulted in: ENOMEM, though the lock is taken (as Linux).
    int64_t r = m.map(0, 0x2000, kProtNone);
    REQUIRE(r > 0);
    CHECK(m.mem.mlock(static_cast<uint64_t>(r), 0x2000, 0, m.limits) == -ENOMEM);
    CHECK(m.mem.locked_bytes() == 0x2000);
    CHECK(m.mem.mlock(static_cast<uint64_t>(r), 0x2000, 1 /*MLOCK_ONFAULT*/, m.limits) == 0);
    m.limits.memlock = 0;
    CHECK(m.mem.mlock(kArena, 0x1000, 0, m.limits) == -EPERM);
}

TEST_CASE("mlockall: MCL_CURRENT against the limit, MCL_FUTURE locks what comes", "[linux][memory]") {
    Mem m;
    m.limits.memlock = 0x4000;
    REQUIRE(m.fixed(kArena, 0x8000, kRW) > 0);
    CHECK(m.mem.mlockall(0, m.limits) == -EINVAL);
    CHECK(m.mem.mlockall(MCL_ONFAULT, m.limits) == -EINVAL);
    CHECK(m.mem.mlockall(8, m.limits) == -EINVAL);
    CHECK(m.mem.mlockall(MCL_CURRENT, m.limits) == -ENOMEM);  // 32 KiB mapped, 16 KiB allowed
    CHECK(m.mem.mlockall(MCL_FUTURE, m.limits) == 0);
    CHECK(m.map(0, 0x5000, kRW) == -EAGAIN);  // would be locked, past the limit
    CHECK(m.map(0, 0x4000, kRW) > 0);
    CHECK(m.mem.locked_bytes() == 0x4000);
    m.mem.set_brk_base(0x800000);
    CHECK(m.mem.brk(0x801000, m.limits) == 0x800000);  // brk too
    CHECK(m.mem.munlockall() == 0);
    CHECK(m.mem.locked_bytes() == 0);
    CHECK(m.map(0, 0x5000, kRW) > 0);
    m.limits.memlock = kAll;
    CHECK(m.mem.mlockall(MCL_CURRENT, m.limits) == 0);
    CHECK(m.mem.locked_bytes() == m.mem.total_bytes());
}

// ------------------------------------------------------------------------- what the guest did

TEST_CASE("The map remembers which call took a range away, until it is mapped again", "[linux][memory]") {
    Mem m;
    REQUIRE(m.fixed(kArena, 0x4000, kRW) > 0);
    gostart::linux::MemoryActor who{11, {kArena + 0x1000, 0x1000}, 1000, 0x401234};
    m.mem.set_actor(who);
    REQUIRE(m.mem.munmap(kArena + 0x1000, 0x1000) == 0);
    const auto* c = m.mem.change_at(kArena + 0x1800);
    REQUIRE(c != nullptr);
    CHECK(c->unmapped);
    CHECK(c->start == kArena + 0x1000);
    CHECK(c->end == kArena + 0x2000);
    CHECK(c->by.nr == 11);
    CHECK(c->by.pc == 0x401234);
    CHECK(m.mem.change_at(kArena) == nullptr);
    m.mem.set_actor({10, {}, 1000, 0x401300});
    REQUIRE(m.mem.mprotect(kArena + 0x2000, 0x1000, kProtRead) == 0);
    REQUIRE(m.mem.change_at(kArena + 0x2000) != nullptr);
    CHECK_FALSE(m.mem.change_at(kArena + 0x2000)->unmapped);
    REQUIRE(m.fixed(kArena + 0x1000, 0x1000, kRW) > 0);
    CHECK(m.mem.change_at(kArena + 0x1800) == nullptr);
    // The loader's own changes are not the guest's.
    m.mem.set_actor({});
    REQUIRE(m.mem.munmap(kArena + 0x3000, 0x1000) == 0);
    CHECK(m.mem.change_at(kArena + 0x3000) == nullptr);
}
