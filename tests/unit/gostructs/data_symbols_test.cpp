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
#include <cstring>
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
                                    "runtime.physHugePageSize", "runtime.mainStarted", "runtime.allgs",
                                    "runtime.allglen", "runtime.physPageSize", "runtime.startupRandomData"};

}  // namespace

TEST_CASE("data symbols recovered from hello's code equal its .symtab", "[gostructs][symbols]") {
    check_against_symtab(test::env_path("GO_HELLO"), kAll);
}

TEST_CASE("data symbols recovered from goroutines' code equal its .symtab", "[gostructs][symbols]") {
    check_against_symtab(test::env_path("GO_GOROUTINES"), kAll);
}

TEST_CASE("data symbols of go1.13 and go1.14 binaries (esbuild 0.1.0, 0.6.0, corpus) equal their .symtab",
          "[gostructs][symbols][corpus]") {
    const char* cache = std::getenv("CORPUS_DIR");
    for (const char* name : {"esbuild-0.1.0", "esbuild-0.6.0"}) {
        std::string path = cache ? std::string(cache) + "/" + name + "/esbuild" : "";
        if (path.empty() || !std::ifstream(path)) {
            WARN("corpus cache absent (tools/fetch-corpus): skipped " << name);
            continue;
        }
        INFO(name);
        check_against_symtab(path, kAll);
    }
}

// The model's function symbols come from the pclntab in stripped binaries. runtime.main must be the Go
// function itself (rt0_go's mainPC holds runtime·main<ABIInternal>), not an ABI wrapper of the same name;
// goexit is assembly (`runtime.goexit.abi0` in .symtab from 1.17 on).
TEST_CASE("the model's functions resolve from the pclntab alone to their .symtab addresses", "[gostructs][symbols]") {
    for (const char* var : {"GO_HELLO", "GO_GOROUTINES"}) {
        auto image = loader::ElfImage::open(test::env_path(var));
        const auto& view = image.view();
        loader::SymbolTable functions;
        auto pcln = loader::go::Pclntab::parse(view);  // named: functions() views into it
        for (const auto& f : pcln.functions())
            functions.add(loader::Symbol{std::string(f.name), f.entry, f.end - f.entry, true});
        functions.finish();
        std::map<std::string, uint64_t> truth;
        for (const auto& s : view.symbols) truth.emplace(s.name, s.value);
        for (const char* name : {"runtime.main", "runtime.goexit", "runtime.sysmon", "main.main", "runtime.mstart"}) {
            INFO(var << ": " << name);
            auto a = functions.find(name);
            REQUIRE(a);
            uint64_t want = truth.count(name) ? truth[name] : truth[std::string(name) + ".abi0"];
            CHECK(*a == want);
        }
        // mainPC, the funcval rt0_go passes to newproc, points at the very function found as runtime.main.
        auto main_pc = truth.find("runtime.mainPC");
        REQUIRE(main_pc != truth.end());
        auto bytes = view.bytes_at(main_pc->second, 8);
        REQUIRE(bytes.size() == 8);
        uint64_t fn = 0;
        std::memcpy(&fn, bytes.data(), 8);
        CHECK(fn == *functions.find("runtime.main"));
    }
}
