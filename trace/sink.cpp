#include "trace/sink.h"

namespace gostart::trace {

Sink::Sink(std::ostream& dest, size_t chunk) : dest_(dest), chunk_(chunk) { buf_.reserve(chunk + 4096); }

Sink::~Sink() { flush(); }

void Sink::flush() {
    if (!buf_.empty()) dest_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.clear();
    dest_.flush();
}

Sink::int_type Sink::overflow(int_type c) {
    if (c != traits_type::eof()) {
        buf_.push_back(static_cast<char>(c));
        done();
    }
    return traits_type::not_eof(c);
}

std::streamsize Sink::xsputn(const char* s, std::streamsize n) {
    put(std::string_view(s, static_cast<size_t>(n)));
    return n;
}

int Sink::sync() { return 0; }  // flushed in chunks and at the end: a sync per strace line would cost a write each

LineStream::~LineStream() {
    if (!line_.empty()) fn_(line_);
}

LineStream::int_type LineStream::overflow(int_type c) {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    xsputn(&ch, 1);
    return c;
}

std::streamsize LineStream::xsputn(const char* s, std::streamsize n) {
    for (std::streamsize i = 0; i < n; ++i) {
        if (s[i] == '\n') {
            fn_(line_);
            line_.clear();
        } else {
            line_ += s[i];
        }
    }
    return n;
}

}  // namespace gostart::trace
