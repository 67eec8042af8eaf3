#include "linux/strace_format.h"

#include "linux/guest_io.h"
#include "linux/process.h"
#include "linux/strace_constants.h"

#include <fmt/format.h>

#include <cstring>
#include <fcntl.h>

namespace gostart::linux {
namespace {

constexpr size_t kPathMax = 4096;  // a path prints whole, as strace prints it, up to PATH_MAX

std::string memory_bytes(Process& p, uint64_t addr, uint64_t n, size_t max) {
    std::string s(std::min<uint64_t>(n, max), '\0');
    if (!p.cpu().try_read(guest::Addr(addr), s.data(), s.size())) return strace_hex(addr);
    return strace_quote(s, max) + (n > s.size() ? "..." : "");
}

// The argument's text, or nullopt when strace leaves it out (a mode without O_CREAT, F_GETFL's).
std::optional<std::string> arg(Process& p, const std::array<Arg, 6>& kinds, const std::array<uint64_t, 6>& a,
                               size_t i, std::optional<int64_t> result) {
    uint64_t v = a[i];
    size_t max = p.options().strace_string_limit;
    if (auto c = strace_constant(kinds[i], v)) return c;
    switch (kinds[i]) {
        case Arg::none: return std::nullopt;
        case Arg::dec: return fmt::format("{}", static_cast<int64_t>(v));
        case Arg::size: return fmt::format("{}", v);
        case Arg::hex: return strace_hex(v);
        case Arg::ptr: return v ? fmt::format("{:#x}", v) : "NULL";
        case Arg::fd: return fmt::format("{}", static_cast<int32_t>(v));
        case Arg::dirfd: return static_cast<int32_t>(v) == AT_FDCWD ? "AT_FDCWD" : fmt::format("{}", static_cast<int32_t>(v));
        case Arg::str: {
            if (!v) return "NULL";
            auto s = read_cstring(p.cpu(), guest::Ptr<const char>(v), kPathMax);
            return s ? strace_quote(*s, kPathMax) : strace_hex(v);
        }
        case Arg::buf_in: return memory_bytes(p, v, i + 1 < 6 ? a[i + 1] : 0, max);
        case Arg::buf_out:
            if (!result || *result < 0) return v ? fmt::format("{:#x}", v) : "NULL";
            return memory_bytes(p, v, static_cast<uint64_t>(*result), max);
        case Arg::str_out: {
            auto s = result && *result >= 0 ? read_cstring(p.cpu(), guest::Ptr<const char>(v), kPathMax) : std::nullopt;
            return s ? strace_quote(*s, kPathMax) : v ? fmt::format("{:#x}", v) : "NULL";
        }
        case Arg::sig: {
            int sig = static_cast<int>(v);
            const char* abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : nullptr;
            return abbrev ? fmt::format("SIG{}", abbrev) : sig >= 32 && sig <= 64 ? fmt::format("SIGRT_{}", sig - 32)
                                                                                    : fmt::format("{}", sig);
        }
        case Arg::open_mode:
            if (i == 0 || !(a[i - 1] & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))) return std::nullopt;
            return fmt::format("{:#o}", v);
        case Arg::fcntl_arg: {
            uint64_t cmd = i ? a[i - 1] : 0;
            if (cmd == F_GETFD || cmd == F_GETFL) return std::nullopt;
            if (cmd == F_SETFL) return strace_constant(Arg::open_flags, v);
            if (cmd == F_SETFD) return v == FD_CLOEXEC ? "FD_CLOEXEC" : strace_hex(v);
            return fmt::format("{}", static_cast<int64_t>(v));
        }
        default: return strace_hex(v);
    }
}

// What docs/syscalls.md says an argument shows.
const char* kind_doc(Arg k) {
    switch (k) {
        case Arg::none: return "";
        case Arg::dec: return "int";
        case Arg::hex: return "hex";
        case Arg::ptr: return "ptr";
        case Arg::fd: return "fd";
        case Arg::dirfd: return "dirfd";
        case Arg::size: return "size";
        case Arg::sig: return "SIG*";
        case Arg::str: return "path";
        case Arg::buf_in: return "bytes";
        case Arg::buf_out: return "bytes read";
        case Arg::str_out: return "string written";
        case Arg::open_flags: return "O_*";
        case Arg::open_mode: return "mode if O_CREAT";
        case Arg::mode: return "mode";
        case Arg::prot: return "PROT_*";
        case Arg::map_flags: return "MAP_*";
        case Arg::futex_op: return "FUTEX_*";
        case Arg::clock: return "CLOCK_*";
        case Arg::clock_flags: return "TIMER_ABSTIME";
        case Arg::sigmask_how: return "SIG_*";
        case Arg::arch_prctl_code: return "ARCH_*";
        case Arg::whence: return "SEEK_*";
        case Arg::fcntl_cmd: return "F_*";
        case Arg::fcntl_arg: return "arg";
        case Arg::rlimit_resource: return "RLIMIT_*";
        case Arg::madvise_advice: return "MADV_*";
        case Arg::clone_flags: return "CLONE_*";
        case Arg::access_mode: return "*_OK";
        case Arg::at_flags: return "AT_*";
        case Arg::grnd_flags: return "GRND_*";
        case Arg::epoll_op: return "EPOLL_CTL_*";
        case Arg::epoll_flags: return "EPOLL_CLOEXEC";
        case Arg::eventfd_flags: return "EFD_*";
        case Arg::fd_flags: return "O_CLOEXEC|O_NONBLOCK";
        case Arg::prctl_option: return "PR_*";
        case Arg::socket_family: return "AF_*";
        case Arg::socket_type: return "SOCK_*";
        case Arg::ioctl_request: return "request";
        case Arg::flock_op: return "LOCK_*";
        case Arg::mremap_flags: return "MREMAP_*";
        case Arg::msync_flags: return "MS_*";
        case Arg::mlockall_flags: return "MCL_*";
        case Arg::mlock2_flags: return "MLOCK_*";
    }
    return "?";
}

}  // namespace

// strace's own rules: \t \n \v \f \r \" \\ as in C, printable ASCII as it is, any other byte in octal
// (three digits when a digit follows, so that the next character is not read as part of it).
std::string strace_quote(std::string_view s, size_t max) {
    std::string out = "\"";
    size_t n = std::min(s.size(), max);
    for (size_t i = 0; i < n; ++i) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        switch (ch) {
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\v': out += "\\v"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            default:
                if (ch >= 0x20 && ch < 0x7f) {
                    out += static_cast<char>(ch);
                } else {
                    bool digit_next = i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7';
                    out += digit_next ? fmt::format("\\{:03o}", ch) : fmt::format("\\{:o}", ch);
                }
        }
    }
    out += "\"";
    if (s.size() > max) out += "...";
    return out;
}

std::string strace_call(Process& p, int nr, const SyscallDef* def, const std::array<uint64_t, 6>& a,
                        std::optional<int64_t> result) {
    std::string name(syscall_name(nr));
    if (name.empty()) name = fmt::format("syscall_{}", nr);
    std::string out = name + "(";
    if (def) {
        bool first = true;
        for (size_t i = 0; i < 6 && def->args[i] != Arg::none; ++i) {
            auto text = arg(p, def->args, a, i, result);
            if (!text) continue;
            out += (first ? "" : ", ") + *text;
            first = false;
        }
    } else {
        out += fmt::format("{:#x}, {:#x}, {:#x}, ...", a[0], a[1], a[2]);
    }
    return out + ")";
}

std::string strace_result(const SyscallDef* def, int64_t r) {
    if (r == kNoReturn) return " = ?";
    std::string out;
    if (r < 0 && r >= -4095) {
        int e = static_cast<int>(-r);
        const char* name = strerrorname_np(e);
        out = fmt::format(" = -1 {} ({})", name ? name : "E?", strerror(e));
        if (!def || !def->handler) out += " (not implemented)";
        return out;
    }
    if (def && def->result == SyscallDef::Result::address) return fmt::format(" = {:#x}", static_cast<uint64_t>(r));
    return fmt::format(" = {}", r);
}

std::string strace_signature(const SyscallDef& def) {
    std::string out = std::string(def.name) + "(";
    for (size_t i = 0; i < 6 && def.args[i] != Arg::none; ++i) out += (i ? ", " : "") + std::string(kind_doc(def.args[i]));
    return out + ")";
}

}  // namespace gostart::linux
