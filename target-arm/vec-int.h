/*
 * vec-int.h — the C semantics of the A64 Advanced SIMD integer instructions (ARM ARM C7.2),
 * run as IR helpers over CPUARMState.vregs. Each function takes the whole instruction word and
 * decodes it itself, so decoding lives in one place: called with env == NULL it only checks
 * that the encoding is allocated and implemented here (the translator does this to decide
 * between the helper call and UNDEF); with an env it executes the instruction. They touch only
 * vregs and FPSR.QC (never the X registers), so their helper calls read and write no IR
 * globals. They run on the vCPU thread that owns env.
 */
#ifndef TANDEM_TARGET_ARM_VEC_INT_H
#define TANDEM_TARGET_ARM_VEC_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "target-arm/cpu.h"

/* FPSR.QC, the cumulative saturation bit (ARM ARM C5.2.9). */
#define VEC_FPSR_QC (1u << 27)

/* "Advanced SIMD (scalar) three same / three different / two-register miscellaneous /
 * across lanes / scalar pairwise / (scalar) x indexed element / (scalar) shift by immediate"
 * integer opcodes (vec-int-arith.c, vec-int-shift.c). */
bool vec_three_same(CPUARMState *env, uint32_t insn);
bool vec_three_diff(CPUARMState *env, uint32_t insn);
bool vec_two_misc(CPUARMState *env, uint32_t insn);
bool vec_across(CPUARMState *env, uint32_t insn);
bool vec_pairwise_scalar(CPUARMState *env, uint32_t insn);
bool vec_indexed(CPUARMState *env, uint32_t insn);
bool vec_shift_imm(CPUARMState *env, uint32_t insn);
/* Permute, EXT, TBL/TBX, DUP/INS (element) (vec-int-perm.c). */
bool vec_permute(CPUARMState *env, uint32_t insn);
bool vec_ext(CPUARMState *env, uint32_t insn);
bool vec_tbl(CPUARMState *env, uint32_t insn);

/* The groups of C4.1.6 for op0 = x111 (bit 28 = 1 and bit 30 = 0: scalar FP). */
typedef enum VecGroup {
    VEC_G_UNALLOC,
    VEC_G_FP_SCALAR,
    VEC_G_THREE_SAME,
    VEC_G_THREE_DIFF,
    VEC_G_TWO_MISC,
    VEC_G_ACROSS,   /* vector only */
    VEC_G_PAIRWISE, /* scalar only */
    VEC_G_COPY,
    VEC_G_PERMUTE,
    VEC_G_EXT,
    VEC_G_TBL,
    VEC_G_MODIMM,
    VEC_G_SHIFT_IMM,
    VEC_G_INDEXED,
} VecGroup;
VecGroup vec_classify(uint32_t insn);

/* One entry for the helper-implemented groups: routes by vec_classify (vec-int-perm.c). */
bool vec_exec(CPUARMState *env, uint32_t insn);

/* ---- element access shared by the vec-int-*.c files (little-endian host and lanes) ----
 * memcpy keeps these free of strict-aliasing assumptions: the callers mix lane sizes on the
 * same uint64_t arrays. */
static inline uint64_t vec_get(const uint64_t *v, int idx, int size) {
    uint64_t x = 0;
    memcpy(&x, (const uint8_t *)v + ((size_t)idx << size), (size_t)1 << size);
    return x;
}

static inline int64_t vec_sget(const uint64_t *v, int idx, int size) {
    uint64_t x = vec_get(v, idx, size);
    int sh = 64 - (8 << size);
    return (int64_t)(x << sh) >> sh;
}

static inline void vec_set(uint64_t *v, int idx, int size, uint64_t x) {
    memcpy((uint8_t *)v + ((size_t)idx << size), &x, (size_t)1 << size);
}

/* ---- saturation (sets FPSR.QC when the value does not fit), results truncated to size ---- */
static inline uint64_t vec_sat_s(CPUARMState *env, __int128 v, int size) {
    __int128 max = ((__int128)1 << ((8 << size) - 1)) - 1, min = -max - 1;
    if (v > max || v < min) {
        if (env) {
            env->fpsr |= VEC_FPSR_QC;
        }
        v = v > max ? max : min;
    }
    return (uint64_t)v;
}

static inline uint64_t vec_sat_u(CPUARMState *env, __int128 v, int size) {
    __int128 max = ((__int128)1 << (8 << size)) - 1;
    if (v > max || v < 0) {
        if (env) {
            env->fpsr |= VEC_FPSR_QC;
        }
        v = v > max ? max : 0;
    }
    return (uint64_t)v;
}

/* x shifted by sh (left when positive, right when negative, rounding the right shift when
 * round), exactly as the unbounded integers of the pseudocode (ARM ARM J1: SSHL, SRSHL ...);
 * x is an element value of at most 64 significant bits. */
static inline __int128 vec_shift_exact(__int128 x, int sh, bool round) {
    if (sh >= 0) {
        return sh >= 64 ? (x == 0 ? 0 : (x < 0 ? -((__int128)1 << 120) : ((__int128)1 << 120)))
                        : x << sh;
    }
    int n = -sh > 100 ? 100 : -sh;
    if (round) {
        x += (__int128)1 << (n - 1);
    }
    return x >> n;
}

#endif
