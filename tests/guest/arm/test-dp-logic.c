/*
 * test-dp-logic.c — A64 logical (shifted register): AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS
 * and the aliases MOV, MVN, TST, with LSL/LSR/ASR/ROR shifts on W and X registers, XZR as
 * operand and destination, and the NZCV result of ANDS/BICS/TST (C and V cleared). Expected
 * values follow ARM ARM C6.2. Single-threaded bare metal.
 */
#include "runtime.h"

#define N_ 0x80000000u
#define Z_ 0x40000000u
#define C_ 0x20000000u
#define V_ 0x10000000u

static const uint64_t a = 0xf0f0f0f00ff00ff0ull;
static const uint64_t b = 0x8000000000000001ull;

static void test_logic_64(void)
{
    uint64_t r;
    __asm__ volatile("and %0, %1, %2" : "=r"(r) : "r"(a), "r"(~0ull));
    CHECK_EQ(r, a);
    __asm__ volatile("and %0, %1, %2, lsl #4" : "=r"(r) : "r"(a), "r"(a));
    CHECK_EQ(r, 0x000000000f000f00ull);
    __asm__ volatile("and %0, %1, %2, lsr #63" : "=r"(r) : "r"(~0ull), "r"(b));
    CHECK_EQ(r, 1);
    __asm__ volatile("and %0, %1, %2, asr #63" : "=r"(r) : "r"(a), "r"(b));
    CHECK_EQ(r, a);
    __asm__ volatile("and %0, %1, %2, ror #1" : "=r"(r) : "r"(~0ull), "r"(b));
    CHECK_EQ(r, 0xc000000000000000ull);
    __asm__ volatile("bic %0, %1, %2" : "=r"(r) : "r"(~0ull), "r"(a));
    CHECK_EQ(r, ~a);
    __asm__ volatile("bic %0, %1, %2, lsl #63" : "=r"(r) : "r"(~0ull), "r"(1ull));
    CHECK_EQ(r, 0x7fffffffffffffffull);
    __asm__ volatile("orr %0, %1, %2, ror #60" : "=r"(r) : "r"(0ull), "r"(0x1234ull));
    CHECK_EQ(r, 0x12340ull);
    __asm__ volatile("orr %0, %1, %2, asr #4" : "=r"(r) : "r"(1ull), "r"(b));
    CHECK_EQ(r, 0xf800000000000001ull);
    __asm__ volatile("orn %0, %1, %2" : "=r"(r) : "r"(0ull), "r"(a));
    CHECK_EQ(r, ~a);
    __asm__ volatile("orn %0, %1, %2, lsr #32" : "=r"(r) : "r"(1ull), "r"(~0ull));
    CHECK_EQ(r, 0xffffffff00000001ull);
    __asm__ volatile("eor %0, %1, %2" : "=r"(r) : "r"(a), "r"(a));
    CHECK_EQ(r, 0);
    __asm__ volatile("eor %0, %1, %2, lsl #8" : "=r"(r) : "r"(a), "r"(b));
    CHECK_EQ(r, a ^ 0x100ull);
    __asm__ volatile("eon %0, %1, %2" : "=r"(r) : "r"(a), "r"(a));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("eon %0, %1, %2, ror #4" : "=r"(r) : "r"(0ull), "r"(0xfull));
    CHECK_EQ(r, 0x0fffffffffffffffull);
    __asm__ volatile("mvn %0, %1" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0x7ffffffffffffffeull);
    __asm__ volatile("mvn %0, %1, lsl #1" : "=r"(r) : "r"(b));
    CHECK_EQ(r, 0xfffffffffffffffdull);
    __asm__ volatile("mov %0, %1" : "=r"(r) : "r"(a));
    CHECK_EQ(r, a);
    /* XZR as source and destination */
    __asm__ volatile("orr %0, xzr, xzr" : "=r"(r));
    CHECK_EQ(r, 0);
    __asm__ volatile("orn %0, xzr, xzr" : "=r"(r));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("mov x9, #5\n orr xzr, x9, x9\n mov %0, xzr" : "=r"(r) : : "x9");
    CHECK_EQ(r, 0);
}

static void test_logic_32(void)
{
    uint64_t r;
    __asm__ volatile("and %w0, %w1, %w2" : "=r"(r) : "r"(~0ull), "r"(~0ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("orr %w0, %w1, %w2, lsl #31" : "=r"(r) : "r"(0ull), "r"(3ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("orr %w0, %w1, %w2, lsr #31" : "=r"(r) : "r"(0ull), "r"(0x180000000ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("orr %w0, %w1, %w2, asr #31" : "=r"(r) : "r"(0ull), "r"(0x80000000ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("orr %w0, %w1, %w2, asr #31" : "=r"(r) : "r"(0ull), "r"(0xffffffff7fffffffull));
    CHECK_EQ(r, 0);
    __asm__ volatile("orr %w0, %w1, %w2, ror #8" : "=r"(r) : "r"(0ull), "r"(0x12345678ull));
    CHECK_EQ(r, 0x78123456ull);
    __asm__ volatile("bic %w0, %w1, %w2" : "=r"(r) : "r"(~0ull), "r"(0xffull));
    CHECK_EQ(r, 0xffffff00ull);
    __asm__ volatile("orn %w0, wzr, %w1" : "=r"(r) : "r"(0ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("eon %w0, %w1, %w2, ror #16" : "=r"(r) : "r"(0x0000ffffull), "r"(0x0000ffffull));
    CHECK_EQ(r, 0);
    __asm__ volatile("eor %w0, %w1, %w2" : "=r"(r) : "r"(0xffffffff00000001ull), "r"(0x1ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("mvn %w0, %w1" : "=r"(r) : "r"(0x0000000012345678ull));
    CHECK_EQ(r, 0xedcba987ull);
    __asm__ volatile("mov %w0, %w1" : "=r"(r) : "r"(0xdeadbeefcafef00dull));
    CHECK_EQ(r, 0xcafef00dull);
}

static void test_logic_flags(void)
{
    uint64_t r, f;
    /* flags start as NZCV = 0011 so clearing of C and V is visible */
    const uint64_t cv = C_ | V_;
    __asm__ volatile("msr nzcv, %2\n ands %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(a), "r"(b));
    CHECK_EQ(r, 0x8000000000000000ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %2\n ands %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(a), "r"(~a));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_);
    __asm__ volatile("msr nzcv, %2\n bics %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(a), "r"(0x0fffffffffffffffull));
    CHECK_EQ(r, 0xf000000000000000ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %2\n bics %0, %3, %4, lsl #1\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(1ull), "r"(b));
    CHECK_EQ(r, 1);
    CHECK_EQ(f, 0);
    __asm__ volatile("msr nzcv, %1\n tst %2, %3, ror #1\n mrs %0, nzcv" : "=r"(f)
                     : "r"((uint64_t)(Z_ | cv)), "r"(0x8000000000000000ull), "r"(1ull));
    CHECK_EQ(f, N_);
    /* 32-bit: N is bit 31, Z looks at the low word only */
    __asm__ volatile("msr nzcv, %2\n ands %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(0xffffffff80000000ull), "r"(~0ull));
    CHECK_EQ(r, 0x80000000ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %2\n ands %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(0xffffffff00000000ull), "r"(~0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_);
    __asm__ volatile("msr nzcv, %2\n bics %w0, %w3, %w4, asr #4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(cv), "r"(0xffffffffull), "r"(0x80000000ull));
    CHECK_EQ(r, 0x07ffffffull);
    CHECK_EQ(f, 0);
    __asm__ volatile("msr nzcv, %1\n tst %w2, %w3\n mrs %0, nzcv" : "=r"(f)
                     : "r"(cv), "r"(0x100000000ull), "r"(0x100000000ull));
    CHECK_EQ(f, Z_);
}

int main(void)
{
    test_logic_64();
    test_logic_32();
    test_logic_flags();
    return guest_report();
}
