#include "runtime_model/checker.h"

#include <fmt/format.h>

#include <cstdlib>

namespace gostart::model {
namespace {

// The runtime struct type of a locatable object.
std::string type_of(const std::string& object) {
    if (object == "g0" || object == "g1" || object == "curg") return "g";
    if (object == "m0" || object.rfind("m[", 0) == 0) return "m";
    if (object == "sched") return "schedt";
    if (object.rfind("allp[", 0) == 0) return "p";
    return {};
}

std::optional<uint64_t> index_in(const std::string& s, const std::string& prefix) {
    if (s.rfind(prefix, 0) != 0 || s.back() != ']') return std::nullopt;
    return std::strtoull(s.c_str() + prefix.size(), nullptr, 10);
}

struct Parsed {
    std::string object, path;
    uint64_t plus = 0;
};

// "g1.stack.lo+2048" -> {g1, stack.lo, 2048}
Parsed parse(std::string s) {
    Parsed p;
    if (auto plus = s.find('+'); plus != std::string::npos) {
        p.plus = std::strtoull(s.c_str() + plus + 1, nullptr, 0);
        s.resize(plus);
    }
    auto dot = s.find('.');
    p.object = s.substr(0, dot);
    if (dot != std::string::npos) p.path = s.substr(dot + 1);
    return p;
}

std::string show(uint64_t v, bool is_address) { return is_address ? fmt::format("{:#x}", v) : fmt::format("{}", v); }

}  // namespace

std::optional<uint64_t> Checker::object_address(const std::string& object) const {
    auto sym = [&](const char* n) { return inputs_.symbol(n); };
    if (object == "g0") return sym("runtime.g0");
    if (object == "m0") return sym("runtime.m0");
    if (object == "sched") return sym("runtime.sched");
    if (object == "curg") return guest_.read_uint(guest_.fs_base() + static_cast<uint64_t>(g_tls_offset_), 8);
    if (auto i = index_in(object, "allp[")) {
        auto allp = sym("runtime.allp");
        if (!allp) return std::nullopt;
        auto ptr = guest_.read_uint(*allp, 8), len = guest_.read_uint(*allp + 8, 8);
        if (!ptr || !len || *i >= *len) return std::nullopt;
        return guest_.read_uint(*ptr + 8 * *i, 8);
    }
    if (object == "g1") {
        // The main goroutine is the first g allgadd recorded: allgs[0].
        auto allgs = sym("runtime.allgs");
        if (!allgs) return std::nullopt;
        auto ptr = guest_.read_uint(*allgs, 8), len = guest_.read_uint(*allgs + 8, 8);
        if (!ptr || !len || *len == 0) return std::nullopt;
        return guest_.read_uint(*ptr, 8);
    }
    if (auto id = index_in(object, "m[id=")) {
        auto allm = sym("runtime.allm");
        auto id_f = layouts_.field("m", "id"), link_f = layouts_.field("m", "alllink");
        if (!allm || !id_f || !link_f) return std::nullopt;
        auto mp = guest_.read_uint(*allm, 8);
        for (int n = 0; mp && *mp && n < 10000; ++n) {
            auto mid = guest_.read_uint(*mp + id_f->offset, 8);
            if (mid && *mid == *id) return mp;
            mp = guest_.read_uint(*mp + link_f->offset, 8);
        }
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<uint64_t> Checker::field_address(const FieldRef& ref) const {
    const std::string& o = ref.object;
    if (o.rfind("var:", 0) == 0) {
        auto a = inputs_.symbol(o.substr(4));
        return a ? std::optional<uint64_t>(*a + ref.offset) : std::nullopt;
    }
    if (o.rfind("mem:", 0) == 0) return std::strtoull(o.c_str() + 4, nullptr, 0) + ref.offset;
    if (o.rfind("deref:", 0) == 0) {
        Parsed p = parse(o.substr(6));
        auto v = field_value(p.object, p.path);
        return v ? std::optional<uint64_t>(*v + ref.offset) : std::nullopt;
    }
    if (o == "curg" && ref.path.empty()) return guest_.fs_base() + static_cast<uint64_t>(g_tls_offset_);
    if (o.rfind("fs:", 0) == 0) return guest_.fs_base() + static_cast<uint64_t>(std::strtoll(o.c_str() + 3, nullptr, 0)) + ref.offset;
    if (o == "fs" || o == "exit") return std::nullopt;
    auto base = object_address(o);
    auto f = layouts_.field(ref.type, ref.path);
    if (!base || !f) return std::nullopt;
    return *base + f->offset + ref.offset;
}

std::optional<uint64_t> Checker::field_value(const std::string& object, const std::string& path) const {
    auto base = object_address(object);
    auto f = layouts_.field(type_of(object), path);
    if (!base || !f) return std::nullopt;
    return guest_.read_uint(*base + f->offset, std::min<uint64_t>(f->size, 8));
}

std::optional<uint64_t> Checker::read_field(const FieldRef& ref, std::optional<int> exit_status, std::string& error) const {
    if (ref.object == "fs") return guest_.fs_base();
    if (ref.object == "exit") {
        if (!exit_status) error = "(not exited)";
        return exit_status ? std::optional<uint64_t>(static_cast<uint64_t>(*exit_status)) : std::nullopt;
    }
    uint64_t size = ref.size;
    if (!ref.type.empty()) {
        auto f = layouts_.field(ref.type, ref.path);
        if (!f) {
            error = fmt::format("(no layout for {}.{})", ref.type, ref.path);
            return std::nullopt;
        }
        size = std::min<uint64_t>(f->size, 8);
    }
    auto a = field_address(ref);
    if (!a) {
        error = "(cannot locate)";
        return std::nullopt;
    }
    auto v = guest_.read_uint(*a, size);
    if (!v) error = fmt::format("(unreadable at {:#x})", *a);
    return v;
}

std::optional<uint64_t> Checker::expected_value(const Expected& e, std::string& error) const {
    if (e.value) return e.value;
    const std::string& s = e.address_of;
    std::optional<uint64_t> v;
    if (s == "fs") {
        v = guest_.fs_base();
    } else if (!s.empty() && s[0] == '&') {
        Parsed p = parse(s.substr(1));
        auto base = object_address(p.object);
        auto f = layouts_.field(type_of(p.object), p.path);
        if (base && f) v = *base + f->offset + p.plus;
    } else if (s.find('.') != std::string::npos) {
        Parsed p = parse(s);
        auto fv = field_value(p.object, p.path);
        if (fv) v = *fv + p.plus;
    } else {
        v = object_address(s);
    }
    if (!v) error = "(cannot locate " + s + ")";
    return v;
}

std::vector<Check> Checker::evaluate(const std::vector<Expectation>& expectations, std::optional<int> exit_status) const {
    std::vector<Check> out;
    for (const auto& e : expectations) {
        Check c;
        c.field = e.where.label;
        c.why = e.why;
        std::string err_actual, err_expected;
        auto actual = read_field(e.where, exit_status, err_actual);
        auto expected = expected_value(e.expected, err_expected);
        c.expected = expected ? show(*expected, e.expected.is_address) : err_expected;
        if (!e.expected.value && expected) c.expected += " (" + e.expected.address_of + ")";
        c.actual = actual ? show(*actual, e.expected.is_address) : err_actual;
        c.ok = actual && expected && *actual == *expected;
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace gostart::model
