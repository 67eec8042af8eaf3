// Data symbols recovered from code equal the .symtab of the same binary: the recovery runs on an
// unstripped build as if it were stripped (functions from the pclntab only), then is checked against
// the symbols the linker wrote.
#include <catch2/catch.hpp>

#include "gostructs/data_symbols.h"
#include "gostructs/layouts_for.h"
#include "loader/elf_image.h"
#include "loader/go/go_version.h"
#include "loader/go/pclntab.h"
#include "tests/unit/gostructs/support.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

using namespace gostart;

namespace {

void check_against_symtab(const std::string& path, const std::set<std::string>& required) {
    auto image = loader::ElfImage::open(path);
    const auto& view = image.view();
    REQUIRE(!view.symbols.empty());
    loader::SymbolTable functions;  // what a stripped binary offers: the pclntab
    auto pcln = loader::go::Pclntab::parse(view);
    for (const auto& f : pcln.functions())
        functions.add(loader::Symbol{std::string(f.name), f.entry, f.end - f.entry, true});
    functions.finish();
    auto go = loader::go::identify(view);
    auto layouts = gostructs::layouts_for(view, go);
    auto found = gostructs::recover_data_symbols(view, functions, layouts, go.number ? go.number->minor : 0);

    std::map<std::string, uint64_t> truth;
    for (const auto& s : view.symbols) truth.emplace(s.name, s.value);
    std::set<std::string> names;
    for (const auto& s : found) {
        INFO(path << ": " << s.name << " (" << s.how << ")");
        REQUIRE(truth.count(s.name));
        CHECK(s.addr == truth[s.name]);
        names.insert(s.name);
    }
    for (const auto& r : required) {
        INFO(path << ": not recovered: " << r);
        CHECK(names.count(r));
    }
}

const std::set<std::string> kAll = {"runtime.g0", "runtime.m0", "runtime.sched", "runtime.allp", "runtime.allm",
                                    "runtime.gomaxprocs", "runtime.ncpu", "runtime.argc", "runtime.argv",
                                    "runtime.physHugePageSize", "runtime.mainStarted"};

}  // namespace

TEST_CASE("data symbols recovered from hello's code equal its .symtab", "[gostructs][symbols]") {
    check_against_symtab(test::env_path("GO_HELLO"), kAll);
}

TEST_CASE("data symbols recovered from goroutines' code equal its .symtab", "[gostructs][symbols]") {
    check_against_symtab(test::env_path("GO_GOROUTINES"), kAll);
}

TEST_CASE("data symbols of a go1.13 binary (esbuild 0.1.0, corpus) equal its .symtab", "[gostructs][symbols][corpus]") {
    const char* cache = std::getenv("CORPUS_DIR");
    std::string path = cache ? std::string(cache) + "/esbuild-0.1.0/esbuild" : "";
    if (path.empty() || !std::ifstream(path)) {
        WARN("corpus cache absent (tools/fetch-corpus): skipped");
        return;
    }
    check_against_symtab(path, kAll);
}
