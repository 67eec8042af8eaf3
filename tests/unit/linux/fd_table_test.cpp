// FdTable: Linux's allocation rule (the lowest free descriptor at or above a minimum, below the limit)
// from a bitmap, and copies for checkpoints that keep it.
#include "linux/fd_table.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <climits>
#include <memory>

using gostart::linux::FdTable;
using gostart::linux::OpenFile;

namespace {
std::shared_ptr<OpenFile> file() { return std::make_shared<OpenFile>(); }
}  // namespace

TEST_CASE("FdTable gives the lowest free descriptor, a closed one first", "[linux][fds]") {
    FdTable t;
    for (int i = 0; i < 200; ++i) REQUIRE(t.add(file(), false, 1024) == i);
    CHECK(t.close(70));
    CHECK(t.close(5));
    CHECK(t.add(file(), false, 1024) == 5);
    CHECK(t.add(file(), false, 1024) == 70);
    CHECK(t.add(file(), false, 1024) == 200);
    CHECK_FALSE(t.close(5000));
}

TEST_CASE("FdTable honours a minimum and the limit, and says EMFILE past it", "[linux][fds]") {
    FdTable t;
    CHECK(t.add(file(), false, 1024, 100) == 100);
    CHECK(t.add(file(), false, 1024, 100) == 101);
    CHECK(t.add(file(), false, 1024, 63) == 63);    // word boundaries
    CHECK(t.add(file(), false, 1024, 64) == 64);
    CHECK(t.add(file(), false, 1024, 1023) == 1023);
    CHECK(t.add(file(), false, 1024, 1023) == -EMFILE);
    CHECK(t.add(file(), false, 1024, 1024) == -EMFILE);
    CHECK(t.add(file(), false, 1024, INT_MAX) == -EMFILE);
    CHECK(t.add(file(), false, 1024, -1) == -EMFILE);
    FdTable small;
    for (int i = 0; i < 3; ++i) REQUIRE(small.add(file(), false, 3) == i);
    CHECK(small.add(file(), false, 3) == -EMFILE);
    CHECK(small.add(file(), false, 0) == -EMFILE);
}

TEST_CASE("FdTable::put takes a descriptor far above the others; the search still finds the gap", "[linux][fds]") {
    FdTable t;
    t.put(524287, file(), false);
    REQUIRE(t.get(524287) != nullptr);
    CHECK(t.add(file(), false, 524288) == 0);
    CHECK(t.add(file(), false, 524288, 524287) == -EMFILE);
    CHECK(t.close(524287));
    CHECK(t.add(file(), false, 524288, 524287) == 524287);
}

TEST_CASE("A copy of an FdTable allocates as the original would", "[linux][fds]") {
    FdTable t;
    for (int i = 0; i < 70; ++i) t.add(file(), i % 2 == 0, 1024);
    t.close(3);
    FdTable c = t.copy(false);
    CHECK(c.add(file(), false, 1024) == 3);
    CHECK(c.add(file(), false, 1024) == 70);
    CHECK(c.get(4)->cloexec);
    CHECK_FALSE(c.get(5)->cloexec);
}

TEST_CASE("Opening many descriptors costs about their number", "[linux][fds]") {
    // 200,000 opens, each close to the top: quadratic search would take minutes here.
    FdTable t;
    auto f = file();
    for (int i = 0; i < 200000; ++i) REQUIRE(t.add(f, false, 524288) == i);
    for (int i = 0; i < 1000; ++i) {
        REQUIRE(t.close(i * 7));
        REQUIRE(t.add(f, false, 524288) == i * 7);  // the gap low down, not a search from 0 past 200,000
    }
}
