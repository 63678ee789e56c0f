/*
 * cc-helper.c — lazy x86 condition flags: the flags of each cc_op from its recorded operands
 * (convention in cc-helper.h), the condition evaluator, rotates and the undefined-flag table.
 *
 * Everything here is a pure function: any thread may call it, no state, no lock. Sizes are
 * handled by masking to n = 8 << size_shift bits; the sign bit is bit n-1 and PF looks at the
 * low byte of the result only (Intel SDM vol. 1, 3.4.3.1).
 */
#include "target-x86/cc-helper.h"

#include <glib.h>

/* ---- size helpers ---- */

static inline unsigned cc_bits(unsigned sh) { return 8u << sh; }

static inline uint64_t cc_mask(unsigned sh)
{
    return sh >= 3 ? ~UINT64_C(0) : (UINT64_C(1) << cc_bits(sh)) - 1;
}

static inline uint32_t cc_sign(uint64_t x, unsigned sh)
{
    return (uint32_t)(x >> (cc_bits(sh) - 1)) & 1;
}

static inline int64_t cc_sext(uint64_t x, unsigned sh)
{
    unsigned up = 64 - cc_bits(sh);
    return (int64_t)(x << up) >> up;
}

/* PF: set when the low byte of the result has an even number of 1 bits. */
static inline uint32_t cc_pf(uint64_t r)
{
    return __builtin_parity((unsigned)(r & 0xff)) ? 0 : CC_P;
}

/* ZF, SF, PF of result @r at size @sh. */
static inline uint32_t cc_zsp(uint64_t r, unsigned sh)
{
    uint32_t f = cc_pf(r);
    if ((r & cc_mask(sh)) == 0) {
        f |= CC_Z;
    }
    if (cc_sign(r, sh)) {
        f |= CC_S;
    }
    return f;
}

static inline uint32_t cc_af(uint64_t a, uint64_t b, uint64_t r)
{
    return (uint32_t)(a ^ b ^ r) & CC_A; /* carry/borrow into bit 4 */
}

/* ---- add/sub families: a + b + c and a - b - c with c = 0 or 1 ---- */

static uint32_t cc_add(unsigned sh, uint64_t r, uint64_t b, uint64_t c)
{
    uint64_t m = cc_mask(sh);
    r &= m;
    b &= m;
    uint64_t a = (r - b - c) & m;
    uint32_t f = cc_zsp(r, sh) | cc_af(a, b, r);
    if (c ? r <= b : r < b) {
        f |= CC_C;
    }
    if (cc_sign((a ^ r) & (b ^ r), sh)) {
        f |= CC_O;
    }
    return f;
}

static uint32_t cc_sub(unsigned sh, uint64_t r, uint64_t b, uint64_t c)
{
    uint64_t m = cc_mask(sh);
    r &= m;
    b &= m;
    uint64_t a = (r + b + c) & m;
    uint32_t f = cc_zsp(r, sh) | cc_af(a, b, r);
    if (c ? a <= b : a < b) {
        f |= CC_C;
    }
    if (cc_sign((a ^ b) & (a ^ r), sh)) {
        f |= CC_O;
    }
    return f;
}

/* ---- the whole record ---- */

uint32_t x86_cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    unsigned sh = x86_cc_op_size_shift(cc_op);
    uint64_t m = cc_mask(sh);
    uint32_t f;

    switch (cc_op) {
    case CC_OP_EFLAGS:
        return (uint32_t)src & CC_ARITH;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        return cc_add(sh, dst, src, 0);
    case CC_OP_ADCB ... CC_OP_ADCQ:
        return cc_add(sh, dst, src, src2 & 1);
    case CC_OP_SUBB ... CC_OP_SUBQ:
        return cc_sub(sh, dst, src, 0);
    case CC_OP_SBBB ... CC_OP_SBBQ:
        return cc_sub(sh, dst, src, src2 & 1);
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
        return cc_zsp(dst, sh);
    case CC_OP_INCB ... CC_OP_INCQ:
        /* a = r - 1, b = 1: AF when the low nibble wrapped to 0, OF when r became MIN. */
        f = cc_zsp(dst, sh) | ((uint32_t)src & CC_C);
        if ((dst & 0xf) == 0) {
            f |= CC_A;
        }
        if ((dst & m) == (m >> 1) + 1) {
            f |= CC_O;
        }
        return f;
    case CC_OP_DECB ... CC_OP_DECQ:
        f = cc_zsp(dst, sh) | ((uint32_t)src & CC_C);
        if ((dst & 0xf) == 0xf) {
            f |= CC_A;
        }
        if ((dst & m) == m >> 1) {
            f |= CC_O;
        }
        return f;
    case CC_OP_SHLB ... CC_OP_SHLQ:
        /* CF: the last bit shifted out at the top. AF is undefined; AMD hosts set it. */
        f = cc_zsp(dst, sh) | cc_sign(src, sh) | CC_A;
        if (cc_sign(src ^ dst, sh)) {
            f |= CC_O; /* CF ^ MSB(r) */
        }
        return f;
    case CC_OP_SHRB ... CC_OP_SHRQ:
        f = cc_zsp(dst, sh) | ((uint32_t)src & CC_C) | CC_A;
        if (cc_sign(src ^ dst, sh)) {
            f |= CC_O;
        }
        return f;
    case CC_OP_MULB ... CC_OP_MULQ:
        f = cc_zsp(dst, sh);
        if (src & m) {
            f |= CC_C | CC_O;
        }
        return f;
    case CC_OP_BLSIB ... CC_OP_BLSIQ:
        f = cc_zsp(dst, sh);
        if (dst & m) {
            f |= CC_C;
        }
        return f;
    case CC_OP_BLSRB ... CC_OP_BLSRQ:
        f = cc_zsp(dst, sh);
        if ((src & m) == 0) {
            f |= CC_C;
        }
        return f;
    case CC_OP_POPCNT:
        return dst == 0 ? CC_Z : 0;
    case CC_OP_ZCNT:
        f = 0; /* PF SF AF undefined: 0 as on AMD hosts (which keep OF, we clear it) */
        if (src == 0) {
            f |= CC_C;
        }
        if (dst == 0) {
            f |= CC_Z;
        }
        return f;
    case CC_OP_CLR:
        return CC_Z | CC_P;
    default:
        g_assert_not_reached(); /* a cc_op the translator never writes */
    }
}

uint32_t x86_cc_compute_c(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    unsigned sh = x86_cc_op_size_shift(cc_op);
    uint64_t m = cc_mask(sh);

    switch (cc_op) {
    case CC_OP_EFLAGS:
        return (uint32_t)src & CC_C;
    case CC_OP_ADDB ... CC_OP_ADDQ:
        return (dst & m) < (src & m);
    case CC_OP_ADCB ... CC_OP_ADCQ:
        return src2 & 1 ? (dst & m) <= (src & m) : (dst & m) < (src & m);
    case CC_OP_SUBB ... CC_OP_SUBQ:
        return ((dst + src) & m) < (src & m);
    case CC_OP_SBBB ... CC_OP_SBBQ:
        return src2 & 1 ? ((dst + src + 1) & m) <= (src & m) : ((dst + src) & m) < (src & m);
    case CC_OP_INCB ... CC_OP_DECQ:
        return (uint32_t)src & CC_C;
    case CC_OP_SHLB ... CC_OP_SHLQ:
        return cc_sign(src, sh);
    case CC_OP_SHRB ... CC_OP_SHRQ:
        return (uint32_t)src & CC_C;
    case CC_OP_MULB ... CC_OP_MULQ:
        return (src & m) != 0;
    case CC_OP_BLSIB ... CC_OP_BLSIQ:
        return (dst & m) != 0;
    case CC_OP_BLSRB ... CC_OP_BLSRQ:
        return (src & m) == 0;
    case CC_OP_ZCNT:
        return src == 0;
    case CC_OP_LOGICB ... CC_OP_LOGICQ:
    case CC_OP_POPCNT:
    case CC_OP_CLR:
        return 0;
    default:
        g_assert_not_reached();
    }
}

/* ---- conditions ---- */

bool x86_cc_eval_cond(uint32_t cond, uint32_t eflags)
{
    bool cf = eflags & CC_C, zf = eflags & CC_Z, sf = eflags & CC_S, of = eflags & CC_O;
    bool t;

    switch ((cond >> 1) & 7) {
    case 0: t = of; break;                     /* O */
    case 1: t = cf; break;                     /* B */
    case 2: t = zf; break;                     /* E */
    case 3: t = cf || zf; break;               /* BE */
    case 4: t = sf; break;                     /* S */
    case 5: t = eflags & CC_P; break;          /* P */
    case 6: t = sf != of; break;               /* L */
    default: t = zf || sf != of; break;        /* LE */
    }
    return t ^ (cond & 1);
}

/* SUB/CMP: the comparison of a = r + b with b, without building eflags. */
static bool cc_test_sub(uint32_t cond, unsigned sh, uint64_t r, uint64_t b)
{
    uint64_t m = cc_mask(sh);
    uint64_t a = (r + b) & m;
    b &= m;

    switch ((cond >> 1) & 7) {
    case 1: return a < b;                                /* B */
    case 2: return a == b;                               /* E */
    case 3: return a <= b;                               /* BE */
    case 4: return cc_sign(r, sh);                       /* S */
    case 6: return cc_sext(a, sh) < cc_sext(b, sh);      /* L */
    case 7: return cc_sext(a, sh) <= cc_sext(b, sh);     /* LE */
    default: return x86_cc_eval_cond(cond & ~1u, cc_sub(sh, r, b, 0));
    }
}

/* LOGIC/TEST: CF = OF = 0, so B is never, L is SF and LE is ZF or SF. */
static bool cc_test_logic(uint32_t cond, unsigned sh, uint64_t r)
{
    bool zf = (r & cc_mask(sh)) == 0, sf = cc_sign(r, sh);

    switch ((cond >> 1) & 7) {
    case 0: return false;          /* O */
    case 1: return false;          /* B */
    case 2: return zf;             /* E */
    case 3: return zf;             /* BE */
    case 4: return sf;             /* S */
    case 5: return cc_pf(r) != 0;  /* P */
    case 6: return sf;             /* L */
    default: return zf || sf;      /* LE */
    }
}

bool x86_cc_test(uint32_t cond, uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    unsigned sh = x86_cc_op_size_shift(cc_op);

    if (cc_op >= CC_OP_SUBB && cc_op <= CC_OP_SUBQ) {
        return cc_test_sub(cond, sh, dst, src) ^ (cond & 1);
    }
    if (cc_op >= CC_OP_LOGICB && cc_op <= CC_OP_LOGICQ) {
        return cc_test_logic(cond, sh, dst) ^ (cond & 1);
    }
    if ((cond & ~1u) == X86_COND_B) {
        return x86_cc_compute_c(cc_op, dst, src, src2) ^ (cond & 1);
    }
    return x86_cc_eval_cond(cond, x86_cc_compute_all(cc_op, dst, src, src2));
}

/* ---- rotates ---- */

static inline uint64_t cc_shl(uint64_t x, unsigned n) { return n >= 64 ? 0 : x << n; }
static inline uint64_t cc_shr(uint64_t x, unsigned n) { return n >= 64 ? 0 : x >> n; }

uint64_t x86_rotate(X86RotKind kind, unsigned size_shift, uint64_t value, unsigned count,
                    uint32_t *eflags)
{
    unsigned sh = size_shift, n = cc_bits(sh);
    uint64_t m = cc_mask(sh), v = value & m, r;
    unsigned mc = count & (n == 64 ? 0x3f : 0x1f); /* SDM: the count is masked first */
    uint32_t cf = *eflags & CC_C, of;

    if (mc == 0) {
        return v;
    }
    switch (kind) {
    case X86_ROT_ROL: {
        unsigned t = mc % n;
        r = t == 0 ? v : (v << t | v >> (n - t)) & m;
        cf = r & 1;
        of = cc_sign(r, sh) ^ cf;
        break;
    }
    case X86_ROT_ROR: {
        unsigned t = mc % n;
        r = t == 0 ? v : (v >> t | v << (n - t)) & m;
        cf = cc_sign(r, sh);
        of = cf ^ cc_sign(r << 1, sh);
        break;
    }
    case X86_ROT_RCL: {
        /* An (n+1)-bit rotate of CF:value; the count is reduced modulo 9 / 17 at 8 / 16 bits. */
        unsigned t = n < 32 ? mc % (n + 1) : mc;
        if (t == 0) {
            r = v;
        } else {
            r = (cc_shl(v, t) | ((uint64_t)cf << (t - 1)) | cc_shr(v, n + 1 - t)) & m;
            cf = (v >> (n - t)) & 1;
        }
        of = cc_sign(r, sh) ^ cf;
        break;
    }
    default: { /* X86_ROT_RCR */
        unsigned t = n < 32 ? mc % (n + 1) : mc;
        if (t == 0) {
            r = v;
        } else {
            r = (cc_shr(v, t) | ((uint64_t)cf << (n - t)) | cc_shl(v, n + 1 - t)) & m;
            cf = (v >> (t - 1)) & 1;
        }
        of = cc_sign(r ^ (r << 1), sh);
        break;
    }
    }
    *eflags = (*eflags & ~(CC_C | CC_O)) | cf | (of ? CC_O : 0);
    return r;
}

/* ---- undefined flags (SDM vol. 2, "Flags Affected" of each instruction) ---- */

uint32_t x86_cc_undefined_mask(X86FlagInsn insn, unsigned size_shift, unsigned count)
{
    unsigned n = cc_bits(size_shift);
    unsigned mc = count & (n == 64 ? 0x3f : 0x1f);
    uint32_t u;

    switch (insn) {
    case X86_FI_AND: case X86_FI_OR: case X86_FI_XOR: case X86_FI_TEST:
        return CC_A;
    case X86_FI_SHL: case X86_FI_SHR: case X86_FI_SAR:
        if (mc == 0) {
            return 0;
        }
        u = CC_A | (mc > 1 ? CC_O : 0);
        /* CF is the last bit out, undefined for SHL/SHR once the count reaches n. */
        if (insn != X86_FI_SAR && mc >= n) {
            u |= CC_C;
        }
        return u;
    case X86_FI_SHLD: case X86_FI_SHRD:
        if (mc == 0) {
            return 0;
        }
        if (mc > n) {
            return CC_ARITH; /* count > size: result and flags undefined */
        }
        return CC_A | (mc > 1 ? CC_O : 0);
    case X86_FI_ROL: case X86_FI_ROR: case X86_FI_RCL: case X86_FI_RCR:
        return mc > 1 ? CC_O : 0;
    case X86_FI_MUL: case X86_FI_IMUL:
        return CC_S | CC_Z | CC_A | CC_P;
    case X86_FI_DIV: case X86_FI_IDIV:
        return CC_ARITH;
    case X86_FI_BLSI: case X86_FI_BLSR: case X86_FI_BLSMSK: case X86_FI_ANDN:
        return CC_A | CC_P;
    case X86_FI_LZCNT: case X86_FI_TZCNT:
        return CC_O | CC_S | CC_A | CC_P;
    case X86_FI_BSF: case X86_FI_BSR:
        return CC_C | CC_O | CC_S | CC_A | CC_P;
    case X86_FI_BT:
        return CC_O | CC_S | CC_A | CC_P;
    default: /* ADD ADC SUB SBB CMP NEG INC DEC POPCNT: every flag they write is defined */
        return 0;
    }
}
