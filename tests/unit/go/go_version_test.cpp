#include <catch2/catch.hpp>
#include <cstring>

#include "loader/go/go_format_error.h"
#include "loader/go/go_version.h"
#include "tests/unit/go/test_support.h"

using namespace gostart;
using loader::go::compare_go_versions;
using loader::go::GoVersionNumber;
using loader::go::identify;
using loader::go::parse_go_version;

TEST_CASE("parse and compare Go versions", "[goversion]") {
    CHECK(parse_go_version("go1.19.8") == GoVersionNumber{1, 19, 8});
    CHECK(parse_go_version("go1.20") == GoVersionNumber{1, 20, 0});
    CHECK(parse_go_version("go1.21rc2") == GoVersionNumber{1, 21, 0});
    CHECK(parse_go_version("go1.18-1.19") == GoVersionNumber{1, 18, 0});
    CHECK(parse_go_version("devel go1.23-abc Tue") == GoVersionNumber{1, 23, 0});
    CHECK_FALSE(parse_go_version("go"));
    CHECK_FALSE(parse_go_version("gox.1"));
    CHECK(compare_go_versions("go1.9", "go1.10") < 0);
    CHECK(compare_go_versions("go1.19.8", "go1.19.10") < 0);
    CHECK(compare_go_versions("go1.20", "go1.19.13") > 0);
    CHECK(compare_go_versions("go1.19", "go1.19.0") == 0);
    CHECK(compare_go_versions("junk", "go1.2") < 0);
}

TEST_CASE("identify prefers buildinfo", "[goversion]") {
    auto id = identify(test::hello().view);
    CHECK(id.source == "buildinfo");
    CHECK(id.version == test::env_or_skip("GO_EXPECTED_VERSION"));
    CHECK(id.goamd64 == "v1");
    CHECK(id.settings.at("CGO_ENABLED") == "0");
    REQUIRE(id.number);
    CHECK(*id.number >= GoVersionNumber{1, 18, 0});
}

TEST_CASE("identify falls back to buildVersion, then to the pclntab era", "[goversion]") {
    test::ElfFixture f(test::hello_stripped().bytes);
    // Wipe the buildinfo magic: the blob is gone for both the section and the scan.
    const auto* bi = f.view.section(".go.buildinfo");
    REQUIRE(bi);
    std::memset(f.bytes.data() + bi->offset, 0, 16);
    auto id = identify(f.view);
    CHECK(id.source == "buildversion");
    CHECK(id.version == test::env_or_skip("GO_EXPECTED_VERSION"));
    CHECK(id.goamd64 == "unknown");  // 1.18+ without settings: the level is not recorded elsewhere
    CHECK(id.settings.empty());

    // Now hide every "go1." so no version string can be found: only the table layout is left.
    for (size_t i = 0; i + 4 <= f.bytes.size(); ++i)
        if (std::memcmp(f.bytes.data() + i, "go1.", 4) == 0) f.bytes[i + 2] = 'X';
    id = identify(f.view);
    CHECK(id.source == "pclntab");
    CHECK(id.version == "go1.18-1.19");
    CHECK(id.goamd64 == "unknown");
}

TEST_CASE("identify of something that is not Go throws", "[goversion]") {
    std::vector<uint8_t> bytes(256, 0);
    loader::BinaryView v;
    v.file = bytes;
    v.segments = {{1, 4, 0, 0x1000, 256, 256, 0x1000}};
    CHECK_THROWS_AS(identify(v), loader::GoFormatError);
}
