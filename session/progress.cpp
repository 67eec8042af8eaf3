#include "session/progress.h"

#include "session/session.h"

#include <fmt/format.h>

#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace gostart::session {
namespace {

constexpr auto kInterval = std::chrono::milliseconds(100);

void write_all(const std::string& s) {
    for (size_t done = 0; done < s.size();) {
        ssize_t n = ::write(2, s.data() + done, s.size() - done);
        if (n <= 0) return;  // the terminal went away: progress is not worth an error
        done += static_cast<size_t>(n);
    }
}

size_t terminal_width() {
    winsize w{};
    return ::ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 10 ? w.ws_col : 80;
}

}  // namespace

// std::cerr's buffer while progress is shown: it erases the line before passing anything on.
class Progress::ErasingBuf : public std::streambuf {
public:
    ErasingBuf(Progress& p, std::streambuf* to) : p_(p), to_(to) {}

protected:
    int overflow(int c) override {
        if (c == traits_type::eof()) return traits_type::not_eof(c);
        p_.erase();
        return to_->sputc(static_cast<char>(c));
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        p_.erase();
        return to_->sputn(s, n);
    }
    int sync() override { return to_->pubsync(); }

private:
    Progress& p_;
    std::streambuf* to_;
};

std::unique_ptr<Progress> Progress::on_terminal(Session& session) {
    if (!::isatty(2)) return nullptr;
    return std::unique_ptr<Progress>(new Progress(session));
}

Progress::Progress(Session& session) : session_(session), next_(std::chrono::steady_clock::now() + kInterval) {
    buf_ = std::make_unique<ErasingBuf>(*this, std::cerr.rdbuf());
    cerr_buf_ = std::cerr.rdbuf(buf_.get());
    session_.process().set_run_hooks([this] { tick(); }, [this] { erase(); });
}

Progress::~Progress() {
    erase();
    session_.process().set_run_hooks(nullptr, nullptr);
    std::cerr.rdbuf(cerr_buf_);
}

void Progress::tick() {
    auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + kInterval;
    auto& proc = session_.process();
    uint64_t pc = session_.engine().reg(cpu::Reg::rip);
    const loader::Symbol* f = session_.program().symbols.function_at(pc);
    std::string where = f ? std::string(loader::plain_name(f->name)) : fmt::format("{:#x}", pc);
    std::string line = fmt::format("gostart-emu: {:>10} insns  {} threads  thread {} in {}",
                                   session_.engine().instructions(), proc.threads().size(), proc.current_tid(), where);
    size_t width = terminal_width() - 1;  // never the last column: a full line would wrap
    if (line.size() > width) line.resize(width);
    std::cout.flush();  // the guest's output before the line, never after it
    write_all("\r" + line + "\x1b[K");
    shown_ = true;
}

void Progress::erase() {
    if (!shown_) return;
    shown_ = false;
    write_all("\r\x1b[K");
}

}  // namespace gostart::session
