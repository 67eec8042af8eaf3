// Package init tasks as the Go runtime keeps them (runtime.initTask), read from guest memory, and the
// two things inittrace needs to name and weigh what they do: the package a function belongs to (the
// runtime's own funcpkgpath rule) and the heap bytes the runtime's inittrace counts for an allocation.
//
// The task layout changed in go1.21. Before (1.13-1.20) a task lists its dependencies itself and
// runtime.doInit recurses into them:  state uintptr; ndeps uintptr; nfns uintptr; deps [ndeps]*initTask;
// fns [nfns]uintptr.  From 1.21 the linker orders the tasks and runtime.doInit1 runs one:
// state uint32; nfns uint32; fns [nfns]uintptr.  In both, a fn is the entry PC of an init function.
#pragma once

#include "runtime_model/guest_view.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gostart::model {

enum class InitTaskLayout {
    with_deps,  // go1.13 - go1.20
    fns_only,   // go1.21+
};

// The layout a Go release 1.minor uses.
InitTaskLayout init_task_layout_for(int go_minor);
std::string_view init_task_layout_name(InitTaskLayout l);  // "go1.13-1.20 (state, ndeps, nfns, deps, fns)" ...

struct InitTask {
    uint64_t addr = 0;
    uint64_t state = 0;            // 0 not started, 1 running, 2 done
    std::vector<uint64_t> deps;    // with_deps only: the tasks run first
    std::vector<uint64_t> fns;     // entry PCs, in the order they run
};

// nullopt when the bytes cannot be read or the counts are not a task's (more than kMaxInitTaskEntries).
inline constexpr uint64_t kMaxInitTaskEntries = 1 << 16;
std::optional<InitTask> read_init_task(const GuestView& mem, uint64_t addr, InitTaskLayout layout);

// The package path of a function, as the runtime's funcpkgpath cuts it: up to the first '.' after the
// last '/' ("main.init.0" -> "main", "vendor/golang.org/x/net/idna.init" -> "vendor/golang.org/x/net/idna").
std::string_view function_package(std::string_view function_name);

// What the runtime's inittrace adds to its byte count for one mallocgc(size) (go1.16+): the size rounded
// up to its size class (to pages above 32 KiB); tiny allocations (no pointers, under 16 bytes) share a
// 16-byte block and count 16 bytes only when they start a new one. TinyBlock follows that one block as
// the allocating goroutine's mcache would; it starts empty, the runtime's may not (docs/inittrace.md).
// From go1.22 (`malloc_header`) an object with pointers above 512 bytes carries an 8-byte header in
// front, which the size class must hold too, and objects above 32760 bytes are large.
struct TinyBlock {
    bool open = false;
    uint64_t offset = 0;
};
uint64_t inittrace_counted_bytes(uint64_t size, bool noscan, TinyBlock& tiny, bool malloc_header = false);

}  // namespace gostart::model
