// Struct layouts: the go1.19 table against the DWARF of binaries built here by go1.19, and every table
// against the list of fields the model needs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "gostructs/dwarf_layouts.h"
#include "gostructs/layouts_for.h"
#include "gostructs/model_fields.h"
#include "gostructs/version_tables.h"
#include "tests/unit/gostructs/support.h"

using namespace gostart::gostructs;

TEST_CASE("DWARF of a go1.19 build holds every model field", "[gostructs][dwarf]") {
    auto d = read_dwarf_layouts(gostart::test::env_path("GO_HELLO"));
    REQUIRE(d);
    CHECK(d->source() == "dwarf");
    CHECK(missing_fields(*d).empty());
    // Wrapped and embedded fields resolve as dwarf_layouts.h documents.
    CHECK(d->field("m", "tls")->size == 48);
    CHECK(d->field("g", "sched.sp")->offset == d->field("g", "sched")->offset);
    CHECK(d->field("schedt", "lock")->size == 8);
}

TEST_CASE("DWARF paths are Go's: a promoted field is an alias, a named struct field is not promoted", "[gostructs][dwarf]") {
    auto d = read_dwarf_layouts(gostart::test::env_path("GO_HELLO"));
    REQUIRE(d);
    // m embeds mOS: Go selects m.mOS.profileTimer as m.profileTimer too.
    auto full = d->field("m", "mOS.profileTimer"), promoted = d->field("m", "profileTimer");
    REQUIRE(full);
    REQUIRE(promoted);
    CHECK(promoted->offset == full->offset);
    CHECK(d->all_fields().count("m.mOS.profileTimer") == 1);
    CHECK(d->all_fields().count("m.profileTimer") == 0);
    CHECK(d->aliases().count("m.profileTimer") == 1);
    // gFree, disable and their lists are named fields: their members are reached only through them
    // (Go's linker marks every member with DW_AT_go_embedded_field, 0 for these).
    CHECK(d->field("schedt", "gFree.stack.head"));
    for (const char* not_go : {"stack.head", "runnable.head", "gFree.key", "gFree.head", "noStack.head", "key"}) {
        INFO(not_go);
        CHECK_FALSE(d->field("schedt", not_go));
    }
}

namespace {

std::set<std::string> paths(const StructLayouts& l) {
    std::set<std::string> out;
    for (const auto& [path, f] : l.all_fields()) out.insert(path);
    return out;
}

}  // namespace

// The same path means the same field with or without DWARF: the fields DWARF gives are exactly those
// tools/layoutgen computed from the release's sources (what a stripped binary gets).
TEST_CASE("DWARF and the go1.19 table name the same fields", "[gostructs][table][dwarf]") {
    auto t = table_layouts(19);
    REQUIRE(t);
    for (const char* var : {"GO_HELLO", "GO_GOROUTINES"}) {
        auto d = read_dwarf_layouts(gostart::test::env_path(var));
        REQUIRE(d);
        auto dp = paths(*d), tp = paths(*t);
        std::vector<std::string> only_dwarf, only_table;
        std::set_difference(dp.begin(), dp.end(), tp.begin(), tp.end(), std::back_inserter(only_dwarf));
        std::set_difference(tp.begin(), tp.end(), dp.begin(), dp.end(), std::back_inserter(only_table));
        INFO(var);
        CHECK(only_dwarf == std::vector<std::string>{});
        CHECK(only_table == std::vector<std::string>{});
        CHECK(dp.size() > 250);  // every field of the six structures, not only the model's
    }
}

namespace {

// Every row of go1.<minor>'s table against the DWARF of a binary that release built.
void check_table_against_dwarf(int minor, const std::string& path) {
    auto d = read_dwarf_layouts(path);
    REQUIRE(d);
    const VersionTable* t = version_table(minor);
    REQUIRE(t);
    for (const auto& row : t->rows) {
        INFO(path << ": " << row.path);
        auto dot = row.path.find('.');
        if (dot == std::string_view::npos) {
            CHECK(d->size_of(row.path) == row.size);
            continue;
        }
        auto f = d->field(row.path.substr(0, dot), row.path.substr(dot + 1));
        REQUIRE(f);
        CHECK(f->offset == row.offset);
        CHECK(f->size == row.size);
    }
}

}  // namespace

TEST_CASE("the go1.19 table equals the DWARF of go1.19 builds, field by field", "[gostructs][table]") {
    for (const char* var : {"GO_HELLO", "GO_GOROUTINES"}) check_table_against_dwarf(19, gostart::test::env_path(var));
}

// The go1.14 table was computed by tools/layoutgen from the go1.14.6 sources; esbuild 0.6.0 was built by
// go1.14.2 with DWARF: a second release on which the generator meets the compiler's own answer.
TEST_CASE("the go1.14 table equals the DWARF of esbuild 0.6.0 (go1.14.2, corpus)", "[gostructs][table][corpus]") {
    const char* cache = std::getenv("CORPUS_DIR");
    std::string path = cache ? std::string(cache) + "/esbuild-0.6.0/esbuild" : "";
    if (path.empty() || !std::ifstream(path)) {
        WARN("corpus cache absent (tools/fetch-corpus): skipped");
        return;
    }
    check_table_against_dwarf(14, path);
    auto d = read_dwarf_layouts(path);
    REQUIRE(d);
    CHECK(paths(*d) == paths(*table_layouts(14)));
}

TEST_CASE("every version table holds every field the model needs", "[gostructs][table]") {
    int tables = 0;
    for (int minor = kFirstGoMinor; minor <= kLastGoMinor; ++minor) {
        auto t = table_layouts(minor);
        if (!t) continue;
        ++tables;
        INFO("go1." << minor);
        CHECK(missing_fields(*t).empty());
        CHECK(t->size_of("gobuf") == (minor >= 25 ? 48u : 56u));
        CHECK(bool(t->field("g", "syscallbp")) == (minor >= 23));
        // 1.25 moved the global run queue's count into the queue (gQueue.size).
        CHECK(bool(t->field("schedt", "runqsize")) == (minor <= 24));
        CHECK(bool(t->field("schedt", "runq.size")) == (minor >= 25));
        const std::string release(version_table(minor)->release);
        CHECK((release == "go1." + std::to_string(minor) || release.starts_with("go1." + std::to_string(minor) + ".")));
        // Fields the assembly of every release hard-codes (g_stackguard0, g_m, g_sched, m_g0).
        CHECK(t->field("g", "stackguard0")->offset == 16);
        CHECK(t->field("g", "m")->offset == 48);
        CHECK(t->field("g", "sched")->offset == 56);
        CHECK(t->field("m", "g0")->offset == 0);
    }
    CHECK(tables == kLastGoMinor - kFirstGoMinor + 1);
}

TEST_CASE("every release from go1.13 to go1.27 has a table", "[gostructs][table]") {
    // Stripped binaries of a release without a table would get "no struct layout table" (tools/layoutgen).
    for (int minor = kFirstGoMinor; minor <= kLastGoMinor; ++minor) {
        INFO("go1." << minor);
        CHECK(version_table(minor) != nullptr);
    }
}

TEST_CASE("layouts_for refuses versions it cannot know with one clear line", "[gostructs]") {
    gostart::loader::BinaryView view;  // no sections: no DWARF
    gostart::loader::go::GoIdentity go;
    go.version = "go1.12.17";
    go.source = "buildinfo";
    go.number = gostart::loader::go::GoVersionNumber{1, 12, 17};
    CHECK_THROWS_WITH(layouts_for(view, go), Catch::Contains("outside the supported go1.13-go1.27"));
    go.version = "go1.19.8";
    go.number = gostart::loader::go::GoVersionNumber{1, 19, 8};
    CHECK(layouts_for(view, go).source() == "table");
    go.version = "go1.18-1.19";
    go.source = "pclntab";
    CHECK_THROWS_WITH(layouts_for(view, go), Catch::Contains("known only as the era"));
}
