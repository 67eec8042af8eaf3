#include "stepper/repl.h"

#include <editline/readline.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <sys/select.h>
#include <unistd.h>

namespace gostart::stepper {
namespace {

inline constexpr const char* kPrompt = "(gostart) ";
Debugger* g_debugger = nullptr;
std::vector<std::string> g_words;

char* next_word(const char* text, int state) {
    static size_t i;
    static std::string prefix;
    if (!state) i = 0, prefix = text;
    while (i < g_words.size()) {
        const std::string& w = g_words[i++];
        if (w.compare(0, prefix.size(), prefix) == 0) return strdup(w.c_str());
    }
    return nullptr;
}

char** complete(const char* text, int, int) {
    rl_attempted_completion_over = 1;  // no file-name completion
    return rl_completion_matches(text, next_word);
}

std::string history_file() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.gostart_history";
}

void on_sigint(int) { Controller::interrupted = true; }

// Ctrl-C: during a run it stops the run before the next block (Controller polls the flag); at the
// prompt it abandons the line being typed. Either way the session goes on. The handler stays for the
// whole session; libedit, which takes SIGINT while it reads, hands it on to it.
struct SigintHandler {
    struct sigaction old {};
    SigintHandler() {
        struct sigaction sa {};
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old);  // no SA_RESTART: a blocked read returns, the prompt comes back
    }
    ~SigintHandler() { sigaction(SIGINT, &old, nullptr); }
};

// How libedit reads a key. A Ctrl-C can come before libedit's read() begins (while it sets up the
// terminal after printing the prompt): the handler has run, the flag is set, and a plain read() would
// then wait for the next key with the Quit never shown. So SIGINT stays blocked except inside pselect,
// which lets it in and returns at once; the flag is looked at before each wait, and a Ctrl-C, whenever
// it comes, ends the line (EOF: readline returns NULL, the loop below prints Quit).
int read_key(FILE* in) {
    sigset_t with_int, without_int;
    sigemptyset(&with_int);
    sigaddset(&with_int, SIGINT);
    sigprocmask(SIG_BLOCK, &with_int, &without_int);
    sigdelset(&without_int, SIGINT);
    int fd = fileno(in), key = EOF;
    for (;;) {
        if (Controller::interrupted) break;
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fd, &fds);
        int r = pselect(fd + 1, &fds, nullptr, nullptr, nullptr, &without_int);
        if (r < 0 && errno == EINTR) continue;  // the flag says whether it was a Ctrl-C
        if (r < 0) break;
        unsigned char c = 0;
        ssize_t n = ::read(fd, &c, 1);
        if (n == 1) key = c;
        if (n == 1 || n == 0 || errno != EINTR) break;
    }
    sigprocmask(SIG_UNBLOCK, &with_int, nullptr);
    return key;
}

}  // namespace

void run_interactive(Debugger& d) {
    g_debugger = &d;
    g_words = d.completion_words();
    rl_attempted_completion_function = complete;
    rl_getc_function = read_key;
    std::string hist = history_file();
    using_history();
    read_history(hist.c_str());
    std::string last;
    SigintHandler sigint;
    d.banner();
    d.show_position();
    for (;;) {
        Controller::interrupted = false;
        char* raw = readline(kPrompt);
        if (!raw) {
            if (Controller::interrupted) {  // Ctrl-C at the prompt: "Quit" on a line of its own, then a fresh prompt
                std::cout << "\nQuit\n";
                std::cout.flush();
                continue;
            }
            std::cout << "\n";
            break;
        }
        std::string line = raw;
        std::free(raw);
        if (line.find_first_not_of(" \t") == std::string::npos) line = last;
        else if (line != last) add_history(line.c_str()), write_history(hist.c_str());
        last = line;
        Controller::interrupted = false;
        if (!d.execute(line)) break;
    }
}

void run_script(Debugger& d, std::istream& in) {
    std::string line;
    d.banner();
    d.show_position();
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
        d.out() << kPrompt << line << std::endl;  // flushed: what follows is this command's
        if (!d.execute(line)) break;
    }
}

}  // namespace gostart::stepper
