#include "runtime_model/checker.h"

#include <fmt/format.h>

#include <algorithm>

namespace gostart::model {
namespace {

std::string show(uint64_t v, bool is_address) { return is_address ? fmt::format("{:#x}", v) : fmt::format("{}", v); }

template <class... F>
struct overloaded : F... {
    using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::string Expected::describe() const {
    return std::visit(overloaded{
                          [](const expect::Value&) { return std::string(); },
                          [](const expect::AddressOf& a) { return a.object.name(); },
                          [](const expect::FieldAddress& a) {
                              return fmt::format("&{}.{}{}", a.object.name(), a.path,
                                                 a.plus ? fmt::format("+{}", a.plus) : std::string());
                          },
                          [](const expect::FieldPlus& a) {
                              return fmt::format("{}.{}{}", a.object.name(), a.path,
                                                 a.plus ? fmt::format("+{}", a.plus) : std::string());
                          },
                          [](const expect::FsBase&) { return std::string("fs"); },
                      },
                      what);
}

Checker::Checker(const GuestView& guest, const gostructs::StructLayouts& layouts, const ModelInputs& inputs,
                 int64_t g_tls_offset)
    : guest_(guest), layouts_(layouts),
      objects_(guest, layouts, [&inputs](std::string_view n) { return inputs.symbol(std::string(n)); }, g_tls_offset) {}

std::optional<Checker::Span> Checker::locate(const FieldRef& ref) const {
    using R = std::optional<Span>;
    return std::visit(overloaded{
                          [&](const place::Field& f) -> R {
                              auto a = objects_.field_address(f.object, f.path);
                              auto l = layouts_.field(f.object.type(), f.path);
                              if (!a || !l) return std::nullopt;
                              return Span{*a, std::min<uint64_t>(l->size, 8)};
                          },
                          [&](const place::Global& g) -> R {
                              auto a = objects_.symbol(g.symbol);
                              if (!a) return std::nullopt;
                              return Span{guest::Addr(*a + g.offset), g.size};
                          },
                          [&](const place::Memory& m) -> R { return Span{m.addr, m.size}; },
                          [&](const place::Deref& d) -> R {
                              auto p = objects_.field_value(d.object, d.path);
                              if (!p) return std::nullopt;
                              return Span{guest::Addr(*p), 8};
                          },
                          [&](const place::FsRelative& f) -> R {
                              return Span{guest::Addr(guest_.fs_base() + static_cast<uint64_t>(f.offset)), 8};
                          },
                          [](const place::FsBase&) -> R { return std::nullopt; },
                          [](const place::ExitStatus&) -> R { return std::nullopt; },
                      },
                      ref.where);
}

std::optional<uint64_t> Checker::read_field(const FieldRef& ref, std::optional<int> exit_status, std::string& error) const {
    if (std::holds_alternative<place::FsBase>(ref.where)) return guest_.fs_base();
    if (std::holds_alternative<place::ExitStatus>(ref.where)) {
        if (!exit_status) error = "(not exited)";
        return exit_status ? std::optional<uint64_t>(static_cast<uint64_t>(*exit_status)) : std::nullopt;
    }
    if (auto* f = std::get_if<place::Field>(&ref.where); f && !layouts_.field(f->object.type(), f->path)) {
        error = fmt::format("(no layout for {}.{})", f->object.type(), f->path);
        return std::nullopt;
    }
    auto s = locate(ref);
    if (!s) {
        error = "(cannot locate)";
        return std::nullopt;
    }
    auto v = guest_.read_uint(s->addr, s->size);
    if (!v) error = fmt::format("(unreadable at {:#x})", s->addr.addr());
    return v;
}

std::optional<uint64_t> Checker::expected_value(const Expected& e, std::string& error) const {
    using R = std::optional<uint64_t>;
    R v = std::visit(overloaded{
                         [](const expect::Value& x) -> R { return x.v; },
                         [&](const expect::AddressOf& x) -> R {
                             auto a = objects_.address(x.object);
                             return a ? R(a->addr()) : std::nullopt;
                         },
                         [&](const expect::FieldAddress& x) -> R {
                             auto a = objects_.field_address(x.object, x.path);
                             return a ? R(a->addr() + x.plus) : std::nullopt;
                         },
                         [&](const expect::FieldPlus& x) -> R {
                             auto fv = objects_.field_value(x.object, x.path);
                             return fv ? R(*fv + x.plus) : std::nullopt;
                         },
                         [&](const expect::FsBase&) -> R { return guest_.fs_base(); },
                     },
                     e.what);
    if (!v) error = "(cannot locate " + e.describe() + ")";
    return v;
}

std::vector<Check> Checker::evaluate(const std::vector<Expectation>& expectations, std::optional<int> exit_status) const {
    std::vector<Check> out;
    for (const auto& e : expectations) {
        Check c;
        c.field = e.where.label;
        c.why = e.why;
        std::string err_actual, err_expected;
        auto actual = read_field(e.where, exit_status, err_actual);
        auto expected = expected_value(e.expected, err_expected);
        c.expected = expected ? show(*expected, e.expected.is_address) : err_expected;
        if (std::string d = e.expected.describe(); !d.empty() && expected) c.expected += " (" + d + ")";
        c.actual = actual ? show(*actual, e.expected.is_address) : err_actual;
        c.ok = actual && expected && *actual == *expected;
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace gostart::model
