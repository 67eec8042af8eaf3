// `gostart-emu info [--json] PROGRAM`: what the binary is — Go release and where that came from, build
// settings, pclntab era, where struct layouts come from, and the addresses of the start-up milestones and
// runtime data (recovered from code when the binary is stripped). Schema: ../shared/CLI.md.
#include "app/cli.h"
#include "app/commands.h"
#include "app/gdb_script.h"
#include "loader/load_error.h"
#include "loader/printable.h"
#include "loader/symbol_table.h"
#include "runtime_model/milestone_table.h"
#include "session/program.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <span>
#include <vector>
#include <sys/stat.h>
#include <memory>

namespace gostart::app {

namespace {

using nlohmann::ordered_json;

// The functions rt0_go's start-up passes through: the ELF entry, then the milestones' functions in
// the table's order (_cgo_init by the C function it points at, x_cgo_init); then the runtime data the
// model reads.
const std::vector<std::string_view> kFunctions = [] {
    std::vector<std::string_view> out = {"_rt0_amd64_linux"};
    for (const model::MilestoneInfo& m : model::kMilestones)
        if (m.checked != model::CheckedAt::exit)
            out.push_back(m.id == model::Milestone::cgo_init ? std::string_view("x_cgo_init") : std::string_view(m.function));
    return out;
}();
constexpr std::string_view kData[] = {
    "runtime.g0", "runtime.m0", "runtime.sched", "runtime.allp", "runtime.allm", "runtime.gomaxprocs",
    "runtime.ncpu", "runtime.numCPUStartup", "runtime.argc", "runtime.argv", "runtime.physHugePageSize",
    "runtime.mainStarted", "runtime.iscgo"};

std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }

// Strings from the binary need not be UTF-8: JSON gets U+FFFD for such bytes rather than an exception.
constexpr auto kReplaceBadUtf8 = nlohmann::ordered_json::error_handler_t::replace;

ordered_json describe(const session::Program& p) {
    const auto& go = *p.go;
    ordered_json j;
    j["path"] = p.path();
    j["go_version"] = go.version;
    j["version_source"] = go.source;
    j["build_settings"] = go.settings;
    // Addresses are guest addresses: a position-independent program's are its link addresses plus the
    // fixed load bias gostart-emu (and Linux without ASLR) places it at.
    j["entry"] = hex(p.entry());
    j["static"] = !p.image->is_dynamic();
    j["pie"] = p.image->is_pie();
    j["load_bias"] = hex(p.load_bias);
    j["interpreter"] = p.image->is_dynamic() ? ordered_json(p.image->interpreter()) : ordered_json(nullptr);
    if (p.image->is_dynamic()) {
        struct stat st {};
        j["interpreter_on_host"] = ::stat(p.image->interpreter().c_str(), &st) == 0;
    }
    j["needed"] = p.image->view().needed;
    j["cgo"] = p.cgo;
    j["symtab"] = p.has_symtab;
    j["dwarf"] = p.has_dwarf;
    if (p.pclntab)
        j["pclntab"] = {{"magic", fmt::format("{:#x}", p.pclntab->magic())},
                        {"functions", p.pclntab->functions().size()},
                        {"era", std::string(p.pclntab->era())},
                        {"address", hex(p.pclntab->vaddr())}};
    else
        j["pclntab"] = nullptr;
    j["goamd64"] = go.goamd64;
    j["layout_source"] = p.layouts ? p.layouts->source() : "none";
    if (!p.layouts) j["layout_error"] = p.layout_error;
    if (!p.dwarf_error.empty()) j["dwarf_error"] = p.dwarf_error;
    ordered_json syms = ordered_json::object();
    for (auto list : {std::span<const std::string_view>(kFunctions), std::span<const std::string_view>(kData)})
        for (auto name : list)
            if (auto a = p.symbols.find(name)) syms[std::string(name)] = hex(*a);
    j["symbols"] = syms;
    j["data_symbols_source"] = p.has_symtab ? "symtab" : (p.recovered.empty() ? "none" : "code");
    // What `run` counts: the pclntab's functions and the symbol table's function symbols, and those of
    // the second that are not in the first (runtime.etext, C code).
    j["function_symbols"] = p.symbols.size();
    j["functions_outside_pclntab"] = p.functions_outside_pclntab();
    return j;
}

// The text: grouped and aligned as `go version -m` and readelf print theirs — the Go release with its
// build settings, then the ELF file, the pclntab, the layouts, and the addresses start-up passes
// through. The same facts as the JSON, from the same object.
void print_text(const session::Program& p, const ordered_json& j, std::ostream& out) {
    // Every value may come from the binary: escaped for the terminal (loader/printable.h).
    auto str = [](const ordered_json& v) {
        return loader::printable(v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, kReplaceBadUtf8));
    };
    auto row = [&out](std::string_view key, const std::string& value) { out << fmt::format("  {:<26} {}\n", key, value); };
    static const std::map<std::string, std::string> kSource = {
        {"buildinfo", "from its build info"}, {"buildversion", "from runtime.buildVersion"},
        {"pclntab", "only the era, from its pclntab"}};
    auto src = kSource.find(str(j["version_source"]));
    out << fmt::format("{}: {} ({})\n", str(j["path"]), str(j["go_version"]),
                       src == kSource.end() ? str(j["version_source"]) : src->second);
    for (const auto& [k, v] : j["build_settings"].items()) row("build", loader::printable(k) + "=" + str(v));
    if (!j["build_settings"].contains("GOAMD64")) row("GOAMD64", str(j["goamd64"]));

    out << "\nELF file\n";
    row("entry", fmt::format("{} ({})", str(j["entry"]), loader::printable(p.describe(p.entry()))));
    bool pie = j["pie"].get<bool>();
    row("linked", fmt::format("{}{}{}", j["static"].get<bool>() ? "statically" : "dynamically",
                              pie ? ", position-independent (PIE)" : "",
                              pie ? ", runs at load bias " + str(j["load_bias"]) : ""));
    if (j["interpreter"].is_string())
        row("interpreter", str(j["interpreter"]) + (j.value("interpreter_on_host", false) ? "" : " (not on this host)"));
    if (!j["needed"].empty()) row("needed", loader::printable(fmt::format("{}", fmt::join(j["needed"].get<std::vector<std::string>>(), " "))));
    row("cgo", j["cgo"].get<bool>() ? "yes (links runtime/cgo)" : "no");
    row("symbol table", j["symtab"].get<bool>() ? "yes, " + p.describe_function_count() : "no (stripped)");
    row("DWARF", j["dwarf"].get<bool>() ? (j.contains("dwarf_error") ? "unreadable: " + str(j["dwarf_error"]) : "yes")
                                        : "no");

    out << "\npclntab\n";
    if (j["pclntab"].is_null()) {
        row("", "none");
    } else {
        const auto& t = j["pclntab"];
        row("address", str(t["address"]));
        row("magic", fmt::format("{} (the go{} format)", str(t["magic"]), str(t["era"])));
        row("functions", str(t["functions"]));
    }

    out << "\nstruct layouts\n";
    std::string source = str(j["layout_source"]);
    row("from", source == "dwarf" ? "the binary's DWARF" : source == "table" ? "the release's table (gostructs/)"
                                                                              : "none: " + str(j["layout_error"]));

    auto addresses = [&](const char* title, std::span<const std::string_view> names) {
        out << "\n" << title << "\n";
        for (auto name : names)
            if (j["symbols"].contains(name)) row(name, str(j["symbols"][std::string(name)]));
    };
    addresses("start-up, in the order rt0_go reaches it", kFunctions);
    static const std::map<std::string, std::string> kDataSource = {
        {"symtab", "from the symbol table"}, {"code", "recovered from the code"}, {"none", "not found"}};
    std::string data = std::string("runtime data (") + kDataSource.at(str(j["data_symbols_source"])) + ")";
    addresses(data.c_str(), kData);
}

}  // namespace

Command register_info(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto gdb_script = std::make_shared<std::string>();
    Command c;
    c.cli = app.add_subcommand("info", "what the binary is: Go version, layout, milestones' addresses");
    c.program = [path] { return *path; };
    c.cli->add_flag("--json", *json, "one JSON object on stdout (schema in docs/cli.md)");
    c.cli->add_option("--gdb-script", *gdb_script,
                      "write a gdb script (and FILE.sym) giving gdb the function names of a stripped binary")
        ->type_name("FILE");
    c.cli->add_option("PROGRAM", *path, "the program file")->type_name("FILE")->required();
    c.run = [path, json, gdb_script]() {
        require_writable(*gdb_script, "--gdb-script");
        if (!gdb_script->empty()) require_writable(*gdb_script + ".sym", "--gdb-script");
        auto prog = session::open_program(*path, false);
        session::warn_about_program(*prog, std::cerr);
        if (!prog->go)
            throw loader::LoadError(loader::LoadError::Kind::cannot_run, *path,
                                    "not a Go binary (no Go build info, runtime.buildVersion or pclntab)");
        if (!gdb_script->empty()) {
            size_t n = write_gdb_script(*prog, *gdb_script);
            bool sym = !prog->has_symtab && prog->pclntab;
            announce_written(*gdb_script, sym ? fmt::format("a gdb script, and {}.sym with {} symbols", *gdb_script, n)
                                              : "a gdb script");
        }
        auto j = describe(*prog);
        if (*json)
            std::cout << j.dump(2, ' ', false, kReplaceBadUtf8) << "\n";  // JSON escapes control characters
        else
            print_text(*prog, j, std::cout);
        return 0;
    };
    return c;
}

}  // namespace gostart::app
