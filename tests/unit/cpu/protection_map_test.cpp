// ProtectionMap: the engine's record of page protections behind try_read_user/try_write_user.
#include "cpu/prot.h"
#include "cpu/protection_map.h"

#include <catch2/catch.hpp>

using gostart::cpu::kProtExec;
using gostart::cpu::kProtNone;
using gostart::cpu::kProtRead;
using gostart::cpu::kProtWrite;
using gostart::cpu::ProtectionMap;

TEST_CASE("protection map: nothing mapped allows nothing but empty accesses", "[cpu][prot]") {
    ProtectionMap m;
    CHECK_FALSE(m.allows(0x1000, 1, kProtRead));
    CHECK(m.allows(0x1000, 0, kProtRead));
}

TEST_CASE("protection map: protect splits a mapping and accesses across the pieces see each", "[cpu][prot]") {
    ProtectionMap m;
    m.set(0x10000, 0x4000, kProtRead | kProtWrite);
    m.set(0x11000, 0x1000, kProtNone);  // a guard page in the middle
    CHECK(m.allows(0x10000, 0x1000, kProtRead | kProtWrite));
    CHECK_FALSE(m.allows(0x10ff8, 16, kProtRead));  // runs into the guard page
    CHECK_FALSE(m.allows(0x11000, 1, kProtRead));
    CHECK(m.allows(0x12000, 0x2000, kProtWrite));
    CHECK_FALSE(m.allows(0x13ff8, 16, kProtRead));  // runs past the end
    m.set(0x11000, 0x1000, kProtRead);
    CHECK(m.allows(0x10000, 0x4000, kProtRead));           // contiguous pieces join up
    CHECK_FALSE(m.allows(0x10000, 0x4000, kProtWrite));    // one piece is read-only
    CHECK_FALSE(m.allows(0x10000, 0x1000, kProtExec));
}

TEST_CASE("protection map: clear punches a hole; wrap-around is refused", "[cpu][prot]") {
    ProtectionMap m;
    m.set(0x20000, 0x3000, kProtRead);
    m.clear(0x21000, 0x1000);
    CHECK(m.allows(0x20000, 0x1000, kProtRead));
    CHECK_FALSE(m.allows(0x20000, 0x2000, kProtRead));
    CHECK(m.allows(0x22000, 0x1000, kProtRead));
    m.set(~uint64_t(0xfff), 0x1000, kProtRead);
    CHECK_FALSE(m.allows(~uint64_t(0x7), 16, kProtRead));
}

TEST_CASE("protection map: any finds a bit on some byte of a range, holes and all", "[cpu][prot]") {
    ProtectionMap m;
    m.set(0x30000, 0x1000, kProtRead | kProtExec);
    m.set(0x32000, 0x1000, kProtRead | kProtWrite);
    CHECK_FALSE(m.any(0x30000, 0x1000, kProtWrite));
    CHECK(m.any(0x30000, 0x1000, kProtExec));
    CHECK(m.any(0x30ff0, 0x2000, kProtWrite));   // from the code page over the hole into the data page
    CHECK(m.any(0x32800, 16, kProtWrite));       // starts inside a range
    CHECK_FALSE(m.any(0x31000, 0x1000, kProtRead));  // the hole alone
    CHECK_FALSE(m.any(0x33000, 0x1000, kProtRead));  // past the end
    CHECK_FALSE(m.any(~uint64_t(0x7), 16, kProtRead));  // wraps: nothing mapped up there
}
