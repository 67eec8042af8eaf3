#include "gdbstub/gdb_signals.h"

#include <array>
#include <cstddef>

namespace gostart::gdbstub {
namespace {

// gdb's number for Linux signals 0..31.
constexpr std::array<int, 32> kGdbOfLinux = {
    0,  1,  2,  3,  4,  5,  6,  10,  // -, HUP, INT, QUIT, ILL, TRAP, ABRT, BUS
    8,  9,  30, 11, 31, 13, 14, 15,  // FPE, KILL, USR1, SEGV, USR2, PIPE, ALRM, TERM
    143, 20, 19, 17, 18, 21, 22, 16, // STKFLT (none), CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG
    24, 25, 26, 27, 28, 23, 32, 12,  // XCPU, XFSZ, VTALRM, PROF, WINCH, IO, PWR, SYS
};
constexpr int kUnknown = 143;
// gdb numbers SIGRTMIN+2 (34) .. 63 from 46 on (GDB_SIGNAL_REALTIME_34); 32 and 33 glibc keeps.
constexpr int kGdbRealtime34 = 46;

}  // namespace

int gdb_signal_from_linux(int sig) {
    if (sig >= 0 && sig < 32) return kGdbOfLinux[static_cast<size_t>(sig)];
    if (sig >= 34 && sig <= 63) return kGdbRealtime34 + (sig - 34);
    return kUnknown;
}

int linux_signal_from_gdb(int gsig) {
    if (gsig <= 0 || gsig == kUnknown) return 0;
    for (int sig = 1; sig < 32; ++sig)
        if (kGdbOfLinux[static_cast<size_t>(sig)] == gsig) return sig;
    if (gsig >= kGdbRealtime34 && gsig <= kGdbRealtime34 + (63 - 34)) return 34 + (gsig - kGdbRealtime34);
    return 0;
}

}  // namespace gostart::gdbstub
