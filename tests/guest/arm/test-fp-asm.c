/*
 * test-fp-asm.c — floating-point instructions through inline asm with operands moved in and
 * out by FMOV from general registers (no SIMD&FP loads or stores): FADD/FMUL/FMADD/FSQRT
 * with FPCR rounding modes, FZ and DN, FPSR flags, FCMP/FCCMP/FCSEL, FCVT/SCVTF/FCVTZS, FMOV
 * immediate and Vn.D[1], and vector FADD/FMLA (by element)/FCMGT/FRECPE/FMAXNMV/FADDP/FCVTN2.
 * Expected values follow ARM ARM J1.3 and were checked on qemu-system-aarch64.
 * Single-threaded bare metal.
 */
#include "runtime.h"

static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" ::"r"(v)); }
static uint64_t take_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr\n msr fpsr, xzr" : "=r"(v));
    return v & 0x9f;
}

static uint64_t fadd_d(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fadd d2, d0, d1\n fmov %0, d2"
                     : "=r"(r) : "r"(a), "r"(b) : "v0", "v1", "v2");
    return r;
}

static uint64_t fmul_s(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile("fmov s0, %w1\n fmov s1, %w2\n fmul s2, s0, s1\n fmov %w0, s2"
                     : "=r"(r) : "r"(a), "r"(b) : "v0", "v1", "v2");
    return r;
}

static uint64_t fmadd_d(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t r;
    __asm__ volatile("fmov d0, %1\n fmov d1, %2\n fmov d3, %3\n fmadd d2, d0, d1, d3\n"
                     " fmov %0, d2" : "=r"(r) : "r"(a), "r"(b), "r"(c) : "v0", "v1", "v2", "v3");
    return r;
}

static void test_scalar(void)
{
    take_fpsr();
    CHECK_EQ(fadd_d(0x3ff0000000000000ull, 0x4000000000000000ull), 0x4008000000000000ull);
    CHECK_EQ(fmul_s(0x3f7fffff, 0x00800000), 0x00800000); /* tiny before rounding */
    CHECK_EQ(take_fpsr(), 0x18);
    set_fpcr(1u << 24); /* FZ */
    CHECK_EQ(fmul_s(0x3f7fffff, 0x00800000), 0);
    CHECK_EQ(take_fpsr(), 0x08);
    set_fpcr(1u << 25); /* DN */
    CHECK_EQ(fadd_d(0x7ff0000000000001ull, 0), 0x7ff8000000000000ull);
    CHECK_EQ(take_fpsr(), 0x01);
    set_fpcr(0);
    /* the signalling NaN (second operand) wins over the quiet one */
    CHECK_EQ(fadd_d(0x7ff8000000000005ull, 0x7ff0000000000007ull), 0x7ff8000000000007ull);
    set_fpcr(2u << 22); /* RMode = toward minus infinity */
    CHECK_EQ(fadd_d(0x3ff0000000000000ull, 0xbff0000000000000ull), 0x8000000000000000ull);
    set_fpcr(0);
    /* fused: 0.1 * 10 - 1 = 2^-54 */
    CHECK_EQ(fmadd_d(0x3fb999999999999aull, 0x4024000000000000ull, 0xbff0000000000000ull),
             0x3c90000000000000ull);
    take_fpsr();
    uint64_t r, nzcv;
    __asm__ volatile("fmov d0, %2\n fcmp d0, #0.0\n mrs %1, nzcv\n fsqrt d1, d0\n fmov %0, d1"
                     : "=r"(r), "=r"(nzcv) : "r"(0xc000000000000000ull) : "v0", "v1", "cc");
    CHECK_EQ(nzcv >> 28, 0x8);
    CHECK_EQ(r, 0x7ff8000000000000ull);
    CHECK_EQ(take_fpsr(), 0x01);
    __asm__ volatile("fmov s0, #-1.5\n fmov s1, #2.0\n fcmp s0, s1\n fccmp s1, s0, #0, lt\n"
                     " fcsel s2, s0, s1, gt\n fmov %w0, s2\n mrs %1, nzcv"
                     : "=r"(r), "=r"(nzcv) :: "v0", "v1", "v2", "cc");
    CHECK_EQ(r, 0xbfc00000);
    CHECK_EQ(nzcv >> 28, 0x2);
    __asm__ volatile("fmov d0, %1\n fcvtzs %w0, d0" : "=r"(r) : "r"(0x41f0000000000000ull) : "v0");
    CHECK_EQ(r, 0x7fffffff); /* 2^32 saturates */
    CHECK_EQ(take_fpsr(), 0x01);
    __asm__ volatile("scvtf d0, %1, #4\n fcvt s1, d0\n fcvt h2, s1\n fcvt d3, h2\n fmov %0, d3"
                     : "=r"(r) : "r"(-40ll) : "v0", "v1", "v2", "v3");
    CHECK_EQ(r, 0xc004000000000000ull); /* -40 / 16 = -2.5 */
    __asm__ volatile("fmov d0, %1\n fmov v0.d[1], %1\n frintx d1, d0\n fmov %0, v0.d[1]"
                     : "=r"(r) : "r"(0x4004000000000000ull) : "v0", "v1");
    CHECK_EQ(r, 0x4004000000000000ull);
    CHECK_EQ(take_fpsr(), 0x10); /* FRINTX of 2.5 is inexact */
}

/* Vectors are built with FMOV Dn / FMOV Vn.D[1] only (both scalar-FP encodings). */
#define ONES_S 0x3f8000003f800000ull   /* {1.0, 1.0} */
#define HALVES_S 0x3f0000003f000000ull /* {0.5, 0.5} */

static void test_vector(void)
{
    uint64_t lo, hi;
    /* FADD 4S, then FMLA 4S by element (0.5 * 1.0 added to 1.5) */
    __asm__ volatile("fmov d0, %2\n fmov v0.d[1], %2\n fmov d1, %3\n fmov v1.d[1], %3\n"
                     " fadd v2.4s, v0.4s, v1.4s\n fmla v2.4s, v1.4s, v0.s[1]\n"
                     " fmov %0, d2\n fmov %1, v2.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(ONES_S), "r"(HALVES_S) : "v0", "v1", "v2");
    CHECK_EQ(lo, 0x4000000040000000ull);
    CHECK_EQ(hi, 0x4000000040000000ull);
    /* FCMGT 2D: {2.0, 0.0} > {1.0, 1.0} */
    __asm__ volatile("fmov d0, %2\n fmov v0.d[1], %2\n fmov d1, %3\n"
                     " fcmgt v2.2d, v1.2d, v0.2d\n fmov %0, d2\n fmov %1, v2.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(0x3ff0000000000000ull), "r"(0x4000000000000000ull)
                     : "v0", "v1", "v2");
    CHECK_EQ(lo, ~0ull);
    CHECK_EQ(hi, 0);
    /* FRECPE 2S of 1.0 is 511/512; the 64-bit result clears bits 127:64 */
    __asm__ volatile("fmov d0, %2\n fmov v1.d[1], %2\n frecpe v1.2s, v0.2s\n"
                     " fmov %0, d1\n fmov %1, v1.d[1]" : "=r"(lo), "=r"(hi) : "r"(ONES_S)
                     : "v0", "v1");
    CHECK_EQ(lo, 0x3f7f80003f7f8000ull);
    CHECK_EQ(hi, 0);
    /* FMAXNMV over {-3, quiet NaN, 1.0, -3}: the NaN loses */
    __asm__ volatile("fmov d0, %1\n fmov v0.d[1], %2\n fmaxnmv s2, v0.4s\n fmov %w0, s2"
                     : "=r"(lo) : "r"(0x7fc00000c0400000ull), "r"(0xc04000003f800000ull)
                     : "v0", "v2");
    CHECK_EQ(lo, 0x3f800000);
    /* FADDP (scalar) and FCVTN2 (narrow into the upper half, lower half kept) */
    __asm__ volatile("fmov d0, %2\n faddp s1, v0.2s\n fmov d3, %3\n fmov v3.d[1], %3\n"
                     " fcvtn2 v1.4s, v3.2d\n fmov %0, d1\n fmov %1, v1.d[1]"
                     : "=r"(lo), "=r"(hi) : "r"(ONES_S), "r"(0x3ff8000000000000ull)
                     : "v0", "v1", "v3");
    CHECK_EQ(lo, 0x40000000);
    CHECK_EQ(hi, 0x3fc000003fc00000ull);
}

int main(void)
{
    test_scalar();
    test_vector();
    return guest_report();
}
