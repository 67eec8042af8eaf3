// Prints docs/syscalls.md from the syscall table, so the documentation is the table. A test compares
// the committed file with this output; regenerate with:
//   build/tools/syscall-docs > docs/syscalls.md
#include "linux/syscall_table.h"

#include <fmt/format.h>

#include <iostream>

int main() {
    using namespace gostart::linux;
    std::cout << "# Syscalls\n\n"
                 "Generated from `linux/syscall_table.cpp` by `build/tools/syscall-docs` — the same table drives\n"
                 "dispatch and `--strace`, so this list cannot drift from what the emulator does. Any syscall not\n"
                 "listed returns `-ENOSYS`, and gostart-emu names it on its output the first time the guest makes it.\n\n"
                 "| nr | name | implemented | what gostart-emu does |\n|---:|---|---|---|\n";
    for (const auto& d : syscall_table())
        std::cout << fmt::format("| {} | `{}` | {} | {} |\n", d.nr, d.name, d.handler ? "yes" : "no (-ENOSYS)",
                                 d.handler ? d.doc : std::string_view("not implemented"));
}
