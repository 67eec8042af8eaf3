#include "linux/strace_format.h"

#include "linux/guest_io.h"
#include "linux/process.h"

#include <fmt/format.h>

#include <cstring>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>

namespace gostart::linux {
namespace {

std::string quote(std::string_view s, size_t max = 32) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        switch (ch) {
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            default:
                if (ch < 0x20 || ch >= 0x7f) out += fmt::format("\\x{:02x}", ch);
                else out += static_cast<char>(ch);
        }
    }
    out += "\"";
    if (s.size() > max) out += "...";
    return out;
}

std::string flags(uint64_t v, std::initializer_list<std::pair<uint64_t, const char*>> names, const char* zero) {
    std::string out;
    for (auto [bit, name] : names) {
        if (bit && (v & bit) == bit) {
            if (!out.empty()) out += "|";
            out += name;
            v &= ~bit;
        }
    }
    if (v) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", v);
    return out.empty() ? zero : out;
}

std::string open_flags(uint64_t v) {
    const char* acc = (v & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : (v & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_RDONLY";
    std::string rest = flags(v & ~uint64_t(O_ACCMODE),
                             {{O_CREAT, "O_CREAT"}, {O_EXCL, "O_EXCL"}, {O_TRUNC, "O_TRUNC"}, {O_APPEND, "O_APPEND"},
                              {O_NONBLOCK, "O_NONBLOCK"}, {O_DIRECTORY, "O_DIRECTORY"}, {O_CLOEXEC, "O_CLOEXEC"},
                              {O_NOFOLLOW, "O_NOFOLLOW"}, {0100000 /*O_LARGEFILE*/, "O_LARGEFILE"}},
                             "");
    return rest.empty() ? acc : std::string(acc) + "|" + rest;
}

std::string arg(Process& p, Arg kind, uint64_t v, uint64_t next) {
    switch (kind) {
        case Arg::none: return {};
        case Arg::dec: return fmt::format("{}", static_cast<int64_t>(v));
        case Arg::size: return fmt::format("{}", v);
        case Arg::hex: return fmt::format("{:#x}", v);
        case Arg::ptr: return v ? fmt::format("{:#x}", v) : "NULL";
        case Arg::fd: return fmt::format("{}", static_cast<int32_t>(v));
        case Arg::dirfd: return static_cast<int32_t>(v) == AT_FDCWD ? "AT_FDCWD" : fmt::format("{}", static_cast<int32_t>(v));
        case Arg::str: {
            if (!v) return "NULL";
            auto s = read_cstring(p.cpu(), v);
            return s ? quote(*s, 96) : fmt::format("{:#x}", v);
        }
        case Arg::buf_in: {
            std::string s(std::min<uint64_t>(next, 32), '\0');
            if (!p.cpu().try_read(v, s.data(), s.size())) return fmt::format("{:#x}", v);
            std::string q = quote(s, 32);
            return next > 32 ? q + "..." : q;
        }
        case Arg::sig: {
            int sig = static_cast<int>(v);
            const char* abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : nullptr;
            return abbrev ? fmt::format("SIG{}", abbrev) : sig >= 32 && sig <= 64 ? fmt::format("SIGRT_{}", sig - 32)
                                                                                    : fmt::format("{}", sig);
        }
        case Arg::open_flags: return open_flags(v);
        case Arg::prot:
            return flags(v, {{PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"}, {PROT_EXEC, "PROT_EXEC"}}, "PROT_NONE");
        case Arg::map_flags:
            return flags(v, {{MAP_SHARED, "MAP_SHARED"}, {MAP_PRIVATE, "MAP_PRIVATE"}, {MAP_FIXED, "MAP_FIXED"},
                             {MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {MAP_NORESERVE, "MAP_NORESERVE"},
                             {MAP_STACK, "MAP_STACK"}, {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}},
                         "0");
        case Arg::futex_op: {
            static const char* kOps[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
                                         "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
                                         "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET"};
            uint64_t cmd = v & FUTEX_CMD_MASK;
            std::string s = cmd < std::size(kOps) ? kOps[cmd] : fmt::format("{}", cmd);
            if (v & FUTEX_PRIVATE_FLAG) s += "_PRIVATE";
            return s;
        }
        case Arg::clock: {
            static const char* kClocks[] = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
                                            "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",
                                            "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"};
            return v < std::size(kClocks) ? kClocks[v] : fmt::format("{}", v);
        }
        case Arg::sigmask_how: {
            static const char* kHow[] = {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};
            return v < std::size(kHow) ? kHow[v] : fmt::format("{}", v);
        }
        case Arg::arch_prctl_code:
            return v == 0x1001 ? "ARCH_SET_GS" : v == 0x1002 ? "ARCH_SET_FS" : v == 0x1003 ? "ARCH_GET_FS"
                 : v == 0x1004 ? "ARCH_GET_GS" : fmt::format("{:#x}", v);
        case Arg::whence: return v == 0 ? "SEEK_SET" : v == 1 ? "SEEK_CUR" : v == 2 ? "SEEK_END" : fmt::format("{}", v);
        case Arg::fcntl_cmd: {
            switch (v) {
                case F_DUPFD: return "F_DUPFD";
                case F_GETFD: return "F_GETFD";
                case F_SETFD: return "F_SETFD";
                case F_GETFL: return "F_GETFL";
                case F_SETFL: return "F_SETFL";
                case F_DUPFD_CLOEXEC: return "F_DUPFD_CLOEXEC";
                default: return fmt::format("{}", v);
            }
        }
    }
    return fmt::format("{:#x}", v);
}

}  // namespace

std::string strace_call(Process& p, int nr, const SyscallDef* def, const std::array<uint64_t, 6>& a) {
    std::string name(syscall_name(nr));
    if (name.empty()) name = fmt::format("syscall_{}", nr);
    std::string out = name + "(";
    if (def) {
        for (size_t i = 0; i < 6 && def->args[i] != Arg::none; ++i) {
            if (i) out += ", ";
            out += arg(p, def->args[i], a[i], i + 1 < 6 ? a[i + 1] : 0);
        }
    } else {
        out += fmt::format("{:#x}, {:#x}, {:#x}, ...", a[0], a[1], a[2]);
    }
    return out + ")";
}

std::string strace_result(int nr, const SyscallDef* def, int64_t r) {
    if (r == kNoReturn) return " = ?";
    std::string out;
    if (r < 0 && r >= -4095) {
        int e = static_cast<int>(-r);
        const char* name = strerrorname_np(e);
        out = fmt::format(" = -1 {} ({})", name ? name : "E?", strerror(e));
        if (!def || !def->handler) out += " (not implemented)";
        return out;
    }
    if (nr == 9 || nr == 12) return fmt::format(" = {:#x}", static_cast<uint64_t>(r));  // mmap, brk: addresses
    return fmt::format(" = {}", r);
}

}  // namespace gostart::linux
