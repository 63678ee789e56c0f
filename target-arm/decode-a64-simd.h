/*
 * decode-a64-simd.h — how the Advanced SIMD and floating-point decoders divide the
 * "Data Processing -- Scalar Floating-Point and Advanced SIMD" encoding space (ARM ARM C4.1.6).
 *
 * decode-a64-simd.c owns the top-level dispatch (disas_a64_simd_fp) and every Advanced SIMD
 * group; its integer, permute, copy, table and load/store-structure instructions live in the
 * decode-a64-simd-*.c files. Floating-point arithmetic lives in the decode-a64-fp*.c files:
 * the scalar floating-point groups whole, and the floating-point opcodes of the mixed Advanced
 * SIMD groups, which the SIMD group decoders hand over through the functions below (each gets
 * the whole instruction word and returns false for an unallocated encoding, after which the
 * caller raises UNDEF). All of them run on the translating vCPU thread and begin with
 * fp_access_check().
 */
#ifndef TANDEM_TARGET_ARM_DECODE_A64_SIMD_H
#define TANDEM_TARGET_ARM_DECODE_A64_SIMD_H

#include <stdbool.h>
#include <stdint.h>

#include "target-arm/translate.h"

/* Scalar floating point (bit 30 = 0, bit 28 = 1, bit 24 = 0/1 as in C4.1.6): conversions
 * between FP and fixed point / integer, data-processing 1/2/3 source, compare, conditional
 * compare, conditional select, FMOV (immediate). */
bool a64_fp_scalar(DisasContext *s, uint32_t insn);

/* FP opcodes of the Advanced SIMD groups; `scalar` = the "Advanced SIMD scalar ..." form. */
bool a64_simd_fp_three_same(DisasContext *s, uint32_t insn, bool scalar);
bool a64_simd_fp_two_reg_misc(DisasContext *s, uint32_t insn, bool scalar);
bool a64_simd_fp_indexed(DisasContext *s, uint32_t insn, bool scalar);
bool a64_simd_fp_pairwise_scalar(DisasContext *s, uint32_t insn);
bool a64_simd_fp_across_lanes(DisasContext *s, uint32_t insn);
/* SCVTF/UCVTF/FCVTZS/FCVTZU (fixed-point) of "Advanced SIMD (scalar) shift by immediate". */
bool a64_simd_fp_shift_imm(DisasContext *s, uint32_t insn, bool scalar);

/* Registration of the FP helpers (called from arm_translate_init). */
void a64_fp_helpers_init(void);
/* Registration of the SIMD helpers (called from arm_translate_init). */
void a64_simd_helpers_init(void);

#endif
