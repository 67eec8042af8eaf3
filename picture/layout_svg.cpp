// The picture as SVG, written by hand (no library): the memory column on the left, high addresses at
// the top, the runtime's structures on the right, and an arrow for every pointer between boxes.
// Self-contained (inline styles, no fonts or scripts fetched), so it can be embedded in the HTML report.
// Everything that is not text is a shape — the gap's dots, the position markers' triangles, the
// arrowheads — not a glyph or an SVG marker, which renderers other than browsers (ImageMagick's) drop;
// and every column is placed by coordinates, so the figure holds together in whatever font renders it.
#include "picture/picture.h"

#include <fmt/format.h>

#include <map>

#include "picture/xml_escape.h"

namespace gostart::picture {
namespace {

constexpr int kRow = 19, kTitle = 24, kGapY = 18, kTop = 56;
constexpr int kLeftX = 16, kLeftW = 680, kRightX = 750, kRightW = 520;

std::string esc(const std::string& s) { return xml_escape(s); }

constexpr const char* kArrow = "#7c3aed";

// "⋮": three dots, centred at x.
std::string vertical_dots(int x, int y, const char* fill) {
    std::string o;
    for (int i = 0; i < 3; ++i) o += fmt::format(R"svg(<circle cx="{}" cy="{}" r="1.4" fill="{}"/>)svg", x, y - 9 + 4 * i, fill);
    return o;
}

// "◀": a triangle pointing left, its tip at (x, y).
std::string left_triangle(int x, int y, const char* fill) {
    return fmt::format(R"svg(<polygon points="{},{} {},{} {},{}" fill="{}"/>)svg", x, y, x + 8, y - 4, x + 8, y + 4, fill);
}

// An arrowhead on a horizontal line ending at (x, y), pointing right (dir 1) or left (-1).
std::string arrowhead(int x, int y, int dir) {
    return fmt::format(R"svg(<polygon points="{},{} {},{} {},{}" fill="{}"/>)svg", x, y, x - 9 * dir, y - 4, x - 9 * dir,
                       y + 4, kArrow);
}

struct Placed {
    const Box* box;
    int x, y, w, h;
    bool left;
};

int box_height(const Box& b) { return kTitle + static_cast<int>(b.rows.size()) * kRow + 6; }

void draw(std::string& o, const Placed& p) {
    const char* fill = p.left ? "#dbeafe" : "#ffedd5";
    o += fmt::format(R"svg(<g><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#ffffff" stroke="#475569"/>)svg", p.x, p.y, p.w, p.h);
    o += fmt::format(R"svg(<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="#475569"/>)svg", p.x, p.y, p.w, kTitle, fill);
    o += fmt::format(R"svg(<text x="{}" y="{}" font-weight="bold">{}</text>)svg", p.x + 8, p.y + 17, esc(p.box->title));
    int y = p.y + kTitle;
    for (const auto& r : p.box->rows) {
        int ty = y + 14;
        if (r.gap) {
            o += vertical_dots(p.x + 40, ty - 1, "#64748b");
            o += fmt::format(R"svg(<text x="{}" y="{}" fill="#64748b" font-style="italic">{}</text>)svg", p.x + 56, ty, esc(r.label));
        } else if (r.marker) {
            o += fmt::format(R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#dc2626" stroke-dasharray="4 3"/>)svg", p.x, y + 1, p.x + p.w, y + 1);
            o += fmt::format(R"svg(<text x="{}" y="{}" fill="#dc2626">{:#x}</text>)svg", p.x + 8, ty, r.addr);
            o += left_triangle(p.x + 130, ty - 4, "#dc2626");
            o += fmt::format(R"svg(<text x="{}" y="{}" fill="#dc2626">{}</text>)svg", p.x + 144, ty, esc(r.label));
        } else {
            // Memory rows: address, value, what it is. Struct rows: field, value (the title has the address).
            if (r.addr && p.left) o += fmt::format(R"svg(<text x="{}" y="{}" fill="#334155">{:#x}</text>)svg", p.x + 8, ty, r.addr);
            int vx = p.left ? p.x + 130 : p.x + 290;
            int lx = p.left ? p.x + 290 : p.x + 8;
            o += fmt::format(R"svg(<text x="{}" y="{}" fill="#0f172a">{}</text>)svg", vx, ty, esc(r.value));
            o += fmt::format(R"svg(<text x="{}" y="{}" fill="#1e3a8a">{}</text>)svg", lx, ty, esc(r.label));
        }
        y += kRow;
    }
    o += "</g>\n";
}

}  // namespace

std::string to_svg(const Picture& pic) {
    std::vector<Placed> placed;
    std::map<std::string, size_t> by_id;
    int ly = kTop, ry = kTop;
    for (const auto& b : pic.memory) {
        placed.push_back({&b, kLeftX, ly, kLeftW, box_height(b), true});
        ly += box_height(b) + kGapY;
    }
    for (const auto& b : pic.structs) {
        placed.push_back({&b, kRightX, ry, kRightW, box_height(b), false});
        ry += box_height(b) + kGapY;
    }
    for (size_t i = 0; i < placed.size(); ++i) by_id[placed[i].box->id] = i;
    int height = std::max(ly, ry) + 20 + static_cast<int>(pic.notes.size()) * 18;
    int width = kRightX + kRightW + 60;

    std::string o = fmt::format(
        R"svg(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace" font-size="12">)svg"
        "\n",
        width, height, width, height);
    o += fmt::format(R"svg(<rect width="{}" height="{}" fill="#f8fafc"/>)svg", width, height);
    o += fmt::format(R"svg(<text x="{}" y="30" font-size="15" font-weight="bold">{}</text>)svg", kLeftX, esc(pic.title));
    o += "\n";
    for (const auto& p : placed) draw(o, p);

    // Pointers: from the row to the box it points into. Between the columns a straight arrow; within
    // the right column a curve out to the right.
    int lane = 0;
    for (const auto& p : placed) {
        int y = p.y + kTitle;
        for (const auto& r : p.box->rows) {
            int ry0 = y + kRow / 2;
            y += kRow;
            auto it = by_id.find(r.link);
            if (r.link.empty() || it == by_id.end()) continue;
            const Placed& t = placed[it->second];
            int ty = t.y + kTitle / 2;
            // Each curve ends level, so its arrowhead is horizontal; the line stops at the head's base.
            if (p.left != t.left) {
                int x1 = p.left ? p.x + p.w : p.x, x2 = t.left ? t.x + t.w : t.x, dir = x2 > x1 ? 1 : -1;
                o += fmt::format(R"svg(<path d="M{},{} C{},{} {},{} {},{}" fill="none" stroke="{}" stroke-width="1.4"/>)svg",
                                 x1, ry0, (x1 + x2) / 2, ry0, (x1 + x2) / 2, ty, x2 - 8 * dir, ty, kArrow);
                o += arrowhead(x2, ty, dir);
            } else {
                int x = p.x + p.w, out = x + 18 + 10 * (lane++ % 4);
                o += fmt::format(R"svg(<path d="M{},{} C{},{} {},{} {},{}" fill="none" stroke="{}" stroke-width="1.4"/>)svg",
                                 x, ry0, out, ry0, out, ty, t.x + t.w + 8, ty, kArrow);
                o += arrowhead(t.x + t.w, ty, -1);
            }
            o += "\n";
        }
    }
    int ny = std::max(ly, ry) + 10;
    for (const auto& n : pic.notes) {
        o += fmt::format(R"svg(<text x="{}" y="{}" fill="#334155">{}</text>)svg", kLeftX, ny, esc(n));
        o += "\n";
        ny += 18;
    }
    o += "</svg>\n";
    return o;
}

}  // namespace gostart::picture
