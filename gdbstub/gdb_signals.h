// Signal numbers on the wire: the Remote Serial Protocol uses gdb's own numbering (include/gdb/
// signals.def in gdb's sources), which agrees with Linux's for SIGHUP..SIGTERM except SIGBUS, SIGUSR1,
// SIGUSR2 and differs above. The guest's signals are Linux's.
#pragma once

namespace gostart::gdbstub {

int gdb_signal_from_linux(int linux_sig);  // 0 for none; gdb's "unknown" (143) when it has no such signal
int linux_signal_from_gdb(int gdb_sig);    // 0 for none or a signal Linux does not have

inline constexpr int kGdbSigInt = 2;
inline constexpr int kGdbSigTrap = 5;

}  // namespace gostart::gdbstub
