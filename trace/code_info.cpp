#include "trace/code_info.h"

#include "loader/go/go_format_error.h"

namespace gostart::trace {

int CodeInfo::function_id(uint64_t pc) const {
    const loader::Symbol* s = symbols_.function_at(pc);
    if (!s) return -1;
    if (s->size && pc >= s->addr + s->size) return -1;
    return static_cast<int>(s - symbols_.functions().data());
}

std::string_view CodeInfo::function_name(int id) const {
    if (id < 0) return "?";
    return loader::plain_name(symbols_.functions()[static_cast<size_t>(id)].name);
}

uint64_t CodeInfo::function_entry(int id) const {
    return id < 0 ? 0 : symbols_.functions()[static_cast<size_t>(id)].addr;
}

std::optional<CodeInfo::Line> CodeInfo::outer_line(uint64_t pc) const {
    if (!pclntab_) return std::nullopt;
    try {
        auto frames = pclntab_->frames_at(pc);
        if (frames.empty() || frames.back().line <= 0) return line(pc);
        std::string_view file = frames.back().file;
        if (auto slash = file.find_last_of('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
        return Line{std::string(file), frames.back().line, std::string(frames.back().file)};
    } catch (const loader::GoFormatError&) {
        return std::nullopt;
    }
}

std::optional<CodeInfo::Line> CodeInfo::line(uint64_t pc) const {
    if (!pclntab_) return std::nullopt;
    try {
        auto l = pclntab_->line_for_pc(pc);
        if (!l) return std::nullopt;
        std::string_view file = l->file;
        if (auto slash = file.find_last_of('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
        return Line{std::string(file), l->line, std::string(l->file)};
    } catch (const loader::GoFormatError&) {
        return std::nullopt;
    }
}

std::optional<FunctionRange> CodeInfo::find(std::string_view name) const {
    if (pclntab_) {
        if (const auto* f = pclntab_->find_by_name(name)) return FunctionRange{std::string(f->name), f->entry, f->end};
    }
    auto addr = symbols_.find(name);
    if (!addr) return std::nullopt;
    int id = function_id(*addr);
    if (id < 0) return std::nullopt;
    const loader::Symbol& s = symbols_.functions()[static_cast<size_t>(id)];
    uint64_t end = s.size ? s.addr + s.size : s.addr + 1;
    if (!s.size && static_cast<size_t>(id) + 1 < symbols_.functions().size())
        end = symbols_.functions()[static_cast<size_t>(id) + 1].addr;
    return FunctionRange{std::string(loader::plain_name(s.name)), s.addr, end};
}

std::optional<int32_t> CodeInfo::frame_size(uint64_t pc) const {
    if (!pclntab_) return std::nullopt;
    try {
        return pclntab_->frame_size_at(pc);
    } catch (const loader::GoFormatError&) {
        return std::nullopt;
    }
}

}  // namespace gostart::trace
