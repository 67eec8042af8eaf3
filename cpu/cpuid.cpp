#include "cpu/cpuid.h"
#include "cpu/unicorn_release.h"

namespace gostart::cpu {
namespace {

struct Row {
    uint32_t leaf, subleaf;
    CpuidResult r;
};

// Leaf 1 EDX bits Unicorn 2.0.1 leaves out (see cpuid.h): FPU (0), TSC (4), MMX (23).
constexpr uint32_t kBaselineEdx1 = (1u << 0) | (1u << 4) | (1u << 23);
// Leaf 7 EBX: BMI1 (3), ADX (19), and BMI2 (8) only where pdep and pext compute right (cpuid.h).
constexpr uint32_t kLeaf7Ebx = (1u << 3) | (1u << 19) | (kUnicorn21 ? 1u << 8 : 0);

constexpr Row kRows[] = {
    {0x0, 0, {0x0000000d, 0x68747541, 0x444d4163, 0x69746e65}},  // max leaf 0xd, "AuthenticAMD"
    {0x1, 0, {0x00000663, 0x00000800, 0x02182200, 0x07088100 | kBaselineEdx1}},
    {0x2, 0, {0x00000001, 0x00000000, 0x00000000, 0x002c307d}},
    {0x4, 0, {0x00000121, 0x01c0003f, 0x0000003f, 0x00000001}},
    {0x4, 1, {0x00000122, 0x01c0003f, 0x0000003f, 0x00000001}},
    {0x4, 2, {0x00000143, 0x03c0003f, 0x00000fff, 0x00000001}},
    {0x5, 0, {0x00000000, 0x00000000, 0x00000003, 0x00000000}},
    {0x7, 0, {0x00000000, kLeaf7Ebx, 0x00000000, 0x00000000}},  // no AVX2
    {0x80000000, 0, {0x8000000a, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00000663, 0x00000000, 0x00000021, 0x28000000}},  // LAHF, LZCNT; RDTSCP, long mode
    {0x80000002, 0, {0x554d4551, 0x72695620, 0x6c617574, 0x55504320}},  // "QEMU Virtual CPU version 2.5+"
    {0x80000003, 0, {0x72657620, 0x6e6f6973, 0x352e3220, 0x0000002b}},
    {0x80000005, 0, {0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140}},  // L1 caches (AMD)
    {0x80000006, 0, {0x00000000, 0x42004200, 0x02008140, 0x00000000}},  // L2 cache (AMD)
    {0x80000008, 0, {0x00003028, 0x00000000, 0x00000000, 0x00000000}},  // 40-bit physical, 48-bit virtual
};

bool has_subleaves(uint32_t leaf) { return leaf == 0x4 || leaf == 0x7 || leaf == 0xb || leaf == 0xd; }

}  // namespace

CpuidResult cpuid(uint32_t leaf, uint32_t subleaf) {
    if (!has_subleaves(leaf)) subleaf = 0;
    for (const Row& row : kRows)
        if (row.leaf == leaf && row.subleaf == subleaf) return row.r;
    return {};
}

}  // namespace gostart::cpu
