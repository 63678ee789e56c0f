/*
 * vec-int-arith.c — semantics of the Advanced SIMD integer arithmetic groups (ARM ARM C4.1.6,
 * instruction pages in C7.2): (scalar) three same, (scalar) three different, (scalar)
 * two-register miscellaneous, across lanes, scalar pairwise ADDP and (scalar) x indexed
 * element. Called with env == NULL only to check the encoding (see vec-int.h). Sources are
 * copied before the destination is written, so Vd may alias Vn/Vm. Runs on the owner vCPU.
 */
#include <string.h>

#include "target-arm/vec-int.h"

static uint64_t vec_mask(int size) {
    return size == 3 ? ~0ull : (1ull << (8 << size)) - 1;
}

/* Writes res to Vd: vector results of 64 bits (Q = 0) and scalars zero the rest. */
static void vec_put(CPUARMState *env, int rd, const uint64_t *res, bool full) {
    env->vregs[rd][0] = res[0];
    env->vregs[rd][1] = full ? res[1] : 0;
}

static uint64_t vec_pmul8(uint64_t a, uint64_t b, int bits) {
    uint64_t r = 0;
    for (int i = 0; i < bits; i++) {
        if ((b >> i) & 1) {
            r ^= a << i;
        }
    }
    return r;
}

/* SQDMULL (acc_sign 0), SQDMLAL (+1), SQDMLSL (-1) of one element pair into width w: the
 * doubled product saturates first, then the accumulation (ARM ARM C7.2 SQDMLAL). */
static uint64_t vec_sqdml(CPUARMState *env, __int128 a, __int128 b, int w, int acc_sign,
                          int64_t acc) {
    int sh = 64 - (8 << w);
    __int128 p = (int64_t)(vec_sat_s(env, 2 * a * b, w) << sh) >> sh;
    if (acc_sign == 0) {
        return (uint64_t)p;
    }
    return vec_sat_s(env, acc_sign > 0 ? acc + p : acc - p, w);
}

/* ---- three same ---- */

/* One element of the integer three-same opcode (opc = bits 15:11); d is the old Vd element. */
static uint64_t vec_same_elem(CPUARMState *env, int opc, bool u, int size, uint64_t a, uint64_t b,
                              uint64_t d) {
    int sh = 64 - (8 << size), eb = 8 << size;
    int64_t sa = (int64_t)(a << sh) >> sh, sb = (int64_t)(b << sh) >> sh;
    __int128 xa = u ? (__int128)a : sa, xb = u ? (__int128)b : sb;
    uint64_t ones = vec_mask(size);
    switch (opc) {
    case 0x00: return (uint64_t)((xa + xb) >> 1);
    case 0x01: return u ? vec_sat_u(env, xa + xb, size) : vec_sat_s(env, xa + xb, size);
    case 0x02: return (uint64_t)((xa + xb + 1) >> 1);
    case 0x04: return (uint64_t)((xa - xb) >> 1);
    case 0x05: return u ? vec_sat_u(env, xa - xb, size) : vec_sat_s(env, xa - xb, size);
    case 0x06: return xa > xb ? ones : 0;
    case 0x07: return xa >= xb ? ones : 0;
    case 0x08:
    case 0x09:
    case 0x0a:
    case 0x0b: {
        int s8 = (int8_t)b;
        __int128 r = vec_shift_exact(xa, s8, opc & 2);
        if (!(opc & 1)) {
            return (uint64_t)r;
        }
        return u ? vec_sat_u(env, r, size) : vec_sat_s(env, r, size);
    }
    case 0x0c:
    case 0x14: return (uint64_t)(xa > xb ? xa : xb);
    case 0x0d:
    case 0x15: return (uint64_t)(xa < xb ? xa : xb);
    case 0x0e: return (uint64_t)(xa > xb ? xa - xb : xb - xa);
    case 0x0f: return d + (uint64_t)(xa > xb ? xa - xb : xb - xa);
    case 0x10: return u ? a - b : a + b;
    case 0x11: return u ? (a == b ? ones : 0) : ((a & b) ? ones : 0);
    case 0x12: return u ? d - a * b : d + a * b;
    case 0x13: return u ? vec_pmul8(a, b, 8) : a * b;
    case 0x16: {
        __int128 p = 2 * (__int128)sa * sb + (u ? (__int128)1 << (eb - 1) : 0);
        return vec_sat_s(env, p >> eb, size);
    }
    default: return a + b; /* 0x17 ADDP */
    }
}

bool vec_three_same(CPUARMState *env, uint32_t insn) {
    bool scalar = (insn >> 28) & 1, q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 11) & 0x1f;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    if (opc >= 0x18 || (opc == 0x17 && u)) {
        return false;
    }
    if (scalar) {
        switch (opc) {
        case 0x01:
        case 0x05:
        case 0x09:
        case 0x0b: break;
        case 0x06:
        case 0x07:
        case 0x08:
        case 0x0a:
        case 0x10:
        case 0x11:
            if (size != 3) {
                return false;
            }
            break;
        case 0x16:
            if (size != 1 && size != 2) {
                return false;
            }
            break;
        default: return false;
        }
    } else if (opc != 0x03) {
        static const uint32_t no_64 = 1u << 0x00 | 1u << 0x02 | 1u << 0x04 | 1u << 0x0c |
                                      1u << 0x0d | 1u << 0x0e | 1u << 0x0f | 1u << 0x12 |
                                      1u << 0x13 | 1u << 0x14 | 1u << 0x15 | 1u << 0x16;
        if (size == 3 && (!q || ((no_64 >> opc) & 1))) {
            return false;
        }
        if ((opc == 0x13 && u && size != 0) || (opc == 0x16 && (size == 0 || size == 3))) {
            return false;
        }
    }
    if (!env) {
        return true;
    }
    uint64_t n[2], m[2], d[2], r[2] = {0, 0};
    memcpy(n, env->vregs[rn], 16);
    memcpy(m, env->vregs[rm], 16);
    memcpy(d, env->vregs[rd], 16);
    if (opc == 0x03) { /* logical: AND BIC ORR ORN / EOR BSL BIT BIF (C7.2) */
        for (int i = 0; i < 2; i++) {
            switch (u << 2 | size) {
            case 0: r[i] = n[i] & m[i]; break;
            case 1: r[i] = n[i] & ~m[i]; break;
            case 2: r[i] = n[i] | m[i]; break;
            case 3: r[i] = n[i] | ~m[i]; break;
            case 4: r[i] = n[i] ^ m[i]; break;
            case 5: r[i] = (n[i] & d[i]) | (m[i] & ~d[i]); break;
            case 6: r[i] = (n[i] & m[i]) | (d[i] & ~m[i]); break;
            default: r[i] = (d[i] & m[i]) | (n[i] & ~m[i]); break;
            }
        }
        vec_put(env, rd, r, q);
        return true;
    }
    int nelem = scalar ? 1 : (q ? 16 : 8) >> size;
    bool pairwise = opc == 0x14 || opc == 0x15 || opc == 0x17;
    for (int i = 0; i < nelem; i++) {
        uint64_t a, b;
        if (pairwise) {
            const uint64_t *src = i < nelem / 2 ? n : m;
            int j = (i % (nelem / 2)) * 2;
            a = vec_get(src, j, size);
            b = vec_get(src, j + 1, size);
        } else {
            a = vec_get(n, i, size);
            b = vec_get(m, i, size);
        }
        vec_set(r, i, size, vec_same_elem(env, opc, u, size, a, b, vec_get(d, i, size)));
    }
    vec_put(env, rd, r, q && !scalar);
    return true;
}

/* ---- three different ---- */

bool vec_three_diff(CPUARMState *env, uint32_t insn) {
    bool scalar = (insn >> 28) & 1, q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0xf;
    int rm = (insn >> 16) & 31, rn = (insn >> 5) & 31, rd = insn & 31;
    bool sqd = opc == 0x9 || opc == 0xb || opc == 0xd;
    if (size == 3 || opc == 0xf || (sqd && (u || size == 0)) || (opc == 0xe && (u || size))) {
        return false;
    }
    if (scalar && !sqd) {
        return false;
    }
    if (!env) {
        return true;
    }
    uint64_t n[2], m[2], d[2], r[2] = {0, 0};
    memcpy(n, env->vregs[rn], 16);
    memcpy(m, env->vregs[rm], 16);
    memcpy(d, env->vregs[rd], 16);
    int half = scalar ? 1 : 8 >> size, part = q && !scalar ? half : 0, w = size + 1;
    int eb = 8 << size;
    if (opc == 0x4 || opc == 0x6) { /* ADDHN/RADDHN/SUBHN/RSUBHN: narrow into one half */
        memcpy(r, d, 16);
        if (!q) {
            r[1] = 0;
        }
        for (int i = 0; i < half; i++) {
            uint64_t a = vec_get(n, i, w), b = vec_get(m, i, w);
            uint64_t x = (opc == 0x4 ? a + b : a - b) + (u ? 1ull << (eb - 1) : 0);
            vec_set(r, i + part, size, x >> eb);
        }
        vec_put(env, rd, r, true);
        return true;
    }
    for (int i = 0; i < half; i++) {
        int64_t sa, sb;
        uint64_t ua, ub;
        if (opc == 0x1 || opc == 0x3) { /* wide: Vn already has double-width elements */
            ua = vec_get(n, i, w);
            sa = vec_sget(n, i, w);
        } else {
            ua = vec_get(n, i + part, size);
            sa = vec_sget(n, i + part, size);
        }
        ub = vec_get(m, i + part, size);
        sb = vec_sget(m, i + part, size);
        __int128 a = u ? (__int128)ua : sa, b = u ? (__int128)ub : sb;
        uint64_t acc = vec_get(d, i, w), x;
        switch (opc) {
        case 0x0:
        case 0x1: x = (uint64_t)(a + b); break;
        case 0x2:
        case 0x3: x = (uint64_t)(a - b); break;
        case 0x5: x = acc + (uint64_t)(a > b ? a - b : b - a); break;
        case 0x7: x = (uint64_t)(a > b ? a - b : b - a); break;
        case 0x8: x = acc + (uint64_t)(a * b); break;
        case 0xa: x = acc - (uint64_t)(a * b); break;
        case 0xc: x = (uint64_t)(a * b); break;
        case 0xe: x = vec_pmul8(ua, ub, 8); break;
        default: /* SQDMLAL 9, SQDMLSL b, SQDMULL d */
            x = vec_sqdml(env, a, b, w, opc == 0xd ? 0 : (opc == 0x9 ? 1 : -1), vec_sget(d, i, w));
            break;
        }
        vec_set(r, i, w, x);
    }
    vec_put(env, rd, r, !scalar);
    return true;
}

/* ---- two-register miscellaneous ---- */

static uint64_t vec_cls(uint64_t x, int eb) {
    int n = 0;
    uint64_t sign = (x >> (eb - 1)) & 1;
    for (int i = eb - 2; i >= 0 && ((x >> i) & 1) == sign; i--) {
        n++;
    }
    return (uint64_t)n;
}

static uint64_t vec_clz(uint64_t x, int eb) {
    int n = 0;
    for (int i = eb - 1; i >= 0 && !((x >> i) & 1); i--) {
        n++;
    }
    return (uint64_t)n;
}

/* Integer two-register misc opcodes: which are allocated, vector and scalar (C4.1.6). */
static bool vec_misc_valid(bool scalar, bool u, int size, bool q, int opc) {
    switch (opc) {
    case 0x00: return !scalar && size < (u ? 2 : 3); /* REV64 / REV32 */
    case 0x01: return !scalar && !u && size == 0;    /* REV16 */
    case 0x02:
    case 0x06: return !scalar && size != 3; /* [SU]ADDLP, [SU]ADALP */
    case 0x03:
    case 0x07: return size != 3 || q || scalar;              /* SUQADD/USQADD, SQABS/SQNEG */
    case 0x04: return !scalar && size != 3;                  /* CLS / CLZ */
    case 0x05: return !scalar && (u ? size < 2 : size == 0); /* CNT / NOT, RBIT */
    case 0x08:
    case 0x09:
    case 0x0b: /* CMGT/CMGE, CMEQ/CMLE #0, ABS/NEG */ return scalar ? size == 3 : (size != 3 || q);
    case 0x0a: return !u && (scalar ? size == 3 : (size != 3 || q)); /* CMLT #0 */
    case 0x12: return size != 3 && (u || !scalar);                   /* XTN / SQXTUN */
    case 0x13: return u && !scalar && size != 3;                     /* SHLL */
    case 0x14: return size != 3;                                     /* SQXTN / UQXTN */
    default: return false;
    }
}

bool vec_two_misc(CPUARMState *env, uint32_t insn) {
    bool scalar = (insn >> 28) & 1, q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0x1f;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if (!vec_misc_valid(scalar, u, size, q, opc)) {
        return false;
    }
    if (!env) {
        return true;
    }
    uint64_t n[2], d[2], r[2] = {0, 0};
    memcpy(n, env->vregs[rn], 16);
    memcpy(d, env->vregs[rd], 16);
    int eb = 8 << size, nelem = scalar ? 1 : (q ? 16 : 8) >> size;
    uint64_t ones = vec_mask(size);
    if (opc == 0x05) { /* CNT, NOT, RBIT work on bytes whatever the size field says */
        eb = 8;
        nelem = q ? 16 : 8;
    }
    if (opc == 0x12 || opc == 0x14) { /* XTN, SQXTN, UQXTN, SQXTUN: narrow from size + 1 */
        int half = scalar ? 1 : 8 >> size, part = q && !scalar ? half : 0;
        if (q && !scalar) {
            memcpy(r, d, 8);
        }
        for (int i = 0; i < half; i++) {
            uint64_t x = vec_get(n, i, size + 1);
            int64_t sx = vec_sget(n, i, size + 1);
            if (opc == 0x12) {
                x = u ? vec_sat_u(env, sx, size) : x;
            } else {
                x = u ? vec_sat_u(env, x, size) : vec_sat_s(env, sx, size);
            }
            vec_set(r, i + part, size, x);
        }
        vec_put(env, rd, r, q && !scalar);
        return true;
    }
    if (opc == 0x13) { /* SHLL: widen and shift by the element size */
        int part = q ? 8 >> size : 0;
        for (int i = 0; i < 8 >> size; i++) {
            vec_set(r, i, size + 1, vec_get(n, i + part, size) << eb);
        }
        vec_put(env, rd, r, true);
        return true;
    }
    if (opc == 0x02 || opc == 0x06) { /* [SU]ADDLP, [SU]ADALP */
        for (int i = 0; i < nelem / 2; i++) {
            uint64_t x = u ? vec_get(n, 2 * i, size) + vec_get(n, 2 * i + 1, size)
                           : (uint64_t)(vec_sget(n, 2 * i, size) + vec_sget(n, 2 * i + 1, size));
            if (opc == 0x06) {
                x += vec_get(d, i, size + 1);
            }
            vec_set(r, i, size + 1, x);
        }
        vec_put(env, rd, r, q);
        return true;
    }
    if (opc == 0x00 || opc == 0x01) { /* REV64 / REV32 / REV16: reverse within containers */
        int cont = opc == 0x01 ? 1 : (u ? 2 : 3); /* container size, log2 bytes */
        int per = (1 << cont) >> size;
        for (int i = 0; i < nelem; i++) {
            int j = (i / per) * per + (per - 1 - i % per);
            vec_set(r, i, size, vec_get(n, j, size));
        }
        vec_put(env, rd, r, q);
        return true;
    }
    for (int i = 0; i < nelem; i++) {
        int esz = opc == 0x05 ? 0 : size;
        uint64_t x = vec_get(n, i, esz), y;
        int64_t sx = vec_sget(n, i, esz);
        switch (opc) {
        case 0x03:
            if (u) { /* USQADD: unsigned Vd + signed Vn */
                y = vec_sat_u(env, (__int128)vec_get(d, i, size) + sx, size);
            } else { /* SUQADD: signed Vd + unsigned Vn */
                y = vec_sat_s(env, (__int128)vec_sget(d, i, size) + x, size);
            }
            break;
        case 0x04: y = u ? vec_clz(x, eb) : vec_cls(x, eb); break;
        case 0x05:
            if (!u) {
                y = (uint64_t)__builtin_popcountll(x);
            } else if (size == 0) {
                y = ~x;
            } else { /* RBIT on bytes (size field 01 selects it) */
                y = 0;
                for (int b = 0; b < 8; b++) {
                    y |= ((x >> b) & 1) << (7 - b);
                }
            }
            break;
        case 0x07: {
            __int128 v = sx;
            y = vec_sat_s(env, u ? -v : (v < 0 ? -v : v), size);
            break;
        }
        case 0x08: y = (u ? sx >= 0 : sx > 0) ? ones : 0; break;
        case 0x09: y = (u ? sx <= 0 : sx == 0) ? ones : 0; break;
        case 0x0a: y = sx < 0 ? ones : 0; break;
        default: y = u ? (uint64_t)-sx : (uint64_t)(sx < 0 ? -(uint64_t)sx : (uint64_t)sx); break;
        }
        vec_set(r, i, esz, y);
    }
    vec_put(env, rd, r, q && !scalar);
    return true;
}

/* ---- across lanes and scalar pairwise ---- */

bool vec_across(CPUARMState *env, uint32_t insn) {
    bool q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0x1f;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    if (size == 3 || (size == 2 && !q)) {
        return false;
    }
    if (opc != 0x03 && opc != 0x0a && opc != 0x1a && !(opc == 0x1b && !u)) {
        return false;
    }
    if (!env) {
        return true;
    }
    int nelem = (q ? 16 : 8) >> size;
    const uint64_t *n = env->vregs[rn];
    __int128 acc = u ? (__int128)vec_get(n, 0, size) : vec_sget(n, 0, size);
    for (int i = 1; i < nelem; i++) {
        __int128 x = u ? (__int128)vec_get(n, i, size) : vec_sget(n, i, size);
        if (opc == 0x0a) {
            acc = x > acc ? x : acc;
        } else if (opc == 0x1a) {
            acc = x < acc ? x : acc;
        } else {
            acc += x;
        }
    }
    int rsize = opc == 0x03 ? size + 1 : size;
    uint64_t r[2] = {(uint64_t)acc & vec_mask(rsize), 0};
    vec_put(env, rd, r, false);
    return true;
}

bool vec_pairwise_scalar(CPUARMState *env, uint32_t insn) {
    bool u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0x1f;
    if (u || size != 3 || opc != 0x1b) {
        return false;
    }
    if (env) { /* ADDP Dd, Vn.2D */
        const uint64_t *n = env->vregs[(insn >> 5) & 31];
        uint64_t r[2] = {n[0] + n[1], 0};
        vec_put(env, insn & 31, r, false);
    }
    return true;
}

/* ---- x indexed element ---- */

bool vec_indexed(CPUARMState *env, uint32_t insn) {
    bool scalar = (insn >> 28) & 1, q = (insn >> 30) & 1, u = (insn >> 29) & 1;
    int size = (insn >> 22) & 3, opc = (insn >> 12) & 0xf;
    int rn = (insn >> 5) & 31, rd = insn & 31;
    int h = (insn >> 11) & 1, l = (insn >> 21) & 1, mbit = (insn >> 20) & 1;
    if (size == 0 || size == 3) {
        return false;
    }
    bool ok;
    switch (opc) {
    case 0x0:
    case 0x4: ok = u && !scalar; break; /* MLA, MLS */
    case 0x2:
    case 0x6:
    case 0xa: ok = !scalar; break; /* [SU]MLAL [SU]MLSL [SU]MULL */
    case 0x3:
    case 0x7:
    case 0xb:
    case 0xc:
    case 0xd: ok = !u; break;            /* SQDML*L SQDMULL SQ(R)DMULH */
    case 0x8: ok = !u && !scalar; break; /* MUL */
    default: ok = false; break;
    }
    if (!ok) {
        return false;
    }
    if (!env) {
        return true;
    }
    int idx, rm;
    if (size == 1) {
        idx = h << 2 | l << 1 | mbit;
        rm = (insn >> 16) & 15;
    } else {
        idx = h << 1 | l;
        rm = (insn >> 16) & 31;
    }
    uint64_t n[2], d[2], r[2] = {0, 0};
    memcpy(n, env->vregs[rn], 16);
    memcpy(d, env->vregs[rd], 16);
    uint64_t ub = vec_get(env->vregs[rm], idx, size);
    int64_t sb = vec_sget(env->vregs[rm], idx, size);
    int eb = 8 << size, w = size + 1;
    if (opc == 0x0 || opc == 0x4 || opc == 0x8 || opc == 0xc || opc == 0xd) { /* same width */
        int nelem = scalar ? 1 : (q ? 16 : 8) >> size;
        for (int i = 0; i < nelem; i++) {
            uint64_t a = vec_get(n, i, size), x;
            if (opc == 0x8) {
                x = a * ub;
            } else if (opc == 0x0) {
                x = vec_get(d, i, size) + a * ub;
            } else if (opc == 0x4) {
                x = vec_get(d, i, size) - a * ub;
            } else {
                __int128 p = 2 * (__int128)vec_sget(n, i, size) * sb;
                if (opc == 0xd) {
                    p += (__int128)1 << (eb - 1);
                }
                x = vec_sat_s(env, p >> eb, size);
            }
            vec_set(r, i, size, x);
        }
        vec_put(env, rd, r, q && !scalar);
        return true;
    }
    int half = scalar ? 1 : 8 >> size, part = q && !scalar ? half : 0;
    for (int i = 0; i < half; i++) {
        __int128 a = u ? (__int128)vec_get(n, i + part, size) : vec_sget(n, i + part, size);
        __int128 b = u ? (__int128)ub : sb;
        uint64_t acc = vec_get(d, i, w), x;
        switch (opc) {
        case 0x2: x = acc + (uint64_t)(a * b); break;
        case 0x6: x = acc - (uint64_t)(a * b); break;
        case 0xa: x = (uint64_t)(a * b); break;
        default: /* SQDMLAL 3, SQDMLSL 7, SQDMULL b */
            x = vec_sqdml(env, a, b, w, opc == 0xb ? 0 : (opc == 0x3 ? 1 : -1), vec_sget(d, i, w));
            break;
        }
        vec_set(r, i, w, x);
    }
    vec_put(env, rd, r, !scalar);
    return true;
}
