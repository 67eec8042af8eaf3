#include "stepper/expr.h"

#include "stepper/location.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace gostart::stepper {
namespace {

// The names print and watch start from. allm is a pointer to the first M; the others are the
// model's runtime objects (allp and allgs indexed: allp[0]).
struct Root {
    const char* symbol;
    const char* type;
    std::optional<model::RuntimeObject::Kind> object;  // how the locator finds it (allm: by hand)
    bool slice;
};

const std::map<std::string, Root, std::less<>> kRoots = {
    {"g0", {"runtime.g0", "g", model::RuntimeObject::Kind::g0, false}},
    {"m0", {"runtime.m0", "m", model::RuntimeObject::Kind::m0, false}},
    {"sched", {"runtime.sched", "schedt", model::RuntimeObject::Kind::sched, false}},
    {"allp", {"runtime.allp", "p", model::RuntimeObject::Kind::allp, true}},
    {"allgs", {"runtime.allgs", "g", model::RuntimeObject::Kind::allgs, true}},
    {"allm", {"runtime.allm", "m", std::nullopt, false}},
};

std::runtime_error error(std::string_view expr, std::string_view why) {
    return std::runtime_error(fmt::format("{}: {}", expr, why));
}

}  // namespace

Evaluator::Evaluator(const cpu::Engine& engine, const loader::SymbolTable& symbols, const gostructs::StructLayouts* layouts)
    : engine_(engine), symbols_(symbols), layouts_(layouts), guest_(engine),
      objects_(guest_, layouts ? *layouts : no_layouts_,
               [&symbols](std::string_view n) { return symbols.find(n); }) {}

uint64_t Evaluator::read(uint64_t addr, uint64_t size) const {
    uint64_t v = 0;
    if (size > 8 || !engine_.try_read(guest::Addr(addr), &v, size)) throw std::runtime_error(fmt::format("cannot read {:#x}", addr));
    return v;
}

uint64_t Evaluator::current_g() const { return read(engine_.reg(cpu::Reg::fs_base) - 8, 8); }

std::optional<uint64_t> Evaluator::g() const {
    uint64_t v = 0, fs = engine_.reg(cpu::Reg::fs_base);
    if (fs < 8 || !engine_.try_read(guest::Addr(fs - 8), &v, 8) || v == 0) return std::nullopt;
    return v;
}

std::optional<uint64_t> Evaluator::field(uint64_t addr, std::string_view type, std::string_view path) const {
    if (!layouts_) return std::nullopt;
    auto f = layouts_->field(type, path);
    uint64_t v = 0;
    if (!f || f->size > 8 || !engine_.try_read(guest::Addr(addr + f->offset), &v, f->size)) return std::nullopt;
    return v;
}

Place Evaluator::resolve(std::string_view expr) const {
    std::string_view e = expr;
    if (e.starts_with("$")) {
        for (size_t i = 0; i < cpu::kRegNames.size(); ++i)
            if (cpu::kRegNames[i] == e.substr(1)) return {0, 8, "", engine_.reg(static_cast<cpu::Reg>(i))};
        throw error(expr, "no such register");
    }
    if (auto n = parse_number(e)) return {0, 8, "", *n};
    bool deref = e.starts_with("*");
    if (deref) e.remove_prefix(1);
    if (auto n = parse_number(e); n && deref) return {*n, 8, "", std::nullopt};  // *0xADDR: 8 bytes there
    if (!deref && kRoots.find(e) == kRoots.end() && e != "g")
        if (auto addr = symbols_.find(e)) return {*addr, 8, "", std::nullopt};  // main.counter: a symbol, 8 bytes
    size_t end = e.find_first_of(".[");
    std::string_view root = e.substr(0, end), rest = end == std::string_view::npos ? "" : e.substr(end);
    Place p;
    bool pointer = false;  // p.value holds a pointer to a p.type
    if (root == "g") {
        p = {0, 8, "g", current_g()};
        pointer = true;
    } else if (auto it = kRoots.find(root); it != kRoots.end()) {
        auto addr = symbols_.find(it->second.symbol);
        if (!addr) throw error(expr, fmt::format("this binary has no {}", it->second.symbol));
        p = {*addr, 0, it->second.type, std::nullopt};
        if (it->second.slice) {
            if (!rest.starts_with("[")) return {*addr, 8, "", std::nullopt};  // the slice's array pointer
            auto close = rest.find(']');
            auto idx = parse_number(rest.substr(1, close - 1));
            if (close == std::string_view::npos || !idx) throw error(expr, "write an index: allp[0]");
            uint64_t len = read(*addr + 8, 8);
            if (*idx >= len) throw error(expr, fmt::format("index {} out of range (len {})", *idx, len));
            auto element = objects_.address(model::RuntimeObject{*it->second.object, *idx});
            if (!element) throw error(expr, fmt::format("cannot read {}'s element {}", it->second.symbol, *idx));
            p.value = element->addr();
            rest.remove_prefix(close + 1);
            pointer = true;
        } else if (it->second.object) {
            p.addr = objects_.address(model::RuntimeObject{*it->second.object, 0}).value_or(guest::Addr(*addr)).addr();
        } else if (root == "allm") {
            p.value = read(*addr, 8);
            pointer = true;
        }
    } else if (auto addr = symbols_.find(root)) {
        return {*addr, 8, "", std::nullopt};
    } else {
        throw error(expr, "unknown name (try g0, m0, sched, allp[0], allgs[0], g, $rsp, or a symbol)");
    }
    if (pointer && (deref || rest.starts_with("."))) p.addr = *p.value, p.value.reset();
    else if (pointer) return {0, 8, "", p.value};
    if (!layouts_) throw error(expr, "no struct layouts for this binary");
    if (rest.empty()) {
        p.size = layouts_->size_of(p.type).value_or(0);
        return p;
    }
    std::string_view path = rest.substr(1);
    auto f = layouts_->field(p.type, path);
    if (!f) throw error(expr, fmt::format("the layouts know no field {} in {}", path, p.type));
    return {p.addr + f->offset, f->size, "", std::nullopt};
}

std::string Evaluator::format(uint64_t v, uint64_t size, bool hex) const {
    if (hex) return fmt::format("{:#x}", size < 8 ? v & ((uint64_t(1) << (8 * size)) - 1) : v);
    uint8_t probe = 0;
    if (size == 8 && v >= 0x1000 && engine_.try_read(guest::Addr(v), &probe, 1)) return fmt::format("{:#x}", v);
    int64_t s = size == 8 ? static_cast<int64_t>(v) : size == 4 ? static_cast<int32_t>(v) : size == 2 ? static_cast<int16_t>(v) : static_cast<int8_t>(v);
    return fmt::format("{}", s);
}

uint64_t Evaluator::value(std::string_view expr) const {
    Place p = resolve(expr);
    if (p.value) return *p.value;
    if (!p.type.empty()) return p.addr;
    return read(p.addr, std::min<uint64_t>(p.size, 8));
}

std::string Evaluator::print(std::string_view expr, bool hex) const {
    Place p = resolve(expr);
    if (p.value) return fmt::format("{} = {}\n", expr, format(*p.value, 8, hex));
    auto one = [&](uint64_t addr, uint64_t size) -> std::string {
        if (size == 0) return "{}";  // Go's empty struct value
        if (size <= 8 && (size & (size - 1)) == 0) return format(read(addr, size), size, hex);
        std::string words;
        for (uint64_t o = 0; o < size && o < 32; o += 8) words += fmt::format("{}{:#x}", o ? ", " : "", read(addr + o, 8));
        return fmt::format("{{{}{}}}", words, size > 32 ? ", ..." : "");
    };
    if (p.type.empty()) return fmt::format("{} = {}\n", expr, one(p.addr, p.size));
    std::vector<std::pair<std::string, gostructs::FieldLayout>> fields;
    std::string prefix = p.type + ".";
    for (const auto& [name, f] : layouts_->all_fields())
        if (name.starts_with(prefix)) fields.emplace_back(name.substr(prefix.size()), f);
    // A zero-size field (a mutex's lockRankStruct without static lock ranking) holds nothing to show.
    std::erase_if(fields, [](const auto& f) { return f.second.size == 0; });
    std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.second.offset < b.second.offset; });
    std::string out = fmt::format("{} = {} at {:#x} {{\n", expr, p.type, p.addr);
    for (const auto& [name, f] : fields) out += fmt::format("    {} = {}\n", name, one(p.addr + f.offset, f.size));
    return out + "}\n";
}

}  // namespace gostart::stepper
