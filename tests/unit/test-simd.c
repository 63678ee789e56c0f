/*
 * test-simd.c — the Advanced SIMD integer semantics (target-arm/vec-int-*.c) run directly on a
 * CPUARMState: the group classifier (C4.1.6) including the crypto and ARMv8.1+ encodings that
 * must stay unallocated, the encoding checks (env == NULL), and the values of the edge cases
 * that random testing hits rarely: rounding shifts by the full element width, saturating
 * doubling multiplies at the most negative value, FPSR.QC, narrowing into the upper half, TBX
 * with a table that wraps from V31 to V0, and a destination that aliases a source. Encodings
 * were produced by aarch64-linux-gnu-as; expected values follow ARM ARM C7.2.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "target-arm/vec-int.h"

static CPUARMState env;

static void setv(int r, uint64_t lo, uint64_t hi) {
    env.vregs[r][0] = lo;
    env.vregs[r][1] = hi;
}

static void setup(void) {
    memset(&env, 0, sizeof(env));
}

TestSuite(simd, .init = setup);

Test(simd, classify_groups_and_unallocated) {
    cr_expect_eq(vec_classify(0x4e228420u), VEC_G_THREE_SAME); /* add v0.16b */
    cr_expect_eq(vec_classify(0x4e303820u), VEC_G_ACROSS);     /* saddlv h0, v1.16b */
    cr_expect_eq(vec_classify(0x5ef1b820u), VEC_G_PAIRWISE);   /* addp d0, v1.2d */
    cr_expect_eq(vec_classify(0x4e207820u), VEC_G_TWO_MISC);   /* sqabs v0.16b */
    cr_expect_eq(vec_classify(0x0e0353c0u), VEC_G_TBL);        /* tbx, 3 registers */
    cr_expect_eq(vec_classify(0x4e825820u), VEC_G_PERMUTE);    /* uzp2 v0.4s */
    cr_expect_eq(vec_classify(0x4f76d841u), VEC_G_INDEXED);    /* sqrdmulh by element */
    cr_expect_eq(vec_classify(0x7f0f6420u), VEC_G_SHIFT_IMM);  /* sqshlu b0, b1, #7 */
    cr_expect_eq(vec_classify(0x1e222820u), VEC_G_FP_SCALAR);  /* fadd s0, s1, s2 */
    /* crypto and ARMv8.1 RDM are not advertised: unallocated */
    cr_expect_eq(vec_classify(0x4e284820u), VEC_G_UNALLOC); /* aese */
    cr_expect_eq(vec_classify(0x5e020020u), VEC_G_UNALLOC); /* sha1c */
    cr_expect_eq(vec_classify(0x6e428420u), VEC_G_UNALLOC); /* sqrdmlah */
    /* FP opcodes are not the integer decoder's: vec_exec refuses them */
    cr_expect_not(vec_exec(NULL, 0x4e22d420u)); /* fadd v0.4s */
    cr_expect(vec_exec(NULL, 0x0e201820u));     /* rev16 v0.8b */
    cr_expect_not(vec_exec(NULL, 0x0e601820u)); /* rev16 with size 01 */
    cr_expect_not(vec_exec(NULL, 0x0ee08400u)); /* add .1d (size 11, Q 0) */
}

Test(simd, rounding_shift_by_element_width) {
    setv(1, 0x8000000000000000ull, 0x7fffffffffffffffull);
    cr_assert(vec_exec(&env, 0x4f402420u)); /* srshr v0.2d, v1.2d, #64 */
    cr_expect_eq(env.vregs[0][0], 0);       /* (-2^63 + 2^63) >> 64 */
    cr_expect_eq(env.vregs[0][1], 0);
    setv(1, 0xffffffffffffffffull, 0);
    setv(2, 0xc0, 0);                       /* shift amount -64 in the low byte */
    cr_assert(vec_exec(&env, 0x7ee25420u)); /* urshl d0, d1, d2 */
    cr_expect_eq(env.vregs[0][0], 1);       /* (2^64 - 1 + 2^63) >> 64 */
}

Test(simd, saturating_shift_sets_qc) {
    setv(1, 0x40, 0);
    setv(2, 0x01, 0);
    cr_assert(vec_exec(&env, 0x7e225c20u)); /* uqrshl b0, b1, b2 */
    cr_expect_eq(env.vregs[0][0], 0x80);
    cr_expect_eq(env.fpsr & VEC_FPSR_QC, 0);
    setv(1, 0x02, 0);
    cr_assert(vec_exec(&env, 0x7f0f6420u)); /* sqshlu b0, b1, #7 */
    cr_expect_eq(env.vregs[0][0], 0xff);
    cr_expect_eq(env.fpsr & VEC_FPSR_QC, VEC_FPSR_QC);
}

Test(simd, doubling_multiplies) {
    setv(2, 0x1111222233334444ull, 0x5555666677778888ull);
    setv(6, 0x0123456789abcdefull, 0x7fff8000c0004000ull);
    cr_assert(vec_exec(&env, 0x4f76d841u)); /* sqrdmulh v1.8h, v2.8h, v6.h[7] */
    cr_expect_eq(env.vregs[1][0], 0x1111222233334443ull);
    cr_expect_eq(env.vregs[1][1], 0x5554666577768889ull);
    /* sqdmlal s0, h1, h2 with -32768 * -32768: the doubled product saturates */
    setv(0, 0x10, 0xdead);
    setv(1, 0x8000, 0);
    setv(2, 0x8000, 0);
    cr_assert(vec_exec(&env, 0x5e629020u));
    cr_expect_eq(env.vregs[0][0], 0x7fffffff);
    cr_expect_eq(env.vregs[0][1], 0); /* scalar writes clear the rest */
    cr_expect_eq(env.fpsr & VEC_FPSR_QC, VEC_FPSR_QC);
}

Test(simd, narrowing_and_long) {
    setv(1, 0x0000ffff80007fffull, 0);
    cr_assert(vec_exec(&env, 0x7f109c20u)); /* uqrshrn h0, s1, #16 */
    cr_expect_eq(env.vregs[0][0], 0x8000);  /* (0x80007fff + 0x8000) >> 16 */
    setv(1, 0xff80, 0);
    cr_assert(vec_exec(&env, 0x7e212820u)); /* sqxtun b0, h1: negative gives 0 */
    cr_expect_eq(env.vregs[0][0], 0);
    setv(1, 0xff01ff01ff01ff01ull, 0x7f807f807f807f80ull);
    cr_assert(vec_exec(&env, 0x4e303820u)); /* saddlv h0, v1.16b */
    /* 4 * (1 - 1) + 4 * (-128 + 127) = -4 */
    cr_expect_eq(env.vregs[0][0], 0xfffc);
}

Test(simd, misc_saturation_and_alias) {
    setv(1, 0x8080808001017f00ull, 0);
    cr_assert(vec_exec(&env, 0x4e207820u)); /* sqabs v0.16b, v1.16b */
    cr_expect_eq(env.vregs[0][0], 0x7f7f7f7f01017f00ull);
    cr_expect_eq(env.fpsr & VEC_FPSR_QC, VEC_FPSR_QC);
    setv(0, 0x00000005fffffff0ull, 0);
    setv(1, 0xfffffffa00000020ull, 0x80000000ull);
    cr_assert(vec_exec(&env, 0x6ea03820u)); /* usqadd v0.4s, v1.4s (Vd is also a source) */
    cr_expect_eq(env.vregs[0][0], 0x00000000ffffffffull); /* 5 - 6 -> 0, big + 32 -> max */
    cr_expect_eq(env.vregs[0][1], 0);                     /* 0 + (-2^31) -> 0 */
}

Test(simd, table_wraps_and_permute) {
    setv(30, 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
    setv(31, 0x1716151413121110ull, 0x1f1e1d1c1b1a1918ull);
    setv(0, 0x2726252423222120ull, 0x2f2e2d2c2b2a2928ull);
    setv(3, 0x000000ff30201000ull, 0);
    cr_assert(vec_exec(&env, 0x0e0353c0u)); /* tbx v0.8b, {v30, v31, v0}, v3.8b */
    /* indices 0, 16, 32 pick table bytes; 48 and 255 are out of range and keep Vd's bytes
     * (Vd is also the third table register, read before the write) */
    cr_expect_eq(env.vregs[0][0], 0x0000002423201000ull);
    cr_expect_eq(env.vregs[0][1], 0);
    setv(1, 0x0000000300000001ull, 0x0000000700000005ull);
    setv(2, 0x0000000b00000009ull, 0x0000000f0000000dull);
    cr_assert(vec_exec(&env, 0x4e825820u)); /* uzp2 v0.4s, v1.4s, v2.4s */
    cr_expect_eq(env.vregs[0][0], 0x0000000700000003ull);
    cr_expect_eq(env.vregs[0][1], 0x0000000f0000000bull);
}
