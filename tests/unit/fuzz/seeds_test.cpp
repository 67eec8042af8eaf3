// The fuzz targets on their seeds (fuzz/seeds.h), in the ordinary build: every seed must reach deep into
// its reader (a seed the reader rejects at the first byte would waste the fuzzer's time), and the view
// format must round-trip.
#include <catch2/catch.hpp>

#include "fuzz/seeds.h"
#include "fuzz/targets.h"
#include "fuzz/view_codec.h"
#include "tests/unit/gostructs/support.h"

#include <cstdlib>
#include <fstream>

using namespace gostart;
using fuzz::Seed;

namespace {

std::vector<Seed> seeds(std::string_view target, const char* env_var) {
    auto s = fuzz::seeds_from_binary(target, test::env_path(env_var), env_var);
    return s;
}

std::string run(std::string_view target, const Seed& s) {
    const auto* t = fuzz::find_fuzz_target(target);
    REQUIRE(t);
    return t->run(s.bytes);
}

std::string corpus_binary(const char* name) {
    const char* cache = std::getenv("CORPUS_DIR");
    std::string path = cache ? std::string(cache) + "/" + name + "/esbuild" : "";
    return path.empty() || !std::ifstream(path) ? std::string() : path;
}

}  // namespace

TEST_CASE("every target is registered under the name tools/fuzz uses", "[fuzz]") {
    for (const char* name : {"elf_image", "buildinfo", "pclntab", "dwarf_layouts"}) {
        INFO(name);
        CHECK(fuzz::find_fuzz_target(name));
    }
    CHECK_FALSE(fuzz::find_fuzz_target("nonesuch"));
}

TEST_CASE("a view survives encoding and decoding", "[fuzz][view]") {
    auto s = seeds("pclntab", "GO_HELLO");
    REQUIRE(s.size() == 2);
    auto v = fuzz::decode_view(s[0].bytes);
    REQUIRE(v);
    CHECK(v->section(".gopclntab"));
    CHECK(v->section(".text"));
    CHECK(fuzz::encode_view(*v) == s[0].bytes);
    // Cut anywhere in the headers, the input is refused; cut in the file bytes, it is a shorter file.
    auto cut = s[0].bytes;
    cut.resize(10);
    CHECK_FALSE(fuzz::decode_view(cut));
    cut = s[0].bytes;
    cut[0] = 'X';
    CHECK_FALSE(fuzz::decode_view(cut));
}

TEST_CASE("pclntab seeds decode every function of hello, with and without section headers", "[fuzz][seeds]") {
    for (const char* var : {"GO_HELLO", "GO_HELLO_STRIPPED"}) {
        for (const auto& s : seeds("pclntab", var)) {
            INFO(s.name);
            std::string out = run("pclntab", s);
            CHECK_THAT(out, Catch::Matches("[0-9]{4} functions, era 1.18-1.19"));
        }
    }
}

TEST_CASE("the hand-made pclntab seeds cover every era", "[fuzz][seeds]") {
    auto s = fuzz::synthetic_seeds("pclntab");
    REQUIRE(s.size() == 4);
    CHECK(run("pclntab", s[0]) == "3 functions, era 1.2-1.15");
    CHECK(run("pclntab", s[1]) == "3 functions, era 1.16-1.17");
    CHECK(run("pclntab", s[2]) == "3 functions, era 1.18-1.19");
    CHECK(run("pclntab", s[3]) == "3 functions, era 1.20+");
}

TEST_CASE("buildinfo seeds find the version each way the reader knows", "[fuzz][seeds]") {
    const std::string version = test::env_path("GO_EXPECTED_VERSION");
    auto s = seeds("buildinfo", "GO_HELLO");
    REQUIRE(s.size() == 4);
    CHECK(run("buildinfo", s[0]) == version + " from buildinfo");
    CHECK(run("buildinfo", s[1]) == version + " from buildinfo");      // found by scanning writable data
    CHECK(run("buildinfo", s[2]) == version + " from buildversion");   // runtime.buildVersion symbol
    CHECK(run("buildinfo", s[3]) == version + " from buildversion");   // string-header scan
    // Stripped: no runtime.buildVersion symbol, so only the blob seeds.
    CHECK(seeds("buildinfo", "GO_HELLO_STRIPPED").size() == 2);
}

TEST_CASE("buildinfo seeds of the pointer format (go1.13, corpus) follow the pointers", "[fuzz][seeds][corpus]") {
    std::string path = corpus_binary("esbuild-0.1.0");
    if (path.empty()) {
        WARN("corpus cache absent (tools/fetch-corpus): skipped");
        return;
    }
    auto s = fuzz::seeds_from_binary("buildinfo", path, "esbuild-0.1.0");
    REQUIRE(!s.empty());
    CHECK(run("buildinfo", s[0]) == "go1.13.8 from buildinfo");
}

TEST_CASE("the DWARF seed is small and still holds every model field", "[fuzz][seeds][dwarf]") {
    auto s = seeds("dwarf_layouts", "GO_HELLO");
    REQUIRE(s.size() == 1);
    CHECK(s[0].bytes.size() < 64 * 1024);
    CHECK(run("dwarf_layouts", s[0]).ends_with(", 0 model fields missing"));
    CHECK(seeds("dwarf_layouts", "GO_HELLO_STRIPPED").empty());  // -w: no DWARF
}

TEST_CASE("the DWARF seed of a go1.13 binary with .zdebug sections (corpus)", "[fuzz][seeds][dwarf][corpus]") {
    std::string path = corpus_binary("esbuild-0.1.0");
    if (path.empty()) {
        WARN("corpus cache absent (tools/fetch-corpus): skipped");
        return;
    }
    auto b = fuzz::minimal_dwarf_elf(path);
    REQUIRE(!b.empty());
    CHECK(fuzz::find_fuzz_target("dwarf_layouts")->run(b).ends_with(", 0 model fields missing"));
}

TEST_CASE("elf_image seeds load and identify", "[fuzz][seeds]") {
    const std::string version = test::env_path("GO_EXPECTED_VERSION");
    for (const char* var : {"GO_HELLO", "GO_HELLO_STRIPPED"}) {
        auto s = seeds("elf_image", var);
        REQUIRE(s.size() == 1);
        std::string out = run("elf_image", s[0]);
        INFO(out);
        CHECK(out.starts_with("ok: "));
        CHECK(out.ends_with("; " + version + " from buildinfo"));
    }
    auto tiny = fuzz::synthetic_seeds("elf_image");
    REQUIRE(tiny.size() == 1);
    CHECK(tiny[0].bytes.size() < 32 * 1024);
    CHECK(run("elf_image", tiny[0]) == "ok: 3 segments, 7 sections; 3 functions, era 1.18-1.19; go1.19.8 from buildinfo");
}
