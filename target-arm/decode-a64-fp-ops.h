/*
 * decode-a64-fp-ops.h — the run-time side of the A64 floating-point instructions. The
 * translator (decode-a64-fp.c) validates an encoding with a64_fp_exec(NULL, insn) and emits one
 * helper call that runs a64_fp_exec(env, insn) on the vCPU thread; the decoding is the same
 * code, so translation and execution cannot disagree about an encoding.
 */
#ifndef TANDEM_TARGET_ARM_DECODE_A64_FP_OPS_H
#define TANDEM_TARGET_ARM_DECODE_A64_FP_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "target-arm/cpu.h"

/* Executes one scalar-FP or Advanced SIMD floating-point instruction on env (vregs, xregs,
 * NZCV, fpcr, fpsr). env == NULL: only reports whether the encoding is one of them (allocated
 * on an ARMv8.0 CPU without FEAT_FP16). Returns false for anything else, without side effects. */
bool a64_fp_exec(CPUARMState *env, uint32_t insn);

/* The same, split by the group the SIMD decoder already identified (decode-a64-simd.h). */
bool a64_fp_exec_scalar(CPUARMState *env, uint32_t insn);
bool a64_fp_exec_simd_three_same(CPUARMState *env, uint32_t insn, bool scalar);
bool a64_fp_exec_simd_two_reg_misc(CPUARMState *env, uint32_t insn, bool scalar);
bool a64_fp_exec_simd_indexed(CPUARMState *env, uint32_t insn, bool scalar);
bool a64_fp_exec_simd_pairwise(CPUARMState *env, uint32_t insn);
bool a64_fp_exec_simd_across(CPUARMState *env, uint32_t insn);
bool a64_fp_exec_simd_shift_imm(CPUARMState *env, uint32_t insn, bool scalar);

/* Shared by the executor files: element access to env->vregs (little-endian lanes). */
uint64_t a64_fp_vget(const CPUARMState *env, int reg, int idx, int sz);
void a64_fp_vset(CPUARMState *env, int reg, int idx, int sz, uint64_t val);
/* Writes a scalar of size sz to Vreg and zeroes the other bits (ARM ARM C1.2.5). */
void a64_fp_vset_scalar(CPUARMState *env, int reg, int sz, uint64_t val);

#endif
