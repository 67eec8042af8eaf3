// ModelInputs: everything the model may base a prediction on — what the loader gave the guest, what
// the Linux layer answered, the environment, symbol addresses and the Go version. Nothing here is
// read from guest memory after the program started: that is what the model is checked against.
#pragma once

#include "loader/go/go_version.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gostart::model {

struct ModelInputs {
    loader::go::GoVersionNumber version;   // from the binary's build info
    // From the loader: the initial process stack.
    uint64_t entry_sp = 0;                 // rsp at the ELF entry point (points at argc)
    uint64_t argc = 0;
    uint64_t argv = 0;                     // &argv[0]
    uint64_t page_size = 4096;             // AT_PAGESZ
    uint64_t random_addr = 0;              // AT_RANDOM
    std::array<uint8_t, 16> random{};      // the bytes at AT_RANDOM
    // From the Linux layer.
    int cpus = 0;                          // what sched_getaffinity reports
    uint64_t huge_page_size = 0;           // what /sys/kernel/mm/transparent_hugepage/hpage_pmd_size holds
    int main_tid = 0;                      // gettid() of the main thread
    // cgo: the binary links runtime/cgo, so rt0_go calls _cgo_init instead of settls and glibc owns
    // the thread pointer. Then `entry_sp` is the SP at rt0_go's entry (glibc's __libc_start_main calls
    // the program's main, which jumps to rt0_go), and g lives in the program's static TLS block.
    bool cgo = false;
    uint64_t tls_vaddr = 0, tls_memsz = 0, tls_align = 0;   // the program's PT_TLS (cgo)
    uint64_t tlsg_value = 0;               // runtime.tlsg's st_value: g's offset inside that block
    uint64_t stack_rlimit = 0;             // RLIMIT_STACK as the Linux layer reports it (glibc's pthread stack size)
    // From the environment the guest was given.
    std::optional<std::string> gomaxprocs_env;
    // Symbol addresses by plain name ("runtime.g0", "runtime.main", ...).
    std::map<std::string, uint64_t> symbols;

    std::optional<uint64_t> symbol(const std::string& name) const {
        auto it = symbols.find(name);
        return it == symbols.end() ? std::nullopt : std::optional<uint64_t>(it->second);
    }
};

}  // namespace gostart::model
