// BlockCounts: the direct-mapped cache of block instruction counts in front of the map that holds them all.
#include "cpu/block_counts.h"

#include <catch2/catch.hpp>

using gostart::cpu::BlockCounts;

namespace {
// Two block addresses that share a slot: the slot index keeps bits 0..15 of addr ^ (addr >> 16).
constexpr uint64_t kA = 0x401230;
constexpr uint64_t kB = kA + (uint64_t(1) << 32);
}  // namespace

TEST_CASE("block counts: a block inserted is a hit for its address and size only", "[cpu][count][cache]") {
    BlockCounts c;
    CHECK(c.hit(kA, 12) == nullptr);
    CHECK_FALSE(c.find(kA, 12));
    c.insert(kA, 12, 4, false);
    const BlockCounts::Entry* e = c.hit(kA, 12);
    REQUIRE(e != nullptr);
    CHECK(e->insns == 4);
    CHECK_FALSE(e->gp);
    CHECK(c.hit(kA, 13) == nullptr);      // another size: not the cached block
    CHECK(c.hit(kA + 1, 12) == nullptr);  // another address
    CHECK(c.size() == 1);
}

TEST_CASE("block counts: a collision evicts from the slot, never from the map", "[cpu][count][cache]") {
    REQUIRE(BlockCounts::slot(kA) == BlockCounts::slot(kB));
    BlockCounts c;
    c.insert(kA, 12, 4, false);
    c.insert(kB, 20, 7, true);
    CHECK(c.hit(kA, 12) == nullptr);  // kB took the slot
    REQUIRE(c.hit(kB, 20) != nullptr);
    CHECK(c.hit(kB, 20)->insns == 7);
    CHECK(c.hit(kB, 20)->gp);
    // The map still has kA's count; finding it puts it back in the slot, in place of kB.
    auto a = c.find(kA, 12);
    REQUIRE(a);
    CHECK(a->insns == 4);
    CHECK_FALSE(a->gp);
    REQUIRE(c.hit(kA, 12) != nullptr);
    CHECK(c.hit(kA, 12)->insns == 4);
    CHECK(c.hit(kB, 20) == nullptr);
    auto b = c.find(kB, 20);
    REQUIRE(b);
    CHECK(b->insns == 7);
    CHECK(b->gp);
    CHECK(c.size() == 2);
}

TEST_CASE("block counts: forget drops a range's blocks from the slots and the map", "[cpu][count][cache]") {
    BlockCounts c;
    c.insert(0x1000, 8, 2, false);
    c.insert(0x1ff0, 16, 3, false);
    c.insert(0x2000, 4, 1, false);
    CHECK_FALSE(c.forget(0x3000, 0x4000));  // no block starts there
    CHECK_FALSE(c.forget(0x1001, 0x1ff0));  // inside the first block but not at a start
    CHECK(c.forget(0x1000, 0x2000));
    CHECK(c.hit(0x1000, 8) == nullptr);
    CHECK_FALSE(c.find(0x1000, 8));
    CHECK_FALSE(c.find(0x1ff0, 16));
    REQUIRE(c.hit(0x2000, 4) != nullptr);  // [begin, end): the block at end stays
    CHECK(c.size() == 1);
    CHECK(c.any_in(0x2000, 0x2001));
    CHECK_FALSE(c.any_in(0x2001, 0x9000));
    // The same address with new code is counted afresh.
    c.insert(0x1000, 8, 5, false);
    CHECK(c.hit(0x1000, 8)->insns == 5);
}
