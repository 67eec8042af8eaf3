// `gostart-emu info --json` on hello, unstripped and stripped: the CLI.md schema, and the stripped build's
// recovered addresses against the unstripped build's .symtab when both links placed the code alike.
#include <catch2/catch.hpp>

#include "tests/unit/gostructs/support.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

using nlohmann::json;

namespace {

json info(const std::string& program) {
    std::string cmd = gostart::test::env_path("GOSTART_EMU") + " info --json '" + program + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
    return json::parse(out);
}

const char* kRequired[] = {"_rt0_amd64_linux", "runtime.rt0_go", "runtime.settls", "runtime.check", "runtime.args",
                           "runtime.osinit", "runtime.schedinit", "runtime.newproc", "runtime.mstart", "runtime.main",
                           "main.main", "runtime.g0", "runtime.m0", "runtime.sched"};

void check_schema(const json& j, bool stripped) {
    CHECK(j["go_version"].get<std::string>().rfind("go1.", 0) == 0);
    CHECK(j["version_source"] == "buildinfo");
    CHECK(j["entry"].get<std::string>().rfind("0x", 0) == 0);
    CHECK(j["static"] == true);
    CHECK(j["symtab"] == !stripped);
    CHECK(j["dwarf"] == !stripped);
    CHECK(j["pclntab"]["magic"] == "0xfffffff0");  // the machine's go1.19
    CHECK(j["pclntab"]["functions"].get<int>() > 1000);
    CHECK(j["goamd64"] == "v1");
    CHECK(j["layout_source"] == (stripped ? "table" : "dwarf"));
    for (const char* name : kRequired) {
        INFO(name);
        CHECK(j["symbols"].contains(name));
    }
}

}  // namespace

TEST_CASE("info --json reports the CLI.md fields for hello and hello-stripped", "[info]") {
    json plain = info(gostart::test::env_path("GO_HELLO"));
    json stripped = info(gostart::test::env_path("GO_HELLO_STRIPPED"));
    check_schema(plain, false);
    check_schema(stripped, true);
    CHECK(stripped["data_symbols_source"] == "code");
    // -s -w drops sections after the link; when code landed at the same place, so did the data, and
    // the unstripped .symtab is the stripped build's ground truth too.
    if (plain["symbols"]["runtime.rt0_go"] == stripped["symbols"]["runtime.rt0_go"] &&
        plain["entry"] == stripped["entry"]) {
        for (auto& [name, addr] : stripped["symbols"].items()) {
            INFO(name);
            CHECK(plain["symbols"][name] == addr);
        }
    } else {
        WARN("the two links differ; recovered addresses are checked by data_symbols_test instead");
    }
}
