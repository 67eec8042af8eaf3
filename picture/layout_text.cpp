// The picture on a terminal: each box drawn with Unicode box characters, the memory column first
// (high addresses at the top, as the article's figure), then the structures with their pointers.
#include "picture/picture.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::picture {
namespace {

// Display width of UTF-8 text: count code points that are not continuation bytes.
size_t width(const std::string& s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xc0) != 0x80; }));
}

std::string pad(const std::string& s, size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }

std::string repeat(const char* s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::string row_text(const Row& r) {
    if (r.gap) return fmt::format("{:^14}   {}", "⋮", r.label);
    std::string addr = r.addr ? fmt::format("{:#014x}", r.addr) : std::string(14, ' ');
    std::string text = r.marker ? fmt::format("{}  ◀── {}", addr, r.label)
                                : fmt::format("{}  {:<18}  {}", addr, r.value, r.label);
    if (!r.link.empty()) text += fmt::format("  ──▶ {}", r.link);
    return text;
}

void draw_box(std::string& out, const Box& b) {
    size_t w = width(b.title);
    std::vector<std::string> lines;
    for (const auto& r : b.rows) lines.push_back(row_text(r)), w = std::max(w, width(lines.back()));
    out += "┌─ " + b.title + " " + repeat("─", w - width(b.title)) + "─┐\n";
    for (const auto& l : lines) out += "│  " + pad(l, w) + "  │\n";
    out += "└" + repeat("─", w + 4) + "┘\n";
}

}  // namespace

std::string to_text(const Picture& p) {
    std::string out = p.title + "\n\n";
    for (const auto& b : p.memory) draw_box(out, b);
    out += "\n";
    for (const auto& b : p.structs) draw_box(out, b);
    for (const auto& n : p.notes) out += "\n" + n;
    out += "\n";
    return out;
}

}  // namespace gostart::picture
