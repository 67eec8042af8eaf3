// GuestMemory: Linux mmap semantics over a real engine, and what is (not) committed to Unicorn.
#include "cpu/engine.h"
#include "cpu/prot.h"
#include "linux/guest_memory.h"
#include "tests/unit/cpu/x86_asm.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <vector>

using gostart::cpu::kPageSize;
using gostart::cpu::kProtExec;
using gostart::cpu::kProtNone;
using gostart::cpu::kProtRead;
using gostart::cpu::kProtWrite;
using gostart::linux::GuestMemory;

namespace {

constexpr uint32_t kRW = kProtRead | kProtWrite;
constexpr uint64_t kArena = 0xc000000000;  // Go's first heap-arena hint

struct Mem {
    gostart::cpu::Engine engine;
    GuestMemory mem;
    explicit Mem(uint64_t cap = 1ull << 30) : mem(engine, cap) {}

    void poke(uint64_t a, uint8_t v) { REQUIRE(engine.try_write(a, &v, 1)); }
    int peek(uint64_t a) const {
        uint8_t v = 0;
        return engine.try_read(a, &v, 1) ? v : -1;  // -1: not mapped in the engine
    }
};

}  // namespace

TEST_CASE("mmap honours a free hint exactly and picks another place when it is taken", "[linux][memory]") {
    Mem m;
    int64_t a = m.mem.mmap(kArena, 0x10000, kRW, false, false, "");
    REQUIRE(a == static_cast<int64_t>(kArena));
    m.poke(kArena, 0x5a);

    int64_t b = m.mem.mmap(kArena, 0x10000, kRW, false, false, "");
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
    int64_t a = m.mem.mmap(0, 0x3000, kRW, false, false, "");
    int64_t b = m.mem.mmap(0, 0x1000, kRW, false, false, "");
    CHECK(a == static_cast<int64_t>(GuestMemory::kMmapBase - 0x3000));
    CHECK(b == a - 0x1000);
    // A length that is not a page multiple is rounded up.
    int64_t c = m.mem.mmap(0, 10, kRW, false, false, "");
    CHECK(c == b - 0x1000);
    CHECK(m.mem.mmap(0, 0, kRW, false, false, "") == -EINVAL);
}

TEST_CASE("MAP_FIXED over an existing mapping replaces it with zeroed memory", "[linux][memory]") {
    Mem m;
    REQUIRE(m.mem.mmap(kArena, 0x4000, kRW, true, false, "") == static_cast<int64_t>(kArena));
    m.poke(kArena + 0x1000, 0x77);
    m.poke(kArena + 0x3000, 0x99);
    uint64_t committed = m.mem.committed_bytes();

    REQUIRE(m.mem.mmap(kArena + 0x1000, 0x1000, kProtRead, true, false, "") == static_cast<int64_t>(kArena + 0x1000));
    CHECK(m.peek(kArena + 0x1000) == 0);     // replaced: fresh zero page
    CHECK(m.peek(kArena + 0x3000) == 0x99);  // the rest is kept
    CHECK(m.mem.find(kArena + 0x1000)->prot == kProtRead);
    CHECK(m.mem.find(kArena)->prot == kRW);
    CHECK(m.mem.vmas().size() == 3);
    CHECK(m.mem.committed_bytes() == committed);
    CHECK(m.mem.mmap(kArena + 0x10, 0x1000, kRW, true, false, "") == -EINVAL);  // unaligned fixed address
}

TEST_CASE("MAP_FIXED_NOREPLACE refuses any overlap with EEXIST", "[linux][memory]") {
    Mem m;
    REQUIRE(m.mem.mmap(kArena, 0x2000, kRW, true, false, "") == static_cast<int64_t>(kArena));
    m.poke(kArena, 1);
    CHECK(m.mem.mmap(kArena, 0x2000, kRW, false, true, "") == -EEXIST);
    CHECK(m.mem.mmap(kArena - 0x1000, 0x2000, kRW, false, true, "") == -EEXIST);  // partial overlap
    CHECK(m.peek(kArena) == 1);
    CHECK(m.mem.mmap(kArena + 0x2000, 0x1000, kRW, false, true, "") == static_cast<int64_t>(kArena + 0x2000));
}

TEST_CASE("munmap of the middle of a mapping splits it in two", "[linux][memory]") {
    Mem m;
    REQUIRE(m.mem.mmap(kArena, 0x4000, kRW, true, false, "") > 0);
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

TEST_CASE("mprotect of part of a mapping splits it and the guest sees the new protection", "[linux][memory]") {
    Mem m;
    REQUIRE(m.mem.mmap(kArena, 0x3000, kRW, true, false, "") > 0);
    REQUIRE(m.mem.mprotect(kArena + 0x1000, 0x1000, kProtRead) == 0);
    auto v = m.mem.vmas();
    REQUIRE(v.size() == 3);
    CHECK(v[0].prot == kRW);
    CHECK(v[1].prot == kProtRead);
    CHECK(v[1].start == kArena + 0x1000);
    CHECK(v[2].prot == kRW);
    CHECK(m.mem.mprotect(kArena + 0x10000, 0x1000, kRW) == -ENOMEM);  // nothing mapped there

    // A guest store into the read-only page faults; into the neighbours it does not.
    REQUIRE(m.mem.mmap(0x400000, 0x1000, kRW, true, false, "") > 0);
    gostart::test::Asm a(0x400000);
    using gostart::test::R;
    a.mov(R::rbx, kArena);
    a.mov(R::rax, 1);
    a.store(R::rbx, 0x2000, R::rax);  // third page: fine
    a.store(R::rbx, 0x1008, R::rax);  // second page: read-only
    a.syscall();
    auto bin = a.finish();
    m.engine.write(0x400000, bin.data(), bin.size());
    REQUIRE(m.mem.mprotect(0x400000, 0x1000, kProtRead | kProtExec) == 0);
    m.engine.set_reg(gostart::cpu::Reg::rip, 0x400000);
    auto r = m.engine.run(0);
    REQUIRE(r.kind == gostart::cpu::StopReason::Kind::fault);
    CHECK(r.access == gostart::cpu::StopReason::Access::write);
    CHECK(r.address == kArena + 0x1008);
    CHECK(m.peek(kArena + 0x2000) == 1);
}

TEST_CASE("A PROT_NONE reservation costs nothing until part of it becomes accessible", "[linux][memory]") {
    Mem m;
    uint64_t before = m.mem.committed_bytes();
    int64_t r = m.mem.mmap(0, 256ull << 20, kProtNone, false, false, "");
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
        REQUIRE(m.mem.mmap(res + 0x4000, 0x2000, kRW, true, false, "") == static_cast<int64_t>(res + 0x4000));
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

TEST_CASE("madvise(MADV_DONTNEED) reads back as zeros and keeps the protection", "[linux][memory]") {
    Mem m;
    REQUIRE(m.mem.mmap(kArena, 0x3000, kRW, true, false, "") > 0);
    m.poke(kArena + 0x10, 1);
    m.poke(kArena + 0x1010, 2);
    m.poke(kArena + 0x2010, 3);
    REQUIRE(m.mem.madvise_dontneed(kArena + 0x1000, 0x1000) == 0);
    CHECK(m.peek(kArena + 0x10) == 1);
    CHECK(m.peek(kArena + 0x1010) == 0);
    CHECK(m.peek(kArena + 0x2010) == 3);
    CHECK(m.mem.find(kArena + 0x1000)->prot == kRW);
    m.poke(kArena + 0x1010, 4);  // still writable
    CHECK(m.peek(kArena + 0x1010) == 4);
}

TEST_CASE("brk grows and shrinks the heap above its base", "[linux][memory]") {
    Mem m;
    constexpr uint64_t kBase = 0x800000;
    m.mem.set_brk_base(kBase);
    CHECK(m.mem.brk(0) == static_cast<int64_t>(kBase));
    CHECK(m.peek(kBase) == -1);

    CHECK(m.mem.brk(kBase + 0x1800) == static_cast<int64_t>(kBase + 0x1800));
    CHECK(m.peek(kBase) == 0);
    CHECK(m.peek(kBase + 0x1fff) == 0);  // the whole last page
    CHECK(m.peek(kBase + 0x2000) == -1);
    CHECK(m.mem.find(kBase)->name == "[heap]");
    m.poke(kBase + 0x10, 9);

    CHECK(m.mem.brk(kBase + 0x100) == static_cast<int64_t>(kBase + 0x100));
    CHECK(m.peek(kBase + 0x10) == 9);
    CHECK(m.peek(kBase + 0x1000) == -1);
    CHECK(m.mem.brk(0) == static_cast<int64_t>(kBase + 0x100));  // a query answers the current break

    // Growing into something already mapped fails: the break stays.
    REQUIRE(m.mem.mmap(kBase + 0x3000, 0x1000, kRW, true, false, "") > 0);
    CHECK(m.mem.brk(kBase + 0x5000) == static_cast<int64_t>(kBase + 0x100));
}

TEST_CASE("The committed-memory cap makes mmap and mprotect fail with ENOMEM", "[linux][memory]") {
    Mem m(1 << 20);
    CHECK(m.mem.mmap(0, 2 << 20, kRW, false, false, "") == -ENOMEM);
    CHECK(m.mem.committed_bytes() == 0);
    int64_t res = m.mem.mmap(0, 2 << 20, kProtNone, false, false, "");  // reservations are free
    REQUIRE(res > 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(res), 2 << 20, kRW) == -ENOMEM);
    CHECK(m.mem.committed_bytes() == 0);
    CHECK(m.mem.mprotect(static_cast<uint64_t>(res), 1 << 20, kRW) == 0);  // exactly at the cap
    CHECK(m.mem.committed_bytes() == 1 << 20);
    CHECK(m.mem.mmap(0, 0x1000, kRW, false, false, "") == -ENOMEM);
    CHECK(m.mem.peak_committed_bytes() == 1 << 20);
}
