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
                 "`int 0x80` runs the i386 syscall ABI, as Linux does in a 64-bit process too (the i386 number in\n"
                 "eax, arguments in ebx, ecx, edx, esi, edi, ebp, the result in rax; numbers from the system's\n"
                 "`asm/unistd_32.h`). The calls whose arguments mean the same in both ABIs run the row of the same\n"
                 "call: the last column names them. Every other i386 call — those with 32-bit `time_t`, `long` or\n"
                 "pointer fields in their structures (`stat`, `nanosleep`, `rt_sigaction`, `clone`, `readv` ...), a\n"
                 "32-bit `off_t`, `mmap`'s argument block, `socketcall` — answers `-ENOSYS` and is named once on the\n"
                 "emulator's output, as `unimplemented int 0x80 (i386) syscall NAME (NR)`.\n\n"
                 "| nr | --strace shows | implemented | what gostart-emu does | int 0x80 |\n|---:|---|---|---|---|\n";
    // The i386 number of a row's call, from the same header list the dispatcher uses.
    auto i386_nr = [](std::string_view name) {
        for (const auto& n : i386_syscall_names())
            if (name == n.name) return n.nr;
        return -1;
    };
    for (const auto& d : syscall_table())
    {
        // A deliberate -ENOSYS (the C library falls back) is documented as such, with its reason.
        const char* implemented = !d.handler ? "no (-ENOSYS)" : d.handler == &sys::not_provided ? "no (-ENOSYS, on purpose)" : "yes";
        std::string i386 = d.i386.empty() ? "-" : fmt::format("`{}` ({})", d.i386, i386_nr(d.i386));
        std::cout << fmt::format("| {} | `{}` | {} | {} | {} |\n", d.nr, strace_signature(d), implemented,
                                 d.handler ? d.doc : std::string_view("not implemented"), i386);
    }
}
