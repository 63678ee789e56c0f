/*
 * test-dp-addsub.c — A64 add/subtract with registers: shifted register (ADD, ADDS, SUB, SUBS,
 * NEG, NEGS, CMP, CMN with LSL/LSR/ASR), extended register (UXTB..SXTX with shifts 0-4, SP as
 * source and destination, W and X forms) and with carry (ADC, ADCS, SBC, SBCS, NGC, NGCS with
 * both carry-in values). NZCV is checked after every flag-setting instruction at the edges:
 * zero, carry out, signed overflow, INT_MIN. Expected values follow ARM ARM C6.2.
 * Single-threaded bare metal.
 */
#include "runtime.h"

#define N_ 0x80000000u
#define Z_ 0x40000000u
#define C_ 0x20000000u
#define V_ 0x10000000u

static const uint64_t min64 = 0x8000000000000000ull, max64 = 0x7fffffffffffffffull;

/* ADDS/SUBS Xd, Xn, Xm; returns the result and stores NZCV */
static uint64_t adds64(uint64_t x, uint64_t y, uint64_t *f)
{
    uint64_t r;
    __asm__ volatile("adds %0, %2, %3\n mrs %1, nzcv" : "=r"(r), "=r"(*f) : "r"(x), "r"(y));
    return r;
}
static uint64_t subs64(uint64_t x, uint64_t y, uint64_t *f)
{
    uint64_t r;
    __asm__ volatile("subs %0, %2, %3\n mrs %1, nzcv" : "=r"(r), "=r"(*f) : "r"(x), "r"(y));
    return r;
}
static uint64_t adds32(uint64_t x, uint64_t y, uint64_t *f)
{
    uint64_t r;
    __asm__ volatile("adds %w0, %w2, %w3\n mrs %1, nzcv" : "=r"(r), "=r"(*f) : "r"(x), "r"(y));
    return r;
}
static uint64_t subs32(uint64_t x, uint64_t y, uint64_t *f)
{
    uint64_t r;
    __asm__ volatile("subs %w0, %w2, %w3\n mrs %1, nzcv" : "=r"(r), "=r"(*f) : "r"(x), "r"(y));
    return r;
}

typedef struct FlagCase {
    uint64_t x, y, res, nzcv;
} FlagCase;

static const FlagCase adds64_cases[] = {
    {0, 0, 0, Z_},
    {1, 2, 3, 0},
    {~0ull, 1, 0, Z_ | C_},
    {~0ull, ~0ull, ~1ull, N_ | C_},
    {max64, 1, min64, N_ | V_},
    {min64, min64, 0, Z_ | C_ | V_},
    {min64, ~0ull, max64, C_ | V_},
    {0x123, (uint64_t)-0x123, 0, Z_ | C_},
};
static const FlagCase subs64_cases[] = {
    {0, 0, 0, Z_ | C_},
    {5, 3, 2, C_},
    {3, 5, (uint64_t)-2, N_},
    {0, 1, ~0ull, N_},
    {min64, 1, max64, C_ | V_},
    {max64, ~0ull, min64, N_ | V_},
    {min64, min64, 0, Z_ | C_},
    {0, min64, min64, N_ | V_},
    {~0ull, ~0ull, 0, Z_ | C_},
};
static const FlagCase adds32_cases[] = {
    {0xffffffff00000000ull, 0xffffffff00000000ull, 0, Z_},
    {0xffffffffull, 1, 0, Z_ | C_},
    {0x7fffffffull, 1, 0x80000000ull, N_ | V_},
    {0x80000000ull, 0x80000000ull, 0, Z_ | C_ | V_},
    {0x100000005ull, 0x200000007ull, 12, 0},
    {0xffffffffull, 0xffffffffull, 0xfffffffeull, N_ | C_},
};
static const FlagCase subs32_cases[] = {
    {0x100000000ull, 0, 0, Z_ | C_},
    {0, 1, 0xffffffffull, N_},
    {0x80000000ull, 1, 0x7fffffffull, C_ | V_},
    {0x7fffffffull, 0xffffffffull, 0x80000000ull, N_ | V_},
    {7, 0x100000007ull, 0, Z_ | C_},
};

static void test_flag_tables(void)
{
    uint64_t f;
    for (unsigned i = 0; i < sizeof(adds64_cases) / sizeof(adds64_cases[0]); i++) {
        const FlagCase *c = &adds64_cases[i];
        CHECK_EQ(adds64(c->x, c->y, &f), c->res);
        CHECK_EQ(f, c->nzcv);
    }
    for (unsigned i = 0; i < sizeof(subs64_cases) / sizeof(subs64_cases[0]); i++) {
        const FlagCase *c = &subs64_cases[i];
        CHECK_EQ(subs64(c->x, c->y, &f), c->res);
        CHECK_EQ(f, c->nzcv);
    }
    for (unsigned i = 0; i < sizeof(adds32_cases) / sizeof(adds32_cases[0]); i++) {
        const FlagCase *c = &adds32_cases[i];
        CHECK_EQ(adds32(c->x, c->y, &f), c->res);
        CHECK_EQ(f, c->nzcv);
    }
    for (unsigned i = 0; i < sizeof(subs32_cases) / sizeof(subs32_cases[0]); i++) {
        const FlagCase *c = &subs32_cases[i];
        CHECK_EQ(subs32(c->x, c->y, &f), c->res);
        CHECK_EQ(f, c->nzcv);
    }
}

static void test_shifted(void)
{
    uint64_t r, f;
    __asm__ volatile("add %0, %1, %2, lsl #12" : "=r"(r) : "r"(1ull), "r"(1ull));
    CHECK_EQ(r, 0x1001ull);
    __asm__ volatile("add %0, %1, %2, lsr #63" : "=r"(r) : "r"(1ull), "r"(min64));
    CHECK_EQ(r, 2);
    __asm__ volatile("add %0, %1, %2, asr #63" : "=r"(r) : "r"(1ull), "r"(min64));
    CHECK_EQ(r, 0);
    __asm__ volatile("sub %0, %1, %2, lsl #63" : "=r"(r) : "r"(0ull), "r"(1ull));
    CHECK_EQ(r, min64);
    __asm__ volatile("sub %w0, %w1, %w2, lsl #31" : "=r"(r) : "r"(0ull), "r"(1ull));
    CHECK_EQ(r, 0x80000000ull);
    __asm__ volatile("add %w0, %w1, %w2, asr #31" : "=r"(r) : "r"(5ull), "r"(0x80000000ull));
    CHECK_EQ(r, 4);
    __asm__ volatile("add %w0, %w1, %w2, lsr #16" : "=r"(r) : "r"(0xffffffff00000000ull),
                     "r"(0xffff0000ull));
    CHECK_EQ(r, 0xffffull);
    __asm__ volatile("neg %0, %1" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, ~0ull);
    __asm__ volatile("neg %w0, %w1" : "=r"(r) : "r"(1ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("negs %0, %2\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(min64));
    CHECK_EQ(r, min64);
    CHECK_EQ(f, N_ | V_);
    __asm__ volatile("negs %0, %2\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("negs %w0, %w2, lsl #1\n mrs %1, nzcv" : "=r"(r), "=r"(f) : "r"(1ull));
    CHECK_EQ(r, 0xfffffffeull);
    CHECK_EQ(f, N_);
    __asm__ volatile("cmp %1, %2, lsr #1\n mrs %0, nzcv" : "=r"(f) : "r"(max64), "r"(~0ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("cmn %1, %2, asr #1\n mrs %0, nzcv" : "=r"(f) : "r"(1ull), "r"(~0ull));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("cmn %w1, %w2\n mrs %0, nzcv" : "=r"(f) : "r"(0x7fffffffull), "r"(1ull));
    CHECK_EQ(f, N_ | V_);
    /* register 31 is XZR in the shifted form */
    __asm__ volatile("add %0, xzr, %1" : "=r"(r) : "r"(42ull));
    CHECK_EQ(r, 42);
    __asm__ volatile("subs xzr, %1, %1\n mrs %0, nzcv" : "=r"(f) : "r"(7ull));
    CHECK_EQ(f, Z_ | C_);
}

static void test_extended(void)
{
    uint64_t r, f;
    const uint64_t m = 0x8765432187654321ull;
    __asm__ volatile("add %0, %1, %w2, uxtb" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, 0x21ull);
    __asm__ volatile("add %0, %1, %w2, uxth #1" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, 0x8642ull);
    __asm__ volatile("add %0, %1, %w2, uxtw #2" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, 0x21d950c84ull);
    __asm__ volatile("add %0, %1, %2, uxtx #3" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, m << 3);
    __asm__ volatile("add %0, %1, %w2, sxtb" : "=r"(r) : "r"(0ull), "r"(0x80ull));
    CHECK_EQ(r, 0xffffffffffffff80ull);
    __asm__ volatile("add %0, %1, %w2, sxth #4" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, 0x43210ull);
    __asm__ volatile("add %0, %1, %w2, sxth #4" : "=r"(r) : "r"(0ull), "r"(0x8000ull));
    CHECK_EQ(r, 0xfffffffffff80000ull);
    __asm__ volatile("add %0, %1, %w2, sxtw" : "=r"(r) : "r"(0ull), "r"(m));
    CHECK_EQ(r, 0xffffffff87654321ull);
    __asm__ volatile("sub %0, %1, %w2, sxtw #1" : "=r"(r) : "r"(0ull), "r"(0xffffffffull));
    CHECK_EQ(r, 2);
    __asm__ volatile("add %0, %1, %2, sxtx #1" : "=r"(r) : "r"(1ull), "r"(min64));
    CHECK_EQ(r, 1);
    /* W forms */
    __asm__ volatile("add %w0, %w1, %w2, sxtb" : "=r"(r) : "r"(0ull), "r"(0xffull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("add %w0, %w1, %w2, uxth #4" : "=r"(r) : "r"(0xffffffff00000001ull),
                     "r"(0xfffff000ull));
    CHECK_EQ(r, 0xf0001ull);
    __asm__ volatile("adds %w0, %w2, %w3, sxth\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(1ull), "r"(0xffffull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("subs %0, %2, %w3, uxtb\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(min64), "r"(0x101ull));
    CHECK_EQ(r, max64);
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("cmp %1, %w2, sxtw\n mrs %0, nzcv" : "=r"(f) : "r"(~0ull), "r"(0xffffffffull));
    CHECK_EQ(f, Z_ | C_);

    /* SP as source and destination */
    uint64_t sp0, sp1, sp2, t;
    __asm__ volatile("mov %0, sp\n"
                     "mov x9, #3\n"
                     "sub sp, sp, x9, uxtx #4\n"
                     "mov %1, sp\n"
                     "add sp, sp, w9, uxtw #4\n"
                     "mov %2, sp\n"
                     "add %3, sp, x9, lsl #2\n"
                     : "=&r"(sp0), "=&r"(sp1), "=&r"(sp2), "=&r"(t) : : "x9");
    CHECK_EQ(sp1, sp0 - 48);
    CHECK_EQ(sp2, sp0);
    CHECK_EQ(t, sp0 + 12);
    __asm__ volatile("cmp sp, %1\n mrs %0, nzcv" : "=r"(f) : "r"(sp0));
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("adds %0, sp, xzr, uxtx\n mrs %1, nzcv" : "=r"(r), "=r"(f));
    CHECK_EQ(r, sp0);
    CHECK_EQ(f, 0);
    __asm__ volatile("add %w0, wsp, %w1, uxtw" : "=r"(r) : "r"(0x100000001ull));
    CHECK_EQ(r, (uint32_t)(sp0 + 1));
}

/* ADC/SBC family: carry in set with MSR NZCV */
static void test_carry(void)
{
    uint64_t r, f;
    const uint64_t c_in = C_, no_c = 0;
    __asm__ volatile("msr nzcv, %1\n adc %0, %2, %3" : "=r"(r) : "r"(c_in), "r"(1ull), "r"(2ull));
    CHECK_EQ(r, 4);
    __asm__ volatile("msr nzcv, %1\n adc %0, %2, %3" : "=r"(r) : "r"(no_c), "r"(1ull), "r"(2ull));
    CHECK_EQ(r, 3);
    __asm__ volatile("msr nzcv, %1\n adc %w0, %w2, %w3" : "=r"(r)
                     : "r"(c_in), "r"(0xffffffffull), "r"(0ull));
    CHECK_EQ(r, 0);
    __asm__ volatile("msr nzcv, %1\n sbc %0, %2, %3" : "=r"(r) : "r"(c_in), "r"(5ull), "r"(3ull));
    CHECK_EQ(r, 2);
    __asm__ volatile("msr nzcv, %1\n sbc %0, %2, %3" : "=r"(r) : "r"(no_c), "r"(5ull), "r"(3ull));
    CHECK_EQ(r, 1);
    __asm__ volatile("msr nzcv, %1\n sbc %w0, %w2, %w3" : "=r"(r) : "r"(no_c), "r"(0ull), "r"(0ull));
    CHECK_EQ(r, 0xffffffffull);
    __asm__ volatile("msr nzcv, %1\n ngc %0, %2" : "=r"(r) : "r"(no_c), "r"(0ull));
    CHECK_EQ(r, ~0ull);

    /* ADCS: carry out from either the addition or the carry in */
    __asm__ volatile("msr nzcv, %2\n adcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(~0ull), "r"(0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %2\n adcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(~0ull), "r"(~0ull));
    CHECK_EQ(r, ~0ull);
    CHECK_EQ(f, N_ | C_);
    __asm__ volatile("msr nzcv, %2\n adcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(max64), "r"(0ull));
    CHECK_EQ(r, min64);
    CHECK_EQ(f, N_ | V_);
    __asm__ volatile("msr nzcv, %2\n adcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(min64), "r"(min64));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_ | V_);
    __asm__ volatile("msr nzcv, %2\n adcs %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(0x7ffffffeull), "r"(1ull));
    CHECK_EQ(r, 0x80000000ull);
    CHECK_EQ(f, N_ | V_);
    __asm__ volatile("msr nzcv, %2\n adcs %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(0xffffffffull), "r"(0xffffffffull));
    CHECK_EQ(r, 0xffffffffull);
    CHECK_EQ(f, N_ | C_);
    __asm__ volatile("msr nzcv, %2\n adcs %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(0x1ffffffffull), "r"(1ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);

    /* SBCS: Rn + ~Rm + C; C set means no borrow */
    __asm__ volatile("msr nzcv, %2\n sbcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(0ull), "r"(0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %2\n sbcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(0ull), "r"(0ull));
    CHECK_EQ(r, ~0ull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %2\n sbcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(min64), "r"(0ull));
    CHECK_EQ(r, max64);
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("msr nzcv, %2\n sbcs %0, %3, %4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(5ull), "r"(4ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);
    __asm__ volatile("msr nzcv, %2\n sbcs %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(no_c), "r"(0x80000000ull), "r"(0ull));
    CHECK_EQ(r, 0x7fffffffull);
    CHECK_EQ(f, C_ | V_);
    __asm__ volatile("msr nzcv, %2\n sbcs %w0, %w3, %w4\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(0x100000000ull), "r"(1ull));
    CHECK_EQ(r, 0xffffffffull);
    CHECK_EQ(f, N_);
    __asm__ volatile("msr nzcv, %2\n ngcs %0, %3\n mrs %1, nzcv" : "=r"(r), "=r"(f)
                     : "r"(c_in), "r"(0ull));
    CHECK_EQ(r, 0);
    CHECK_EQ(f, Z_ | C_);

    /* 128-bit add and subtract built from the pairs */
    uint64_t lo, hi;
    __asm__ volatile("adds %0, %2, %3\n adc %1, %4, %5" : "=&r"(lo), "=&r"(hi)
                     : "r"(~0ull), "r"(1ull), "r"(1ull), "r"(2ull));
    CHECK_EQ(lo, 0);
    CHECK_EQ(hi, 4);
    __asm__ volatile("subs %0, %2, %3\n sbc %1, %4, %5" : "=&r"(lo), "=&r"(hi)
                     : "r"(0ull), "r"(1ull), "r"(5ull), "r"(2ull));
    CHECK_EQ(lo, ~0ull);
    CHECK_EQ(hi, 2);
}

int main(void)
{
    test_flag_tables();
    test_shifted();
    test_extended();
    test_carry();
    return guest_report();
}
