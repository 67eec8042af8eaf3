// Expectation: one prediction of the model — "this field must hold this value, because ..." — and
// Check: the same after the checker read the field from guest memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gostart::model {

// Where a value lives. `object` names a runtime object the checker can locate:
//   g0 m0 sched          the static runtime.g0 / runtime.m0 / runtime.sched
//   allp[N]              the N-th P (through the allp slice)
//   g1                   the main goroutine (allgs[0]: the first g newproc creates)
//   curg                 the g at g's TLS slot (-8(FS), or with cgo where glibc put runtime.tlsg) on the checking thread
//   fs:N                 memory at the FS base + N (glibc's thread control block)
//   m[id=N]              the M with id N on the allm list
//   fs                   the FS base register itself (path empty)
//   var:NAME             a global variable, `size` bytes at the symbol NAME (+ path as a byte offset)
//   mem:0xADDR           raw memory at an address the model computed
//   deref:OBJ.PATH       memory at the address held in field PATH of OBJ
//   exit                 the process's exit status
// `type` is the runtime struct type of the object (g, m, p, schedt) and `path` a field path in it.
struct FieldRef {
    std::string object;
    std::string type;
    std::string path;
    uint64_t size = 8;       // for var: and mem: (struct fields take their size from the layout)
    uint64_t offset = 0;     // extra byte offset (var:/mem:, or an element inside an array field)
    std::string label;       // what the report calls it, e.g. "g0.stack.hi"
};

// What the value must be: a number, or something the checker locates in memory:
//   "g1", "allp[1]"        the address of that object
//   "&m0.tls+8"            the address of a field, plus a byte offset
//   "g1.stack.lo+2048"     the value of another field, plus a number
//   "fs"                   the FS base register
struct Expected {
    std::optional<uint64_t> value;
    std::string address_of;  // used when value is empty
    bool is_address = false; // print as 0x… rather than decimal
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
