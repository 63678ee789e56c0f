/*
 * fpu.h — the ARM floating-point arithmetic library: IEEE 754 binary16/32/64 operations with
 * the exact behaviour of the ARM ARM (DDI 0487) shared pseudocode (J1.3 "shared/functions/
 * float"): FPUnpack flush-to-zero of inputs (FPCR.FZ, IDC), FPRound with tininess detected
 * before rounding and flush of tiny results (UFC), NaN propagation (FPProcessNaNs: signalling
 * NaNs first, then quiet ones, first operand wins), FPCR.DN, FPCR.RMode, FPCR.AHP.
 *
 * Values are raw bit patterns in uint64_t (the low 16/32/64 bits); `sz` is the MemOp size:
 * FPU_H = 1 (half), FPU_S = 2 (single), FPU_D = 3 (double). Every function is pure apart from
 * ORing cumulative exception bits into *fpsr, so any thread may call any of them.
 * No software floating point is taken from elsewhere: the algorithms work on exact integer
 * significands (unsigned __int128) and round once.
 */
#ifndef TANDEM_TARGET_ARM_FPU_H
#define TANDEM_TARGET_ARM_FPU_H

#include <stdbool.h>
#include <stdint.h>

enum { FPU_H = 1, FPU_S = 2, FPU_D = 3 };

/* FPSR cumulative exception bits (ARM ARM D13.2 FPSR). */
#define FPSR_IOC (1u << 0)
#define FPSR_DZC (1u << 1)
#define FPSR_OFC (1u << 2)
#define FPSR_UFC (1u << 3)
#define FPSR_IXC (1u << 4)
#define FPSR_IDC (1u << 7)
#define FPSR_QC (1u << 27)
/* FPCR fields (ARM ARM D13.2 FPCR). */
#define FPCR_AHP (1u << 26)
#define FPCR_DN (1u << 25)
#define FPCR_FZ (1u << 24)
#define FPCR_RMODE_SHIFT 22

/* Rounding modes, numbered as FPCR.RMode for the first four (FPRounding in the ARM ARM). */
typedef enum FPRounding {
    FPR_TIEEVEN = 0, FPR_POSINF = 1, FPR_NEGINF = 2, FPR_ZERO = 3,
    FPR_TIEAWAY = 4, FPR_ODD = 5,
} FPRounding;

static inline FPRounding fpu_rmode(uint32_t fpcr) { return (FPRounding)((fpcr >> FPCR_RMODE_SHIFT) & 3); }

/* ---- classification and constants ---- */
uint64_t fpu_default_nan(int sz);
bool fpu_is_nan(int sz, uint64_t a);
bool fpu_is_snan(int sz, uint64_t a);
uint64_t fpu_neg(int sz, uint64_t a);
uint64_t fpu_abs(int sz, uint64_t a);

/* ---- arithmetic (FPAdd, FPSub, FPMul, FPMulX, FPDiv, FPSqrt, FPMulAdd) ---- */
uint64_t fpu_add(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_sub(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_mul(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_mulx(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_div(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_sqrt(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
/* addend + a * b, rounded once (FPMulAdd). */
uint64_t fpu_muladd(int sz, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
                    uint32_t *fpsr);
/* FPRecipStepFused: 2 - a*b; FPRSqrtStepFused: (3 - a*b) / 2. */
uint64_t fpu_recps(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_rsqrts(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* ---- min/max and compares ---- */
uint64_t fpu_max(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_min(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_maxnum(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_minnum(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
/* FPCompare: NZCV in bits 3:0 (unordered 0011, equal 0110, less 1000, greater 0010). */
unsigned fpu_compare(int sz, uint64_t a, uint64_t b, bool signal_nans, uint32_t fpcr,
                     uint32_t *fpsr);
bool fpu_compare_eq(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
bool fpu_compare_ge(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);
bool fpu_compare_gt(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr);

/* ---- conversions and rounding ---- */
/* FPConvert between precisions (FCVT, FCVTL, FCVTN, FCVTXN with FPR_ODD). */
uint64_t fpu_convert(int to_sz, int from_sz, uint64_t a, FPRounding r, uint32_t fpcr,
                     uint32_t *fpsr);
/* FPToFixed: a * 2^fbits to an integer of 32 or 64 bits, saturating with IOC. */
uint64_t fpu_to_fixed(int sz, uint64_t a, int fbits, bool is_unsigned, int int_bits,
                      FPRounding r, uint32_t fpcr, uint32_t *fpsr);
/* FixedToFP: integer (sign- or zero-extended from int_bits) / 2^fbits. */
uint64_t fpu_from_fixed(int sz, uint64_t v, int fbits, bool is_unsigned, int int_bits,
                        FPRounding r, uint32_t fpcr, uint32_t *fpsr);
/* FPRoundInt (FRINT*): exact = FRINTX (raises IXC when inexact). */
uint64_t fpu_round_int(int sz, uint64_t a, FPRounding r, bool exact, uint32_t fpcr,
                       uint32_t *fpsr);

/* ---- estimates (FPRecipEstimate, FPRSqrtEstimate, FPRecpX, Unsigned*Estimate) ---- */
uint64_t fpu_recip_estimate(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_rsqrt_estimate(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_recpx(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
uint32_t fpu_urecpe(uint32_t a);
uint32_t fpu_ursqrte(uint32_t a);

/* VFPExpandImm: the 8-bit FMOV immediate as a value of size sz. */
uint64_t fpu_expand_imm(int sz, uint8_t imm8);

#endif
