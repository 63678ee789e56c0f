/*
 * decode-a64-fp.c — scalar floating point and the FP opcodes of the Advanced SIMD groups
 * (see decode-a64-simd.h). Placeholder until the FP decoder lands: every encoding is reported
 * as unallocated, so FP instructions raise UNDEF.
 */
#include "target-arm/decode-a64-simd.h"

bool a64_fp_scalar(DisasContext *s, uint32_t insn) { (void)s; (void)insn; return false; }
bool a64_simd_fp_three_same(DisasContext *s, uint32_t insn, bool scalar) { (void)s; (void)insn; (void)scalar; return false; }
bool a64_simd_fp_two_reg_misc(DisasContext *s, uint32_t insn, bool scalar) { (void)s; (void)insn; (void)scalar; return false; }
bool a64_simd_fp_indexed(DisasContext *s, uint32_t insn, bool scalar) { (void)s; (void)insn; (void)scalar; return false; }
bool a64_simd_fp_pairwise_scalar(DisasContext *s, uint32_t insn) { (void)s; (void)insn; return false; }
bool a64_simd_fp_across_lanes(DisasContext *s, uint32_t insn) { (void)s; (void)insn; return false; }
bool a64_simd_fp_shift_imm(DisasContext *s, uint32_t insn, bool scalar) { (void)s; (void)insn; (void)scalar; return false; }
void a64_fp_helpers_init(void) {}
