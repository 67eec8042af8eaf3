#include "gostructs/model_fields.h"

#include <array>

namespace gostart::gostructs {

namespace {

constexpr ModelField F(std::string_view t, std::string_view p, bool opt = false) { return {t, p, opt}; }

constexpr std::array kFields = {
    F("g", "stack"), F("g", "stack.lo"), F("g", "stack.hi"), F("g", "stackguard0"), F("g", "stackguard1"),
    F("g", "_panic"), F("g", "_defer"), F("g", "m"), F("g", "sched"), F("g", "sched.sp"), F("g", "sched.pc"),
    F("g", "sched.g"), F("g", "sched.ctxt"), F("g", "sched.bp"), F("g", "syscallsp"), F("g", "syscallpc"),
    F("g", "syscallbp", true), F("g", "stktopsp"), F("g", "param"), F("g", "atomicstatus"), F("g", "goid"),
    F("g", "schedlink"), F("g", "waitreason"), F("g", "preempt"), F("g", "lockedm"), F("g", "gopc"),
    F("g", "startpc"),
    F("m", "g0"), F("m", "morebuf"), F("m", "procid"), F("m", "gsignal"), F("m", "tls"), F("m", "mstartfn"),
    F("m", "curg"), F("m", "p"), F("m", "nextp"), F("m", "oldp"), F("m", "id"), F("m", "mallocing"),
    F("m", "locks"), F("m", "spinning"), F("m", "blocked"), F("m", "alllink"), F("m", "schedlink"),
    F("m", "lockedg"),
    F("p", "id"), F("p", "status"), F("p", "link"), F("p", "schedtick"), F("p", "syscalltick"), F("p", "m"),
    F("p", "mcache"), F("p", "goidcache"), F("p", "goidcacheend"), F("p", "runqhead"), F("p", "runqtail"),
    F("p", "runq"), F("p", "runnext"),
    F("schedt", "goidgen"), F("schedt", "lastpoll"), F("schedt", "lock"), F("schedt", "midle"),
    F("schedt", "nmidle"), F("schedt", "nmidlelocked"), F("schedt", "mnext"), F("schedt", "maxmcount"),
    F("schedt", "nmsys"), F("schedt", "nmfreed"), F("schedt", "ngsys"), F("schedt", "pidle"),
    F("schedt", "npidle"), F("schedt", "nmspinning"), F("schedt", "runq"), F("schedt", "runqsize", true),
    F("schedt", "runq.size", true),
    F("gobuf", "sp"), F("gobuf", "pc"), F("gobuf", "g"), F("gobuf", "ctxt"), F("gobuf", "ret", true),
    F("gobuf", "lr"), F("gobuf", "bp"),
    F("stack", "lo"), F("stack", "hi"),
};

constexpr std::array<std::string_view, 6> kTypes = {"g", "m", "p", "schedt", "gobuf", "stack"};

}  // namespace

std::span<const ModelField> model_fields() { return kFields; }
std::span<const std::string_view> model_types() { return kTypes; }

}  // namespace gostart::gostructs
