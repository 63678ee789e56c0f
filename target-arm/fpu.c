/*
 * fpu.c — core of the ARM floating-point library (see fpu.h): unpacking with input flush,
 * the single rounding step (ARM ARM J1.3 FPRoundBase), NaN processing, and the arithmetic
 * operations. Every finite value is handled as sign, integer significand and binary exponent
 * (value = mant * 2^exp), so each operation is computed exactly (or with a sticky bit well below
 * the rounding point) and rounded exactly once. Pure functions; callable from any thread.
 */
#include "target-arm/fpu.h"

#include "target-arm/fpu-internal.h"

/* ---- formats ---- */
const FPFormat fpu_formats[4] = {
    [FPU_H] = {.ebits = 5, .fbits = 10, .bias = 15},
    [FPU_S] = {.ebits = 8, .fbits = 23, .bias = 127},
    [FPU_D] = {.ebits = 11, .fbits = 52, .bias = 1023},
};

uint64_t fpu_default_nan(int sz)
{
    const FPFormat *f = &fpu_formats[sz];
    return ((((uint64_t)1 << f->ebits) - 1) << f->fbits) | ((uint64_t)1 << (f->fbits - 1));
}

static uint64_t fp_exp_field(int sz, uint64_t a)
{
    const FPFormat *f = &fpu_formats[sz];
    return (a >> f->fbits) & (((uint64_t)1 << f->ebits) - 1);
}

static uint64_t fp_frac_field(int sz, uint64_t a)
{
    return a & (((uint64_t)1 << fpu_formats[sz].fbits) - 1);
}

uint64_t fpu_sign_bit(int sz) { return (uint64_t)1 << ((8 << sz) - 1); }

bool fpu_is_nan(int sz, uint64_t a)
{
    const FPFormat *f = &fpu_formats[sz];
    return fp_exp_field(sz, a) == ((1u << f->ebits) - 1) && fp_frac_field(sz, a) != 0;
}

bool fpu_is_snan(int sz, uint64_t a)
{
    return fpu_is_nan(sz, a) && !(a & ((uint64_t)1 << (fpu_formats[sz].fbits - 1)));
}

uint64_t fpu_neg(int sz, uint64_t a) { return a ^ fpu_sign_bit(sz); }
uint64_t fpu_abs(int sz, uint64_t a) { return a & ~fpu_sign_bit(sz); }

uint64_t fpu_zero(int sz, bool sign) { return sign ? fpu_sign_bit(sz) : 0; }

uint64_t fpu_inf(int sz, bool sign)
{
    const FPFormat *f = &fpu_formats[sz];
    return fpu_zero(sz, sign) | ((((uint64_t)1 << f->ebits) - 1) << f->fbits);
}

static uint64_t fp_max_normal(int sz, bool sign)
{
    const FPFormat *f = &fpu_formats[sz];
    return fpu_zero(sz, sign) | ((((uint64_t)1 << f->ebits) - 2) << f->fbits) |
           (((uint64_t)1 << f->fbits) - 1);
}

/*
 * FPUnpackBase. Half precision never flushes (no FZ16 without FEAT_FP16); with ahp, half
 * precision has no infinities or NaNs (exponent 31 is a normal exponent).
 */
FPVal fpu_unpack_ahp(int sz, uint64_t a, bool ahp, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    FPVal v = {.sign = (a & fpu_sign_bit(sz)) != 0};
    uint64_t e = fp_exp_field(sz, a), frac = fp_frac_field(sz, a);
    uint64_t emax = ((uint64_t)1 << f->ebits) - 1;
    if (e == 0) {
        if (frac == 0) {
            v.type = FPT_ZERO;
        } else if ((fpcr & FPCR_FZ) && sz != FPU_H) {
            v.type = FPT_ZERO;
            *fpsr |= FPSR_IDC;
        } else {
            v.type = FPT_NONZERO;
            v.mant = frac;
            v.exp = 1 - f->bias - f->fbits;
        }
    } else if (e == emax && !(sz == FPU_H && ahp)) {
        if (frac == 0)
            v.type = FPT_INF;
        else
            v.type = (frac >> (f->fbits - 1)) ? FPT_QNAN : FPT_SNAN;
    } else {
        v.type = FPT_NONZERO;
        v.mant = frac | ((uint64_t)1 << f->fbits);
        v.exp = (int)e - f->bias - f->fbits;
    }
    return v;
}

FPVal fpu_unpack(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    return fpu_unpack_ahp(sz, a, false, fpcr, fpsr);
}

/* ---- NaN processing (FPProcessNaN, FPProcessNaNs, FPProcessNaNs3) ---- */
uint64_t fpu_process_nan(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    if (fpu_is_snan(sz, a)) {
        *fpsr |= FPSR_IOC;
        a |= (uint64_t)1 << (fpu_formats[sz].fbits - 1);
    }
    return (fpcr & FPCR_DN) ? fpu_default_nan(sz) : a;
}

bool fpu_process_nans3(int sz, int n, const uint64_t *ops, uint32_t fpcr, uint32_t *fpsr,
                       uint64_t *result)
{
    for (int i = 0; i < n; i++) {
        if (fpu_is_snan(sz, ops[i])) {
            *result = fpu_process_nan(sz, ops[i], fpcr, fpsr);
            return true;
        }
    }
    for (int i = 0; i < n; i++) {
        if (fpu_is_nan(sz, ops[i])) {
            *result = fpu_process_nan(sz, ops[i], fpcr, fpsr);
            return true;
        }
    }
    return false;
}

static bool fp_process_nans(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr,
                            uint64_t *result)
{
    uint64_t ops[2] = {a, b};
    return fpu_process_nans3(sz, 2, ops, fpcr, fpsr, result);
}

/* ---- rounding (FPRoundBase) ---- */
static int clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lo);
}

/*
 * Rounds sign * mant * 2^exp to format sz. mant != 0; bit 0 of mant may be a sticky bit (then
 * the true value lies strictly between its neighbours and only inexactness is recorded by it).
 */
uint64_t fpu_round(int sz, bool sign, int exp, u128 mant, FPRounding r, uint32_t fpcr,
                   uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    int lz = clz128(mant);
    mant <<= lz;
    exp -= lz;
    /* Fold to 64 bits keeping a sticky bit: mant64 in [2^63, 2^64). */
    uint64_t m = (uint64_t)(mant >> 64) | ((uint64_t)mant != 0);
    int e_real = exp + 127; /* value = (m / 2^63) * 2^e_real */
    int min_exp = 1 - f->bias;
    if ((fpcr & FPCR_FZ) && sz != FPU_H && e_real < min_exp) {
        *fpsr |= FPSR_UFC;
        return fpu_zero(sz, sign);
    }
    int biased = e_real + f->bias;
    int shift = 63 - f->fbits;
    if (biased < 1) {
        shift += 1 - biased;
        biased = 0;
    }
    uint64_t int_mant;
    int err_cmp; /* error compared with one half: -1 below, 0 equal, 1 above */
    bool inexact;
    if (shift >= 65) {
        int_mant = 0;
        err_cmp = -1;
        inexact = true;
    } else {
        uint64_t rem, half;
        if (shift == 64) {
            int_mant = 0;
            rem = m;
        } else {
            int_mant = m >> shift;
            rem = m & (((uint64_t)1 << shift) - 1);
        }
        half = (uint64_t)1 << (shift - 1);
        err_cmp = rem > half ? 1 : rem == half ? 0 : -1;
        inexact = rem != 0;
    }
    if (biased == 0 && inexact)
        *fpsr |= FPSR_UFC;
    bool round_up, overflow_to_inf;
    switch (r) {
    case FPR_TIEEVEN:
        round_up = err_cmp > 0 || (err_cmp == 0 && (int_mant & 1));
        overflow_to_inf = true;
        break;
    case FPR_POSINF:
        round_up = inexact && !sign;
        overflow_to_inf = !sign;
        break;
    case FPR_NEGINF:
        round_up = inexact && sign;
        overflow_to_inf = sign;
        break;
    case FPR_TIEAWAY:
        round_up = err_cmp >= 0;
        overflow_to_inf = true;
        break;
    case FPR_ODD:
        round_up = false;
        overflow_to_inf = false;
        if (inexact)
            int_mant |= 1;
        break;
    default:
        round_up = false;
        overflow_to_inf = false;
        break;
    }
    if (round_up) {
        int_mant++;
        if (int_mant == ((uint64_t)1 << f->fbits))
            biased = 1;
        if (int_mant == ((uint64_t)1 << (f->fbits + 1))) {
            biased++;
            int_mant >>= 1;
        }
    }
    uint64_t result;
    if (!(sz == FPU_H && (fpcr & FPCR_AHP))) {
        if (biased >= (1 << f->ebits) - 1) {
            result = overflow_to_inf ? fpu_inf(sz, sign) : fp_max_normal(sz, sign);
            *fpsr |= FPSR_OFC;
            inexact = true;
        } else {
            result = fpu_zero(sz, sign) | ((uint64_t)biased << f->fbits) |
                     (int_mant & (((uint64_t)1 << f->fbits) - 1));
        }
    } else {
        if (biased >= (1 << f->ebits)) {
            result = fpu_zero(sz, sign) | 0x7fff;
            *fpsr |= FPSR_IOC;
            inexact = false;
        } else {
            result = fpu_zero(sz, sign) | ((uint64_t)biased << f->fbits) |
                     (int_mant & (((uint64_t)1 << f->fbits) - 1));
        }
    }
    if (inexact)
        *fpsr |= FPSR_IXC;
    return result;
}

/* ---- exact addition of two signed values (shared by add and the fused forms) ---- */
/*
 * Both significands are normalised so their top bit is bit 125; the smaller one is shifted
 * right with a sticky bit. The larger operand keeps at least 20 exact bits below its own
 * significand, so the sticky bit cannot disturb rounding.
 */
uint64_t fpu_add_exact(int sz, bool sa, int ea, u128 ma, bool sb, int eb, u128 mb,
                       FPRounding r, uint32_t fpcr, uint32_t *fpsr)
{
    int la = clz128(ma) - 2, lb = clz128(mb) - 2;
    ma <<= la;
    ea -= la;
    mb <<= lb;
    eb -= lb;
    if (eb > ea || (eb == ea && mb > ma)) {
        u128 tm = ma; ma = mb; mb = tm;
        int te = ea; ea = eb; eb = te;
        bool ts = sa; sa = sb; sb = ts;
    }
    int d = ea - eb;
    if (d >= 127)
        mb = 1;
    else if (d > 0)
        mb = (mb >> d) | ((mb & (((u128)1 << d) - 1)) != 0);
    u128 sum = (sa == sb) ? ma + mb : ma - mb;
    if (sum == 0)
        return fpu_zero(sz, r == FPR_NEGINF);
    return fpu_round(sz, sa, ea, sum, r, fpcr, fpsr);
}

/* ---- FPAdd / FPSub ---- */
static uint64_t fp_addsub(int sz, uint64_t a, uint64_t b, bool sub, uint32_t fpcr,
                          uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    uint64_t res;
    if (fp_process_nans(sz, a, b, fpcr, fpsr, &res))
        return res;
    bool sb = vb.sign ^ sub;
    if (va.type == FPT_INF && vb.type == FPT_INF && va.sign != sb) {
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    if (va.type == FPT_INF)
        return fpu_inf(sz, va.sign);
    if (vb.type == FPT_INF)
        return fpu_inf(sz, sb);
    if (va.type == FPT_ZERO && vb.type == FPT_ZERO) {
        if (va.sign == sb)
            return fpu_zero(sz, va.sign);
        return fpu_zero(sz, fpu_rmode(fpcr) == FPR_NEGINF);
    }
    if (va.type == FPT_ZERO)
        return fpu_round(sz, sb, vb.exp, vb.mant, fpu_rmode(fpcr), fpcr, fpsr);
    if (vb.type == FPT_ZERO)
        return fpu_round(sz, va.sign, va.exp, va.mant, fpu_rmode(fpcr), fpcr, fpsr);
    return fpu_add_exact(sz, va.sign, va.exp, va.mant, sb, vb.exp, vb.mant, fpu_rmode(fpcr),
                         fpcr, fpsr);
}

uint64_t fpu_add(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_addsub(sz, a, b, false, fpcr, fpsr);
}

uint64_t fpu_sub(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_addsub(sz, a, b, true, fpcr, fpsr);
}

/* ---- FPMul / FPMulX ---- */
static uint64_t fp_mul_common(int sz, uint64_t a, uint64_t b, bool mulx, uint32_t fpcr,
                              uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    uint64_t res;
    if (fp_process_nans(sz, a, b, fpcr, fpsr, &res))
        return res;
    bool sign = va.sign ^ vb.sign;
    if ((va.type == FPT_INF && vb.type == FPT_ZERO) ||
        (va.type == FPT_ZERO && vb.type == FPT_INF)) {
        if (mulx) /* FPMulX: infinity times zero is 2.0 (ARM ARM J1.3 FPMulX) */
            return fpu_zero(sz, sign) | ((uint64_t)fpu_formats[sz].bias + 1) << fpu_formats[sz].fbits;
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    if (va.type == FPT_INF || vb.type == FPT_INF)
        return fpu_inf(sz, sign);
    if (va.type == FPT_ZERO || vb.type == FPT_ZERO)
        return fpu_zero(sz, sign);
    return fpu_round(sz, sign, va.exp + vb.exp, (u128)va.mant * vb.mant, fpu_rmode(fpcr), fpcr,
                     fpsr);
}

uint64_t fpu_mul(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_mul_common(sz, a, b, false, fpcr, fpsr);
}

uint64_t fpu_mulx(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    return fp_mul_common(sz, a, b, true, fpcr, fpsr);
}

/* ---- FPDiv ---- */
uint64_t fpu_div(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    uint64_t res;
    if (fp_process_nans(sz, a, b, fpcr, fpsr, &res))
        return res;
    bool sign = va.sign ^ vb.sign;
    if ((va.type == FPT_INF && vb.type == FPT_INF) ||
        (va.type == FPT_ZERO && vb.type == FPT_ZERO)) {
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    if (va.type == FPT_INF || vb.type == FPT_ZERO) {
        if (va.type != FPT_INF)
            *fpsr |= FPSR_DZC;
        return fpu_inf(sz, sign);
    }
    if (va.type == FPT_ZERO || vb.type == FPT_INF)
        return fpu_zero(sz, sign);
    u128 n = (u128)va.mant << (clz128(va.mant) - 2); /* top bit 125 */
    int en = va.exp - (clz128(va.mant) - 2);
    uint64_t d = vb.mant << (__builtin_clzll(vb.mant) - 1); /* top bit 62 */
    int ed = vb.exp - (__builtin_clzll(vb.mant) - 1);
    u128 q = n / d;
    bool sticky = (n % d) != 0;
    return fpu_round(sz, sign, en - ed - 1, (q << 1) | sticky, fpu_rmode(fpcr), fpcr, fpsr);
}

/* ---- FPSqrt ---- */
static u128 isqrt128(u128 x, bool *exact)
{
    u128 res = 0, bit = (u128)1 << 126;
    while (bit > x)
        bit >>= 2;
    while (bit) {
        if (x >= res + bit) {
            x -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    *exact = x == 0;
    return res;
}

uint64_t fpu_sqrt(int sz, uint64_t a, uint32_t fpcr, uint32_t *fpsr)
{
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr);
    if (va.type == FPT_QNAN || va.type == FPT_SNAN)
        return fpu_process_nan(sz, a, fpcr, fpsr);
    if (va.type == FPT_ZERO)
        return fpu_zero(sz, va.sign);
    if (va.type == FPT_INF && !va.sign)
        return fpu_inf(sz, false);
    if (va.sign) {
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    u128 m = va.mant;
    int e = va.exp;
    int s = clz128(m) - 3; /* top bit 124 or 125 */
    if ((e - s) & 1)
        s++;
    m <<= s;
    e -= s;
    bool exact;
    u128 root = isqrt128(m, &exact);
    return fpu_round(sz, false, e / 2 - 1, (root << 1) | !exact, fpu_rmode(fpcr), fpcr, fpsr);
}

/* ---- FPMulAdd and the fused step operations ---- */
/*
 * addend + a * b with negation already applied to the operands. `nan_ops` are the operands in
 * FPProcessNaNs3 order (n of them); `inf_zero_value` is what infinity times zero gives
 * (0 = default NaN with IOC, else the bit pattern, for FRECPS / FRSQRTS).
 */
static uint64_t fp_fused(int sz, uint64_t addend, uint64_t a, uint64_t b, bool halve,
                         bool check_addend_nan, uint64_t inf_zero_value, uint32_t fpcr,
                         uint32_t *fpsr)
{
    FPVal vc = fpu_unpack(sz, addend, fpcr, fpsr);
    FPVal va = fpu_unpack(sz, a, fpcr, fpsr), vb = fpu_unpack(sz, b, fpcr, fpsr);
    FPRounding r = fpu_rmode(fpcr);
    bool inf_zero = (va.type == FPT_INF && vb.type == FPT_ZERO) ||
                    (va.type == FPT_ZERO && vb.type == FPT_INF);
    uint64_t res;
    if (check_addend_nan) {
        uint64_t ops[3] = {addend, a, b};
        if (fpu_process_nans3(sz, 3, ops, fpcr, fpsr, &res)) {
            /* FPMulAdd: a quiet NaN addend with infinity * zero is still Invalid */
            if (vc.type == FPT_QNAN && inf_zero) {
                *fpsr |= FPSR_IOC;
                return fpu_default_nan(sz);
            }
            return res;
        }
    } else if (fp_process_nans(sz, a, b, fpcr, fpsr, &res)) {
        return res;
    }
    if (inf_zero) {
        if (inf_zero_value)
            return inf_zero_value;
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    bool sp = va.sign ^ vb.sign;
    bool inf_p = va.type == FPT_INF || vb.type == FPT_INF;
    bool zero_p = va.type == FPT_ZERO || vb.type == FPT_ZERO;
    if (vc.type == FPT_INF && inf_p && vc.sign != sp) {
        *fpsr |= FPSR_IOC;
        return fpu_default_nan(sz);
    }
    if (vc.type == FPT_INF)
        return fpu_inf(sz, vc.sign);
    if (inf_p)
        return fpu_inf(sz, sp);
    if (vc.type == FPT_ZERO && zero_p) {
        if (vc.sign == sp)
            return fpu_zero(sz, sp);
        return fpu_zero(sz, r == FPR_NEGINF);
    }
    int h = halve ? 1 : 0;
    if (zero_p)
        return fpu_round(sz, vc.sign, vc.exp - h, vc.mant, r, fpcr, fpsr);
    u128 pm = (u128)va.mant * vb.mant;
    int pe = va.exp + vb.exp;
    if (vc.type == FPT_ZERO)
        return fpu_round(sz, sp, pe - h, pm, r, fpcr, fpsr);
    return fpu_add_exact(sz, vc.sign, vc.exp - h, vc.mant, sp, pe - h, pm, r, fpcr, fpsr);
}

uint64_t fpu_muladd(int sz, uint64_t addend, uint64_t a, uint64_t b, uint32_t fpcr,
                    uint32_t *fpsr)
{
    return fp_fused(sz, addend, a, b, false, true, 0, fpcr, fpsr);
}

/* FPRecipStepFused (ARM ARM J1.3): 2.0 - a * b; infinity times zero gives +2.0. */
uint64_t fpu_recps(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    uint64_t two = (uint64_t)(f->bias + 1) << f->fbits;
    return fp_fused(sz, two, fpu_neg(sz, a), b, false, false, two, fpcr, fpsr);
}

/* FPRSqrtStepFused: (3.0 - a * b) / 2; infinity times zero gives +1.5. */
uint64_t fpu_rsqrts(int sz, uint64_t a, uint64_t b, uint32_t fpcr, uint32_t *fpsr)
{
    const FPFormat *f = &fpu_formats[sz];
    uint64_t three = ((uint64_t)(f->bias + 1) << f->fbits) | ((uint64_t)1 << (f->fbits - 1));
    uint64_t one_half = ((uint64_t)f->bias << f->fbits) | ((uint64_t)1 << (f->fbits - 1));
    return fp_fused(sz, three, fpu_neg(sz, a), b, true, false, one_half, fpcr, fpsr);
}
