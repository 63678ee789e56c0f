/*
 * test-fpu.c — unit tests of the ARM floating-point library (target-arm/fpu*.c) on the cases
 * the ARM ARM pseudocode makes special: NaN priority, FPCR.DN, tininess before rounding, FZ
 * input and output flushing, rounding modes, saturating conversions, AHP, estimates. The bulk
 * comparison with an oracle is tests/fpdiff (check-fpdiff).
 */
#include <criterion/criterion.h>

#include "target-arm/fpu.h"

#define RN 0u
#define FZ FPCR_FZ
#define DN FPCR_DN

Test(fpu, add_exact_and_rounding)
{
    uint32_t fpsr = 0;
    cr_assert_eq(fpu_add(FPU_S, 0x3f800000, 0x40000000, RN, &fpsr), 0x40400000);
    cr_assert_eq(fpsr, 0);
    /* 1 + 2^-24 is a tie: to even (1.0) in RN, up in RP */
    cr_assert_eq(fpu_add(FPU_S, 0x3f800000, 0x33800000, RN, &fpsr), 0x3f800000);
    cr_assert_eq(fpsr, FPSR_IXC);
    fpsr = 0;
    cr_assert_eq(fpu_add(FPU_S, 0x3f800000, 0x33800000, 1u << FPCR_RMODE_SHIFT, &fpsr),
                 0x3f800001);
    /* x - x is +0, or -0 when rounding toward minus infinity */
    cr_assert_eq(fpu_sub(FPU_D, 0x4000000000000000, 0x4000000000000000, RN, &fpsr), 0);
    cr_assert_eq(fpu_sub(FPU_D, 0x4000000000000000, 0x4000000000000000,
                         2u << FPCR_RMODE_SHIFT, &fpsr), 0x8000000000000000);
}

Test(fpu, nan_priority_and_default_nan)
{
    uint32_t fpsr = 0;
    /* a signalling NaN wins over an earlier quiet one, and is quietened */
    cr_assert_eq(fpu_add(FPU_S, 0x7fc00001, 0x7f800002, RN, &fpsr), 0x7fc00002);
    cr_assert_eq(fpsr, FPSR_IOC);
    fpsr = 0;
    cr_assert_eq(fpu_mul(FPU_S, 0xffc00003, 0x7fc00004, RN, &fpsr), 0xffc00003);
    cr_assert_eq(fpsr, 0);
    cr_assert_eq(fpu_add(FPU_S, 0x7f800002, 0, DN, &fpsr), 0x7fc00000);
    /* FMADD: quiet NaN addend with infinity * zero is still Invalid, default NaN */
    fpsr = 0;
    cr_assert_eq(fpu_muladd(FPU_D, 0x7ff8000000000001, 0x7ff0000000000000, 0, RN, &fpsr),
                 0x7ff8000000000000);
    cr_assert_eq(fpsr, FPSR_IOC);
}

Test(fpu, tininess_before_rounding)
{
    uint32_t fpsr = 0;
    /* (1 - 2^-24) * 2^-126 rounds up to the smallest normal but was tiny: UFC + IXC */
    cr_assert_eq(fpu_mul(FPU_S, 0x3f7fffff, 0x00800000, RN, &fpsr), 0x00800000);
    cr_assert_eq(fpsr, FPSR_UFC | FPSR_IXC);
    /* with FZ the tiny result is flushed before rounding: UFC only */
    fpsr = 0;
    cr_assert_eq(fpu_mul(FPU_S, 0x3f7fffff, 0x00800000, FZ, &fpsr), 0);
    cr_assert_eq(fpsr, FPSR_UFC);
    /* exact denormal result: no underflow */
    fpsr = 0;
    cr_assert_eq(fpu_mul(FPU_S, 0x3f000000, 0x00000002, RN, &fpsr), 0x00000001);
    cr_assert_eq(fpsr, 0);
}

Test(fpu, flush_inputs)
{
    uint32_t fpsr = 0;
    cr_assert_eq(fpu_add(FPU_S, 0x00000001, 0x80000000, FZ, &fpsr), 0x80000000 & 0);
    cr_assert_eq(fpsr, FPSR_IDC);
    fpsr = 0;
    /* denormal * infinity with FZ is zero * infinity: Invalid */
    cr_assert_eq(fpu_mul(FPU_D, 1, 0x7ff0000000000000, FZ, &fpsr), 0x7ff8000000000000);
    cr_assert_eq(fpsr, FPSR_IDC | FPSR_IOC);
}

Test(fpu, conversions)
{
    uint32_t fpsr = 0;
    cr_assert_eq(fpu_to_fixed(FPU_S, 0x4f32d05e, 0, false, 32, FPR_ZERO, RN, &fpsr), 0x7fffffff);
    cr_assert_eq(fpsr, FPSR_IOC);
    fpsr = 0;
    cr_assert_eq(fpu_to_fixed(FPU_D, 0xbfe0000000000000, 0, true, 64, FPR_ZERO, RN, &fpsr), 0);
    cr_assert_eq(fpsr, FPSR_IXC);
    fpsr = 0;
    cr_assert_eq(fpu_to_fixed(FPU_D, 0xc004000000000000, 0, false, 64, FPR_TIEAWAY, RN, &fpsr),
                 (uint64_t)-3);
    cr_assert_eq(fpu_from_fixed(FPU_S, 0xffffffff, 0, true, 32, FPR_TIEEVEN, RN, &fpsr),
                 0x4f800000);
    /* double infinity to half with AHP: largest value, Invalid */
    fpsr = 0;
    cr_assert_eq(fpu_convert(FPU_H, FPU_D, 0xfff0000000000000, FPR_TIEEVEN, FPCR_AHP, &fpsr),
                 0xffff);
    cr_assert_eq(fpsr, FPSR_IOC);
    cr_assert_eq(fpu_convert(FPU_S, FPU_D, 0x7ff4000000000001, FPR_TIEEVEN, RN, &fpsr),
                 0x7fe00000);
    fpsr = 0;
    cr_assert_eq(fpu_round_int(FPU_S, 0x3fc00000, FPR_TIEEVEN, true, RN, &fpsr), 0x40000000);
    cr_assert_eq(fpsr, FPSR_IXC);
}

Test(fpu, estimates_and_immediates)
{
    uint32_t fpsr = 0;
    cr_assert_eq(fpu_recip_estimate(FPU_S, 0x3f800000, RN, &fpsr), 0x3f7f8000); /* 511/512 */
    cr_assert_eq(fpu_rsqrt_estimate(FPU_S, 0x3f800000, RN, &fpsr), 0x3f7f8000);
    cr_assert_eq(fpu_recip_estimate(FPU_S, 0, RN, &fpsr), 0x7f800000);
    cr_assert_eq(fpsr, FPSR_DZC);
    cr_assert_eq(fpu_expand_imm(FPU_S, 0x70), 0x3f800000);
    cr_assert_eq(fpu_expand_imm(FPU_D, 0x00), 0x4000000000000000);
    fpsr = 0;
    cr_assert_eq(fpu_max(FPU_S, 0x80000000, 0, RN, &fpsr), 0);
    cr_assert_eq(fpu_min(FPU_S, 0x80000000, 0, RN, &fpsr), 0x80000000);
    cr_assert_eq(fpu_maxnum(FPU_S, 0x7fc00000, 0xff800000, RN, &fpsr), 0xff800000);
    cr_assert_eq(fpu_compare(FPU_D, 0x7ff8000000000000, 0, false, RN, &fpsr), 0x3);
    cr_assert_eq(fpsr, 0);
}
