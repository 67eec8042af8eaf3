// The initial process stack that Linux's execve builds: argc, argv, envp,
// auxv and the strings they point to, laid out below a fixed stack top so that a run is reproducible.
// Pure computation: it returns the bytes and where everything is; the caller writes them to the guest.
// The addresses are inputs of the runtime model (argv, envp, AT_RANDOM...), so they are all kept.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gostart::loader {

// Linux auxv tags (elf.h names).
enum AuxTag : uint64_t {
    kAtNull = 0, kAtPhdr = 3, kAtPhent = 4, kAtPhnum = 5, kAtPagesz = 6, kAtBase = 7, kAtFlags = 8,
    kAtEntry = 9, kAtUid = 11, kAtEuid = 12, kAtGid = 13, kAtEgid = 14, kAtPlatform = 15, kAtHwcap = 16,
    kAtClktck = 17, kAtSecure = 23, kAtRandom = 25, kAtHwcap2 = 26, kAtExecfn = 31,
};

struct StackInputs {
    uint64_t stack_top = 0;  // one past the highest byte
    std::vector<std::string> argv;
    std::vector<std::string> envp;
    std::string execfn;
    std::array<uint8_t, 16> random{};
    uint64_t phdr = 0, phent = 0, phnum = 0, entry = 0;  // the program's, as guest addresses
    uint64_t base = 0;      // AT_BASE: where the interpreter is loaded (0: no interpreter)
    uint64_t uid = 1000, gid = 1000;
    uint64_t hwcap = 0;
};

struct InitialStack {
    uint64_t sp = 0;            // rsp at the entry point: points at argc
    std::vector<uint8_t> bytes; // the image of [sp, stack_top)
    uint64_t argc = 0;
    uint64_t argv_addr = 0;     // &argv[0]
    uint64_t envp_addr = 0;     // &envp[0]
    uint64_t auxv_addr = 0;     // &auxv[0]
    uint64_t random_addr = 0;   // AT_RANDOM: the 16 random bytes
    uint64_t execfn_addr = 0;
    uint64_t platform_addr = 0;
    std::vector<std::pair<uint64_t, uint64_t>> auxv;  // as written, AT_NULL last
};

InitialStack build_initial_stack(const StackInputs& in);

}  // namespace gostart::loader
