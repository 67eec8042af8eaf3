// Prints docs/syscalls.md from the syscall table, so the documentation is the table. A test compares
// the committed file with this output; regenerate with:
//   build/tools/syscall-docs > docs/syscalls.md
#include "linux/strace_format.h"
#include "linux/syscall_table.h"
#include "linux/syscalls/handlers.h"

#include <fmt/format.h>

#include <iostream>

int main() {
    using namespace gostart::linux;
    std::cout << "# Syscalls\n\n"
                 "Generated from `linux/syscall_table.cpp` by `build/tools/syscall-docs` — the same table drives\n"
                 "dispatch and `--strace`, so this list cannot drift from what the emulator does. Any syscall not\n"
                 "listed returns `-ENOSYS`, and gostart-emu names it on its output the first time the guest makes it.\n\n"
                 "The second column is what each argument shows in a `--strace` line, as strace shows it: constants by\n"
                 "name (`O_*`, `MAP_*`, `RLIMIT_*`, `MADV_*` ...), a path whole, `bytes` that the call reads and `bytes\n"
                 "read` that it wrote (after the call, as many as it returned) quoted as strace quotes them, at most\n"
                 "`-s N` of them (default 32).\n\n"
                 "| nr | --strace shows | implemented | what gostart-emu does |\n|---:|---|---|---|\n";
    for (const auto& d : syscall_table())
    {
        // A deliberate -ENOSYS (the C library falls back) is documented as such, with its reason.
        const char* implemented = !d.handler ? "no (-ENOSYS)" : d.handler == &sys::not_provided ? "no (-ENOSYS, on purpose)" : "yes";
        std::cout << fmt::format("| {} | `{}` | {} | {} |\n", d.nr, strace_signature(d), implemented,
                                 d.handler ? d.doc : std::string_view("not implemented"));
    }
}
