// Progress: while a long run goes on, one line on a terminal — instructions so far, threads, the
// function the running thread is in — rewritten in place at most ten times a second, and erased
// before anything else is written to the terminal (the emulator's own lines through std::cerr, the
// guest's writes to stdout and stderr), so it never mixes with real output. Only when stderr is a
// terminal: tests, pipes and files see nothing of it.
#pragma once

#include <chrono>
#include <memory>
#include <streambuf>
#include <string>

namespace gostart::session {

class Session;

class Progress {
public:
    // Null unless stderr is a terminal. Hooks itself into the session's process and std::cerr.
    static std::unique_ptr<Progress> on_terminal(Session& session);
    ~Progress();  // erases the line and gives std::cerr its own buffer back
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void tick();   // redraws when 100 ms have passed since the last drawing
    void erase();  // removes the line if it is shown

private:
    explicit Progress(Session& session);
    class ErasingBuf;

    Session& session_;
    std::unique_ptr<ErasingBuf> buf_;
    std::streambuf* cerr_buf_ = nullptr;
    std::chrono::steady_clock::time_point next_;
    bool shown_ = false;
};

}  // namespace gostart::session
