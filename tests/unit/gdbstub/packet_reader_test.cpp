// The Remote Serial Protocol's framing: packets whole or in pieces, acks, the interrupt byte, escapes,
// and malformed input (bad checksum, bad digits, overlong) reported as items, never thrown.
#include "gdbstub/packet_reader.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using gostart::gdbstub::frame;
using gostart::gdbstub::Incoming;
using gostart::gdbstub::PacketReader;
using Kind = gostart::gdbstub::Incoming::Kind;

namespace {

std::vector<Incoming> read_all(std::string_view bytes, size_t max = 64) {
    PacketReader r(max);
    std::vector<Incoming> out;
    r.feed(bytes, out);
    return out;
}

}  // namespace

TEST_CASE("a packet is its payload once the checksum matches", "[gdbstub][framing]") {
    // 'g' is 0x67: the checksum gdb itself sends with `$g`.
    auto items = read_all("$g#67");
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == Kind::packet);
    CHECK(items[0].data == "g");
    // The sum is modulo 256: "m45e500,8" sums to 0x234, written as its low byte.
    items = read_all("$m45e500,8#34");
    REQUIRE(items.size() == 1);
    CHECK(items[0].data == "m45e500,8");
}

TEST_CASE("a packet split into single bytes reads the same", "[gdbstub][framing]") {
    PacketReader r(64);
    std::vector<Incoming> out;
    for (char c : std::string("+$qC#b4-\x03")) r.feed(std::string_view(&c, 1), out);
    REQUIRE(out.size() == 4);
    CHECK(out[0].kind == Kind::ack);
    CHECK(out[1].kind == Kind::packet);
    CHECK(out[1].data == "qC");
    CHECK(out[2].kind == Kind::nack);
    CHECK(out[3].kind == Kind::interrupt);
}

TEST_CASE("a wrong checksum or a non-hex digit is a bad packet, and the next one still reads", "[gdbstub][framing]") {
    auto items = read_all("$g#68$g#6x$g#67");
    REQUIRE(items.size() == 3);
    CHECK(items[0].kind == Kind::bad_checksum);
    CHECK(items[1].kind == Kind::bad_checksum);
    CHECK(items[2].kind == Kind::packet);
}

TEST_CASE("an overlong packet is reported without its payload and the stream goes on", "[gdbstub][framing]") {
    std::string big(100, 'a');
    std::string bytes = frame(big) + frame("qC");
    auto items = read_all(bytes, 16);
    REQUIRE(items.size() == 2);
    CHECK(items[0].kind == Kind::overlong);
    CHECK(items[0].data.empty());
    CHECK(items[1].kind == Kind::packet);
    CHECK(items[1].data == "qC");
    // At the limit exactly it is fine.
    items = read_all(frame(std::string(16, 'b')), 16);
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == Kind::packet);
}

TEST_CASE("escaped bytes are undone and the checksum covers them as sent", "[gdbstub][framing]") {
    // X binary data with `}` escaping: `}]` is 0x5d ^ 0x20 = '}' and `}\x03` is '#'.
    std::string payload = "X10,2:";
    payload += '}';
    payload += '#';
    std::string framed = frame(payload);
    CHECK(framed.find("}]") != std::string::npos);
    CHECK(framed.find(std::string("}\x03")) != std::string::npos);
    auto items = read_all(framed);
    REQUIRE(items.size() == 1);
    CHECK(items[0].kind == Kind::packet);
    CHECK(items[0].data == payload);
}

TEST_CASE("frame() writes the checksum gdb expects", "[gdbstub][framing]") {
    CHECK(frame("") == "$#00");
    CHECK(frame("OK") == "$OK#9a");  // 'O' 0x4f + 'K' 0x4b
    CHECK(frame("g") == "$g#67");
}

TEST_CASE("random bytes never throw and a good packet after them still reads", "[gdbstub][framing]") {
    std::mt19937 rng(7);
    const std::string alphabet = "$#}+-\x03" "0123456789abcdefgXZ,:;";
    for (int round = 0; round < 200; ++round) {
        PacketReader r(32);
        std::vector<Incoming> out;
        std::string noise;
        for (int i = 0; i < 300; ++i) noise += alphabet[rng() % alphabet.size()];
        REQUIRE_NOTHROW(r.feed(noise, out));
        for (const auto& in : out) CHECK(in.data.size() <= 32);
        out.clear();
        // Whatever state the noise left: a '#' and two digits end any packet, then a clean one reads.
        r.feed("#00", out);
        out.clear();
        r.feed("$qC#b4", out);
        REQUIRE_FALSE(out.empty());
        CHECK(out.back().kind == Kind::packet);
        CHECK(out.back().data == "qC");
    }
}
