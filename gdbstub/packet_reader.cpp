#include "gdbstub/packet_reader.h"

#include <fmt/format.h>

namespace gostart::gdbstub {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string unescape(std::string_view raw) {
    std::string s;
    s.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '}' && i + 1 < raw.size()) s += static_cast<char>(raw[++i] ^ 0x20);
        else s += raw[i];
    }
    return s;
}

}  // namespace

void PacketReader::feed(std::string_view bytes, std::vector<Incoming>& out) {
    for (char c : bytes) {
        switch (state_) {
            case State::idle:
                if (c == '$') {
                    state_ = State::payload;
                    raw_.clear();
                    too_long_ = false;
                    sum_ = 0;
                } else if (c == '+') {
                    out.push_back({Incoming::Kind::ack, {}});
                } else if (c == '-') {
                    out.push_back({Incoming::Kind::nack, {}});
                } else if (c == '\x03') {
                    out.push_back({Incoming::Kind::interrupt, {}});
                }
                break;
            case State::payload:
                if (c == '#') {
                    state_ = State::checksum1;
                    given_ = 0;
                    bad_digit_ = false;
                    break;
                }
                if (c == '$') {  // a new packet before this one ended: gdb gave up on it
                    raw_.clear();
                    too_long_ = false;
                    sum_ = 0;
                    break;
                }
                sum_ = (sum_ + static_cast<uint8_t>(c)) & 0xff;
                if (too_long_) break;
                if (raw_.size() >= max_) {
                    too_long_ = true;
                    raw_.clear();
                    raw_.shrink_to_fit();
                    break;
                }
                raw_ += c;
                break;
            case State::checksum1:
            case State::checksum2: {
                int d = hex_digit(c);
                if (d < 0) bad_digit_ = true;
                given_ = given_ << 4 | (d < 0 ? 0 : d);
                if (state_ == State::checksum1) {
                    state_ = State::checksum2;
                    break;
                }
                state_ = State::idle;
                if (bad_digit_ || static_cast<unsigned>(given_) != sum_)
                    out.push_back({Incoming::Kind::bad_checksum, {}});
                else if (too_long_)
                    out.push_back({Incoming::Kind::overlong, {}});
                else
                    out.push_back({Incoming::Kind::packet, unescape(raw_)});
                raw_.clear();
                break;
            }
        }
    }
}

std::string frame(std::string_view payload) {
    std::string s = "$";
    unsigned sum = 0;
    for (char c : payload) {
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            s += '}';
            sum += '}';
            c = static_cast<char>(c ^ 0x20);
        }
        s += c;
        sum += static_cast<uint8_t>(c);
    }
    return s + fmt::format("#{:02x}", sum & 0xff);
}

}  // namespace gostart::gdbstub
