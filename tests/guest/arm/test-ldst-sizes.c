/*
 * test-ldst-sizes.c — A64 load/store sizes and signedness (ARM ARM C6.2): LDRB/LDRH/LDR W/X,
 * LDRSB/LDRSH to W and X, LDRSW, STRB/STRH/STR W that write only their bytes, the same through
 * the unscaled and register-offset forms, LDR (literal) for W, X and LDRSW plus PRFM (literal),
 * and the unprivileged LDTR/STTR family (same as normal accesses at EL1 with the MMU off).
 * Single-threaded bare metal.
 */
#include "runtime.h"

static uint8_t bytes[32] __attribute__((aligned(16))) = {
    0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x01, 0x7f, 0x80, 0xff, 0x10, 0x32, 0x54, 0x76,
};

static void test_loads(void)
{
    uint64_t x;
    uint8_t *p = bytes;
    __asm__ volatile("mov %0, #-1\n ldrb %w0, [%1, #2]" : "=&r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xa3);
    __asm__ volatile("ldrsb %w0, [%1, #2]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xffffffa3); /* to W: sign-extended to 32 bits, upper half zero */
    __asm__ volatile("ldrsb %0, [%1, #2]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xffffffffffffffa3ull);
    __asm__ volatile("ldrsb %0, [%1, #9]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0x7f);
    __asm__ volatile("ldrh %w0, [%1, #2]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xb4a3);
    __asm__ volatile("ldrsh %w0, [%1, #2]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xffffb4a3);
    __asm__ volatile("ldrsh %0, [%1, #2]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xffffffffffffb4a3ull);
    __asm__ volatile("ldrsh %0, [%1, #14]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0x7654);
    __asm__ volatile("ldr %w0, [%1, #4]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xf8e7d6c5);
    __asm__ volatile("ldrsw %0, [%1, #4]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0xfffffffff8e7d6c5ull);
    __asm__ volatile("ldrsw %0, [%1, #12]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0x76543210);
    __asm__ volatile("ldr %0, [%1, #8]" : "=r"(x) : "r"(p) : "memory");
    CHECK_EQ(x, 0x76543210ff807f01ull);
    /* unscaled and register-offset variants of the signed loads */
    __asm__ volatile("ldursb %0, [%1, #-1]" : "=r"(x) : "r"(p + 11) : "memory");
    CHECK_EQ(x, 0xffffffffffffff80ull);
    __asm__ volatile("ldursh %w0, [%1, #-3]" : "=r"(x) : "r"(p + 13) : "memory");
    CHECK_EQ(x, 0xffffff80);
    __asm__ volatile("ldursw %0, [%1, #1]" : "=r"(x) : "r"(p + 3) : "memory");
    CHECK_EQ(x, 0xfffffffff8e7d6c5ull);
    __asm__ volatile("ldrsw %0, [%1, %2, lsl #2]" : "=r"(x) : "r"(p), "r"(1ull) : "memory");
    CHECK_EQ(x, 0xfffffffff8e7d6c5ull);
    __asm__ volatile("ldrsh %w0, [%1, %2, lsl #1]" : "=r"(x) : "r"(p), "r"(5ull) : "memory");
    CHECK_EQ(x, 0xffffff80);
    __asm__ volatile("ldrsb %0, [%1, %w2, sxtw]" : "=r"(x) : "r"(p + 4), "r"(-4) : "memory");
    CHECK_EQ(x, 0xffffffffffffff81ull);
    /* post-index signed byte */
    uint8_t *q = p + 10;
    __asm__ volatile("ldrsb %0, [%1], #1" : "=r"(x), "+r"(q) : : "memory");
    CHECK_EQ(x, 0xffffffffffffff80ull);
    CHECK_EQ((uint64_t)q, (uint64_t)(p + 11));
}

static void test_stores(void)
{
    uint64_t v[2] __attribute__((aligned(16))) = {0, 0};
    __asm__ volatile("strb %w1, [%0, #1]" : : "r"(v), "r"(0x12345678u) : "memory");
    CHECK_EQ(v[0], 0x7800);
    __asm__ volatile("strh %w1, [%0, #4]" : : "r"(v), "r"(0xabcdef01u) : "memory");
    CHECK_EQ(v[0], 0xef0100007800ull);
    __asm__ volatile("str %w1, [%0, #8]" : : "r"(v), "r"(0xffffffff11223344ull) : "memory");
    CHECK_EQ(v[1], 0x11223344);
    __asm__ volatile("sturh %w1, [%0, #-2]" : : "r"((uint64_t)v + 16), "r"(0x5566u) : "memory");
    CHECK_EQ(v[1], 0x5566000011223344ull);
    __asm__ volatile("strb %w1, [%0, %2]" : : "r"(v), "r"(0x99u), "r"(7ull) : "memory");
    CHECK_EQ(v[0], 0x9900ef0100007800ull);
    __asm__ volatile("strh wzr, [%0, #4]" : : "r"(v) : "memory");
    CHECK_EQ(v[0], 0x9900000000007800ull);
}

static void test_literal(void)
{
    uint64_t x, y, z;
    __asm__ volatile("ldr %w0, 1f\n"
                     "ldr %1, 2f\n"
                     "ldrsw %2, 1f\n"
                     "prfm pldl1keep, 1f\n"
                     "b 3f\n"
                     ".balign 8\n"
                     "1: .word 0x89abcdef\n"
                     ".word 0\n"
                     "2: .quad 0x0123456789abcdef\n"
                     "3:\n"
                     : "=r"(x), "=r"(y), "=r"(z));
    CHECK_EQ(x, 0x89abcdef);
    CHECK_EQ(y, 0x0123456789abcdefull);
    CHECK_EQ(z, 0xffffffff89abcdefull);
    /* a literal before the instruction (negative offset) */
    __asm__ volatile("b 1f\n"
                     "0: .quad 0xfedcba9876543210\n"
                     "1: ldr %0, 0b\n"
                     : "=r"(x));
    CHECK_EQ(x, 0xfedcba9876543210ull);
}

static void test_unprivileged(void)
{
    uint64_t v = 0, x;
    __asm__ volatile("sttr %1, [%0]" : : "r"(&v), "r"(0x8877665544332211ull) : "memory");
    CHECK_EQ(v, 0x8877665544332211ull);
    __asm__ volatile("ldtr %0, [%1]" : "=r"(x) : "r"(&v) : "memory");
    CHECK_EQ(x, 0x8877665544332211ull);
    __asm__ volatile("ldtrsb %0, [%1, #7]" : "=r"(x) : "r"(&v) : "memory");
    CHECK_EQ(x, 0xffffffffffffff88ull);
    __asm__ volatile("ldtrh %w0, [%1, #2]" : "=r"(x) : "r"(&v) : "memory");
    CHECK_EQ(x, 0x4433);
    __asm__ volatile("ldtrsw %0, [%1, #4]" : "=r"(x) : "r"(&v) : "memory");
    CHECK_EQ(x, 0xffffffff88776655ull);
    __asm__ volatile("sttrb %w1, [%0, #-1]" : : "r"((uint64_t)&v + 1), "r"(0xaau) : "memory");
    CHECK_EQ(v, 0x88776655443322aaull);
}

int main(void)
{
    test_loads();
    test_stores();
    test_literal();
    test_unprivileged();
    return guest_report();
}
