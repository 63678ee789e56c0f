/*
 * test-fp-x87.c — the x87 FPU as a guest sees it (SDM vol. 1 chapter 8, vol. 2 D8-DF):
 * arithmetic against values the compiler folded (correctly rounded, as the FPU must be),
 * rounding and precision control, stack overflow/underflow responses, FXAM classes,
 * FXTRACT/FSCALE, FPREM quotient bits, integer and BCD conversions, FCOMI/FCMOV, FSTSW AX,
 * unmasked exceptions delivered as #MF by the next waiting instruction, #NM from CR0.TS/EM,
 * and the FSTENV/FSAVE/FRSTOR and FXSAVE/FXRSTOR images. Transcendentals are checked to a
 * tolerance only (the oracle computes them in double precision). Stack overflow/underflow
 * and FXRSTOR's #GP on reserved MXCSR bits are not here: the oracle (QEMU) does not model
 * them; tests/unit/test-x87.c checks them against the host FPU.
 * Single CPU bare metal, ring 0, CR0.NE = 1 (crt0).
 */
#include "runtime.h"

static void fldcw(uint16_t cw) {
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

static uint64_t bits_lo(long double v) {
    uint64_t m;
    memcpy(&m, &v, 8);
    return m;
}

#define SW_IE 0x01
#define SW_ZE 0x04
#define SW_PE 0x20
#define SW_SF 0x40
#define SW_ES 0x80
#define SW_C0 0x100
#define SW_C1 0x200
#define SW_C2 0x400
#define SW_C3 0x4000
#define SW_CC (SW_C0 | SW_C1 | SW_C2 | SW_C3)

static void test_arith(void) {
    volatile long double a = 1.0L, b = 3.0L, c = -0.75L;
    CHECK(a / b == 1.0L / 3.0L);
    CHECK(a / b * c == (1.0L / 3.0L) * -0.75L);
    CHECK(a - b * c == 3.25L);
    long double r;
    __asm__ volatile("fsqrt" : "=t"(r) : "0"((long double)2.0L));
    CHECK(r == 1.41421356237309504880168872420969808L);
    volatile double d = 0.1;
    volatile float f = 0.1f;
    CHECK((long double)d + (long double)f == (long double)0.1 + (long double)0.1f);
    volatile int32_t i = -123456789;
    CHECK((long double)i * 2 == -246913578.0L);
}

static long double div_rc(unsigned rc) {
    long double r;
    fldcw((uint16_t)(0x37f | rc << 10));
    __asm__ volatile("fdiv %%st(1), %%st" : "=t"(r) : "0"(1.0L), "u"(-3.0L));
    fldcw(0x37f);
    return r;
}

static void test_rounding_precision(void) {
    long double n = div_rc(0), d = div_rc(1), u = div_rc(2), z = div_rc(3);
    CHECK(n == -1.0L / 3.0L);
    CHECK(d < u);
    CHECK(d == n || u == n);
    CHECK(z == u); /* toward zero = up for a negative value */
    CHECK_EQ(bits_lo(u) + 1, bits_lo(d));
    /* PC = 00: significand rounded to 24 bits */
    long double s;
    fldcw(0x7f);
    __asm__ volatile("fdiv %%st(1), %%st" : "=t"(s) : "0"(1.0L), "u"(3.0L));
    fldcw(0x37f);
    CHECK(s == (long double)(1.0f / 3.0f));
    CHECK_EQ(bits_lo(s) & 0xffffffffffull, 0);
}

static uint16_t fxam(long double v) {
    uint16_t sw;
    __asm__ volatile("fxam\n fnstsw %%ax" : "=a"(sw) : "t"(v));
    return sw & (SW_C0 | SW_C1 | SW_C2 | SW_C3);
}

static void test_fxam_fxtract_fprem(void) {
    uint16_t sw;
    __asm__ volatile("fninit\n fxam\n fnstsw %%ax" : "=a"(sw));
    CHECK_EQ(sw & SW_CC, SW_C3 | SW_C0); /* empty */
    CHECK_EQ(fxam(0.0L), SW_C3);
    CHECK_EQ(fxam(-2.0L), SW_C2 | SW_C1);
    CHECK_EQ(fxam(__builtin_infl()), SW_C2 | SW_C0);
    CHECK_EQ(fxam(__builtin_nanl("")), SW_C0);
    CHECK_EQ(fxam(0x1p-16440L), SW_C3 | SW_C2); /* denormal */

    long double sig, ex;
    __asm__ volatile("fxtract" : "=t"(sig), "=u"(ex) : "0"((long double)12.0L));
    CHECK(sig == 1.5L);
    CHECK(ex == 3.0L);
    long double sc;
    __asm__ volatile("fscale" : "=t"(sc) : "0"((long double)1.5L), "u"((long double)-2.0L));
    CHECK(sc == 0.375L);

    long double rem;
    __asm__ volatile("fprem\n fnstsw %%ax"
                     : "=t"(rem), "=a"(sw)
                     : "0"((long double)17.0L), "u"((long double)5.0L));
    CHECK(rem == 2.0L);
    CHECK_EQ(sw & SW_CC, SW_C1 | SW_C3); /* q = 3: Q0 = C1, Q1 = C3, Q2 = C0 */
    __asm__ volatile("fprem1" : "=t"(rem) : "0"((long double)13.0L), "u"((long double)5.0L));
    CHECK(rem == -2.0L);
}

static void test_conversions(void) {
    int16_t i16;
    int32_t i32;
    int64_t i64;
    __asm__ volatile("fists %0" : "=m"(i16) : "t"(-3.5L));
    CHECK_EQ((uint16_t)i16, (uint16_t)-4); /* nearest even */
    __asm__ volatile("fisttpl %0" : "=m"(i32) : "t"(-3.9L) : "st");
    CHECK_EQ((uint32_t)i32, (uint32_t)-3);
    __asm__ volatile("fnclex\n fistl %0" : "=m"(i32) : "t"(1e10L));
    CHECK_EQ((uint32_t)i32, 0x80000000u); /* integer indefinite */
    __asm__ volatile("fnstsw %%ax\n fnclex" : "=a"(i16));
    CHECK(i16 & SW_IE);
    volatile int64_t big = -9007199254740993ll;
    long double l = (long double)big; /* FILD m64: exact in 64 bits */
    __asm__ volatile("fistpll %0" : "=m"(i64) : "t"(l) : "st");
    CHECK_EQ((uint64_t)i64, (uint64_t)big);

    static const uint8_t bcd[10] = {0x21, 0x43, 0x65, 0x87, 0x09, 0, 0, 0, 0, 0x80};
    uint8_t out[10];
    long double v;
    __asm__ volatile("fbld %1" : "=t"(v) : "m"(bcd));
    CHECK(v == -987654321.0L);
    __asm__ volatile("fbstp %0" : "=m"(out) : "t"(v) : "st");
    CHECK_EQ(memcmp(out, bcd, 10), 0);
}

static void test_compare_cmov(void) {
    uint64_t fl;
    __asm__ volatile("fcomi %%st(1), %%st\n pushfq\n pop %0"
                     : "=r"(fl)
                     : "t"(1.0L), "u"(2.0L)
                     : "cc");
    CHECK_EQ(fl & (X86_ZF | X86_PF | X86_CF), X86_CF);
    __asm__ volatile("fucomi %%st(1), %%st\n pushfq\n pop %0"
                     : "=r"(fl)
                     : "t"(__builtin_nanl("")), "u"(2.0L)
                     : "cc");
    CHECK_EQ(fl & (X86_ZF | X86_PF | X86_CF), X86_ZF | X86_PF | X86_CF);
    uint16_t sw;
    __asm__ volatile("fcom %%st(1)\n fnstsw %%ax" : "=a"(sw) : "t"(3.0L), "u"(2.0L));
    CHECK_EQ(sw & (SW_C0 | SW_C2 | SW_C3), 0);
    long double r;
    __asm__ volatile("stc\n fcmovb %%st(1), %%st" : "=t"(r) : "0"(1.0L), "u"(5.0L) : "cc");
    CHECK(r == 5.0L);
    __asm__ volatile("clc\n fcmovb %%st(1), %%st" : "=t"(r) : "0"(1.0L), "u"(5.0L) : "cc");
    CHECK(r == 1.0L);
}

static void test_transcendental(void) {
    long double s, c, pi;
    __asm__ volatile("fldpi" : "=t"(pi));
    CHECK(pi == 3.14159265358979323851280895940618620L);
    __asm__ volatile("fsincos" : "=t"(c), "=u"(s) : "0"(pi / 6));
    CHECK(__builtin_fabsl(s - 0.5L) < 1e-15L);
    CHECK(__builtin_fabsl(c * c - 0.75L) < 1e-15L);
    long double l;
    __asm__ volatile("fyl2x" : "=t"(l) : "0"(8.0L), "u"(3.0L) : "st(1)"); /* 3 * log2(8) */
    CHECK(l == 9.0L);
}

static void test_mf_and_nm(void) {
    exc_reset();
    fldcw(0x37f & ~SW_ZE);
    uint16_t sw;
    __asm__ volatile("fldz\n fld1\n fdiv %%st(1), %%st\n fnstsw %%ax"
                     : "=a"(sw)); /* 1/0, unmasked */
    CHECK_EQ(sw & (SW_ZE | SW_ES), SW_ZE | SW_ES);
    __asm__ volatile(EXC_RESUME_AT_1 "fwait\n1:" ::: "r11", "memory");
    CHECK_EQ(exc_last.vector, X86_EXC_MF);
    CHECK_EQ(exc_last.count, 1);
    __asm__ volatile("fninit");

    uint64_t cr0 = READ_CR(0);
    exc_reset();
    WRITE_CR(0, cr0 | 8); /* TS */
    __asm__ volatile(EXC_RESUME_AT_1 "fld1\n1:" ::: "r11", "memory");
    CHECK_EQ(exc_last.vector, X86_EXC_NM);
    exc_reset();
    WRITE_CR(0, (cr0 & ~2ull) | 8); /* TS, MP = 0: WAIT does not fault */
    __asm__ volatile("fwait");
    CHECK_EQ(exc_last.count, 0);
    WRITE_CR(0, cr0 | 4); /* EM */
    __asm__ volatile(EXC_RESUME_AT_1 "fninit\n1:" ::: "r11", "memory");
    CHECK_EQ(exc_last.vector, X86_EXC_NM);
    WRITE_CR(0, cr0);
    __asm__ volatile("clts\n fninit");
}

static void test_images(void) {
    uint8_t env[28], save[108], save2[108];
    __asm__ volatile("fninit\n fld1\n fldpi\n fldz\n fnstenv %0" : "=m"(env));
    uint16_t cw = (uint16_t)(env[0] | env[1] << 8), tw = (uint16_t)(env[8] | env[9] << 8);
    uint16_t sw = (uint16_t)(env[4] | env[5] << 8);
    CHECK_EQ(cw, 0x37f);
    CHECK_EQ((sw >> 11) & 7, 5);
    CHECK_EQ(tw, 0x07ff | 1u << 10); /* R5 zero, R6 R7 valid, R0-R4 empty */
    __asm__ volatile("fnsave %0" : "=m"(save));
    __asm__ volatile("fnstsw %%ax" : "=a"(sw));
    CHECK_EQ(sw, 0); /* FNSAVE re-initialises */
    long double st0;
    memcpy(&st0, save + 28 + 10, 10);
    CHECK(st0 == 3.14159265358979323851280895940618620L);
    __asm__ volatile("frstor %1\n fnsave %0" : "=m"(save2) : "m"(save));
    CHECK_EQ(memcmp(save2 + 28, save + 28, 80), 0);
    CHECK_EQ(memcmp(save2, save, 12), 0);

    static uint8_t fx[512] __attribute__((aligned(16)));
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("frstor %1\n fxsave64 %0" : "=m"(fx) : "m"(save));
    CHECK_EQ(fx[4], 0xe0);
    CHECK_EQ(fx[24] | fx[25] << 8, mxcsr);
    CHECK_EQ((fx[2] | fx[3] << 8) >> 11 & 7, 5);
    memcpy(&st0, fx + 32 + 16, 10);
    CHECK(st0 == 3.14159265358979323851280895940618620L);
    __asm__ volatile("fninit\n fxrstor64 %1\n fnstsw %%ax" : "=a"(sw) : "m"(fx));
    CHECK_EQ((sw >> 11) & 7, 5);
    __asm__ volatile("fninit");
}

int main(void) {
    __asm__ volatile("fninit");
    test_arith();
    test_rounding_precision();
    __asm__ volatile("fninit");
    test_fxam_fxtract_fprem();
    test_conversions();
    __asm__ volatile("fninit");
    test_compare_cmov();
    test_transcendental();
    test_mf_and_nm();
    test_images();
    return guest_report();
}
