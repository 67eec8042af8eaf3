// Engine snapshots: restoring brings back registers, the count, mappings and bytes; pages not written
// between snapshots are shared; the write tracking sees stores by guest code and by write().
#include "cpu/engine.h"
#include "tests/unit/cpu/engine_fixture.h"

#include <catch2/catch.hpp>

#include <vector>

using gostart::cpu::kPageSize;
using gostart::cpu::kProtRead;
using gostart::cpu::kProtWrite;
using gostart::cpu::PageData;
using gostart::cpu::Reg;
using gostart::cpu::StopReason;
using gostart::test::Asm;
using gostart::test::EngineFixture;
using gostart::test::R;

namespace {

// Writes rcx into [rbx + 8*i] for i = 0..n-1, one page apart, then syscall.
Asm page_writer(uint64_t base, int pages) {
    Asm a(EngineFixture::kCode);
    a.mov(R::rbx, base);
    a.mov(R::rcx, 0x5151);
    for (int i = 0; i < pages; ++i) a.store(R::rbx, static_cast<int32_t>(i * kPageSize), R::rcx);
    a.syscall();
    return a;
}

uint64_t digest(const gostart::cpu::Engine& e, uint64_t addr, uint64_t len) {
    std::vector<uint8_t> buf(len);
    e.read(gostart::guest::Addr(addr), buf.data(), len);
    uint64_t h = 1469598103934665603ull;
    for (uint8_t b : buf) h = (h ^ b) * 1099511628211ull;
    return h;
}

}  // namespace

TEST_CASE("restore_snapshot brings back registers, the count and every byte", "[cpu][snapshot]") {
    EngineFixture f;
    f.load(page_writer(EngineFixture::kData, 4));
    uint64_t one = 1;
    f.engine.write(gostart::guest::Addr(EngineFixture::kData + 16), &one, 8);
    auto snap = f.engine.take_snapshot();
    uint64_t data_before = digest(f.engine, EngineFixture::kData, EngineFixture::kSize);
    auto regs_before = f.engine.regs();

    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    uint64_t data_after = digest(f.engine, EngineFixture::kData, EngineFixture::kSize);
    REQUIRE(data_after != data_before);
    uint64_t seven = 7;
    f.engine.write(gostart::guest::Addr(EngineFixture::kStack), &seven, 8);  // a write from outside the guest code too

    f.engine.restore_snapshot(snap);
    CHECK(digest(f.engine, EngineFixture::kData, EngineFixture::kSize) == data_before);
    CHECK(f.read64(EngineFixture::kStack) == 0);
    CHECK(f.engine.regs().v == regs_before.v);
    CHECK(f.engine.instructions() == 0);

    // Running again from the restored state repeats the run exactly.
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    CHECK(digest(f.engine, EngineFixture::kData, EngineFixture::kSize) == data_after);
}

TEST_CASE("A snapshot shares the pages nobody wrote since the previous one", "[cpu][snapshot]") {
    EngineFixture f;
    f.load(page_writer(EngineFixture::kData, 3));
    auto first = f.engine.take_snapshot();
    REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
    auto second = f.engine.take_snapshot();
    CHECK(second.new_pages == 3);  // the three pages the program wrote, nothing else
    size_t shared = 0, total = 0;
    for (size_t r = 0; r < second.memory.size(); ++r)
        for (size_t p = 0; p < second.memory[r].pages->size(); ++p, ++total)
            shared += (*second.memory[r].pages)[p] == (*first.memory[r].pages)[p];
    CHECK(shared == total - 3);
    // Regions with no page written share the whole page list; the data region does not.
    size_t lists_shared = 0;
    for (size_t r = 0; r < second.memory.size(); ++r) lists_shared += second.memory[r].pages == first.memory[r].pages;
    CHECK(lists_shared == second.memory.size() - 1);
    // Nothing written in between: nothing new.
    auto third = f.engine.take_snapshot();
    CHECK(third.new_pages == 0);
}

TEST_CASE("Restoring undoes mappings made, removed and protected since the snapshot", "[cpu][snapshot]") {
    EngineFixture f;
    uint64_t extra = 0x700000;
    f.engine.map(gostart::guest::Addr(extra), 2 * kPageSize, kProtRead | kProtWrite);
    uint64_t v = 0x42;
    f.engine.write(gostart::guest::Addr(extra + kPageSize), &v, 8);
    auto snap = f.engine.take_snapshot();

    f.engine.unmap(gostart::guest::Addr(extra), kPageSize);                                       // part of a mapping goes
    f.engine.protect(gostart::guest::Addr(extra + kPageSize), kPageSize, kProtRead);               // the rest changes protection
    f.engine.map(gostart::guest::Addr(0x800000), kPageSize, kProtRead | kProtWrite);               // a new one appears
    f.engine.unmap(gostart::guest::Addr(EngineFixture::kStack), EngineFixture::kSize);             // a whole one goes
    f.engine.restore_snapshot(snap);

    uint64_t got = 0;
    CHECK(f.engine.try_read(gostart::guest::Addr(extra), &got, 8));
    CHECK(f.read64(extra + kPageSize) == 0x42);
    CHECK(f.engine.try_write(gostart::guest::Addr(extra + kPageSize), &v, 8));
    CHECK(f.engine.try_write_user(gostart::guest::Addr(extra + kPageSize), &v, 8));  // writable again, for the guest too
    CHECK(f.engine.try_read_user(gostart::guest::Addr(extra), &got, 8));
    CHECK_FALSE(f.engine.try_read_user(gostart::guest::Addr(0x800000), &got, 8));
    CHECK_FALSE(f.engine.try_read(gostart::guest::Addr(0x800000), &got, 8));
    CHECK(f.engine.try_read(gostart::guest::Addr(EngineFixture::kStack), &got, 8));
}

TEST_CASE("Restoring one snapshot twice, with runs between, gives the same state", "[cpu][snapshot]") {
    EngineFixture f;
    f.load(page_writer(EngineFixture::kData, 2));
    auto snap = f.engine.take_snapshot();
    for (int i = 0; i < 2; ++i) {
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        CHECK(f.read64(EngineFixture::kData) == 0x5151);
        f.engine.restore_snapshot(snap);
        CHECK(f.read64(EngineFixture::kData) == 0);
        CHECK(f.engine.reg(Reg::rip) == EngineFixture::kCode);
    }
}

TEST_CASE("PageData counts the bytes that snapshots hold", "[cpu][snapshot]") {
    size_t before = PageData::bytes_in_use();
    {
        EngineFixture f;
        f.load(page_writer(EngineFixture::kData, 2));
        REQUIRE(f.engine.run(0).kind == StopReason::Kind::syscall);
        auto snap = f.engine.take_snapshot();
        CHECK(PageData::bytes_in_use() >= before + snap.new_pages * kPageSize);
        CHECK(snap.new_pages >= 3);  // two data pages and the code page
    }
    CHECK(PageData::bytes_in_use() == before);
}

TEST_CASE("A copied context restores the same registers as the original", "[cpu][context]") {
    EngineFixture f;
    f.engine.set_reg(Reg::r12, 0x1234);
    auto ctx = f.engine.save();
    gostart::cpu::Context copy = ctx;  // a deep copy
    f.engine.set_reg(Reg::r12, 0);
    ctx = gostart::cpu::Context{};     // the original goes away
    f.engine.restore(copy);
    CHECK(f.engine.reg(Reg::r12) == 0x1234);
}
