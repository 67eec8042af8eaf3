// The start-up diff on hand-made profiles: what counts as added, removed, grown or shrunk, the syscall
// edit script, budgets (relative, absolute, unknown names, a B that never reaches main.main), and the
// JSON round trip that baselines rely on.
#include "app/startup_diff.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace gostart::app;

namespace {

InitProfile profile(uint64_t main_insn, std::vector<std::pair<std::string, uint64_t>> packages) {
    InitProfile p;
    p.program = "prog";
    p.reached_main = true;
    p.main_main_insn = main_insn;
    p.milestones = {{"runtime.main", 1000, 1000}, {"main.main", main_insn, 1000}};
    p.phases = {{"main inits", "", 0, {main_insn / 2, 0, 0, 0, 0}}};
    for (auto& [name, insns] : packages) p.packages.push_back({name, "main inits", 1, {insns, 16, 1, 0, 0}});
    p.syscalls_before_main = {"arch_prctl", "mmap", "clone", "futex"};
    return p;
}

const RowChange* find(const StartupDiff& d, const std::string& name) {
    for (const auto& c : d.packages)
        if (c.name == name) return &c;
    return nullptr;
}

}  // namespace

TEST_CASE("a profile against itself is no change, and every budget holds") {
    InitProfile a = profile(5000, {{"fmt", 100}, {"os", 200}});
    StartupDiff d = diff_profiles(a, a, {parse_budget("main.main=+0%"), parse_budget("fmt=+0")});
    CHECK_FALSE(d.changed());
    CHECK(d.within_budgets());
    CHECK(d.unchanged_packages == 2);
    CHECK(d.syscall_edits.empty());
}

TEST_CASE("packages added, removed, grown and shrunk") {
    InitProfile a = profile(5000, {{"fmt", 100}, {"os", 200}, {"gone", 5}});
    InitProfile b = profile(5100, {{"fmt", 150}, {"os", 190}, {"new", 7}});
    StartupDiff d = diff_profiles(a, b, {});
    REQUIRE(d.changed());
    CHECK(find(d, "fmt")->status == "grown");
    CHECK(find(d, "os")->status == "shrunk");
    CHECK(find(d, "gone")->status == "removed");
    CHECK(find(d, "new")->status == "added");
    CHECK_FALSE(find(d, "new")->a);
    b.packages[0].cost = a.packages[0].cost;
    b.packages[0].cost.allocs += 1;  // the same instructions, one allocation more
    CHECK(find(diff_profiles(a, b, {}), "fmt")->status == "changed");
}

TEST_CASE("the syscalls before main.main as an edit script") {
    InitProfile a = profile(5000, {}), b = profile(5000, {});
    b.syscalls_before_main = {"arch_prctl", "openat", "mmap", "futex"};  // openat added, clone removed
    StartupDiff d = diff_profiles(a, b, {});
    REQUIRE(d.syscall_edits.size() == 2);
    CHECK(d.syscall_edits[0].op == '+');
    CHECK(d.syscall_edits[0].name == "openat");
    CHECK(d.syscall_edits[0].index == 1);
    CHECK(d.syscall_edits[1].op == '-');
    CHECK(d.syscall_edits[1].name == "clone");
    CHECK(d.syscall_edits[1].index == 2);
}

TEST_CASE("budgets: relative and absolute, exceeded with the reason") {
    InitProfile a = profile(10000, {{"fmt", 100}}), b = profile(10600, {{"fmt", 130}});
    StartupDiff d = diff_profiles(a, b, {parse_budget("main.main=+5%"), parse_budget("main.main=+10%"),
                                         parse_budget("fmt=+30"), parse_budget("fmt=+29"), parse_budget("total=+50%")});
    REQUIRE(d.budgets.size() == 5);
    CHECK_FALSE(d.budgets[0].ok);  // +6 % over a +5 % budget
    CHECK(d.budgets[0].reason.find("main.main=+5%") != std::string::npos);
    CHECK(d.budgets[0].reason.find("exceeded") != std::string::npos);
    CHECK(d.budgets[1].ok);
    CHECK(d.budgets[2].ok);        // +30 exactly is within +30
    CHECK_FALSE(d.budgets[3].ok);
    CHECK(d.budgets[4].ok);
    CHECK_FALSE(d.within_budgets());
}

TEST_CASE("a B that no longer reaches main.main is over its budget; an unknown package is not") {
    InitProfile a = profile(10000, {}), b = profile(10000, {});
    b.reached_main = false;
    b.milestones.pop_back();
    StartupDiff d = diff_profiles(a, b, {parse_budget("main.main=+100%"), parse_budget("nosuch=+0%")});
    CHECK_FALSE(d.budgets[0].ok);
    CHECK(d.budgets[1].ok);
    CHECK(d.budgets[1].reason.find("not in") != std::string::npos);
}

TEST_CASE("bad budgets are refused with the reason") {
    for (const char* bad : {"main.main", "=+5%", "fmt=+", "fmt=lots", "fmt=+5%%", "fmt=-5%"})
        CHECK_THROWS_AS(parse_budget(bad), std::invalid_argument);
    Budget b = parse_budget("fmt=5");
    CHECK_FALSE(b.relative);
    CHECK(b.absolute == 5);
    CHECK(parse_budget("main.main=+2.5%").percent == Approx(2.5));
}

TEST_CASE("a profile survives its JSON: a baseline diffs as the run it was saved from") {
    InitProfile a = profile(5000, {{"fmt", 100}, {"os", 200}});
    InitProfile back = profile_from_json(nlohmann::json::parse(profile_to_json(a).dump()));
    CHECK_FALSE(diff_profiles(a, back, {}).changed());
    back.packages[1].cost.insns += 1;
    CHECK(diff_profiles(a, back, {}).changed());
    CHECK_THROWS(profile_from_json(nlohmann::json::parse("{\"program\": \"x\"}")));
}
