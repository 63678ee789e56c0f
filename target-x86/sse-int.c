/*
 * sse-int.c — MMX/SSE2/SSSE3/SSE4.1 packed integer operations and the exact FP data movement
 * ones (SHUFPS, UNPCK*, BLEND*, INSERTPS), in portable C (Intel SDM vol. 2, one instruction
 * page per op; element numbering little-endian like the host).
 *
 * Every op reads both operands into local copies before writing d, so d == s and d == XMM0
 * (PBLENDVB) are safe. MMX forms (SSE_W64) work on 8 bytes, call x86_fpu_enter_mmx and set the
 * exponent of the written register to 0xFFFF (SDM vol. 1, 9.5.1). Owner vCPU thread only;
 * nothing here raises.
 */
#include <string.h>

#include "target-x86/sse-helper.h"

/* ---- saturation (SDM vol. 1, 4.6.1) ---- */
static int8_t sat_s8(int v) { return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v; }
static uint8_t sat_u8(int v) { return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v; }
static int16_t sat_s16(int v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }
static uint16_t sat_u16(int v) { return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v; }

void helper_sse_emms(CPUX86State *env)
{
    memset(env->fptags, 1, sizeof(env->fptags));
}

/* Stores n bytes of r to d; an MMX register written gets exponent 0xFFFF. */
static void sse_store(CPUX86State *env, void *d, const X86Vec *r, unsigned n)
{
    memcpy(d, r, n);
    if (n == 8 && (char *)d >= (char *)env->fpregs && (char *)d < (char *)(env->fpregs + 8)) {
        ((X87Reg *)d)->exp = 0xffff;
    }
}

/* Interleaves esz-byte elements of the low (hi = 0) or high half of a and b. */
static void sse_unpack(X86Vec *r, const X86Vec *a, const X86Vec *b, unsigned n, unsigned esz,
                       int hi)
{
    unsigned k = n / (2 * esz);
    unsigned base = hi ? k : 0;
    for (unsigned i = 0; i < k; i++) {
        memcpy(&r->b[(2 * i) * esz], &a->b[(base + i) * esz], esz);
        memcpy(&r->b[(2 * i + 1) * esz], &b->b[(base + i) * esz], esz);
    }
}

static void sse_shift(X86Vec *r, const X86Vec *a, unsigned n, uint32_t op, uint64_t cnt)
{
    switch (op) {
    case SSE_PSRLW:
        for (unsigned i = 0; i < n / 2; i++) r->w[i] = cnt > 15 ? 0 : a->w[i] >> cnt;
        break;
    case SSE_PSRLD:
        for (unsigned i = 0; i < n / 4; i++) r->l[i] = cnt > 31 ? 0 : a->l[i] >> cnt;
        break;
    case SSE_PSRLQ:
        for (unsigned i = 0; i < n / 8; i++) r->q[i] = cnt > 63 ? 0 : a->q[i] >> cnt;
        break;
    case SSE_PSRAW:
        for (unsigned i = 0; i < n / 2; i++) r->sw[i] = a->sw[i] >> (cnt > 15 ? 15 : cnt);
        break;
    case SSE_PSRAD:
        for (unsigned i = 0; i < n / 4; i++) r->sl[i] = a->sl[i] >> (cnt > 31 ? 31 : cnt);
        break;
    case SSE_PSLLW:
        for (unsigned i = 0; i < n / 2; i++) r->w[i] = cnt > 15 ? 0 : (uint16_t)(a->w[i] << cnt);
        break;
    case SSE_PSLLD:
        for (unsigned i = 0; i < n / 4; i++) r->l[i] = cnt > 31 ? 0 : a->l[i] << cnt;
        break;
    case SSE_PSLLQ:
        for (unsigned i = 0; i < n / 8; i++) r->q[i] = cnt > 63 ? 0 : a->q[i] << cnt;
        break;
    case SSE_PSRLDQ: /* SDM PSRLDQ: counts above 15 clear the register */
        for (unsigned i = 0; i < n; i++) r->b[i] = i + cnt < n ? a->b[i + cnt] : 0;
        break;
    case SSE_PSLLDQ:
        for (unsigned i = 0; i < n; i++) r->b[i] = i >= cnt ? a->b[i - cnt] : 0;
        break;
    }
}

/* PMOVSX/PMOVZX: widen the low elements of b (SDM vol. 2 PMOVSX, PMOVZX). */
static void sse_pmov(X86Vec *r, const X86Vec *b, uint32_t op)
{
    switch (op) {
    case SSE_PMOVSXBW: for (int i = 7; i >= 0; i--) r->sw[i] = b->sb[i]; break;
    case SSE_PMOVSXBD: for (int i = 3; i >= 0; i--) r->sl[i] = b->sb[i]; break;
    case SSE_PMOVSXBQ: for (int i = 1; i >= 0; i--) r->sq[i] = b->sb[i]; break;
    case SSE_PMOVSXWD: for (int i = 3; i >= 0; i--) r->sl[i] = b->sw[i]; break;
    case SSE_PMOVSXWQ: for (int i = 1; i >= 0; i--) r->sq[i] = b->sw[i]; break;
    case SSE_PMOVSXDQ: for (int i = 1; i >= 0; i--) r->sq[i] = b->sl[i]; break;
    case SSE_PMOVZXBW: for (int i = 7; i >= 0; i--) r->w[i] = b->b[i]; break;
    case SSE_PMOVZXBD: for (int i = 3; i >= 0; i--) r->l[i] = b->b[i]; break;
    case SSE_PMOVZXBQ: for (int i = 1; i >= 0; i--) r->q[i] = b->b[i]; break;
    case SSE_PMOVZXWD: for (int i = 3; i >= 0; i--) r->l[i] = b->w[i]; break;
    case SSE_PMOVZXWQ: for (int i = 1; i >= 0; i--) r->q[i] = b->w[i]; break;
    case SSE_PMOVZXDQ: for (int i = 1; i >= 0; i--) r->q[i] = b->l[i]; break;
    }
}

void helper_sse_int(CPUX86State *env, void *d, void *s, uint32_t opw, uint32_t imm)
{
    unsigned n = (opw & SSE_W64) ? 8 : 16;
    uint32_t op = opw & SSE_OP_MASK;
    X86Vec a = {0}, b = {0}, r = {0}, m = {0};
    memcpy(&a, d, n);
    if (s) {
        memcpy(&b, s, n);
    }
    memcpy(&m, env->xmm[0], 16);
    if (n == 8) {
        x86_fpu_enter_mmx(env);
    }
    switch (op) {
    case SSE_PADDB: for (unsigned i = 0; i < n; i++) r.b[i] = a.b[i] + b.b[i]; break;
    case SSE_PADDW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.w[i] + b.w[i]; break;
    case SSE_PADDD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.l[i] + b.l[i]; break;
    case SSE_PADDQ: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] + b.q[i]; break;
    case SSE_PADDSB: for (unsigned i = 0; i < n; i++) r.sb[i] = sat_s8(a.sb[i] + b.sb[i]); break;
    case SSE_PADDSW: for (unsigned i = 0; i < n / 2; i++) r.sw[i] = sat_s16(a.sw[i] + b.sw[i]); break;
    case SSE_PADDUSB: for (unsigned i = 0; i < n; i++) r.b[i] = sat_u8(a.b[i] + b.b[i]); break;
    case SSE_PADDUSW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = sat_u16(a.w[i] + b.w[i]); break;
    case SSE_PSUBB: for (unsigned i = 0; i < n; i++) r.b[i] = a.b[i] - b.b[i]; break;
    case SSE_PSUBW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.w[i] - b.w[i]; break;
    case SSE_PSUBD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.l[i] - b.l[i]; break;
    case SSE_PSUBQ: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] - b.q[i]; break;
    case SSE_PSUBSB: for (unsigned i = 0; i < n; i++) r.sb[i] = sat_s8(a.sb[i] - b.sb[i]); break;
    case SSE_PSUBSW: for (unsigned i = 0; i < n / 2; i++) r.sw[i] = sat_s16(a.sw[i] - b.sw[i]); break;
    case SSE_PSUBUSB: for (unsigned i = 0; i < n; i++) r.b[i] = sat_u8(a.b[i] - b.b[i]); break;
    case SSE_PSUBUSW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = sat_u16(a.w[i] - b.w[i]); break;
    case SSE_PMULLW:
        for (unsigned i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(a.sw[i] * b.sw[i]);
        break;
    case SSE_PMULHW:
        for (unsigned i = 0; i < n / 2; i++) r.w[i] = (uint16_t)((a.sw[i] * b.sw[i]) >> 16);
        break;
    case SSE_PMULHUW:
        for (unsigned i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(((uint32_t)a.w[i] * b.w[i]) >> 16);
        break;
    case SSE_PMULUDQ:
        for (unsigned i = 0; i < n / 8; i++) r.q[i] = (uint64_t)a.l[2 * i] * b.l[2 * i];
        break;
    case SSE_PMULDQ:
        for (unsigned i = 0; i < n / 8; i++) r.sq[i] = (int64_t)a.sl[2 * i] * b.sl[2 * i];
        break;
    case SSE_PMULLD:
        for (unsigned i = 0; i < n / 4; i++) r.l[i] = (uint32_t)((int64_t)a.sl[i] * b.sl[i]);
        break;
    case SSE_PMADDWD:
        for (unsigned i = 0; i < n / 4; i++) {
            int64_t sum = (int64_t)a.sw[2 * i] * b.sw[2 * i] + (int64_t)a.sw[2 * i + 1] * b.sw[2 * i + 1];
            r.l[i] = (uint32_t)sum; /* only 0x8000 * 4 wraps, to 0x80000000 (SDM PMADDWD) */
        }
        break;
    case SSE_PMULHRSW:
        for (unsigned i = 0; i < n / 2; i++) {
            int32_t t = ((int32_t)a.sw[i] * b.sw[i]) >> 14;
            r.w[i] = (uint16_t)((t + 1) >> 1);
        }
        break;
    case SSE_PMADDUBSW: /* destination bytes unsigned, source bytes signed */
        for (unsigned i = 0; i < n / 2; i++) {
            r.sw[i] = sat_s16(a.b[2 * i] * b.sb[2 * i] + a.b[2 * i + 1] * b.sb[2 * i + 1]);
        }
        break;
    case SSE_PAVGB: for (unsigned i = 0; i < n; i++) r.b[i] = (a.b[i] + b.b[i] + 1) >> 1; break;
    case SSE_PAVGW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = (a.w[i] + b.w[i] + 1) >> 1; break;
    case SSE_PMINUB: for (unsigned i = 0; i < n; i++) r.b[i] = a.b[i] < b.b[i] ? a.b[i] : b.b[i]; break;
    case SSE_PMAXUB: for (unsigned i = 0; i < n; i++) r.b[i] = a.b[i] > b.b[i] ? a.b[i] : b.b[i]; break;
    case SSE_PMINSB: for (unsigned i = 0; i < n; i++) r.sb[i] = a.sb[i] < b.sb[i] ? a.sb[i] : b.sb[i]; break;
    case SSE_PMAXSB: for (unsigned i = 0; i < n; i++) r.sb[i] = a.sb[i] > b.sb[i] ? a.sb[i] : b.sb[i]; break;
    case SSE_PMINSW: for (unsigned i = 0; i < n / 2; i++) r.sw[i] = a.sw[i] < b.sw[i] ? a.sw[i] : b.sw[i]; break;
    case SSE_PMAXSW: for (unsigned i = 0; i < n / 2; i++) r.sw[i] = a.sw[i] > b.sw[i] ? a.sw[i] : b.sw[i]; break;
    case SSE_PMINUW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.w[i] < b.w[i] ? a.w[i] : b.w[i]; break;
    case SSE_PMAXUW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.w[i] > b.w[i] ? a.w[i] : b.w[i]; break;
    case SSE_PMINSD: for (unsigned i = 0; i < n / 4; i++) r.sl[i] = a.sl[i] < b.sl[i] ? a.sl[i] : b.sl[i]; break;
    case SSE_PMAXSD: for (unsigned i = 0; i < n / 4; i++) r.sl[i] = a.sl[i] > b.sl[i] ? a.sl[i] : b.sl[i]; break;
    case SSE_PMINUD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.l[i] < b.l[i] ? a.l[i] : b.l[i]; break;
    case SSE_PMAXUD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.l[i] > b.l[i] ? a.l[i] : b.l[i]; break;
    case SSE_PCMPEQB: for (unsigned i = 0; i < n; i++) r.b[i] = a.b[i] == b.b[i] ? 0xff : 0; break;
    case SSE_PCMPEQW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.w[i] == b.w[i] ? 0xffff : 0; break;
    case SSE_PCMPEQD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.l[i] == b.l[i] ? ~0u : 0; break;
    case SSE_PCMPEQQ: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] == b.q[i] ? ~0ull : 0; break;
    case SSE_PCMPGTB: for (unsigned i = 0; i < n; i++) r.b[i] = a.sb[i] > b.sb[i] ? 0xff : 0; break;
    case SSE_PCMPGTW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = a.sw[i] > b.sw[i] ? 0xffff : 0; break;
    case SSE_PCMPGTD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = a.sl[i] > b.sl[i] ? ~0u : 0; break;
    case SSE_PCMPGTQ: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.sq[i] > b.sq[i] ? ~0ull : 0; break;
    case SSE_PAND: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] & b.q[i]; break;
    case SSE_PANDN: for (unsigned i = 0; i < n / 8; i++) r.q[i] = ~a.q[i] & b.q[i]; break;
    case SSE_POR: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] | b.q[i]; break;
    case SSE_PXOR: for (unsigned i = 0; i < n / 8; i++) r.q[i] = a.q[i] ^ b.q[i]; break;
    case SSE_PSRLW: case SSE_PSRLD: case SSE_PSRLQ: case SSE_PSRAW: case SSE_PSRAD:
    case SSE_PSLLW: case SSE_PSLLD: case SSE_PSLLQ: case SSE_PSRLDQ: case SSE_PSLLDQ:
        sse_shift(&r, &a, n, op, s ? b.q[0] : imm);
        break;
    case SSE_PACKSSWB:
        for (unsigned i = 0; i < n / 2; i++) {
            r.sb[i] = sat_s8(a.sw[i]);
            r.sb[n / 2 + i] = sat_s8(b.sw[i]);
        }
        break;
    case SSE_PACKUSWB:
        for (unsigned i = 0; i < n / 2; i++) {
            r.b[i] = sat_u8(a.sw[i]);
            r.b[n / 2 + i] = sat_u8(b.sw[i]);
        }
        break;
    case SSE_PACKSSDW:
        for (unsigned i = 0; i < n / 4; i++) {
            r.sw[i] = sat_s16(a.sl[i]);
            r.sw[n / 4 + i] = sat_s16(b.sl[i]);
        }
        break;
    case SSE_PACKUSDW:
        for (unsigned i = 0; i < n / 4; i++) {
            r.w[i] = a.sl[i] > 65535 ? 65535 : a.sl[i] < 0 ? 0 : (uint16_t)a.sl[i];
            r.w[n / 4 + i] = b.sl[i] > 65535 ? 65535 : b.sl[i] < 0 ? 0 : (uint16_t)b.sl[i];
        }
        break;
    case SSE_PUNPCKLBW: sse_unpack(&r, &a, &b, n, 1, 0); break;
    case SSE_PUNPCKLWD: sse_unpack(&r, &a, &b, n, 2, 0); break;
    case SSE_PUNPCKLDQ: case SSE_UNPCKLPS: sse_unpack(&r, &a, &b, n, 4, 0); break;
    case SSE_PUNPCKLQDQ: case SSE_UNPCKLPD: sse_unpack(&r, &a, &b, n, 8, 0); break;
    case SSE_PUNPCKHBW: sse_unpack(&r, &a, &b, n, 1, 1); break;
    case SSE_PUNPCKHWD: sse_unpack(&r, &a, &b, n, 2, 1); break;
    case SSE_PUNPCKHDQ: case SSE_UNPCKHPS: sse_unpack(&r, &a, &b, n, 4, 1); break;
    case SSE_PUNPCKHQDQ: case SSE_UNPCKHPD: sse_unpack(&r, &a, &b, n, 8, 1); break;
    case SSE_PSHUFD:
        for (unsigned i = 0; i < 4; i++) r.l[i] = b.l[(imm >> (2 * i)) & 3];
        break;
    case SSE_PSHUFHW:
        r.q[0] = b.q[0];
        for (unsigned i = 0; i < 4; i++) r.w[4 + i] = b.w[4 + ((imm >> (2 * i)) & 3)];
        break;
    case SSE_PSHUFLW:
        r.q[1] = b.q[1];
        for (unsigned i = 0; i < 4; i++) r.w[i] = b.w[(imm >> (2 * i)) & 3];
        break;
    case SSE_PSHUFW:
        for (unsigned i = 0; i < 4; i++) r.w[i] = b.w[(imm >> (2 * i)) & 3];
        break;
    case SSE_PSHUFB:
        for (unsigned i = 0; i < n; i++) r.b[i] = (b.b[i] & 0x80) ? 0 : a.b[b.b[i] & (n - 1)];
        break;
    case SSE_PALIGNR: { /* (d:s) >> imm bytes, the low n bytes */
        uint8_t cat[32];
        memcpy(cat, &b, n);
        memcpy(cat + n, &a, n);
        for (unsigned i = 0; i < n; i++) r.b[i] = imm + i < 2 * n ? cat[imm + i] : 0;
        break;
    }
    case SSE_PSADBW:
        for (unsigned g = 0; g < n / 8; g++) {
            unsigned sum = 0;
            for (unsigned j = 0; j < 8; j++) {
                int diff = a.b[8 * g + j] - b.b[8 * g + j];
                sum += diff < 0 ? -diff : diff;
            }
            r.q[g] = sum;
        }
        break;
    case SSE_PHADDW: case SSE_PHSUBW: case SSE_PHADDSW: case SSE_PHSUBSW:
        for (unsigned i = 0; i < n / 4; i++) {
            int x0 = a.sw[2 * i], x1 = a.sw[2 * i + 1], y0 = b.sw[2 * i], y1 = b.sw[2 * i + 1];
            int rx = (op == SSE_PHADDW || op == SSE_PHADDSW) ? x0 + x1 : x0 - x1;
            int ry = (op == SSE_PHADDW || op == SSE_PHADDSW) ? y0 + y1 : y0 - y1;
            if (op == SSE_PHADDSW || op == SSE_PHSUBSW) {
                r.sw[i] = sat_s16(rx);
                r.sw[n / 4 + i] = sat_s16(ry);
            } else {
                r.w[i] = (uint16_t)rx;
                r.w[n / 4 + i] = (uint16_t)ry;
            }
        }
        break;
    case SSE_PHADDD: case SSE_PHSUBD:
        for (unsigned i = 0; i < n / 8; i++) {
            r.l[i] = op == SSE_PHADDD ? a.l[2 * i] + a.l[2 * i + 1] : a.l[2 * i] - a.l[2 * i + 1];
            r.l[n / 8 + i] = op == SSE_PHADDD ? b.l[2 * i] + b.l[2 * i + 1] : b.l[2 * i] - b.l[2 * i + 1];
        }
        break;
    case SSE_PSIGNB:
        for (unsigned i = 0; i < n; i++) r.b[i] = b.sb[i] < 0 ? -a.b[i] : b.sb[i] ? a.b[i] : 0;
        break;
    case SSE_PSIGNW:
        for (unsigned i = 0; i < n / 2; i++) r.w[i] = b.sw[i] < 0 ? -a.w[i] : b.sw[i] ? a.w[i] : 0;
        break;
    case SSE_PSIGND:
        for (unsigned i = 0; i < n / 4; i++) r.l[i] = b.sl[i] < 0 ? -a.l[i] : b.sl[i] ? a.l[i] : 0;
        break;
    case SSE_PABSB: for (unsigned i = 0; i < n; i++) r.b[i] = b.sb[i] < 0 ? -b.b[i] : b.b[i]; break;
    case SSE_PABSW: for (unsigned i = 0; i < n / 2; i++) r.w[i] = b.sw[i] < 0 ? -b.w[i] : b.w[i]; break;
    case SSE_PABSD: for (unsigned i = 0; i < n / 4; i++) r.l[i] = b.sl[i] < 0 ? -b.l[i] : b.l[i]; break;
    case SSE_PBLENDW:
        for (unsigned i = 0; i < 8; i++) r.w[i] = (imm >> i) & 1 ? b.w[i] : a.w[i];
        break;
    case SSE_PBLENDVB:
        for (unsigned i = 0; i < 16; i++) r.b[i] = (m.b[i] & 0x80) ? b.b[i] : a.b[i];
        break;
    case SSE_MPSADBW: { /* SDM MPSADBW: imm[2] picks the dest offset, imm[1:0] the src block */
        unsigned ao = (imm & 4) ? 4 : 0, bo = (imm & 3) * 4;
        for (unsigned i = 0; i < 8; i++) {
            unsigned sum = 0;
            for (unsigned j = 0; j < 4; j++) {
                int diff = a.b[ao + i + j] - b.b[bo + j];
                sum += diff < 0 ? -diff : diff;
            }
            r.w[i] = (uint16_t)sum;
        }
        break;
    }
    case SSE_PHMINPOSUW: {
        unsigned best = 0;
        for (unsigned i = 1; i < 8; i++) {
            if (b.w[i] < b.w[best]) best = i;
        }
        r.w[0] = b.w[best];
        r.w[1] = (uint16_t)best;
        break;
    }
    case SSE_PMOVSXBW: case SSE_PMOVSXBD: case SSE_PMOVSXBQ: case SSE_PMOVSXWD:
    case SSE_PMOVSXWQ: case SSE_PMOVSXDQ: case SSE_PMOVZXBW: case SSE_PMOVZXBD:
    case SSE_PMOVZXBQ: case SSE_PMOVZXWD: case SSE_PMOVZXWQ: case SSE_PMOVZXDQ:
        sse_pmov(&r, &b, op);
        break;
    case SSE_SHUFPS:
        r.l[0] = a.l[imm & 3];
        r.l[1] = a.l[(imm >> 2) & 3];
        r.l[2] = b.l[(imm >> 4) & 3];
        r.l[3] = b.l[(imm >> 6) & 3];
        break;
    case SSE_SHUFPD:
        r.q[0] = a.q[imm & 1];
        r.q[1] = b.q[(imm >> 1) & 1];
        break;
    case SSE_BLENDPS:
        for (unsigned i = 0; i < 4; i++) r.l[i] = (imm >> i) & 1 ? b.l[i] : a.l[i];
        break;
    case SSE_BLENDPD:
        for (unsigned i = 0; i < 2; i++) r.q[i] = (imm >> i) & 1 ? b.q[i] : a.q[i];
        break;
    case SSE_BLENDVPS:
        for (unsigned i = 0; i < 4; i++) r.l[i] = (m.l[i] >> 31) ? b.l[i] : a.l[i];
        break;
    case SSE_BLENDVPD:
        for (unsigned i = 0; i < 2; i++) r.q[i] = (m.q[i] >> 63) ? b.q[i] : a.q[i];
        break;
    case SSE_INSERTPS: /* memory form: the translator puts the dword in lane 0, imm[7:6] = 0 */
        r = a;
        r.l[(imm >> 4) & 3] = b.l[(imm >> 6) & 3];
        for (unsigned i = 0; i < 4; i++) {
            if ((imm >> i) & 1) r.l[i] = 0;
        }
        break;
    default:
        return;
    }
    sse_store(env, d, &r, n);
}

void helper_sse_insert(CPUX86State *env, void *d, uint64_t val, uint32_t size_w, uint32_t imm)
{
    unsigned n = (size_w & SSE_W64) ? 8 : 16, size = size_w & SSE_OP_MASK;
    X86Vec r = {0};
    memcpy(&r, d, n);
    if (n == 8) {
        x86_fpu_enter_mmx(env);
    }
    unsigned idx = imm & (n / size - 1);
    memcpy(&r.b[idx * size], &val, size);
    sse_store(env, d, &r, n);
}

uint64_t helper_sse_extract(CPUX86State *env, void *s, uint32_t size_w, uint32_t imm)
{
    unsigned n = (size_w & SSE_W64) ? 8 : 16, size = size_w & SSE_OP_MASK;
    uint64_t val = 0;
    if (n == 8) {
        x86_fpu_enter_mmx(env);
    }
    memcpy(&val, (uint8_t *)s + (imm & (n / size - 1)) * size, size);
    return val;
}

uint64_t helper_sse_movmsk(CPUX86State *env, void *s, uint32_t size_w)
{
    unsigned n = (size_w & SSE_W64) ? 8 : 16, size = size_w & SSE_OP_MASK;
    const uint8_t *p = s;
    uint64_t mask = 0;
    if (n == 8) {
        x86_fpu_enter_mmx(env);
    }
    for (unsigned i = 0; i < n / size; i++) {
        mask |= (uint64_t)(p[i * size + size - 1] >> 7) << i;
    }
    return mask;
}

void helper_sse_ptest(CPUX86State *env, void *d, void *s)
{
    X86Vec a, b;
    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    uint32_t f = 0;
    if (((a.q[0] & b.q[0]) | (a.q[1] & b.q[1])) == 0) f |= CC_Z;
    if (((~a.q[0] & b.q[0]) | (~a.q[1] & b.q[1])) == 0) f |= CC_C;
    x86_eflags_set(env, f, CC_ARITH);
}
