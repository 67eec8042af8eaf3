// Expectation: one prediction of the model — "this field must hold this value, because ..." — and
// Check: the same after the checker read the field from guest memory. Places and expected values are
// typed (variants over RuntimeObject), so a misspelt object or a malformed place does not compile.
#pragma once

#include "runtime_model/runtime_object.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gostart::model {

// Where a value lives.
namespace place {
struct Field {       // a field of a runtime object, `path` in its type's layout (the layout gives the size)
    RuntimeObject object;
    std::string path;
};
struct Global {      // `size` bytes at a symbol plus `offset` (runtime.argc, len(allp) = runtime.allp + 8)
    std::string symbol;
    uint64_t size = 8;
    uint64_t offset = 0;
};
struct Memory {      // raw memory at an address the model computed
    guest::Addr addr;
    uint64_t size = 8;
};
struct Deref {       // 8 bytes at the address held in a field (a funcval's code pointer, *g1.sched.sp)
    RuntimeObject object;
    std::string path;
};
struct FsRelative {  // 8 bytes at FS + offset (g's TLS slot; glibc's thread control block at FS+0)
    int64_t offset = 0;
};
struct FsBase {};    // the FS base register itself
struct ExitStatus {};
}  // namespace place

struct FieldRef {
    std::variant<place::Field, place::Global, place::Memory, place::Deref, place::FsRelative, place::FsBase,
                 place::ExitStatus>
        where;
    std::string label;  // what the report calls it, e.g. "g0.stack.hi"
};

// What the value must be: a number, or something the checker locates in memory.
namespace expect {
struct Value {           // a number the model computed
    uint64_t v = 0;
};
struct AddressOf {       // the address of an object: g1, allp[1]
    RuntimeObject object;
};
struct FieldAddress {    // the address of a field plus a byte offset: &m0.tls+8
    RuntimeObject object;
    std::string path;
    uint64_t plus = 0;
};
struct FieldPlus {       // the value of another field plus a number: g1.stack.lo+8192
    RuntimeObject object;
    std::string path;
    uint64_t plus = 0;
};
struct FsBase {};        // the FS base register
}  // namespace expect

struct Expected {
    std::variant<expect::Value, expect::AddressOf, expect::FieldAddress, expect::FieldPlus, expect::FsBase> what;
    bool is_address = false;  // print as 0x… rather than decimal
    // How a located value is named in the report ("g1", "&m0.tls+8", "fs"); "" for a number.
    std::string describe() const;
};

struct Expectation {
    FieldRef where;
    Expected expected;
    std::string why;
};

struct Check {
    std::string field;
    std::string expected;
    std::string actual;
    bool ok = false;
    std::string why;
};

}  // namespace gostart::model
