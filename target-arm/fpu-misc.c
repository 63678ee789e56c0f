/*
 * fpu-misc.c — the non-arithmetic part of the floating-point library (see fpu.h): min/max,
 * compares, conversions between precisions and to/from integers, FRINT, the reciprocal and
 * reciprocal-square-root estimates (ARM ARM J1.3 shared pseudocode: FPMax, FPMaxNum,
 * FPCompare*, FPConvert, FPToFixed, FixedToFP, FPRoundInt, FPRecipEstimate, FPRSqrtEstimate,
 * FPRecpX, RecipEstimate, RecipSqrtEstimate, VFPExpandImm). Pure functions; any thread.
 */
#include "target-arm/fpu-internal.h"

/* ---- ordering of unpacked non-NaN values ---- */
static int fp_cmp_vals(const FPVal *a, const FPVal *b)
{
    if (a->type == FPT_ZERO && b->type == FPT_ZERO)
        return 0; /* +0 == -0 */
    if (a->sign != b->sign)
        return a->sign ? -1 : 1;
    /* same sign: compare magnitudes, zero < finite < infinity */
    int ra = a->type == FPT_ZERO ? 0 : a->type == FPT_NONZERO ? 1 : 2;
    int rb = b->type == FPT_ZERO ? 0 : b->type == FPT_NONZERO ? 1 : 2;
    int mag;
    if (ra != rb) {
        mag = ra < rb ? -1 : 1;
    } else if (ra != 1) {
        mag = 0;
    } else {
        int la = 63 - __builtin_clzll(a->mant) + a->exp;
        int lb = 63 - __builtin_clzll(b->mant) + b->exp;
        if (la != lb) {
            mag = la < lb ? -1 : 1;
        } else {
            uint64_t ma = a->mant << __builtin_clzll(a->mant);
            uint64_t mb = b->mant << __builtin_clzll(b->mant);
            mag = ma < mb ? -1 : ma > mb ? 1 : 0;
        }
    }
    return a->sign ? -mag : mag;
}

/* Repacks an operand that FPUnpack did not change (or flushed to zero). */
static uint64_t fp_repack(int sz, uint64_t a, const FPVal *v)
{
    return v->type == FPT_ZERO ? fpu_zero(sz, v->sign) : a;
}

/* ---- FPMax / FPMin / FPMaxNum / FPMinNum ---- */
static uint64_t fp_minmax(int sz, uint64_t a, uint64_t b, bool is_max, uint32_t fpcr,
                          uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    uint64_t res;
    uint64_t ops[2] = {a, b};
    if (fpu_process_nans3(sz, 2, ops, fpcr, fpsr, &res))
        return res;
    if (va.type == FPT_ZERO && vb.type == FPT_ZERO)
        return fpu_zero(sz, is_max ? (va.sign && vb.sign) : (va.sign || vb.sign));
    int c = fp_cmp_vals(&va, &vb);
    bool pick_a = is_max ? c > 0 : c < 0;
    return pick_a ? fp_repack(sz, a, &va) : fp_repack(sz, b, &vb);
}

uint64_t fpu_max(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_minmax(sz, a, b, true, fpcr, fpsr);
}

uint64_t fpu_min(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_minmax(sz, a, b, false, fpcr, fpsr);
}

/* FPMaxNum/FPMinNum: one quiet NaN against a number loses (ARM ARM J1.3 FPMaxNum). */
static uint64_t fp_minmaxnum(int sz, uint64_t a, uint64_t b, bool is_max, uint32_t fpcr,
                             uint32_t *fpsr)
{
    bool qa = fpu_is_nan(sz, a) && !fpu_is_snan(sz, a);
    bool qb = fpu_is_nan(sz, b) && !fpu_is_snan(sz, b);
    if (qa && !fpu_is_nan(sz, b))
        a = fpu_inf(sz, is_max);
    else if (qb && !fpu_is_nan(sz, a))
        b = fpu_inf(sz, is_max);
    return fp_minmax(sz, a, b, is_max, fpcr, fpsr);
}

uint64_t fpu_maxnum(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_minmaxnum(sz, a, b, true, fpcr, fpsr);
}

uint64_t fpu_minnum(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_minmaxnum(sz, a, b, false, fpcr, fpsr);
}

/* ---- compares ---- */
unsigned fpu_compare(int sz, uint64_t a, uint64_t b, bool signal_nans, uint32_t fpcr,
                     uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    bool na = va.type == FPT_QNAN || va.type == FPT_SNAN;
    bool nb = vb.type == FPT_QNAN || vb.type == FPT_SNAN;
    if (na || nb) {
        if (va.type == FPT_SNAN || vb.type == FPT_SNAN || signal_nans)
            *fpsr |= FPSR_IOC;
        return 0x3;
    }
    int c = fp_cmp_vals(&va, &vb);
    return c == 0 ? 0x6 : c < 0 ? 0x8 : 0x2;
}

/* kind: 0 = EQ (quiet), 1 = GE, 2 = GT (signalling on any NaN) */
static bool fp_compare_kind(int sz, uint64_t a, uint64_t b, int kind, uint32_t fpcr,
                            uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    bool na = va.type == FPT_QNAN || va.type == FPT_SNAN;
    bool nb = vb.type == FPT_QNAN || vb.type == FPT_SNAN;
    if (na || nb) {
        if (kind != 0 || va.type == FPT_SNAN || vb.type == FPT_SNAN)
            *fpsr |= FPSR_IOC;
        return false;
    }
    int c = fp_cmp_vals(&va, &vb);
    return kind == 0 ? c == 0 : kind == 1 ? c >= 0 : c > 0;
}

bool fpu_compare_eq(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_compare_kind(sz, a, b, 0, fpcr, fpsr);
}

bool fpu_compare_ge(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_compare_kind(sz, a, b, 1, fpcr, fpsr);
}

bool fpu_compare_gt(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_compare_kind(sz, a, b, 2, fpcr, fpsr);
}

/* ---- FPConvert ---- */
uint64_t fpu_convert(int to_sz, int from_sz, uint64_t a, FPRounding r, uint32_t fpcr,
                     uint32_t *fpsr)
{
    bool ahp = (fpcr & FPCR_AHP) != 0;
    FPVal v = fpu_unpack_ahp(from_sz, a, ahp, fpcr, fpsr);
    const FPFormat *ff = &fpu_formats[from_sz], *tf = &fpu_formats[to_sz];
    if (v.type == FPT_QNAN || v.type == FPT_SNAN) {
        uint64_t res;
        if (to_sz == FPU_H && ahp) {
            res = fpu_zero(to_sz, v.sign);
            *fpsr |= FPSR_IOC;
            return res;
        }
        if (v.type == FPT_SNAN)
            *fpsr |= FPSR_IOC;
        if (fpcr & FPCR_DN)
            return fpu_default_nan(to_sz);
        /* FPConvertNaN: keep the top fraction bits, set the quiet bit */
        uint64_t frac = a & (((uint64_t)1 << ff->fbits) - 1);
        uint64_t tfrac = tf->fbits >= ff->fbits ? frac << (tf->fbits - ff->fbits)
                                                : frac >> (ff->fbits - tf->fbits);
        return fpu_inf(to_sz, v.sign) | tfrac | ((uint64_t)1 << (tf->fbits - 1));
    }
    if (v.type == FPT_INF) {
        if (to_sz == FPU_H && ahp) {
            *fpsr |= FPSR_IOC;
            return fpu_zero(to_sz, v.sign) | 0x7fff;
        }
        return fpu_inf(to_sz, v.sign);
    }
    if (v.type == FPT_ZERO)
        return fpu_zero(to_sz, v.sign);
    return fpu_round(to_sz, v.sign, v.exp, v.mant, r, fpcr, fpsr);
}

/* ---- FPToFixed / FixedToFP ---- */
/* Rounds |value| = mag + frac to an integer in sign-magnitude; cmp = frac vs one half. */
static bool fp_round_up(FPRounding r, bool sign, bool odd, bool inexact, int cmp)
{
    switch (r) {
    case FPR_TIEEVEN: return cmp > 0 || (cmp == 0 && odd);
    case FPR_POSINF: return inexact && !sign;
    case FPR_NEGINF: return inexact && sign;
    case FPR_TIEAWAY: return cmp >= 0 && inexact;
    default: return false;
    }
}

/* Integer magnitude of mant * 2^exp rounded with r; *inexact set if a fraction was dropped;
 * returns false if the magnitude does not fit 2^70. */
static bool fp_to_int_mag(const FPVal *v, int exp, FPRounding r, u128 *mag, bool *inexact)
{
    *inexact = false;
    if (exp >= 0) {
        if (exp > 70)
            return false;
        *mag = (u128)v->mant << exp;
        return true;
    }
    int sh = -exp;
    uint64_t ip, rem;
    int cmp;
    if (sh >= 65) {
        ip = 0;
        rem = 1;
        cmp = -1;
    } else if (sh == 64) {
        ip = 0;
        rem = v->mant;
        cmp = rem > ((uint64_t)1 << 63) ? 1 : rem == ((uint64_t)1 << 63) ? 0 : -1;
    } else {
        ip = v->mant >> sh;
        rem = v->mant & (((uint64_t)1 << sh) - 1);
        uint64_t half = (uint64_t)1 << (sh - 1);
        cmp = rem > half ? 1 : rem == half ? 0 : -1;
    }
    *inexact = rem != 0;
    *mag = (u128)ip + fp_round_up(r, v->sign, ip & 1, rem != 0, cmp);
    return true;
}

uint64_t fpu_to_fixed(int sz, uint64_t a, int fbits, bool is_unsigned, int int_bits,
                      FPRounding r, uint32_t fpcr, uint32_t *fpsr)
{
    FPVal v = fpu_unpack(sz, a, fpcr, fpsr);
    uint64_t umax = int_bits == 64 ? ~(uint64_t)0 : ((uint64_t)1 << int_bits) - 1;
    uint64_t smax = umax >> 1;
    if (v.type == FPT_QNAN || v.type == FPT_SNAN) {
        *fpsr |= FPSR_IOC;
        return 0;
    }
    if (v.type == FPT_ZERO)
        return 0;
    u128 mag;
    bool inexact = false, fits = true;
    if (v.type == FPT_INF)
        fits = false;
    else
        fits = fp_to_int_mag(&v, v.exp + fbits, r, &mag, &inexact);
    uint64_t res;
    bool overflow = false;
    if (is_unsigned) {
        if (v.sign) {
            overflow = !fits || mag != 0;
            res = 0;
        } else {
            overflow = !fits || mag > umax;
            res = overflow ? umax : (uint64_t)mag;
        }
    } else {
        if (v.sign) {
            overflow = !fits || mag > (u128)smax + 1;
            res = overflow ? ~smax : (uint64_t)0 - (uint64_t)mag;
        } else {
            overflow = !fits || mag > smax;
            res = overflow ? smax : (uint64_t)mag;
        }
        res &= umax;
    }
    if (overflow)
        *fpsr |= FPSR_IOC;
    else if (inexact)
        *fpsr |= FPSR_IXC;
    return res;
}

uint64_t fpu_from_fixed(int sz, uint64_t v, int fbits, bool is_unsigned, int int_bits,
                        FPRounding r, uint32_t fpcr, uint32_t *fpsr)
{
    bool sign = false;
    if (int_bits == 32)
        v = is_unsigned ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
    if (!is_unsigned && (int64_t)v < 0) {
        sign = true;
        v = (uint64_t)0 - v;
    }
    if (v == 0)
        return fpu_zero(sz, false);
    return fpu_round(sz, sign, -fbits, v, r, fpcr, fpsr);
}

/* ---- FPRoundInt ---- */
uint64_t fpu_round_int(int sz, uint64_t a, FPRounding r, bool exact, uint32_t fpcr,
                       uint32_t *fpsr)
{
    FPVal v = fpu_unpack(sz, a, fpcr, fpsr);
    if (v.type == FPT_QNAN || v.type == FPT_SNAN)
        return fpu_process_nan(sz, a, fpcr, fpsr);
    if (v.type == FPT_INF)
        return fpu_inf(sz, v.sign);
    if (v.type == FPT_ZERO)
        return fpu_zero(sz, v.sign);
    if (v.exp >= 0)
        return a;
    u128 mag;
    bool inexact;
    fp_to_int_mag(&v, v.exp, r, &mag, &inexact);
    if (inexact && exact)
        *fpsr |= FPSR_IXC;
    if (mag == 0)
        return fpu_zero(sz, v.sign);
    uint32_t dummy = 0;
    return fpu_round(sz, v.sign, 0, mag, FPR_ZERO, fpcr, &dummy);
}

/* ---- estimates ---- */
/* RecipEstimate: a in 256..511 (0.5 .. 1.0 in steps of 1/512) -> 256..511 (1.0 .. 2.0). */
static unsigned fp_recip_estimate_table(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

/* RecipSqrtEstimate: a in 128..511 (0.25 .. 1.0) -> 256..511. */
static unsigned fp_rsqrt_estimate_table(unsigned a)
{
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    unsigned b = 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < ((uint64_t)1 << 28))
        b++;
    return (b + 1) / 2;
}

uint64_t fpu_recip_estimate(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    FPVal v = fpu_unpack(sz, a, fpcr, fpsr);
    if (v.type == FPT_QNAN || v.type == FPT_SNAN)
        return fpu_process_nan(sz, a, fpcr, fpsr);
    if (v.type == FPT_INF)
        return fpu_zero(sz, v.sign);
    if (v.type == FPT_ZERO) {
        *fpsr |= FPSR_DZC;
        return fpu_inf(sz, v.sign);
    }
    uint64_t e = (a >> f->fbits) & ((1u << f->ebits) - 1);
    uint64_t frac = a & (((uint64_t)1 << f->fbits) - 1);
    /* |value| < 2^-(bias+1): the reciprocal overflows */
    if (e == 0 && (frac >> (f->fbits - 2)) == 0) {
        FPRounding r = fpu_rmode(fpcr);
        bool to_inf = r == FPR_TIEEVEN || (r == FPR_POSINF && !v.sign) ||
                      (r == FPR_NEGINF && v.sign);
        *fpsr |= FPSR_OFC | FPSR_IXC;
        if (to_inf)
            return fpu_inf(sz, v.sign);
        return fpu_inf(sz, v.sign) - 1;
    }
    /* |value| >= 2^(bias-1) with flush to zero: the reciprocal underflows */
    if ((fpcr & FPCR_FZ) && sz != FPU_H && (int)e >= 2 * f->bias - 1) {
        *fpsr |= FPSR_UFC;
        return fpu_zero(sz, v.sign);
    }
    uint64_t fraction = frac << (52 - f->fbits); /* 52-bit fraction as in the pseudocode */
    int exp = (int)e;
    if (exp == 0) {
        if (!((fraction >> 51) & 1)) {
            exp = -1;
            fraction = (fraction << 2) & (((uint64_t)1 << 52) - 1);
        } else {
            fraction = (fraction << 1) & (((uint64_t)1 << 52) - 1);
        }
    }
    unsigned scaled = 256 | (unsigned)(fraction >> 44);
    int result_exp = 2 * f->bias - 1 - exp;
    unsigned est = fp_recip_estimate_table(scaled);
    fraction = (uint64_t)(est & 0xff) << 44;
    if (result_exp == 0) {
        fraction = ((uint64_t)1 << 51) | (fraction >> 1);
    } else if (result_exp == -1) {
        fraction = ((uint64_t)1 << 50) | (fraction >> 2);
        result_exp = 0;
    }
    return fpu_zero(sz, v.sign) | ((uint64_t)result_exp << f->fbits) |
           (fraction >> (52 - f->fbits));
}

uint64_t fpu_rsqrt_estimate(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    FPVal v = fpu_unpack(sz, a, fpcr, fpsr);
    if (v.type == FPT_QNAN || v.type == FPT_SNAN)
        return fpu_process_nan(sz, a, fpcr, fpsr);
    if (v.type == FPT_ZERO) {
        *fpsr |= FPSR_DZC;
        return fpu_inf(sz, v.sign);
    }
    if (v.sign) {
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    if (v.type == FPT_INF)
        return fpu_zero(sz, false);
    uint64_t e = (a >> f->fbits) & ((1u << f->ebits) - 1);
    uint64_t fraction = (a & (((uint64_t)1 << f->fbits) - 1)) << (52 - f->fbits);
    int exp = (int)e;
    if (exp == 0) {
        while (!((fraction >> 51) & 1)) {
            fraction = (fraction << 1) & (((uint64_t)1 << 52) - 1);
            exp--;
        }
        fraction = (fraction << 1) & (((uint64_t)1 << 52) - 1);
    }
    unsigned scaled;
    if (!(exp & 1))
        scaled = 256 | (unsigned)(fraction >> 44);
    else
        scaled = 128 | (unsigned)(fraction >> 45);
    int result_exp = (3 * f->bias - 1 - exp) / 2;
    unsigned est = fp_rsqrt_estimate_table(scaled);
    return ((uint64_t)result_exp << f->fbits) |
           ((uint64_t)(est & 0xff) << (f->fbits - 8));
}

uint64_t fpu_recpx(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    FPVal v = fpu_unpack(sz, a, fpcr, fpsr);
    if (v.type == FPT_QNAN || v.type == FPT_SNAN)
        return fpu_process_nan(sz, a, fpcr, fpsr);
    uint64_t emask = ((uint64_t)1 << f->ebits) - 1;
    uint64_t e = (a >> f->fbits) & emask;
    uint64_t re = e == 0 ? emask - 1 : (~e & emask);
    return fpu_zero(sz, v.sign) | (re << f->fbits);
}

uint32_t fpu_urecpe(uint32_t a)
{
    if (!(a >> 31))
        return 0xffffffffu;
    return (fp_recip_estimate_table(a >> 23) & 0x1ff) << 23;
}

uint32_t fpu_ursqrte(uint32_t a)
{
    if (!(a >> 30))
        return 0xffffffffu;
    return (fp_rsqrt_estimate_table(a >> 23) & 0x1ff) << 23;
}

/* VFPExpandImm (ARM ARM J1.3): imm8 = a:b:cdefgh -> sign a, exponent NOT(b):b..b:cd, fraction
 * efgh:0... */
uint64_t fpu_expand_imm(int sz, uint8_t imm8)
{
    const FPFormat *f = &fpu_formats[sz];
    uint64_t sign = imm8 >> 7, b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3, efgh = imm8 & 15;
    int e = f->ebits;
    uint64_t exp = ((b ^ 1) << (e - 1)) | ((b ? (((uint64_t)1 << (e - 3)) - 1) : 0) << 2) | cd;
    return (sign << (f->ebits + f->fbits)) | (exp << f->fbits) | (efgh << (f->fbits - 4));
}
