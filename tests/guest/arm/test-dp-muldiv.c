/*
 * test-dp-muldiv.c — A64 multiply, divide and variable shifts: MADD, MSUB, MUL, MNEG (W/X),
 * SMADDL, SMSUBL, UMADDL, UMSUBL, SMULL, UMULL, SMULH, UMULH, UDIV and SDIV (division by
 * zero gives 0, INT_MIN / -1 gives INT_MIN, rounding toward zero), LSLV, LSRV, ASRV, RORV
 * (count taken modulo the width). Expected values follow ARM ARM C6.2. Single-threaded bare
 * metal.
 */
#include "runtime.h"

static const uint64_t min64 = 0x8000000000000000ull, max64 = 0x7fffffffffffffffull;

static void test_madd(void)
{
    uint64_t r;
    __asm__ volatile("madd %0, %1, %2, %3" : "=r"(r) : "r"(3ull), "r"(4ull), "r"(5ull));
    CHECK_EQ(r, 17);
    __asm__ volatile("msub %0, %1, %2, %3" : "=r"(r) : "r"(3ull), "r"(4ull), "r"(5ull));
    CHECK_EQ(r, (uint64_t)-7);
    __asm__ volatile("mul %0, %1, %2" : "=r"(r) : "r"(0x100000001ull), "r"(0x100000001ull));
    CHECK_EQ(r, 0x200000001ull);
    __asm__ volatile("mul %0, %1, %2" : "=r"(r) : "r"(min64), "r"(~0ull));
    CHECK_EQ(r, min64);
    __asm__ volatile("mneg %0, %1, %2" : "=r"(r) : "r"(7ull), "r"(6ull));
    CHECK_EQ(r, (uint64_t)-42);
    __asm__ volatile("mul %w0, %w1, %w2" : "=r"(r) : "r"(0x10000ull), "r"(0x10000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("mul %w0, %w1, %w2" : "=r"(r) : "r"(0xffffffffull), "r"(0xffffffffull));
    CHECK_EQ(r, 1);
    __asm__ volatile("madd %w0, %w1, %w2, %w3" : "=r"(r)
                     : "r"(0x500000002ull), "r"(0x700000003ull), "r"(0xffffffff00000001ull));
    CHECK_EQ(r, 7);
    __asm__ volatile("msub %w0, %w1, %w2, %w3" : "=r"(r) : "r"(2ull), "r"(3ull), "r"(1ull));
    CHECK_EQ(r, 0xfffffffbull);
    __asm__ volatile("madd %0, %1, %2, xzr" : "=r"(r) : "r"(9ull), "r"(9ull));
    CHECK_EQ(r, 81);
}

static void test_long_mul(void)
{
    uint64_t r;
    __asm__ volatile("smull %0, %w1, %w2" : "=r"(r) : "r"(0xffffffffull), "r"(0xffffffffull));
    CHECK_EQ(r, 1);
    __asm__ volatile("umull %0, %w1, %w2" : "=r"(r) : "r"(0xffffffffull), "r"(0xffffffffull));
    CHECK_EQ(r, 0xfffffffe00000001ull);
    __asm__ volatile("smull %0, %w1, %w2" : "=r"(r) : "r"(0x80000000ull), "r"(0x7fffffffull));
    CHECK_EQ(r, 0xc000000080000000ull);
    __asm__ volatile("smull %0, %w1, %w2" : "=r"(r) : "r"(0x80000000ull), "r"(0x80000000ull));
    CHECK_EQ(r, 0x4000000000000000ull);
    __asm__ volatile("smaddl %0, %w1, %w2, %3" : "=r"(r)
                     : "r"(0xfffffffeull), "r"(3ull), "r"(10ull));
    CHECK_EQ(r, 4);
    __asm__ volatile("smsubl %0, %w1, %w2, %3" : "=r"(r)
                     : "r"(0xfffffffeull), "r"(3ull), "r"(10ull));
    CHECK_EQ(r, 16);
    __asm__ volatile("umaddl %0, %w1, %w2, %3" : "=r"(r)
                     : "r"(0x1fffffffeull), "r"(3ull), "r"(10ull));
    CHECK_EQ(r, 0x2fffffffaull + 10);
    __asm__ volatile("umsubl %0, %w1, %w2, %3" : "=r"(r) : "r"(2ull), "r"(3ull), "r"(5ull));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("smnegl %0, %w1, %w2" : "=r"(r) : "r"(0xffffffffull), "r"(5ull));
    CHECK_EQ(r, 5);
    __asm__ volatile("umnegl %0, %w1, %w2" : "=r"(r) : "r"(0xffffffffull), "r"(1ull));
    CHECK_EQ(r, 0xffffffff00000001ull);
}

static void test_mulh(void)
{
    uint64_t r;
    __asm__ volatile("umulh %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(~0ull));
    CHECK_EQ(r, 0xfffffffffffffffeull);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(~0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(1ull));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("umulh %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(1ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r) : "r"(min64), "r"(min64));
    CHECK_EQ(r, 0x4000000000000000ull);
    __asm__ volatile("umulh %0, %1, %2" : "=r"(r) : "r"(min64), "r"(min64));
    CHECK_EQ(r, 0x4000000000000000ull);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r) : "r"(min64), "r"(max64));
    CHECK_EQ(r, 0xc000000000000000ull);
    __asm__ volatile("umulh %0, %1, %2" : "=r"(r)
                     : "r"(0x123456789abcdef0ull), "r"(0x0fedcba987654321ull));
    CHECK_EQ(r, 0x0121fa00ad77d742ull);
    __asm__ volatile("smulh %0, %1, %2" : "=r"(r)
                     : "r"(0x123456789abcdef0ull), "r"(0xf0123456789abcdfull));
    CHECK_EQ(r, 0xfede05ff528828bdull);
}

static void test_div(void)
{
    uint64_t r;
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(100ull), "r"(7ull));
    CHECK_EQ(r, 14);
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(2ull));
    CHECK_EQ(r, max64);
    __asm__ volatile("udiv %0, %1, %2" : "=r"(r) : "r"(12345ull), "r"(0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"((uint64_t)-7), "r"(2ull));
    CHECK_EQ(r, (uint64_t)-3);
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(7ull), "r"((uint64_t)-2));
    CHECK_EQ(r, (uint64_t)-3);
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(min64), "r"(~0ull));
    CHECK_EQ(r, min64);
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(min64), "r"(0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("sdiv %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(min64));
    CHECK_EQ(r, 0);
    __asm__ volatile("udiv %w0, %w1, %w2" : "=r"(r) : "r"(0x1ffffffffull), "r"(0x100000010ull));
    CHECK_EQ(r, 0x0fffffffull);
    __asm__ volatile("udiv %w0, %w1, %w2" : "=r"(r) : "r"(5ull), "r"(0x100000000ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(0x80000000ull), "r"(0xffffffffull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(0xfffffff9ull), "r"(2ull));
    CHECK_EQ(r, 0xfffffffdull);
    __asm__ volatile("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(100ull), "r"(0xfffffff6ull));
    CHECK_EQ(r, 0xfffffff6ull);
}

static void test_var_shift(void)
{
    uint64_t r;
    const uint64_t p = 0x8123456789abcdefull;
    __asm__ volatile("lslv %0, %1, %2" : "=r"(r) : "r"(p), "r"(4ull));
    CHECK_EQ(r, 0x123456789abcdef0ull);
    __asm__ volatile("lslv %0, %1, %2" : "=r"(r) : "r"(p), "r"(64ull));
    CHECK_EQ(r, p);
    __asm__ volatile("lslv %0, %1, %2" : "=r"(r) : "r"(p), "r"(0xffffffffffffff41ull));
    CHECK_EQ(r, p << 1);
    __asm__ volatile("lsrv %0, %1, %2" : "=r"(r) : "r"(p), "r"(63ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("lsrv %0, %1, %2" : "=r"(r) : "r"(p), "r"(68ull));
    CHECK_EQ(r, p >> 4);
    __asm__ volatile("asrv %0, %1, %2" : "=r"(r) : "r"(p), "r"(60ull));
    CHECK_EQ(r, 0xfffffffffffffff8ull);
    __asm__ volatile("asrv %0, %1, %2" : "=r"(r) : "r"(p), "r"(127ull));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("rorv %0, %1, %2" : "=r"(r) : "r"(p), "r"(4ull));
    CHECK_EQ(r, 0xf8123456789abcdeull);
    __asm__ volatile("rorv %0, %1, %2" : "=r"(r) : "r"(p), "r"(0ull));
    CHECK_EQ(r, p);
    __asm__ volatile("rorv %0, %1, %2" : "=r"(r) : "r"(p), "r"(100ull));
    CHECK_EQ(r, 0x789abcdef8123456ull);
    /* W forms: count modulo 32, upper half cleared */
    __asm__ volatile("lslv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(4ull));
    CHECK_EQ(r, 0x9abcdef0ull);
    __asm__ volatile("lslv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(32ull));
    CHECK_EQ(r, 0x89abcdefull);
    __asm__ volatile("lsrv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(35ull));
    CHECK_EQ(r, 0x113579bdull);
    __asm__ volatile("asrv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(31ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("asrv %w0, %w1, %w2" : "=r"(r) : "r"(0x7fffffffull), "r"(30ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("rorv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(8ull));
    CHECK_EQ(r, 0xef89abcdull);
    __asm__ volatile("rorv %w0, %w1, %w2" : "=r"(r) : "r"(p), "r"(0xffffffe0ull));
    CHECK_EQ(r, 0x89abcdefull);
}

int main(void)
{
    test_madd();
    test_long_mul();
    test_mulh();
    test_div();
    test_var_shift();
    return guest_report();
}
