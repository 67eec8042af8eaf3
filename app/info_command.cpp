// `gostart-emu info [--json] PROGRAM`: what the binary is — Go release and where that came from, build
// settings, pclntab era, where struct layouts come from, and the addresses of the start-up milestones and
// runtime data (recovered from code when the binary is stripped). Schema: ../shared/CLI.md.
#include "app/commands.h"
#include "loader/printable.h"
#include "app/gdb_script.h"
#include "app/program.h"
#include "loader/load_error.h"
#include "loader/symbol_table.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <sys/stat.h>
#include <memory>

namespace gostart::app {

namespace {

using nlohmann::ordered_json;

// The functions rt0_go's start-up passes through, then the runtime data the model reads.
constexpr std::string_view kFunctions[] = {
    "_rt0_amd64_linux", "runtime.rt0_go", "runtime.settls", "x_cgo_init", "runtime.check", "runtime.args", "runtime.osinit",
    "runtime.schedinit", "runtime.newproc", "runtime.mstart", "runtime.main", "main.main"};
constexpr std::string_view kData[] = {
    "runtime.g0", "runtime.m0", "runtime.sched", "runtime.allp", "runtime.allm", "runtime.gomaxprocs",
    "runtime.ncpu", "runtime.numCPUStartup", "runtime.argc", "runtime.argv", "runtime.physHugePageSize",
    "runtime.mainStarted", "runtime.iscgo"};

std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }

// Strings from the binary need not be UTF-8: JSON gets U+FFFD for such bytes rather than an exception.
constexpr auto kReplaceBadUtf8 = nlohmann::ordered_json::error_handler_t::replace;

ordered_json describe(const Program& p) {
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
    return j;
}

// Aligned `key: value` lines; nested objects are flattened to `pclntab.magic`, one symbol per line.
void print_text(const ordered_json& j, const std::string& prefix, std::ostream& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = prefix + it.key();
        if (it->is_object() && !it->empty()) {
            print_text(*it, key + ".", out);
            continue;
        }
        std::string value = it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, kReplaceBadUtf8);
        out << fmt::format("{:<32} {}\n", loader::printable(key) + ":", loader::printable(value));
    }
}

}  // namespace

Command register_info(CLI::App& app) {
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto gdb_script = std::make_shared<std::string>();
    Command c;
    c.cli = app.add_subcommand("info", "what the binary is: Go version, layout, milestones' addresses");
    c.program = [path] { return *path; };
    c.cli->add_flag("--json", *json, "one JSON object (schema in CLI.md)");
    c.cli->add_option("--gdb-script", *gdb_script,
                      "write a gdb script (and FILE.sym) giving gdb the function names of a stripped binary")
        ->type_name("FILE");
    c.cli->add_option("PROGRAM", *path, "the program file")->required();
    c.run = [path, json, gdb_script]() {
        auto prog = open_program(*path, false);
        warn_about_program(*prog, std::cerr);
        if (!prog->go)
            throw loader::LoadError(loader::LoadError::Kind::cannot_run, *path,
                                    "not a Go binary (no Go build info, runtime.buildVersion or pclntab)");
        if (!gdb_script->empty()) write_gdb_script(*prog, *gdb_script);
        auto j = describe(*prog);
        if (*json)
            std::cout << j.dump(2, ' ', false, kReplaceBadUtf8) << "\n";  // JSON escapes control characters
        else
            print_text(j, "", std::cout);
        return 0;
    };
    return c;
}

}  // namespace gostart::app
