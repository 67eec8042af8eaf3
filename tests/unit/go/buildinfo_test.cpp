#include <catch2/catch.hpp>
#include <cstring>

#include "loader/go/buildinfo.h"
#include "loader/go/go_format_error.h"
#include "tests/unit/go/test_support.h"

using namespace gostart;
using loader::go::BuildInfo;
using loader::go::read_buildinfo;

TEST_CASE("buildinfo of the hello binary matches the toolchain", "[buildinfo]") {
    auto bi = read_buildinfo(test::hello().view);
    REQUIRE(bi);
    CHECK(bi->version == test::env_or_skip("GO_EXPECTED_VERSION"));
    CHECK(bi->inline_strings);  // 1.18+ format
    CHECK(bi->path == "command-line-arguments");
    CHECK(bi->settings.at("CGO_ENABLED") == "0");
    CHECK(bi->settings.at("GOAMD64") == "v1");
    CHECK(bi->settings.at("GOOS") == "linux");
    CHECK(bi->settings.at("GOARCH") == "amd64");
    CHECK(bi->settings.at("-compiler") == "gc");
    CHECK(bi->settings.count("-ldflags") == 0);
}

TEST_CASE("buildinfo of the stripped binary unquotes -ldflags", "[buildinfo]") {
    auto bi = read_buildinfo(test::hello_stripped().view);
    REQUIRE(bi);
    CHECK(bi->version == test::env_or_skip("GO_EXPECTED_VERSION"));
    CHECK(bi->settings.at("-ldflags") == "-s -w");
}

TEST_CASE("buildinfo is found by scanning writable segments when sections are gone", "[buildinfo]") {
    loader::BinaryView v = test::hello().view;
    auto expect = read_buildinfo(v);
    v.sections.clear();
    auto bi = read_buildinfo(v);
    REQUIRE(bi);
    CHECK(bi->vaddr == expect->vaddr);
    CHECK(bi->version == expect->version);
    CHECK(bi->settings == expect->settings);
}

namespace {

// A hand-made image: one RW PT_LOAD at 0x10000 mapping the whole buffer.
struct Image {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(0x200, 0);
    loader::BinaryView view;
    void put(size_t off, const void* p, size_t n) { std::memcpy(bytes.data() + off, p, n); }
    void put64(size_t off, uint64_t v) { put(off, &v, 8); }
    loader::BinaryView& finish() {
        view.file = bytes;
        view.segments = {{1, 6, 0, 0x10000, bytes.size(), bytes.size(), 0x1000}};
        return view;
    }
};

// The real sentinels are binary; any 16 bytes each side will do for the framing test.
std::string framed(const std::string& text) { return std::string(16, '\x30') + text + std::string(16, '\xf9'); }

}  // namespace

TEST_CASE("pre-1.18 pointer-format buildinfo is decoded through string headers", "[buildinfo]") {
    Image img;
    std::string mod = framed("path\texample.com/x\nmod\texample.com/x\t(devel)\t\nbuild\tCGO_ENABLED=1\n");
    std::string ver = "go1.16.15";
    img.put(0x20, "\xff Go buildinf:\x08\x00", 16);
    img.put64(0x30, 0x10080);  // -> version header
    img.put64(0x38, 0x10090);  // -> modinfo header
    img.put64(0x80, 0x10100);
    img.put64(0x88, ver.size());
    img.put64(0x90, 0x10110);
    img.put64(0x98, mod.size());
    img.put(0x100, ver.data(), ver.size());
    img.put(0x110, mod.data(), mod.size());
    auto bi = read_buildinfo(img.finish());  // no sections: found by the aligned scan
    REQUIRE(bi);
    CHECK_FALSE(bi->inline_strings);
    CHECK(bi->vaddr == 0x10020);
    CHECK(bi->version == "go1.16.15");
    CHECK(bi->path == "example.com/x");
    CHECK(bi->main_module == "example.com/x\t(devel)\t");
    CHECK(bi->settings.at("CGO_ENABLED") == "1");

    SECTION("a string header in the segment's zero-filled tail (.bss) is the empty string") {
        // esbuild 0.1.0 (go1.13, built outside module mode): runtime.modinfo is zero, in .noptrbss.
        img.put64(0x38, 0x10000 + 0x200 + 0x40);
        loader::BinaryView& v = img.finish();
        v.segments[0].memsz = 0x1000;
        auto zero = read_buildinfo(v);
        REQUIRE(zero);
        CHECK(zero->version == "go1.16.15");
        CHECK(zero->modinfo.empty());
        CHECK(zero->settings.empty());
        v.segments[0].memsz = 0x240;  // the header would end past the segment: outside the image
        CHECK_THROWS_AS(read_buildinfo(v), loader::GoFormatError);
    }
    SECTION("a string header pointing outside the image is an error") {
        img.put64(0x90, 0x90000);
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
    SECTION("an absurd string length is an error") {
        img.put64(0x88, ~0ull);
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
}

TEST_CASE("inline-format buildinfo corruption is reported, never read past the end", "[buildinfo]") {
    Image img;
    img.put(0x20, "\xff Go buildinf:\x08\x02", 16);
    SECTION("bad pointer size") {
        img.bytes[0x20 + 14] = 3;
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
    SECTION("length runs past the end") {
        img.bytes[0x40] = 0xff;
        img.bytes[0x41] = 0x7f;
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
    SECTION("truncated varint at the very end") {
        img.bytes.resize(0x41);
        img.bytes[0x40] = 0x80;
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
    SECTION("empty version") {
        CHECK_THROWS_AS(read_buildinfo(img.finish()), loader::GoFormatError);
    }
    SECTION("valid, with unframed modinfo") {
        img.put(0x40, "\x08go1.22.1\x03xyz", 13);
        auto bi = read_buildinfo(img.finish());
        REQUIRE(bi);
        CHECK(bi->version == "go1.22.1");
        CHECK(bi->modinfo.empty());
    }
}

TEST_CASE("modinfo settings parsing handles quoting", "[buildinfo]") {
    BuildInfo bi;
    bi.modinfo = "path\tp\nbuild\t-ldflags=\"-X main.v=1 -s\"\nbuild\t\"we=ird\"=`x y`\nbuild\tvcs.modified=true\nbuild\tbroken\n";
    loader::go::parse_modinfo(bi);
    CHECK(bi.path == "p");
    CHECK(bi.settings.at("-ldflags") == "-X main.v=1 -s");
    CHECK(bi.settings.at("we=ird") == "x y");
    CHECK(bi.settings.at("vcs.modified") == "true");
    CHECK(bi.settings.size() == 3);
}

TEST_CASE("a binary without buildinfo gives nullopt", "[buildinfo]") {
    Image img;
    CHECK_FALSE(read_buildinfo(img.finish()));
}
