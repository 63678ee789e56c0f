/*
 * fpu-internal.h — what the files of the floating-point library (fpu*.c) share: formats, the
 * unpacked value, NaN processing and the single rounding function. Not for other modules:
 * they use fpu.h. Pure functions, any thread.
 */
#ifndef TANDEM_TARGET_ARM_FPU_INTERNAL_H
#define TANDEM_TARGET_ARM_FPU_INTERNAL_H

#include "target-arm/fpu.h"

typedef unsigned __int128 u128;

typedef struct FPFormat {
    int ebits, fbits, bias;
} FPFormat;
extern const FPFormat fpu_formats[4];

/* FPType of the ARM ARM; FPT_NONZERO covers normal and (unflushed) denormal numbers. */
typedef enum FPType { FPT_ZERO, FPT_NONZERO, FPT_INF, FPT_QNAN, FPT_SNAN } FPType;

/* An unpacked operand: for FPT_NONZERO, value = (-1)^sign * mant * 2^exp exactly. */
typedef struct FPVal {
    FPType type;
    bool sign;
    int exp;
    uint64_t mant;
} FPVal;

FPVal fpu_unpack(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
FPVal fpu_unpack_ahp(int sz, uint64_t a, bool ahp, uint32_t fpcr, uint32_t *fpsr);
uint64_t fpu_sign_bit(int sz);
uint64_t fpu_zero(int sz, bool sign);
uint64_t fpu_inf(int sz, bool sign);
uint64_t fpu_process_nan(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr);
/* FPProcessNaNs over n operands in priority order; true (and *result) if any is a NaN. */
bool fpu_process_nans3(int sz, int n, const uint64_t *ops, uint32_t fpcr, uint32_t *fpsr,
                       uint64_t *result);
/* FPRoundBase of sign * mant * 2^exp (mant != 0; bit 0 may be a sticky bit). */
uint64_t fpu_round(int sz, bool sign, int exp, u128 mant, FPRounding r, uint32_t fpcr,
                   uint32_t *fpsr);
uint64_t fpu_add_exact(int sz, bool sa, int ea, u128 ma, bool sb, int eb, u128 mb,
                       FPRounding r, uint32_t fpcr, uint32_t *fpsr);

#endif
