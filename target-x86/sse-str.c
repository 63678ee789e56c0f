/*
 * sse-str.c — SSE4.2 packed string compares (PCMPESTRI/M, PCMPISTRI/M) and CRC32, in portable
 * C after Intel SDM vol. 2, 4.1 "Imm8 control byte operation for PCMPESTRI / PCMPESTRM /
 * PCMPISTRI / PCMPISTRM" (source format 4.1.2, aggregation 4.1.3 with the validity overrides
 * of table 4-7, polarity 4.1.4, output selection 4.1.5, flags 4.1.6) and the CRC32 page.
 * Operand A is the first operand (xmm1, d), B the second (xmm2/m128, s). Owner vCPU thread
 * only; nothing here raises.
 */
#include <string.h>

#include "target-x86/sse-helper.h"

/* Element i of v in format fmt (imm[1:0]: 0 ub, 1 uw, 2 sb, 3 sw) as an int. */
static int str_elem(const X86Vec *v, unsigned fmt, unsigned i)
{
    switch (fmt) {
    case 0: return v->b[i];
    case 1: return v->w[i];
    case 2: return v->sb[i];
    default: return v->sw[i];
    }
}

/* Explicit length: |reg| saturated to n (SDM 4.1.1). */
static unsigned str_explicit_len(uint64_t reg, bool wide, unsigned n)
{
    int64_t v = wide ? (int64_t)reg : (int64_t)(int32_t)reg;
    uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
    return mag > n ? n : (unsigned)mag;
}

static unsigned str_implicit_len(const X86Vec *v, unsigned fmt, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (str_elem(v, fmt, i) == 0) return i;
    }
    return n;
}

/* IntRes1 of the aggregation imm[3:2] (SDM 4.1.3) with table 4-7's overrides. */
static uint32_t str_aggregate(const X86Vec *a, const X86Vec *b, unsigned imm, unsigned n,
                              unsigned la, unsigned lb)
{
    unsigned fmt = imm & 3;
    uint32_t res = 0;
    switch ((imm >> 2) & 3) {
    case 0: /* equal any: B[i] is one of A's valid elements */
        for (unsigned i = 0; i < lb; i++) {
            for (unsigned j = 0; j < la; j++) {
                if (str_elem(a, fmt, j) == str_elem(b, fmt, i)) {
                    res |= 1u << i;
                    break;
                }
            }
        }
        break;
    case 1: /* ranges: A[j] <= B[i] <= A[j+1] for an even j with both ends valid */
        for (unsigned i = 0; i < lb; i++) {
            for (unsigned j = 0; j + 1 < la; j += 2) {
                int x = str_elem(b, fmt, i);
                if (str_elem(a, fmt, j) <= x && x <= str_elem(a, fmt, j + 1)) {
                    res |= 1u << i;
                    break;
                }
            }
        }
        break;
    case 2: /* equal each: both invalid -> true, one invalid -> false */
        for (unsigned i = 0; i < n; i++) {
            bool va = i < la, vb = i < lb;
            bool t = (va && vb) ? str_elem(a, fmt, i) == str_elem(b, fmt, i) : (!va && !vb);
            if (t) res |= 1u << i;
        }
        break;
    default: /* equal ordered: A (needle) invalid -> true; B invalid, A valid -> false */
        for (unsigned i = 0; i < n; i++) {
            bool t = true;
            for (unsigned k = 0; k < n - i && t; k++) {
                if (k >= la) break;
                if (i + k >= lb) t = false;
                else t = str_elem(a, fmt, k) == str_elem(b, fmt, i + k);
            }
            if (t) res |= 1u << i;
        }
        break;
    }
    return res;
}

void helper_sse_pcmpstr(CPUX86State *env, void *d, void *s, uint32_t op, uint32_t imm)
{
    X86Vec a, b;
    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    unsigned n = (imm & 1) ? 8 : 16, fmt = imm & 3, kind = op & 3;
    uint32_t all = (1u << n) - 1;
    unsigned la, lb;
    if (kind == SSE_PCMPESTRM || kind == SSE_PCMPESTRI) {
        la = str_explicit_len(env->regs[R_EAX], op & SSE_STR_W, n);
        lb = str_explicit_len(env->regs[R_EDX], op & SSE_STR_W, n);
    } else {
        la = str_implicit_len(&a, fmt, n);
        lb = str_implicit_len(&b, fmt, n);
    }
    uint32_t r1 = str_aggregate(&a, &b, imm, n, la, lb), r2;
    switch ((imm >> 4) & 3) {
    case 1: r2 = ~r1 & all; break;
    case 3: r2 = r1 ^ ((1u << lb) - 1); break; /* negate only B's valid elements */
    default: r2 = r1; break;
    }
    if (kind == SSE_PCMPESTRI || kind == SSE_PCMPISTRI) {
        unsigned idx = n;
        if (r2) idx = (imm & 0x40) ? 31 - __builtin_clz(r2) : __builtin_ctz(r2);
        env->regs[R_ECX] = idx;
    } else {
        X86Vec m = {0};
        if (!(imm & 0x40)) {
            m.l[0] = r2;
        } else {
            for (unsigned i = 0; i < n; i++) {
                if ((r2 >> i) & 1) {
                    if (n == 16) m.b[i] = 0xff;
                    else m.w[i] = 0xffff;
                }
            }
        }
        memcpy(env->xmm[0], &m, 16);
    }
    uint32_t f = (r2 ? CC_C : 0) | (lb < n ? CC_Z : 0) | (la < n ? CC_S : 0) | ((r2 & 1) ? CC_O : 0);
    x86_eflags_set(env, f, CC_ARITH);
}

uint64_t helper_sse_crc32(CPUX86State *env, uint64_t crc, uint64_t val, uint32_t bytes)
{
    uint32_t c = (uint32_t)crc;
    for (unsigned i = 0; i < bytes; i++) {
        c ^= (uint8_t)(val >> (8 * i));
        for (unsigned k = 0; k < 8; k++) {
            c = (c >> 1) ^ ((c & 1) ? 0x82f63b78u : 0); /* bit-reflected 0x1EDC6F41 */
        }
    }
    return c;
}
