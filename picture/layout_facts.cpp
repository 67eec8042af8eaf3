#include "picture/layout_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace gostart::picture {
namespace {

const char* auxv_name(uint64_t type) {
    switch (type) {
        case 0: return "AT_NULL";
        case 3: return "AT_PHDR";
        case 4: return "AT_PHENT";
        case 5: return "AT_PHNUM";
        case 6: return "AT_PAGESZ";
        case 7: return "AT_BASE";
        case 8: return "AT_FLAGS";
        case 9: return "AT_ENTRY";
        case 11: return "AT_UID";
        case 12: return "AT_EUID";
        case 13: return "AT_GID";
        case 14: return "AT_EGID";
        case 15: return "AT_PLATFORM";
        case 16: return "AT_HWCAP";
        case 17: return "AT_CLKTCK";
        case 23: return "AT_SECURE";
        case 25: return "AT_RANDOM";
        case 26: return "AT_HWCAP2";
        case 31: return "AT_EXECFN";
        case 33: return "AT_SYSINFO_EHDR";
        case 51: return "AT_MINSIGSTKSZ";
        default: return "AT_?";
    }
}

const char* gstatus(uint64_t s) {
    static const char* names[] = {"_Gidle", "_Grunnable", "_Grunning", "_Gsyscall", "_Gwaiting", "_Gmoribund", "_Gdead"};
    return s < 7 ? names[s] : "?";
}

class Reader {
public:
    explicit Reader(const LayoutInputs& in) : in_(in) {}
    std::optional<uint64_t> word(uint64_t addr, size_t n = 8) const {
        uint64_t v = 0;
        if (n > 8 || !in_.read(addr, &v, n)) return std::nullopt;
        return v;
    }
    std::optional<uint64_t> field_addr(const char* type, const char* path, uint64_t base) const {
        auto f = in_.layouts ? in_.layouts->field(type, path) : std::nullopt;
        if (!f) return std::nullopt;
        return base + f->offset;
    }
    std::optional<uint64_t> field(const char* type, const char* path, uint64_t base) const {
        auto f = in_.layouts ? in_.layouts->field(type, path) : std::nullopt;
        if (!f) return std::nullopt;
        return word(base + f->offset, std::min<uint64_t>(f->size, 8));
    }
    std::string str(uint64_t addr) const {
        std::string s;
        char c = 0;
        while (s.size() < 32 && in_.read(addr + s.size(), &c, 1) && c) s += c;
        return s.size() == 32 ? s + "…" : s;
    }
    std::optional<uint64_t> sym(const std::string& name) const {
        auto it = in_.symbols.find(name);
        return it == in_.symbols.end() ? std::nullopt : std::optional<uint64_t>(it->second);
    }

private:
    const LayoutInputs& in_;
};

std::string hex(uint64_t v) { return fmt::format("{:#x}", v); }

// A struct field as a row: "stack.hi  0x7fffffffe6c0", linked to `link` when given.
void add_field(Box& b, const Reader& r, const char* type, const char* path, uint64_t base, std::string label = {},
               std::string link = {}, bool decimal = false) {
    auto a = r.field_addr(type, path, base);
    auto v = r.field(type, path, base);
    if (!a || !v) return;
    b.rows.push_back({*a, decimal ? std::to_string(*v) : hex(*v), label.empty() ? path : label, std::move(link)});
}

Box process_stack(const LayoutInputs& in, const Reader& r) {
    const loader::InitialStack& st = *in.stack;
    Box b{"process", "initial process stack (built by the kernel — here the loader)", {}};
    std::vector<Row> up;  // ascending, reversed at the end
    up.push_back({st.sp, std::to_string(st.argc), "argc (the kernel's; rt0_go gets it in DI)"});
    for (uint64_t i = 0; i <= st.argc; ++i) {
        uint64_t a = st.argv_addr + 8 * i;
        uint64_t v = r.word(a).value_or(0);
        up.push_back({a, hex(v), i < st.argc ? fmt::format("argv[{}] \"{}\"", i, r.str(v)) : "NULL (end of argv)"});
    }
    std::vector<uint64_t> env;
    for (uint64_t a = st.envp_addr; a < st.auxv_addr; a += 8) env.push_back(a);
    for (size_t i = 0; i < env.size(); ++i) {
        uint64_t v = r.word(env[i]).value_or(0);
        if (i + 1 == env.size()) {
            up.push_back({env[i], hex(v), "NULL (end of envp)"});
        } else if (i < 3) {
            up.push_back({env[i], hex(v), fmt::format("envp[{}] \"{}\"", i, r.str(v))});
        } else if (i == 3) {
            up.push_back({0, "", fmt::format("{} more envp entries", env.size() - 4), {}, true});
        }
    }
    // An auxv entry is two words, its type then its value: a row for each, with the word stored there.
    for (size_t i = 0; i < st.auxv.size(); ++i) {
        auto [type, val] = st.auxv[i];
        uint64_t at = st.auxv_addr + 16 * i;
        up.push_back({at, std::to_string(type), fmt::format("auxv {} (type)", auxv_name(type))});
        std::string label = fmt::format("{}'s value", auxv_name(type));
        if (type == 25) label += " → 16 random bytes";
        if (type == 31) label += fmt::format(" \"{}\"", r.str(val));
        bool number = type == 0 || (type >= 4 && type <= 8) || (type >= 11 && type <= 14) || type == 17 || type == 23;
        up.push_back({at + 8, number ? std::to_string(val) : hex(val), label});
    }
    up.push_back({0, "", "argv and envp strings, AT_RANDOM's bytes, platform string, up to the top", {}, true});
    b.rows.assign(up.rbegin(), up.rend());
    b.rows.push_back({st.sp, "", "entry SP: rsp at _rt0_amd64_linux", {}, false, true});
    return b;
}

}  // namespace

Picture build_layout(const LayoutInputs& in) {
    Reader r(in);
    Picture p;
    p.title = in.title;
    uint64_t g0 = r.sym("runtime.g0").value_or(0), m0 = r.sym("runtime.m0").value_or(0);
    uint64_t lo = r.field("g", "stack.lo", g0).value_or(0), hi = r.field("g", "stack.hi", g0).value_or(0);
    uint64_t argc = in.stack->argc, argv = in.stack->argv_addr;

    p.memory.push_back(process_stack(in, r));

    // rt0_go's frame: between the entry SP and g0.stack.hi (its SP after aligning).
    Box frame{"frame", "rt0_go's frame: the copies of argc and argv", {}};
    for (uint64_t a = (in.stack->sp - 8) & ~uint64_t{7}; hi && in.stack->sp > hi && a >= hi; a -= 8) {
        uint64_t v = r.word(a).value_or(0);
        std::string label = "(unused)";
        uint64_t off = a - hi;
        bool arg_slot = off < 16;  // 0(SP), 8(SP): the ABI0 arguments of the calls rt0_go makes
        if (v == argc || (arg_slot && off == 0 && static_cast<uint32_t>(v) == argc))  // MOVL for the argument
            label = arg_slot ? "argc, copied again for runtime.args at 0(SP)" : fmt::format("argc, rt0_go's copy at {}(SP)", off);
        else if (v == argv)
            label = arg_slot ? "argv, copied again for runtime.args at 8(SP)" : fmt::format("argv, rt0_go's copy at {}(SP)", off);
        frame.rows.push_back({a, hex(v), label});
    }
    frame.rows.push_back({hi, "", "g0.stack.hi: rt0_go's SP after SUBQ/ANDQ $~15", {}, false, true});
    if (hi && in.stack->sp > hi) p.memory.push_back(frame);

    Box g0s{"g0stack", fmt::format("g0 stack: {} bytes, from stack.hi down to stack.lo", hi - lo), {}};
    if (in.sp < hi && in.sp > lo) {
        g0s.rows.push_back({0, "", fmt::format("{} bytes in use", hi - in.sp), {}, true});
        g0s.rows.push_back({in.sp, "", "SP now", {}, false, true});
    } else if (in.sp == hi) {
        g0s.rows.push_back({in.sp, "", "SP now (= stack.hi: nothing pushed yet)", {}, false, true});
    }
    g0s.rows.push_back({0, "", fmt::format("{} bytes free below", (in.sp < hi && in.sp > lo ? in.sp : hi) - lo), {}, true});
    uint64_t guard0 = r.field("g", "stackguard0", g0).value_or(0), guard1 = r.field("g", "stackguard1", g0).value_or(0);
    std::string guards = guard0 == lo && guard1 == lo ? "stack.lo = stackguard0 = stackguard1" : "stack.lo";
    g0s.rows.push_back({lo, "", guards, {}, false, true});
    if (guard0 != lo) g0s.rows.push_back({guard0, "", "stackguard0", {}, false, true});
    p.memory.push_back(g0s);

    Box gb{"g0", fmt::format("runtime.g0 @ {:#x}", g0), {}};
    add_field(gb, r, "g", "stack.lo", g0, {}, "g0stack");
    add_field(gb, r, "g", "stack.hi", g0, {}, "g0stack");
    add_field(gb, r, "g", "stackguard0", g0);
    add_field(gb, r, "g", "stackguard1", g0);
    add_field(gb, r, "g", "m", g0, "m  (g0.m = &m0)", "m0");
    if (in.later) add_field(gb, r, "g", "sched.sp", g0);
    p.structs.push_back(gb);

    Box mb{"m0", fmt::format("runtime.m0 @ {:#x}", m0), {}};
    add_field(mb, r, "m", "g0", m0, "g0  (m0.g0 = &g0)", "g0");
    auto tls = r.field_addr("m", "tls", m0);
    if (tls) {
        uint64_t t0 = r.word(*tls).value_or(0);
        mb.rows.push_back({*tls, hex(t0), "tls[0]: g, read as -8(FS)", t0 == g0 ? "g0" : ""});
        mb.rows.push_back({in.fs_base, hex(in.fs_base),
                           in.fs_base == *tls + 8 ? "FS base = &m0.tls[1] (settls)" : "FS base"});
    }
    add_field(mb, r, "m", "id", m0, "id", {}, true);
    if (in.later) {
        add_field(mb, r, "m", "procid", m0, "procid (thread id)", {}, true);
        add_field(mb, r, "m", "curg", m0, "curg");
        add_field(mb, r, "m", "p", m0, "p", "allp");
    }
    p.structs.push_back(mb);
    if (!in.later) return p;

    // Later points: the main goroutine (allgs[0]), the Ps and the scheduler.
    if (auto allgs = r.sym("runtime.allgs")) {
        uint64_t ptr = r.word(*allgs).value_or(0), len = r.word(*allgs + 8).value_or(0);
        if (len > 0) {
            uint64_t g1 = r.word(ptr).value_or(0);
            Box b{"g1", fmt::format("allgs[0] @ {:#x}: the main goroutine ({} g's in allgs)", g1, len), {}};
            add_field(b, r, "g", "goid", g1, "goid", {}, true);
            if (auto st = r.field("g", "atomicstatus", g1)) b.rows.push_back({0, std::to_string(*st), fmt::format("atomicstatus {}", gstatus(*st))});
            add_field(b, r, "g", "stack.lo", g1);
            add_field(b, r, "g", "stack.hi", g1);
            if (auto pc = r.field("g", "sched.pc", g1)) b.rows.push_back({0, hex(*pc), "sched.pc " + in.describe(*pc)});
            add_field(b, r, "g", "sched.sp", g1);
            add_field(b, r, "g", "m", g1, "m", "m0");
            p.structs.push_back(b);
        }
    }
    if (auto allp = r.sym("runtime.allp")) {
        uint64_t ptr = r.word(*allp).value_or(0), len = r.word(*allp + 8).value_or(0);
        Box b{"allp", fmt::format("runtime.allp: {} Ps", len), {}};
        for (uint64_t i = 0; i < len && i < 8; ++i) {
            uint64_t pp = r.word(ptr + 8 * i).value_or(0);
            uint64_t st = r.field("p", "status", pp).value_or(0), m = r.field("p", "m", pp).value_or(0);
            static const char* ps[] = {"_Pidle", "_Prunning", "_Psyscall", "_Pgcstop", "_Pdead"};
            b.rows.push_back({ptr + 8 * i, hex(pp), fmt::format("allp[{}] {} m={:#x}", i, st < 5 ? ps[st] : "?", m),
                              m == m0 ? "m0" : ""});
        }
        p.structs.push_back(b);
    }
    if (auto sched = r.sym("runtime.sched")) {
        Box b{"sched", fmt::format("runtime.sched @ {:#x}", *sched), {}};
        for (const char* f : {"goidgen", "mnext", "maxmcount", "nmidle", "npidle", "runqsize", "runq.size"})
            add_field(b, r, "schedt", f, *sched, f, {}, true);
        add_field(b, r, "schedt", "pidle", *sched, "pidle (idle P list)");
        p.structs.push_back(b);
    }
    return p;
}

}  // namespace gostart::picture
