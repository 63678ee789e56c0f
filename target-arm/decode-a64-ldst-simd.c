/*
 * decode-a64-ldst-simd.c — loads and stores of SIMD&FP registers (the V = 1 forms of the
 * load/store group, ARM ARM C4.1.4) and the Advanced SIMD load/store structure instructions.
 * Placeholder until the SIMD decoder lands: every encoding raises UNDEF.
 */
#include "target-arm/translate.h"

bool disas_a64_ldst_simd(DisasContext *s, uint32_t insn) { (void)s; (void)insn; return false; }
