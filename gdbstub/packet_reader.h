// The Remote Serial Protocol's framing: what gdb sends is a stream of `$payload#cs` packets (cs: the
// modulo-256 sum of the payload bytes, two hex digits), `+`/`-` acknowledgements and the interrupt
// byte 0x03. PacketReader slices a byte stream into those items, whatever pieces the bytes arrive
// in; frame() builds an outgoing packet. Malformed input becomes an item of its own (bad checksum,
// overlong) for the server to answer, never an exception.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::gdbstub {

struct Incoming {
    enum class Kind {
        packet,        // a well-formed packet: `data` is its payload, `}` escapes undone
        ack,           // `+`
        nack,          // `-`: resend the last packet
        interrupt,     // 0x03: stop the running program
        bad_checksum,  // a complete packet whose checksum does not match
        overlong,      // a packet longer than the limit: its payload was dropped
    };
    Kind kind = Kind::packet;
    std::string data;
};

class PacketReader {
public:
    // `max_payload`: the longest payload accepted (what qSupported announces as PacketSize).
    explicit PacketReader(size_t max_payload) : max_(max_payload) {}

    // Consumes `bytes`; each complete item is appended to `out`. Bytes between packets that are
    // none of `+ - $ 0x03` (line noise) are ignored.
    void feed(std::string_view bytes, std::vector<Incoming>& out);

private:
    enum class State { idle, payload, checksum1, checksum2 };
    size_t max_;
    State state_ = State::idle;
    std::string raw_;        // the payload as sent (escapes included), for the checksum
    bool too_long_ = false;  // raw_ was dropped: the packet is over the limit
    unsigned sum_ = 0;
    int given_ = 0;          // checksum digits read so far
    bool bad_digit_ = false;
};

// `$payload#cs`, with `$ # } *` in the payload escaped as `}` followed by the byte xor 0x20.
std::string frame(std::string_view payload);

}  // namespace gostart::gdbstub
