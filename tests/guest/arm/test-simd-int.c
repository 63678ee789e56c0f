/*
 * test-simd-int.c — Advanced SIMD integer instructions as gcc-compiled string functions and
 * kernels use them: the glibc strlen/memchr idioms (CMEQ, SHRN, UMAXV/UMINV, ADDP), DUP/INS/
 * UMOV/SMOV, MOVI/MVNI/ORR/BIC (immediate), logic and BSL, saturating arithmetic and FPSR.QC,
 * shifts (immediate and register), widening/narrowing, multiplies by element, permutes, EXT,
 * TBL/TBX, across-lane reductions, and the SIMD&FP loads/stores (LDR/STR B-Q, LDP/STP Q with
 * writeback, LD1-LD4/ST1 multiple and single structures, LD1R). Expected values follow the
 * instruction pages of ARM ARM C7.2. All inline assembly names its V registers explicitly and
 * lists them as clobbers. Single-threaded bare metal.
 */
#include "runtime.h"

static uint8_t mem[128] __attribute__((aligned(16)));
static uint64_t out[8] __attribute__((aligned(16)));

static void fill_mem(void)
{
    for (int i = 0; i < 128; i++) {
        mem[i] = (uint8_t)i;
    }
}

static uint64_t read_fpsr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, fpsr" : "=r"(v));
    return v;
}

static void clear_fpsr(void)
{
    __asm__ volatile("msr fpsr, xzr");
}

/* glibc's strlen core: CMEQ against zero, SHRN #4 to a 64-bit nibble mask, count zeros. */
static uint64_t simd_strlen16(const char *s)
{
    uint64_t mask;
    __asm__ volatile("ldr q0, [%1]\n"
                     "cmeq v0.16b, v0.16b, #0\n"
                     "shrn v0.8b, v0.8h, #4\n"
                     "umov %0, v0.d[0]\n"
                     : "=r"(mask) : "r"(s) : "v0", "memory");
    return mask ? (uint64_t)__builtin_ctzll(mask) / 4 : 16;
}

/* memchr core: DUP the byte, CMEQ, AND with the lane weights 02 01 08 04 (repeated), ADDP
 * twice: byte k of the result (k < 4, repeated in 4..7) sums the weights of lanes 4k..4k+3. */
static uint64_t simd_memchr_mask(const uint8_t *p, int c)
{
    uint64_t m;
    __asm__ volatile("ldr q0, [%1]\n"
                     "dup v1.16b, %w2\n"
                     "cmeq v0.16b, v0.16b, v1.16b\n"
                     "movi v2.8h, #0x1, lsl #8\n"   /* 0x0100 */
                     "orr v2.8h, #0x2, lsl #0\n"    /* 0x0102 */
                     "mov v3.16b, v2.16b\n"
                     "shl v3.8h, v3.8h, #2\n"       /* 0x0408 */
                     "zip1 v2.8h, v2.8h, v3.8h\n"   /* bytes 02 01 08 04 ... */
                     "and v0.16b, v0.16b, v2.16b\n"
                     "addp v0.16b, v0.16b, v0.16b\n"
                     "addp v0.16b, v0.16b, v0.16b\n"
                     "umov %0, v0.d[0]\n"
                     : "=r"(m) : "r"(p), "r"(c) : "v0", "v1", "v2", "v3", "memory");
    return m;
}

static void test_string_idioms(void)
{
    static const char str[32] __attribute__((aligned(16))) = "hello, simd!";
    CHECK_EQ(simd_strlen16(str), 12);
    CHECK_EQ(simd_strlen16(str + 16), 0);
    static const uint8_t hay[16] __attribute__((aligned(16))) = {
        1, 2, 7, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 7};
    /* lanes 2 and 6 weigh 08, lane 15 weighs 04 */
    CHECK_EQ(simd_memchr_mask(hay, 7), 0x0400080804000808ull);
    CHECK_EQ(simd_memchr_mask(hay, 99), 0);
    uint64_t mx, mn;
    __asm__ volatile("ldr q0, [%2]\n umaxv b1, v0.16b\n uminv b2, v0.16b\n"
                     "umov %w0, v1.b[0]\n umov %w1, v2.b[0]\n"
                     : "=r"(mx), "=r"(mn) : "r"(hay) : "v0", "v1", "v2", "memory");
    CHECK_EQ(mx, 15);
    CHECK_EQ(mn, 1);
}

static void test_copy_and_immediate(void)
{
    uint64_t a, b, c;
    __asm__ volatile("movi v0.2d, #0\n"
                     "mov v0.s[1], %w3\n"        /* INS (general) */
                     "mov v0.h[6], v0.h[2]\n"    /* INS (element) */
                     "dup v1.8h, v0.h[2]\n"
                     "umov %0, v0.d[0]\n umov %1, v0.d[1]\n umov %2, v1.d[1]\n"
                     : "=&r"(a), "=&r"(b), "=&r"(c) : "r"(0x8765abcdu) : "v0", "v1");
    CHECK_EQ(a, 0x8765abcd00000000ull);
    CHECK_EQ(b, 0x0000abcd00000000ull);
    CHECK_EQ(c, 0xabcdabcdabcdabcdull);
    int64_t s;
    __asm__ volatile("dup v0.4s, %w1\n smov %0, v0.h[1]\n" : "=r"(s) : "r"(0x80017fffu) : "v0");
    CHECK_EQ(s, 0xffffffffffff8001ull);
    __asm__ volatile("mvni v0.4s, #0x12, lsl #8\n umov %0, v0.d[1]\n" : "=r"(a) : : "v0");
    CHECK_EQ(a, 0xffffedffffffedffull);
    __asm__ volatile("movi v0.2s, #0x34, msl #16\n umov %0, v0.d[0]\n umov %1, v0.d[1]\n"
                     : "=r"(a), "=r"(b) : : "v0");
    CHECK_EQ(a, 0x0034ffff0034ffffull);
    CHECK_EQ(b, 0); /* 64-bit vector writes clear bits 127:64 */
    __asm__ volatile("movi v0.2d, #0xff0000ff00ff00ff\n bic v0.4s, #0xff\n umov %0, v0.d[1]\n"
                     : "=r"(a) : : "v0");
    CHECK_EQ(a, 0xff00000000ff0000ull);
}

static void test_logic_and_arith(void)
{
    uint64_t a, b;
    static const uint64_t x[2] __attribute__((aligned(16))) = {0xff00ff00f0f0f0f0ull,
                                                              0x0123456789abcdefull};
    static const uint64_t y[2] __attribute__((aligned(16))) = {0x0ff00ff00ff00ff0ull,
                                                              0xfedcba9876543210ull};
    __asm__ volatile("ldr q0, [%2]\n ldr q1, [%3]\n mov v2.16b, v1.16b\n"
                     "bsl v2.16b, v0.16b, v1.16b\n" /* mask = y: y&x | ~y&y = y & x ... */
                     "eor v3.16b, v0.16b, v1.16b\n orn v4.16b, v3.16b, v2.16b\n"
                     "umov %0, v4.d[0]\n umov %1, v4.d[1]\n"
                     : "=r"(a), "=r"(b) : "r"(x), "r"(y) : "v0", "v1", "v2", "v3", "v4", "memory");
    /* v2 = (y & x) | (~y & y) = x & y; v4 = (x ^ y) | ~(x & y) = ~(x & y) */
    CHECK_EQ(a, ~(x[0] & y[0]));
    CHECK_EQ(b, ~(x[1] & y[1]));
    __asm__ volatile("ldr q0, [%2]\n ldr q1, [%3]\n add v2.2d, v0.2d, v1.2d\n"
                     "sub v3.4s, v0.4s, v1.4s\n umov %0, v2.d[1]\n umov %1, v3.d[0]\n"
                     : "=r"(a), "=r"(b) : "r"(x), "r"(y) : "v0", "v1", "v2", "v3", "memory");
    CHECK_EQ(a, x[1] + y[1]);
    CHECK_EQ(b, 0xef10ef10e100e100ull);
    /* saturation: SQADD on bytes, UQSUB on halfwords, and the sticky FPSR.QC (bit 27) */
    clear_fpsr();
    __asm__ volatile("movi v0.16b, #0x70\n movi v1.16b, #0x20\n sqadd v2.16b, v0.16b, v1.16b\n"
                     "umov %0, v2.d[0]\n" : "=r"(a) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0x7f7f7f7f7f7f7f7full);
    CHECK_EQ(read_fpsr() >> 27 & 1, 1);
    clear_fpsr();
    __asm__ volatile("movi v0.8h, #0x10\n movi v1.8h, #0x8\n uqsub v2.8h, v0.8h, v1.8h\n"
                     "uqadd v3.8h, v0.8h, v1.8h\n umov %0, v2.d[0]\n umov %1, v3.d[1]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2", "v3");
    CHECK_EQ(a, 0x0008000800080008ull);
    CHECK_EQ(b, 0x0018001800180018ull);
    CHECK_EQ(read_fpsr() >> 27 & 1, 0);
    __asm__ volatile("movi v0.8h, #0x10\n movi v1.8h, #0x20\n uqsub v2.8h, v0.8h, v1.8h\n"
                     "umov %0, v2.d[0]\n" : "=r"(a) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0);
    CHECK_EQ(read_fpsr() >> 27 & 1, 1);
    clear_fpsr();
}

static void test_shifts_widen_narrow(void)
{
    uint64_t a, b;
    __asm__ volatile("movi v0.16b, #0x81\n sshr v1.16b, v0.16b, #1\n ushr v2.16b, v0.16b, #1\n"
                     "umov %0, v1.d[0]\n umov %1, v2.d[1]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0xc0c0c0c0c0c0c0c0ull);
    CHECK_EQ(b, 0x4040404040404040ull);
    __asm__ volatile("movi v0.8h, #0x3\n srshr v1.8h, v0.8h, #1\n urshr v2.8h, v0.8h, #2\n"
                     "umov %0, v1.d[0]\n umov %1, v2.d[0]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0x0002000200020002ull); /* (3 + 1) >> 1 */
    CHECK_EQ(b, 0x0001000100010001ull); /* (3 + 2) >> 2 */
    __asm__ volatile("movi v0.4s, #0xab\n movi v1.4s, #0xff, lsl #24\n sli v1.4s, v0.4s, #8\n"
                     "movi v2.4s, #0xff, lsl #24\n sri v2.4s, v0.4s, #4\n"
                     "umov %0, v1.d[0]\n umov %1, v2.d[0]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0x0000ab000000ab00ull);
    CHECK_EQ(b, 0xf000000af000000aull);
    __asm__ volatile("movi v0.8h, #0x12, lsl #8\n orr v0.8h, #0x34\n shrn v1.8b, v0.8h, #4\n"
                     "ushll v2.8h, v1.8b, #0\n umov %0, v1.d[0]\n umov %1, v2.d[1]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0x2323232323232323ull);
    CHECK_EQ(b, 0x0023002300230023ull);
    clear_fpsr();
    __asm__ volatile("mvni v0.4s, #0\n sqxtn v1.4h, v0.4s\n movi v3.2d, #0xffffffffffffffff\n"
                     "sqshrun v2.8b, v3.8h, #1\n umov %0, v1.d[0]\n umov %1, v2.d[0]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2", "v3");
    CHECK_EQ(a, ~0ull); /* -1 fits in 16 bits: no saturation */
    CHECK_EQ(b, 0); /* -1 >> 1 = -1, unsigned saturation to 0 */
    CHECK_EQ(read_fpsr() >> 27 & 1, 1);
    clear_fpsr();
    /* SSHL by a negative register amount shifts right */
    __asm__ volatile("movi v0.2d, #0xffffffffffffffff\n shl v0.2d, v0.2d, #8\n"
                     "mvni v1.4s, #3\n sshl v2.2d, v0.2d, v1.2d\n umov %0, v2.d[0]\n"
                     : "=r"(a) : : "v0", "v1", "v2");
    CHECK_EQ(a, 0xfffffffffffffff0ull); /* shift byte 0xfc = -4 */
}

static void test_multiply(void)
{
    uint64_t a, b;
    __asm__ volatile("movi v0.8h, #3\n movi v1.8h, #0\n mov v1.h[5], %w2\n"
                     "mul v2.8h, v0.8h, v1.h[5]\n mla v2.8h, v0.8h, v0.h[0]\n"
                     "umov %0, v2.d[0]\n"
                     "smull2 v3.4s, v1.8h, v0.h[1]\n umov %1, v3.d[0]\n"
                     : "=r"(a), "=r"(b) : "r"(0xfffe) : "v0", "v1", "v2", "v3");
    CHECK_EQ(a, 0x0003000300030003ull); /* 3 * -2 + 3 * 3 */
    CHECK_EQ(b, 0xfffffffa00000000ull); /* lanes 4, 5 of v1 (0, -2) times 3 */
    __asm__ volatile("movi v0.16b, #0x3\n movi v1.16b, #0x5\n pmull v2.8h, v0.8b, v1.8b\n"
                     "umull v3.8h, v0.8b, v1.8b\n umov %0, v2.d[0]\n umov %1, v3.d[1]\n"
                     : "=r"(a), "=r"(b) : : "v0", "v1", "v2", "v3");
    CHECK_EQ(a, 0x000f000f000f000full); /* 3 clmul 5 = 0b1111 */
    CHECK_EQ(b, 0x000f000f000f000full); /* 3 * 5 */
    clear_fpsr();
    __asm__ volatile("movi v0.8h, #0x80, lsl #8\n sqdmulh v1.8h, v0.8h, v0.8h\n"
                     "umov %0, v1.d[0]\n" : "=r"(a) : : "v0", "v1");
    CHECK_EQ(a, 0x7fff7fff7fff7fffull);
    CHECK_EQ(read_fpsr() >> 27 & 1, 1);
    clear_fpsr();
}

static void test_permute_table_reduce(void)
{
    uint64_t a, b;
    fill_mem();
    __asm__ volatile("ldp q0, q1, [%2]\n zip1 v2.16b, v0.16b, v1.16b\n uzp2 v3.8h, v0.8h, v1.8h\n"
                     "umov %0, v2.d[0]\n umov %1, v3.d[1]\n"
                     : "=r"(a), "=r"(b) : "r"(mem) : "v0", "v1", "v2", "v3", "memory");
    CHECK_EQ(a, 0x1303120211011000ull);
    CHECK_EQ(b, 0x1f1e1b1a17161312ull);
    __asm__ volatile("ldp q0, q1, [%2]\n trn2 v2.4s, v0.4s, v1.4s\n ext v3.16b, v0.16b, v1.16b, #13\n"
                     "umov %0, v2.d[1]\n umov %1, v3.d[0]\n"
                     : "=r"(a), "=r"(b) : "r"(mem) : "v0", "v1", "v2", "v3", "memory");
    CHECK_EQ(a, 0x1f1e1d1c0f0e0d0cull);
    CHECK_EQ(b, 0x14131211100f0e0dull);
    /* TBL with two table registers (indices 16..31 pick from the second), TBX keeps Vd */
    static const uint8_t idx[16] __attribute__((aligned(16))) = {
        31, 0, 16, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 32};
    __asm__ volatile("ldp q4, q5, [%2]\n ldr q6, [%3]\n tbl v7.16b, {v4.16b, v5.16b}, v6.16b\n"
                     "movi v8.16b, #0xee\n tbx v8.16b, {v4.16b}, v6.16b\n"
                     "umov %0, v7.d[0]\n umov %1, v8.d[0]\n"
                     : "=r"(a), "=r"(b) : "r"(mem + 32), "r"(idx)
                     : "v4", "v5", "v6", "v7", "v8", "memory");
    CHECK_EQ(a, 0x242322210030203full);
    CHECK_EQ(b, 0x24232221eeee20eeull);
    __asm__ volatile("ldr q0, [%2]\n addv b1, v0.16b\n uaddlv h2, v0.16b\n cnt v3.16b, v0.16b\n"
                     "addv b3, v3.16b\n umov %w0, v1.b[0]\n umov %w1, v2.h[0]\n"
                     : "=r"(a), "=r"(b) : "r"(mem + 240 - 128) : "v0", "v1", "v2", "v3", "memory");
    /* bytes 112..127: sum = 1912 (0x778), addv wraps to 0x78 */
    CHECK_EQ(a, 0x78);
    CHECK_EQ(b, 1912);
    __asm__ volatile("ldr q0, [%1]\n cnt v3.16b, v0.16b\n addv b3, v3.16b\n umov %w0, v3.b[0]\n"
                     : "=r"(a) : "r"(mem) : "v0", "v3", "memory");
    CHECK_EQ(a, 32); /* popcount of 0..15 */
}

static void test_loads_stores(void)
{
    uint64_t a, b;
    const uint8_t *p;
    fill_mem();
    __asm__ volatile("ld2 {v0.8h, v1.8h}, [%2]\n umov %0, v0.d[0]\n umov %1, v1.d[0]\n"
                     : "=r"(a), "=r"(b) : "r"(mem) : "v0", "v1", "memory");
    CHECK_EQ(a, 0x0d0c090805040100ull);
    CHECK_EQ(b, 0x0f0e0b0a07060302ull);
    p = mem;
    __asm__ volatile("ld4 {v0.16b, v1.16b, v2.16b, v3.16b}, [%1], #64\n"
                     "umov %0, v3.d[1]\n"
                     : "=r"(a), "+r"(p) : : "v0", "v1", "v2", "v3", "memory");
    CHECK_EQ(a, 0x3f3b37332f2b2723ull);
    CHECK_EQ((uint64_t)(p - mem), 64);
    p = mem + 8;
    __asm__ volatile("ld1r {v0.4s}, [%1], #4\n ld1 {v0.h}[7], [%1]\n umov %0, v0.d[1]\n"
                     : "=r"(a), "+r"(p) : : "v0", "memory");
    CHECK_EQ(a, 0x0d0c09080b0a0908ull);
    CHECK_EQ((uint64_t)(p - mem), 12);
    /* stores: ST1 of two registers, STR B/H, STP Q with pre-index writeback */
    p = (const uint8_t *)out;
    __asm__ volatile("movi v0.16b, #0x11\n movi v1.16b, #0x22\n st1 {v0.2d, v1.2d}, [%0]\n"
                     "movi v2.16b, #0x33\n str b2, [%0, #1]\n str h2, [%0, #18]\n"
                     : : "r"(p) : "v0", "v1", "v2", "memory");
    CHECK_EQ(out[0], 0x1111111111113311ull);
    CHECK_EQ(out[1], 0x1111111111111111ull);
    CHECK_EQ(out[2], 0x2222222233332222ull);
    __asm__ volatile("movi v4.2d, #0xff\n movi v5.2d, #0\n stp q4, q5, [%0, #32]!\n"
                     "ldr d6, [%0]\n str s6, [%0, #20]\n"
                     : "+r"(p) : : "v4", "v5", "v6", "memory");
    CHECK_EQ((uint64_t)(p - (const uint8_t *)out), 32);
    CHECK_EQ(out[4], 0xff);
    CHECK_EQ(out[6], 0x000000ff00000000ull);
    __asm__ volatile("ldr q7, [%1, #16]\n st1 {v7.s}[1], [%1]\n ldur d8, [%1, #-16]\n umov %0, v8.d[0]\n"
                     : "=r"(a) : "r"(out + 4) : "v7", "v8", "memory");
    CHECK_EQ(out[4], 0xff);
    CHECK_EQ(a, 0x2222222233332222ull);
    (void)b;
}

int main(void)
{
    test_string_idioms();
    test_copy_and_immediate();
    test_logic_and_arith();
    test_shifts_widen_narrow();
    test_multiply();
    test_permute_table_reduce();
    test_loads_stores();
    return guest_report();
}
