#include "session/program.h"
#include "loader/printable.h"

#include "gostructs/layouts_for.h"
#include "loader/go/go_format_error.h"
#include "loader/load_bias.h"
#include "loader/load_error.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>

#include <unistd.h>

namespace gostart::session {

using loader::LoadError;

std::string Program::source_line(uint64_t pc) const {
    if (!pclntab) return {};
    try {
        auto l = pclntab->line_for_pc(pc);
        if (!l) return {};
        std::string_view file = l->file;
        auto slash = file.find_last_of('/');
        if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
        return fmt::format("{}:{}", loader::printable(file), l->line);
    } catch (const loader::GoFormatError&) {
        return {};
    }
}

std::vector<std::string> Program::functions_outside_pclntab() const {
    std::set<uint64_t> entries;
    if (pclntab)
        for (const auto& f : pclntab->functions()) entries.insert(f.entry);
    std::vector<std::string> out;
    for (const auto& s : symbols.functions())
        if (!entries.count(s.addr)) out.emplace_back(loader::plain_name(s.name));
    return out;
}

std::string Program::describe_function_count() const {
    size_t total = symbols.size(), in_pclntab = pclntab ? pclntab->functions().size() : 0;
    if (!has_symtab) return fmt::format("{} functions (from the pclntab: no symbol table)", total);
    // Go's linker marks where Go's text ends with a function symbol (runtime.etext); the rest is C.
    std::vector<std::string> parts, c;
    for (auto& name : functions_outside_pclntab()) (name.starts_with("runtime.") ? parts : c).push_back(name);
    if (c.size() == 1) parts.push_back(c[0]);
    if (c.size() > 1) parts.push_back(fmt::format("{} C functions ({}, …)", c.size(), c.front()));
    if (parts.empty()) return fmt::format("{} function symbols (the {} pclntab functions)", total, in_pclntab);
    return fmt::format("{} function symbols ({} pclntab functions + {})", total, in_pclntab, fmt::join(parts, " + "));
}

const gostructs::StructLayouts& Program::require_layouts() const {
    if (!layouts) throw gostructs::LayoutError(layout_error.empty() ? "no struct layouts were read" : layout_error);
    return *layouts;
}

namespace {

// Every name the program has: .symtab, then the pclntab's functions (so stripped binaries have them),
// then data symbols recovered from code. `bias` turns link addresses into guest addresses; TLS
// symbols (offsets, not addresses) and undefined ones (another object's) have no place here.
void add_symbols(Program& p, uint64_t bias) {
    for (const auto& s : p.image->view().symbols) {
        if (s.is_tls || !s.defined) continue;
        p.symbols.add(loader::Symbol{s.name, s.value + bias, s.size, s.is_function});
    }
    if (p.pclntab)
        for (const auto& f : p.pclntab->functions())
            p.symbols.add(loader::Symbol{std::string(f.name), f.entry, f.end - f.entry, true});
    for (const auto& s : p.recovered) p.symbols.add(loader::Symbol{s.name, s.addr + bias, 0, false});
    p.symbols.finish();
    const auto& view = p.image->view();
    if (loader::load_end(view) > 0) p.symbols.set_range(loader::load_start(view) + bias, loader::load_end(view) + bias);
}

std::string without_prefix(std::string_view text, std::string_view prefix) {
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
    return std::string(text);
}

// Layouts are needed by the model, not by `run`: a binary without one still runs, and `info` says why.
// Data symbols are recovered from code at link addresses (the file's), before any relocation.
void add_layouts_and_data_symbols(Program& p) {
    const auto& view = p.image->view();
    try {
        p.layouts.emplace(gostructs::layouts_for(view, *p.go, &p.dwarf_error));
    } catch (const gostructs::LayoutError& e) {
        p.layout_error = e.what();
    }
    if (p.has_symtab) return;
    // Without a layout the rules that need an offset (m0, sched) find nothing; the others still work.
    int minor = p.go->number ? p.go->number->minor : 0;
    p.recovered = gostructs::recover_data_symbols(view, p.symbols, p.layouts ? *p.layouts : gostructs::StructLayouts{}, minor);
}

// The dynamic linker, from the host's root: it is the first code a dynamically linked program runs.
// Anything wrong with it is the program's problem to report (126), named after the program.
void open_interpreter(Program& p) {
    const std::string& path = p.path();
    const std::string& interp = p.image->interpreter();
    try {
        p.interpreter = std::make_unique<loader::ElfImage>(loader::ElfImage::open(interp));
    } catch (const LoadError& e) {
        throw LoadError(LoadError::Kind::cannot_run, path,
                        e.kind() == LoadError::Kind::not_found
                            ? fmt::format("dynamically linked, but its interpreter {} is not on this host", loader::printable(interp))
                            : fmt::format("dynamically linked, but its interpreter {} cannot be loaded: {}", loader::printable(interp), e.what()));
    }
    if (!p.interpreter->is_pie() || p.interpreter->is_dynamic())
        throw LoadError(LoadError::Kind::cannot_run, path,
                        fmt::format("dynamically linked, but its interpreter {} is not a self-contained shared object "
                                    "(ET_DYN without PT_INTERP), as Linux requires", loader::printable(interp)));
    p.interpreter_bias = loader::interpreter_load_bias(p.interpreter->view());
}

}  // namespace

std::unique_ptr<Program> open_program(const std::string& path, bool require_runnable, Knowledge knowledge) {
    auto p = std::make_unique<Program>();
    p->image = std::make_unique<loader::ElfImage>(loader::ElfImage::open(path));
    // execve needs the execute permission, and a shell says 126 without it: so do we, for running it.
    if (require_runnable && ::access(path.c_str(), X_OK) != 0)
        throw LoadError(LoadError::Kind::cannot_run, path, "permission denied: the file is not executable (no execute bit)");
    const auto& view = p->image->view();
    p->has_symtab = !view.symbols.empty();
    p->has_dwarf = view.section(".debug_info") || view.section(".zdebug_info");
    p->load_bias = loader::program_load_bias(view, p->image->is_pie());

    try {
        p->pclntab.emplace(loader::go::Pclntab::parse(view));
    } catch (const loader::GoFormatError& e) {
        // No pclntab is fine for a non-Go binary; a damaged one is a damaged Go binary. Every command
        // refuses it: names, lines and backtraces would be wrong, and the guest's runtime reads it too.
        if (view.section(".gopclntab") || view.section(".data.rel.ro.gopclntab"))
            throw LoadError(LoadError::Kind::cannot_run, path, "corrupt .gopclntab: " + without_prefix(e.what(), "pclntab: "));
    }
    try {
        p->go.emplace(loader::go::identify(view));
    } catch (const loader::GoFormatError&) {
    }
    // A build info blob that is there but unreadable: the GOAMD64 level and the release would be guesses.
    if (p->go && !p->go->buildinfo_error.empty())
        throw LoadError(LoadError::Kind::cannot_run, path,
                        "corrupt .go.buildinfo: " + without_prefix(p->go->buildinfo_error, "buildinfo: "));
    // Recovering data symbols reads code through the link-address table; the final one is relocated.
    add_symbols(*p, 0);
    if (p->go && knowledge == Knowledge::full) add_layouts_and_data_symbols(*p);
    if (p->load_bias || !p->recovered.empty()) {
        if (p->pclntab) p->pclntab->relocate(p->load_bias);
        p->symbols = loader::SymbolTable{};
        add_symbols(*p, p->load_bias);
    }
    // runtime/cgo's assembly entry for calls from C: linked exactly when runtime/cgo is.
    p->cgo = p->symbols.find("crosscall2").has_value();

    if (require_runnable) {
        if (!p->go || !p->symbols.find("runtime.rt0_go"))
            throw LoadError(LoadError::Kind::cannot_run, path,
                            p->image->is_dynamic()
                                ? "not a Go binary (dynamically linked, but no Go build info, pclntab or runtime.rt0_go)"
                                : "not a Go binary (no Go build info, pclntab or runtime.rt0_go)");
        const std::string& level = p->go->goamd64;
        if (level == "v2" || level == "v3" || level == "v4")
            throw LoadError(LoadError::Kind::cannot_run, path,
                            fmt::format("built for GOAMD64={}; the emulated CPU is x86-64-v1 (rebuild with GOAMD64=v1)", loader::printable(level)));
        if (p->image->is_dynamic()) open_interpreter(*p);
    }
    return p;
}

void warn_about_program(const Program& p, std::ostream& out) {
    if (!p.dwarf_error.empty())
        out << fmt::format("gostart-emu: {}: unreadable DWARF ({}); struct layouts from {}\n", p.path(), loader::printable(p.dwarf_error),
                           p.layouts ? "the Go release's table" : "nowhere");
}

}  // namespace gostart::session
