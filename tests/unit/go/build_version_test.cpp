#include <catch2/catch.hpp>
#include <cstring>

#include "loader/go/build_version.h"
#include "tests/unit/go/test_support.h"

using namespace gostart;
using loader::go::find_build_version;
using loader::go::looks_like_go_version;

TEST_CASE("runtime.buildVersion via the symbol", "[buildversion]") {
    auto bv = find_build_version(test::hello().view);
    REQUIRE(bv);
    CHECK(bv->method == "symbol");
    CHECK(bv->version == test::env_or_skip("GO_EXPECTED_VERSION"));
}

TEST_CASE("runtime.buildVersion via a string header in a stripped binary", "[buildversion]") {
    auto bv = find_build_version(test::hello_stripped().view);
    REQUIRE(bv);
    CHECK(bv->method == "string-header");
    CHECK(bv->version == test::env_or_skip("GO_EXPECTED_VERSION"));
}

TEST_CASE("runtime.buildVersion via the rodata scan as a last resort", "[buildversion]") {
    std::string ro = "\x01\x02xgo1.99  go1.7.3.1 go1.21.3gocachehash  ";
    std::vector<uint8_t> bytes(ro.begin(), ro.end());
    loader::BinaryView v;
    v.file = bytes;
    v.segments = {{1, 4 /*R*/, 0, 0x1000, bytes.size(), bytes.size(), 0x1000}};
    auto bv = find_build_version(v);
    REQUIRE(bv);
    CHECK(bv->method == "rodata-scan");
    // "xgo1.99" is preceded by a letter and "go1.7.3" is followed by ".1": both skipped.
    CHECK(bv->version == "go1.21.3");
}

TEST_CASE("version grammar", "[buildversion]") {
    CHECK(looks_like_go_version("go1.19.8"));
    CHECK(looks_like_go_version("go1.20"));
    CHECK(looks_like_go_version("go1.21rc2"));
    CHECK(looks_like_go_version("go1.22beta1"));
    CHECK(looks_like_go_version("devel go1.23-abcdef Tue Jan 1 00:00:00 2024 +0000"));
    CHECK_FALSE(looks_like_go_version("go1."));
    CHECK_FALSE(looks_like_go_version("go1.19.8x"));
    CHECK_FALSE(looks_like_go_version("go2.0"));
    CHECK_FALSE(looks_like_go_version("devel\n"));
}

TEST_CASE("no version anywhere gives nullopt", "[buildversion]") {
    std::vector<uint8_t> bytes(64, 0);
    loader::BinaryView v;
    v.file = bytes;
    v.segments = {{1, 6, 0, 0x1000, 64, 64, 0x1000}};
    v.symbols = {{"runtime.buildVersion", 0x1000, 16, false}};  // header of zeros: ignored
    CHECK_FALSE(find_build_version(v));
}
