#include "fuzz/view_codec.h"

#include <cstring>
#include <string>

namespace gostart::fuzz {
namespace {

constexpr char kMagic[4] = {'G', 'S', 'V', '1'};

class Reader {
public:
    explicit Reader(std::span<const uint8_t> b) : b_(b) {}
    bool ok() const { return ok_; }
    size_t pos() const { return pos_; }
    uint8_t u8() { return static_cast<uint8_t>(take(1)); }
    uint32_t u32() { return static_cast<uint32_t>(take(4)); }
    uint64_t u64() { return take(8); }
    std::string str() {
        size_t n = u8();
        if (!ok_ || n > b_.size() - pos_) { ok_ = false; return {}; }
        std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
        pos_ += n;
        return s;
    }

private:
    uint64_t take(size_t n) {
        if (!ok_ || n > b_.size() - pos_) { ok_ = false; return 0; }
        uint64_t v = 0;
        std::memcpy(&v, b_.data() + pos_, n);  // little-endian host
        pos_ += n;
        return v;
    }
    std::span<const uint8_t> b_;
    size_t pos_ = 0;
    bool ok_ = true;
};

struct Writer {
    std::vector<uint8_t> out;
    void u8(uint8_t v) { out.push_back(v); }
    void u32(uint32_t v) { put(v, 4); }
    void u64(uint64_t v) { put(v, 8); }
    void str(const std::string& s) {
        size_t n = std::min<size_t>(s.size(), 255);
        u8(static_cast<uint8_t>(n));
        out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
    }
    void put(uint64_t v, size_t n) {
        for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
};

}  // namespace

std::optional<loader::BinaryView> decode_view(std::span<const uint8_t> input) {
    if (input.size() < sizeof kMagic || std::memcmp(input.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
    Reader r(input.subspan(sizeof kMagic));
    loader::BinaryView v;
    v.path = "fuzz-input";
    while (r.ok()) {
        switch (r.u8()) {
            case 'P': {
                loader::Segment s;
                s.type = r.u32();
                s.flags = r.u32();
                s.offset = r.u64();
                s.vaddr = r.u64();
                s.filesz = r.u64();
                s.memsz = r.u64();
                if (r.ok()) v.segments.push_back(s);
                break;
            }
            case 'S': {
                loader::Section s;
                s.name = r.str();
                s.type = r.u32();
                s.flags = r.u64();
                s.addr = r.u64();
                s.offset = r.u64();
                s.size = r.u64();
                if (r.ok()) v.sections.push_back(std::move(s));
                break;
            }
            case 'Y': {
                loader::SymbolEntry s;
                s.name = r.str();
                s.value = r.u64();
                s.size = r.u64();
                s.is_function = r.u8() != 0;
                if (r.ok()) v.symbols.push_back(std::move(s));
                break;
            }
            case 'E':
                v.entry = r.u64();
                break;
            case 'F':
                if (!r.ok()) return std::nullopt;
                v.file = input.subspan(sizeof kMagic + r.pos());
                return v;
            default:
                return std::nullopt;
        }
    }
    return std::nullopt;
}

std::vector<uint8_t> encode_view(const loader::BinaryView& view) {
    Writer w;
    w.out.assign(kMagic, kMagic + sizeof kMagic);
    for (const auto& s : view.segments) {
        w.u8('P');
        w.u32(s.type);
        w.u32(s.flags);
        w.u64(s.offset);
        w.u64(s.vaddr);
        w.u64(s.filesz);
        w.u64(s.memsz);
    }
    for (const auto& s : view.sections) {
        w.u8('S');
        w.str(s.name);
        w.u32(s.type);
        w.u64(s.flags);
        w.u64(s.addr);
        w.u64(s.offset);
        w.u64(s.size);
    }
    for (const auto& s : view.symbols) {
        w.u8('Y');
        w.str(s.name);
        w.u64(s.value);
        w.u64(s.size);
        w.u8(s.is_function ? 1 : 0);
    }
    w.u8('E');
    w.u64(view.entry);
    w.u8('F');
    w.out.insert(w.out.end(), view.file.begin(), view.file.end());
    return w.out;
}

}  // namespace gostart::fuzz
