// Sink: the trace's output buffer. Everything a trace writes — instruction lines, call notes, strace
// lines, milestones — is appended to one large string and written to the destination in chunks of a
// megabyte, so a trace of millions of lines costs a memcpy per line and a write per megabyte, and the
// events keep the order in which they happened. It is also a std::streambuf, so the Linux layer's
// strace stream can point at it.
#pragma once

#include <functional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace gostart::trace {

class Sink final : public std::streambuf {
public:
    explicit Sink(std::ostream& dest, size_t chunk = size_t{1} << 20);
    ~Sink() override;
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    void put(std::string_view s) {
        buf_.append(s);
        if (buf_.size() >= chunk_) flush();
    }
    // For writers that append in place: the buffer, then done() once the line is complete.
    std::string& buffer() { return buf_; }
    void done() {
        if (buf_.size() >= chunk_) flush();
    }
    void flush();

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

private:
    std::ostream& dest_;
    size_t chunk_;
    std::string buf_;
};

// A streambuf that hands each complete line written to it to `fn` (without the newline): the strace
// stream of a JSONL trace, whose lines become syscall events.
class LineStream final : public std::streambuf {
public:
    explicit LineStream(std::function<void(std::string_view)> fn) : fn_(std::move(fn)) {}
    ~LineStream() override;

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;

private:
    std::function<void(std::string_view)> fn_;
    std::string line_;
};

}  // namespace gostart::trace
