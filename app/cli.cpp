#include "app/cli.h"

#include "app/commands.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace gostart::app {
namespace {

// CLI11 does not know that the words after the options are PROGRAM [ARGS...] (take_program reads them),
// nor that `run` is the default command.
class UsageFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App* app, std::string name) const override {
        if (!app->get_parent())
            return fmt::format("Usage: {0} [run] [OPTIONS] PROGRAM [ARGS...]\n"
                               "       {0} COMMAND [OPTIONS] PROGRAM [ARGS...]\n",
                               name);
        if (app->get_name() == "diff") return fmt::format("Usage: {} [OPTIONS] A B\n", name);  // two inputs, no ARGS
        bool positional = !app->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
        return fmt::format("Usage: {} [OPTIONS] {}\n", name, positional ? "PROGRAM" : "PROGRAM [ARGS...]");
    }
};

constexpr const char* kFooter =
    "SIZE: a number with an optional K, M, G or T suffix (powers of 1024: 4G is 4294967296 bytes).\n"
    "A report in a machine format (--json, --format jsonl|folded, a report FILE of '-') goes to stdout, or to\n"
    "-o FILE; while a report owns stdout, the program's own stdout goes to stderr. The summary, --strace and\n"
    "the emulator's messages go to stderr (or -o FILE). The whole contract: docs/cli.md.";

}  // namespace

void set_up_help(CLI::App& app) {
    auto f = std::make_shared<UsageFormatter>();
    f->column_width(34);
    app.formatter(f);
    app.footer(kFooter);
}

CLI::Validator size_argument(uint64_t unit) {
    return CLI::Validator(
        [unit](std::string& s) -> std::string {
            static constexpr std::pair<const char*, int> kSuffixes[] = {
                {"", 0}, {"k", 1}, {"kib", 1}, {"m", 2}, {"mib", 2}, {"g", 3}, {"gib", 3}, {"t", 4}, {"tib", 4}};
            size_t digits = 0;
            while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
            std::string suffix = s.substr(digits);
            for (char& c : suffix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            const std::string bad = fmt::format("{}: not a SIZE (a number with an optional K, M, G or T suffix)", s);
            if (digits == 0 || digits > 19) return bad;
            for (auto [name, power] : kSuffixes) {
                if (suffix != name) continue;
                uint64_t v = std::stoull(s.substr(0, digits)), times = power ? uint64_t{1} << (10 * power) : unit;
                if (__builtin_mul_overflow(v, times, &v)) return fmt::format("{}: too large", s);
                s = std::to_string(v);
                return "";
            }
            return bad;
        },
        "", "SIZE");
}

void require_writable(const std::string& path, std::string_view option) {
    if (path.empty() || path == kStdout) return;
    auto fail = [&](const std::string& why) {
        throw UsageError(fmt::format("{}: cannot write ({}): {}", path, option, why), false);
    };
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) fail("it is a directory");
        if (::access(path.c_str(), W_OK) != 0) fail(std::strerror(errno));
        return;
    }
    if (errno != ENOENT) fail(std::strerror(errno));
    auto slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (::stat(dir.c_str(), &st) != 0) fail(fmt::format("no directory {}", dir));
    if (!S_ISDIR(st.st_mode)) fail(fmt::format("{} is not a directory", dir));
    if (::access(dir.c_str(), W_OK) != 0) fail(fmt::format("directory {}: {}", dir, std::strerror(errno)));
}

void announce_written(const std::string& path, std::string_view what) {
    std::cerr << fmt::format("gostart-emu: wrote {} ({})\n", path, what);
    std::cerr.flush();
}

void add_run_options(CLI::App& cmd, session::RunOptions& o) {
    // Everything after the first positional word (the program) belongs to the program.
    cmd.prefix_command(true);
    cmd.add_option("-o,--output", o.output, "the emulator's own output (summary, strace, trace, report) goes to FILE")
        ->type_name("FILE");
    cmd.add_flag("--strace", o.strace, "log every syscall, one strace-style line each, with its thread");
    cmd.add_option("-s,--string-limit", o.string_limit,
                   "--strace shows at most N bytes of each string and buffer (default 32, as strace)")
        ->type_name("N")
        ->check(CLI::Range(0, 1 << 20).description(""));
    cmd.add_option("--cpus", o.cpus, "the number of CPUs the guest sees, 1 to 64 (default 4, not the host's)")
        ->type_name("N")
        ->check(CLI::Range(1, 64).description(""));
    cmd.add_option("--clock", o.clock, "virtual (default): time advances with instructions; host: the real clock")
        ->type_name("virtual|host")
        ->check(CLI::IsMember({"virtual", "host"}).description(""));
    cmd.add_option("--seed", o.seed, "AT_RANDOM bytes and getrandom() output derive from N")->type_name("N");
    cmd.add_flag("--clean-env", o.clean_env, "a fixed minimal environment instead of the host's");
    cmd.add_option("--env", o.env, "set one environment variable (repeatable)")
        ->type_name("NAME=VALUE")
        ->allow_extra_args(false);
    cmd.add_option("--max-insns", o.max_insns, "stop with status 125 after N instructions")->type_name("N");
    cmd.add_option("--max-memory", o.max_memory, "stop with status 125 past SIZE of committed guest memory (default 4G)")
        ->transform(size_argument())
        ->type_name("SIZE");
    cmd.add_option("--max-idle", o.max_idle,
                   "stop with status 125 when every thread has waited SECONDS (virtual) with no input or output "
                   "(default 600; 0: no limit)")
        ->type_name("SECONDS");
    cmd.add_option("--allow-write", o.allow_write, "let the guest create or change files under DIR (repeatable)")
        ->type_name("DIR")
        ->allow_extra_args(false);
    cmd.add_flag("-q,--quiet", o.quiet, "no start-up summary: only the program's own output");
}

void add_gdb_option(CLI::App& cmd, session::RunOptions& o) {
    cmd.add_option("--gdb", o.gdb, "wait for gdb on HOST:PORT (loopback when only PORT; 0: any free port) "
                                   "before the first instruction")
        ->type_name("HOST:PORT");
}

bool take_program(CLI::App& cmd, session::RunOptions& o) {
    std::vector<std::string> rest = cmd.remaining();
    if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
    if (rest.empty()) return false;
    o.program = rest.front();
    o.args.assign(rest.begin() + 1, rest.end());
    return true;
}

}  // namespace gostart::app
