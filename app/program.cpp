#include "app/program.h"

#include "gostructs/layouts_for.h"
#include "loader/go/go_format_error.h"
#include "loader/load_error.h"

#include <fmt/format.h>

namespace gostart::app {

using loader::LoadError;

std::string Program::source_line(uint64_t pc) const {
    if (!pclntab) return {};
    try {
        auto l = pclntab->line_for_pc(pc);
        if (!l) return {};
        std::string_view file = l->file;
        auto slash = file.find_last_of('/');
        if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
        return fmt::format("{}:{}", file, l->line);
    } catch (const loader::GoFormatError&) {
        return {};
    }
}

const gostructs::StructLayouts& Program::require_layouts() const {
    if (!layouts) throw gostructs::LayoutError(layout_error.empty() ? "no struct layouts were read" : layout_error);
    return *layouts;
}

namespace {

std::string without_prefix(std::string_view text, std::string_view prefix) {
    if (text.starts_with(prefix)) text.remove_prefix(prefix.size());
    return std::string(text);
}

// Layouts are needed by the model, not by `run`: a binary without one still runs, and `info` says why.
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
    for (const auto& s : p.recovered) p.symbols.add(loader::Symbol{s.name, s.addr, 0, false});
}

}  // namespace

std::unique_ptr<Program> open_program(const std::string& path, bool require_runnable, Knowledge knowledge) {
    auto p = std::make_unique<Program>();
    p->image = std::make_unique<loader::ElfImage>(loader::ElfImage::open(path));
    const auto& view = p->image->view();
    p->has_symtab = !view.symbols.empty();
    p->has_dwarf = view.section(".debug_info") || view.section(".zdebug_info");

    for (const auto& s : view.symbols)
        p->symbols.add(loader::Symbol{s.name, s.value, s.size, s.is_function});
    try {
        p->pclntab.emplace(loader::go::Pclntab::parse(view));
        for (const auto& f : p->pclntab->functions())
            p->symbols.add(loader::Symbol{std::string(f.name), f.entry, f.end - f.entry, true});
    } catch (const loader::GoFormatError& e) {
        // No pclntab is fine for a non-Go binary; a damaged one is a damaged Go binary. Every command
        // refuses it: names, lines and backtraces would be wrong, and the guest's runtime reads it too.
        if (view.section(".gopclntab") || view.section(".data.rel.ro.gopclntab"))
            throw LoadError(LoadError::Kind::cannot_run, path, "corrupt .gopclntab: " + without_prefix(e.what(), "pclntab: "));
    }
    p->symbols.finish();
    try {
        p->go.emplace(loader::go::identify(view));
    } catch (const loader::GoFormatError&) {
    }
    // A build info blob that is there but unreadable: the GOAMD64 level and the release would be guesses.
    if (p->go && !p->go->buildinfo_error.empty())
        throw LoadError(LoadError::Kind::cannot_run, path,
                        "corrupt .go.buildinfo: " + without_prefix(p->go->buildinfo_error, "buildinfo: "));
    if (p->go && knowledge == Knowledge::full) add_layouts_and_data_symbols(*p);

    if (require_runnable) {
        if (p->image->is_dynamic())
            throw LoadError(LoadError::Kind::cannot_run, path,
                            "dynamically linked (has an interpreter): only static binaries are supported so far");
        if (!p->go || !p->symbols.find("runtime.rt0_go"))
            throw LoadError(LoadError::Kind::cannot_run, path, "not a Go binary (no Go build info, pclntab or runtime.rt0_go)");
        const std::string& level = p->go->goamd64;
        if (level == "v2" || level == "v3" || level == "v4")
            throw LoadError(LoadError::Kind::cannot_run, path,
                            fmt::format("built for GOAMD64={}; the emulated CPU is x86-64-v1 (rebuild with GOAMD64=v1)", level));
    }
    return p;
}

void warn_about_program(const Program& p, std::ostream& out) {
    if (!p.dwarf_error.empty())
        out << fmt::format("gostart-emu: {}: unreadable DWARF ({}); struct layouts from {}\n", p.path(), p.dwarf_error,
                           p.layouts ? "the Go release's table" : "nowhere");
}

}  // namespace gostart::app
