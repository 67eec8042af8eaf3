#include "loader/initial_stack.h"

#include <cstring>

namespace gostart::loader {

InitialStack build_initial_stack(const StackInputs& in) {
    InitialStack out;
    // Strings go at the top (as fs/exec.c copies them), then the random bytes and platform string,
    // then the pointer arrays, 16-byte aligned so that rsp at the entry point is aligned as on Linux.
    std::vector<uint8_t> strings;
    auto add_string = [&](const std::string& s) {
        size_t off = strings.size();
        strings.insert(strings.end(), s.begin(), s.end());
        strings.push_back(0);
        return off;
    };
    size_t execfn_off = add_string(in.execfn);
    std::vector<size_t> env_off, arg_off;
    for (const auto& e : in.envp) env_off.push_back(add_string(e));
    for (const auto& a : in.argv) arg_off.push_back(add_string(a));
    size_t platform_off = add_string("x86_64");

    uint64_t strings_base = in.stack_top - 8 - strings.size();  // 8 zero bytes end the stack, as on Linux
    uint64_t random_addr = (strings_base - 16) & ~uint64_t(15);
    out.random_addr = random_addr;
    out.execfn_addr = strings_base + execfn_off;
    out.platform_addr = strings_base + platform_off;

    out.auxv = {
        {kAtHwcap, in.hwcap},  {kAtPagesz, 4096},       {kAtClktck, 100},        {kAtPhdr, in.phdr},
        {kAtPhent, in.phent},  {kAtPhnum, in.phnum},    {kAtBase, in.base},           {kAtFlags, 0},
        {kAtEntry, in.entry},  {kAtUid, in.uid},        {kAtEuid, in.uid},       {kAtGid, in.gid},
        {kAtEgid, in.gid},     {kAtSecure, 0},          {kAtRandom, random_addr}, {kAtHwcap2, 0},
        {kAtExecfn, out.execfn_addr}, {kAtPlatform, out.platform_addr}, {kAtNull, 0},
    };

    out.argc = in.argv.size();
    size_t words = 1 + in.argv.size() + 1 + in.envp.size() + 1 + 2 * out.auxv.size();
    uint64_t sp = (random_addr - words * 8) & ~uint64_t(15);
    out.sp = sp;
    out.argv_addr = sp + 8;
    out.envp_addr = out.argv_addr + 8 * (in.argv.size() + 1);
    out.auxv_addr = out.envp_addr + 8 * (in.envp.size() + 1);

    out.bytes.assign(in.stack_top - sp, 0);
    auto put64 = [&](uint64_t addr, uint64_t v) { std::memcpy(&out.bytes[addr - sp], &v, 8); };
    put64(sp, out.argc);
    for (size_t i = 0; i < arg_off.size(); ++i) put64(out.argv_addr + 8 * i, strings_base + arg_off[i]);
    for (size_t i = 0; i < env_off.size(); ++i) put64(out.envp_addr + 8 * i, strings_base + env_off[i]);
    for (size_t i = 0; i < out.auxv.size(); ++i) {
        put64(out.auxv_addr + 16 * i, out.auxv[i].first);
        put64(out.auxv_addr + 16 * i + 8, out.auxv[i].second);
    }
    std::memcpy(&out.bytes[random_addr - sp], in.random.data(), 16);
    std::memcpy(&out.bytes[strings_base - sp], strings.data(), strings.size());
    return out;
}

}  // namespace gostart::loader
