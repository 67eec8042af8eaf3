#include "gostructs/layouts_for.h"

#include "gostructs/dwarf_layouts.h"
#include "gostructs/model_fields.h"
#include "gostructs/version_tables.h"

#include <fmt/format.h>

namespace gostart::gostructs {

std::vector<std::string> missing_fields(const StructLayouts& l) {
    std::vector<std::string> out;
    for (const auto& f : model_fields())
        if (!f.optional && !l.field(f.type, f.path)) out.push_back(fmt::format("{}.{}", f.type, f.path));
    for (auto t : model_types())
        if (!l.size_of(t)) out.push_back(std::string(t));
    return out;
}

bool is_complete(const StructLayouts& l) { return missing_fields(l).empty(); }

StructLayouts layouts_for(const loader::BinaryView& view, const loader::go::GoIdentity& go, std::string* dwarf_error) {
    if (view.section(".debug_info") || view.section(".zdebug_info")) {
        // Incomplete DWARF (a linker that dropped types) falls through to the table rather than half-working.
        std::string error;
        auto d = read_dwarf_layouts(view.path, &error);
        if (d && is_complete(*d)) return std::move(*d);
        if (dwarf_error) *dwarf_error = error.empty() && !d ? "no runtime types could be read from .debug_info" : error;
    }
    if (go.source == "pclntab")
        throw LayoutError(fmt::format("no DWARF, and the Go release is known only as the era {} (no build info, "
                                      "no runtime.buildVersion): cannot choose a struct layout table", go.version));
    if (!go.number || go.number->major != 1 || go.number->minor < kFirstGoMinor || go.number->minor > kLastGoMinor)
        throw LayoutError(fmt::format("no DWARF, and {} is outside the supported go1.{}-go1.{}", go.version,
                                      kFirstGoMinor, kLastGoMinor));
    if (auto t = table_layouts(go.number->minor)) return std::move(*t);
    throw LayoutError(fmt::format("no DWARF, and there is no struct layout table for go1.{} yet", go.number->minor));
}

}  // namespace gostart::gostructs
