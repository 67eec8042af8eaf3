#include "gdbstub/amd64_registers.h"

#include <fmt/format.h>

namespace gostart::gdbstub {
namespace {

constexpr std::string_view kCore = "org.gnu.gdb.i386.core";
constexpr std::string_view kSse = "org.gnu.gdb.i386.sse";
constexpr std::string_view kLinux = "org.gnu.gdb.i386.linux";
constexpr std::string_view kSegments = "org.gnu.gdb.i386.segments";

std::array<RegisterDesc, kAmd64RegCount> make_table() {
    std::array<RegisterDesc, kAmd64RegCount> t{};
    size_t i = 0;
    auto add = [&](std::string_view name, unsigned bits, std::string_view type, std::string_view group,
                   std::string_view feature) { t.at(i++) = RegisterDesc{name, bits, type, group, feature}; };
    static constexpr std::string_view gprs[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
                                                "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    for (auto n : gprs) add(n, 64, n == "rbp" || n == "rsp" ? "data_ptr" : "int64", "", kCore);
    add("rip", 64, "code_ptr", "", kCore);
    add("eflags", 32, "i386_eflags", "", kCore);
    for (auto n : {"cs", "ss", "ds", "es", "fs", "gs"}) add(n, 32, "int32", "", kCore);
    static constexpr std::string_view st[] = {"st0", "st1", "st2", "st3", "st4", "st5", "st6", "st7"};
    for (auto n : st) add(n, 80, "i387_ext", "", kCore);
    for (auto n : {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}) add(n, 32, "int", "float", kCore);
    static constexpr std::string_view xmm[] = {"xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
                                               "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
    for (auto n : xmm) add(n, 128, "vec128", "vector", kSse);
    add("mxcsr", 32, "i386_mxcsr", "vector", kSse);
    add("orig_rax", 64, "int", "", kLinux);
    add("fs_base", 64, "int", "", kSegments);
    add("gs_base", 64, "int", "", kSegments);
    return t;
}

// The flag and vector types the registers above name.
constexpr std::string_view kTypes = R"(  <flags id="i386_eflags" size="4">
    <field name="CF" start="0" end="0"/><field name="PF" start="2" end="2"/>
    <field name="AF" start="4" end="4"/><field name="ZF" start="6" end="6"/><field name="SF" start="7" end="7"/>
    <field name="TF" start="8" end="8"/><field name="IF" start="9" end="9"/><field name="DF" start="10" end="10"/>
    <field name="OF" start="11" end="11"/><field name="NT" start="14" end="14"/><field name="RF" start="16" end="16"/>
    <field name="VM" start="17" end="17"/><field name="AC" start="18" end="18"/><field name="VIF" start="19" end="19"/>
    <field name="VIP" start="20" end="20"/><field name="ID" start="21" end="21"/>
  </flags>
)";
constexpr std::string_view kSseTypes = R"(  <vector id="v4f" type="ieee_single" count="4"/>
  <vector id="v2d" type="ieee_double" count="2"/>
  <vector id="v16i8" type="int8" count="16"/>
  <vector id="v8i16" type="int16" count="8"/>
  <vector id="v4i32" type="int32" count="4"/>
  <vector id="v2i64" type="int64" count="2"/>
  <union id="vec128">
    <field name="v4_float" type="v4f"/><field name="v2_double" type="v2d"/><field name="v16_int8" type="v16i8"/>
    <field name="v8_int16" type="v8i16"/><field name="v4_int32" type="v4i32"/><field name="v2_int64" type="v2i64"/>
    <field name="uint128" type="uint128"/>
  </union>
  <flags id="i386_mxcsr" size="4">
    <field name="IE" start="0" end="0"/><field name="DE" start="1" end="1"/><field name="ZE" start="2" end="2"/>
    <field name="OE" start="3" end="3"/><field name="UE" start="4" end="4"/><field name="PE" start="5" end="5"/>
    <field name="DAZ" start="6" end="6"/><field name="IM" start="7" end="7"/><field name="DM" start="8" end="8"/>
    <field name="ZM" start="9" end="9"/><field name="OM" start="10" end="10"/><field name="UM" start="11" end="11"/>
    <field name="PM" start="12" end="12"/><field name="FZ" start="15" end="15"/>
  </flags>
)";

std::string make_xml() {
    const auto& regs = amd64_registers();
    std::string x = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
                    "  <architecture>i386:x86-64</architecture>\n  <osabi>GNU/Linux</osabi>\n";
    std::string_view open;
    for (size_t i = 0; i < regs.size(); ++i) {
        const RegisterDesc& r = regs[i];
        if (r.feature != open) {
            if (!open.empty()) x += "</feature>\n";
            open = r.feature;
            x += fmt::format("<feature name=\"{}\">\n", r.feature);
            if (r.feature == kCore) x += kTypes;
            if (r.feature == kSse) x += kSseTypes;
        }
        x += fmt::format("  <reg name=\"{}\" bitsize=\"{}\" type=\"{}\" regnum=\"{}\"{}/>\n", r.name, r.bits, r.type, i,
                         r.group.empty() ? "" : fmt::format(" group=\"{}\"", r.group));
    }
    x += "</feature>\n</target>\n";
    return x;
}

}  // namespace

const std::array<RegisterDesc, kAmd64RegCount>& amd64_registers() {
    static const auto table = make_table();
    return table;
}

const std::string& amd64_target_xml() {
    static const std::string xml = make_xml();
    return xml;
}

}  // namespace gostart::gdbstub
