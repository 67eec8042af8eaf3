// Generated from the runtime sources named per table (see version_tables.h for how); one row per
// field: {"type.path", offset, size}; a row without a dot is the whole structure's size.
#include "gostructs/version_tables.h"

#include <array>

namespace gostart::gostructs {

namespace {

// go1.19.8: src/runtime of Debian's golang-1.19-src (tests check it against DWARF)
constexpr std::array<TableRow, 88> kGo1_19 = {{
    {"g", 0, 392}, {"m", 0, 1008}, {"p", 0, 8912}, {"schedt", 0, 6080}, {"gobuf", 0, 56}, {"stack", 0, 16},
    {"g.stack", 0, 16}, {"g.stack.lo", 0, 8}, {"g.stack.hi", 8, 8}, {"g.stackguard0", 16, 8},
    {"g.stackguard1", 24, 8}, {"g._panic", 32, 8}, {"g._defer", 40, 8}, {"g.m", 48, 8}, {"g.sched", 56, 56},
    {"g.sched.sp", 56, 8}, {"g.sched.pc", 64, 8}, {"g.sched.g", 72, 8}, {"g.sched.ctxt", 80, 8},
    {"g.sched.bp", 104, 8}, {"g.syscallsp", 112, 8}, {"g.syscallpc", 120, 8}, {"g.stktopsp", 128, 8},
    {"g.param", 136, 8}, {"g.atomicstatus", 144, 4}, {"g.goid", 152, 8}, {"g.schedlink", 160, 8},
    {"g.waitreason", 176, 1}, {"g.preempt", 177, 1}, {"g.lockedm", 232, 8}, {"g.gopc", 296, 8}, {"g.startpc", 312, 8},
    {"m.g0", 0, 8}, {"m.morebuf", 8, 56}, {"m.procid", 72, 8}, {"m.gsignal", 80, 8}, {"m.tls", 136, 48},
    {"m.mstartfn", 184, 8}, {"m.curg", 192, 8}, {"m.p", 208, 8}, {"m.nextp", 216, 8}, {"m.oldp", 224, 8},
    {"m.id", 232, 8}, {"m.mallocing", 240, 4}, {"m.locks", 264, 4}, {"m.spinning", 276, 1}, {"m.blocked", 277, 1},
    {"m.alllink", 336, 8}, {"m.schedlink", 344, 8}, {"m.lockedg", 352, 8}, {"p.id", 0, 4}, {"p.status", 4, 4},
    {"p.link", 8, 8}, {"p.schedtick", 16, 4}, {"p.syscalltick", 20, 4}, {"p.m", 56, 8}, {"p.mcache", 64, 8},
    {"p.goidcache", 384, 8}, {"p.goidcacheend", 392, 8}, {"p.runqhead", 400, 4}, {"p.runqtail", 404, 4},
    {"p.runq", 408, 2048}, {"p.runnext", 2456, 8}, {"schedt.goidgen", 0, 8}, {"schedt.lastpoll", 8, 8},
    {"schedt.lock", 24, 8}, {"schedt.midle", 32, 8}, {"schedt.nmidle", 40, 4}, {"schedt.nmidlelocked", 44, 4},
    {"schedt.mnext", 48, 8}, {"schedt.maxmcount", 56, 4}, {"schedt.nmsys", 60, 4}, {"schedt.nmfreed", 64, 8},
    {"schedt.ngsys", 72, 4}, {"schedt.pidle", 80, 8}, {"schedt.npidle", 88, 4}, {"schedt.nmspinning", 92, 4},
    {"schedt.runq", 96, 16}, {"schedt.runqsize", 112, 4}, {"gobuf.sp", 0, 8}, {"gobuf.pc", 8, 8}, {"gobuf.g", 16, 8},
    {"gobuf.ctxt", 24, 8}, {"gobuf.ret", 32, 8}, {"gobuf.lr", 40, 8}, {"gobuf.bp", 48, 8}, {"stack.lo", 0, 8},
    {"stack.hi", 8, 8},
}};

// go1.20.6: src/runtime of the go1.20.6 source tree
constexpr std::array<TableRow, 88> kGo1_20 = {{
    {"g", 0, 392}, {"m", 0, 1000}, {"p", 0, 8904}, {"schedt", 0, 1632}, {"gobuf", 0, 56}, {"stack", 0, 16},
    {"g.stack", 0, 16}, {"g.stack.lo", 0, 8}, {"g.stack.hi", 8, 8}, {"g.stackguard0", 16, 8},
    {"g.stackguard1", 24, 8}, {"g._panic", 32, 8}, {"g._defer", 40, 8}, {"g.m", 48, 8}, {"g.sched", 56, 56},
    {"g.sched.sp", 56, 8}, {"g.sched.pc", 64, 8}, {"g.sched.g", 72, 8}, {"g.sched.ctxt", 80, 8},
    {"g.sched.bp", 104, 8}, {"g.syscallsp", 112, 8}, {"g.syscallpc", 120, 8}, {"g.stktopsp", 128, 8},
    {"g.param", 136, 8}, {"g.atomicstatus", 144, 4}, {"g.goid", 152, 8}, {"g.schedlink", 160, 8},
    {"g.waitreason", 176, 1}, {"g.preempt", 177, 1}, {"g.lockedm", 232, 8}, {"g.gopc", 296, 8}, {"g.startpc", 312, 8},
    {"m.g0", 0, 8}, {"m.morebuf", 8, 56}, {"m.procid", 72, 8}, {"m.gsignal", 80, 8}, {"m.tls", 136, 48},
    {"m.mstartfn", 184, 8}, {"m.curg", 192, 8}, {"m.p", 208, 8}, {"m.nextp", 216, 8}, {"m.oldp", 224, 8},
    {"m.id", 232, 8}, {"m.mallocing", 240, 4}, {"m.locks", 264, 4}, {"m.spinning", 276, 1}, {"m.blocked", 277, 1},
    {"m.alllink", 336, 8}, {"m.schedlink", 344, 8}, {"m.lockedg", 352, 8}, {"p.id", 0, 4}, {"p.status", 4, 4},
    {"p.link", 8, 8}, {"p.schedtick", 16, 4}, {"p.syscalltick", 20, 4}, {"p.m", 56, 8}, {"p.mcache", 64, 8},
    {"p.goidcache", 384, 8}, {"p.goidcacheend", 392, 8}, {"p.runqhead", 400, 4}, {"p.runqtail", 404, 4},
    {"p.runq", 408, 2048}, {"p.runnext", 2456, 8}, {"schedt.goidgen", 0, 8}, {"schedt.lastpoll", 8, 8},
    {"schedt.lock", 24, 8}, {"schedt.midle", 32, 8}, {"schedt.nmidle", 40, 4}, {"schedt.nmidlelocked", 44, 4},
    {"schedt.mnext", 48, 8}, {"schedt.maxmcount", 56, 4}, {"schedt.nmsys", 60, 4}, {"schedt.nmfreed", 64, 8},
    {"schedt.ngsys", 72, 4}, {"schedt.pidle", 80, 8}, {"schedt.npidle", 88, 4}, {"schedt.nmspinning", 92, 4},
    {"schedt.runq", 104, 16}, {"schedt.runqsize", 120, 4}, {"gobuf.sp", 0, 8}, {"gobuf.pc", 8, 8}, {"gobuf.g", 16, 8},
    {"gobuf.ctxt", 24, 8}, {"gobuf.ret", 32, 8}, {"gobuf.lr", 40, 8}, {"gobuf.bp", 48, 8}, {"stack.lo", 0, 8},
    {"stack.hi", 8, 8},
}};

// go1.23.5: src/runtime of the go1.23.5 source tree
constexpr std::array<TableRow, 89> kGo1_23 = {{
    {"g", 0, 432}, {"m", 0, 1760}, {"p", 0, 8944}, {"schedt", 0, 6824}, {"gobuf", 0, 56}, {"stack", 0, 16},
    {"g.stack", 0, 16}, {"g.stack.lo", 0, 8}, {"g.stack.hi", 8, 8}, {"g.stackguard0", 16, 8},
    {"g.stackguard1", 24, 8}, {"g._panic", 32, 8}, {"g._defer", 40, 8}, {"g.m", 48, 8}, {"g.sched", 56, 56},
    {"g.sched.sp", 56, 8}, {"g.sched.pc", 64, 8}, {"g.sched.g", 72, 8}, {"g.sched.ctxt", 80, 8},
    {"g.sched.bp", 104, 8}, {"g.syscallsp", 112, 8}, {"g.syscallpc", 120, 8}, {"g.syscallbp", 128, 8},
    {"g.stktopsp", 136, 8}, {"g.param", 144, 8}, {"g.atomicstatus", 152, 4}, {"g.goid", 160, 8},
    {"g.schedlink", 168, 8}, {"g.waitreason", 184, 1}, {"g.preempt", 185, 1}, {"g.lockedm", 216, 8},
    {"g.gopc", 288, 8}, {"g.startpc", 304, 8}, {"m.g0", 0, 8}, {"m.morebuf", 8, 56}, {"m.procid", 72, 8},
    {"m.gsignal", 80, 8}, {"m.tls", 136, 48}, {"m.mstartfn", 184, 8}, {"m.curg", 192, 8}, {"m.p", 208, 8},
    {"m.nextp", 216, 8}, {"m.oldp", 224, 8}, {"m.id", 232, 8}, {"m.mallocing", 240, 4}, {"m.locks", 264, 4},
    {"m.spinning", 276, 1}, {"m.blocked", 277, 1}, {"m.alllink", 328, 8}, {"m.schedlink", 336, 8},
    {"m.lockedg", 344, 8}, {"p.id", 0, 4}, {"p.status", 4, 4}, {"p.link", 8, 8}, {"p.schedtick", 16, 4},
    {"p.syscalltick", 20, 4}, {"p.m", 48, 8}, {"p.mcache", 56, 8}, {"p.goidcache", 376, 8},
    {"p.goidcacheend", 384, 8}, {"p.runqhead", 392, 4}, {"p.runqtail", 396, 4}, {"p.runq", 400, 2048},
    {"p.runnext", 2448, 8}, {"schedt.goidgen", 0, 8}, {"schedt.lastpoll", 8, 8}, {"schedt.lock", 24, 8},
    {"schedt.midle", 32, 8}, {"schedt.nmidle", 40, 4}, {"schedt.nmidlelocked", 44, 4}, {"schedt.mnext", 48, 8},
    {"schedt.maxmcount", 56, 4}, {"schedt.nmsys", 60, 4}, {"schedt.nmfreed", 64, 8}, {"schedt.ngsys", 72, 4},
    {"schedt.pidle", 80, 8}, {"schedt.npidle", 88, 4}, {"schedt.nmspinning", 92, 4}, {"schedt.runq", 104, 16},
    {"schedt.runqsize", 120, 4}, {"gobuf.sp", 0, 8}, {"gobuf.pc", 8, 8}, {"gobuf.g", 16, 8}, {"gobuf.ctxt", 24, 8},
    {"gobuf.ret", 32, 8}, {"gobuf.lr", 40, 8}, {"gobuf.bp", 48, 8}, {"stack.lo", 0, 8}, {"stack.hi", 8, 8},
}};

}  // namespace

std::span<const VersionTable> tables_go119_go127() {
    static const std::array<VersionTable, 3> tables = {{
        {19, "go1.19.8", kGo1_19},
        {20, "go1.20.6", kGo1_20},
        {23, "go1.23.5", kGo1_23},
    }};
    return tables;
}

}  // namespace gostart::gostructs
