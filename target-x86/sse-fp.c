/*
 * sse-fp.c — SSE/SSE2/SSE3/SSE4.1 floating point on the host SSE unit (the host is x86-64,
 * whose SSE arithmetic is the guest's, bit for bit: SDM vol. 1, 11.5 and the instruction
 * pages). Each helper loads the guest's RC, FTZ and DAZ into the host MXCSR with every
 * exception masked and the flags clear, runs the instruction in inline asm (volatile, so
 * the compiler cannot move it across the LDMXCSR), reads the host's sticky flags back and
 * restores the host MXCSR. The guest's flags get ORed in; a flag whose mask bit is clear in
 * the guest MXCSR raises #XM (CR4.OSXMMEXCPT = 1) or #UD (SDM vol. 3A, 6.15 interrupt 19)
 * with the destination unchanged (SDM vol. 1, 11.5.1). Two refinements over "all masked":
 * an unmasked pre-computation exception (IE, DE, ZE) hides post-computation ones, and an
 * unmasked underflow is also signalled by an exact tiny (denormal) result (SDM 11.5.2.4).
 * RCPPS/RSQRTPS return the host's approximation (within the SDM's 1.5 * 2^-12).
 * Owner vCPU thread only.
 */
#include <string.h>

#include "target-x86/sse-helper.h"

typedef float SseV __attribute__((vector_size(16)));

/* Kinds of result, for the exact-tiny underflow check. */
enum { RK_NONE, RK_F4, RK_F1, RK_D2, RK_D1, RK_F2 };

static uint32_t fp_host_enter(const CPUX86State *env)
{
    uint32_t saved, csr = (env->mxcsr & (MXCSR_RC | MXCSR_FZ | MXCSR_DAZ)) | MXCSR_MASKS;
    __asm__ volatile("stmxcsr %0" : "=m"(saved));
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
    return saved;
}

/* Only the rounding control of the host MXCSR, for ROUND* with an immediate mode. */
static void fp_host_set_rc(const CPUX86State *env, unsigned rc)
{
    uint32_t csr = (env->mxcsr & (MXCSR_FZ | MXCSR_DAZ)) | MXCSR_MASKS | (rc << MXCSR_RC_SHIFT);
    __asm__ volatile("ldmxcsr %0" : : "m"(csr));
}

static uint32_t fp_host_leave(uint32_t saved)
{
    uint32_t csr;
    __asm__ volatile("stmxcsr %0" : "=m"(csr));
    __asm__ volatile("ldmxcsr %0" : : "m"(saved));
    return csr & MXCSR_FLAGS;
}

static void fp_raise(CPUX86State *env, int vector)
{
    x86_raise_exception(env, vector);
}

static bool fp_is_tiny(const X86Vec *r, int rk)
{
    unsigned nf = rk == RK_F4 ? 4 : rk == RK_F2 ? 2 : rk == RK_F1 ? 1 : 0;
    unsigned nd = rk == RK_D2 ? 2 : rk == RK_D1 ? 1 : 0;
    for (unsigned i = 0; i < nf; i++) {
        if ((r->l[i] & 0x7f800000u) == 0 && (r->l[i] & 0x007fffffu) != 0) return true;
    }
    for (unsigned i = 0; i < nd; i++) {
        if ((r->q[i] & 0x7ff0000000000000ull) == 0 && (r->q[i] & 0x000fffffffffffffull) != 0) {
            return true;
        }
    }
    return false;
}

/* Merges the host flags into the guest MXCSR; raises for unmasked ones (nothing stored). */
static void fp_commit(CPUX86State *env, uint32_t flags, const X86Vec *r, int rk)
{
    uint32_t unmasked_bits = ~(env->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    if ((unmasked_bits & MXCSR_UE) && rk != RK_NONE && fp_is_tiny(r, rk)) {
        flags |= MXCSR_UE;
    }
    uint32_t pre = MXCSR_IE | MXCSR_DE | MXCSR_ZE;
    if (flags & unmasked_bits & pre) {
        flags &= pre;
    }
    env->mxcsr |= flags;
    if (flags & unmasked_bits) {
        fp_raise(env, (env->cr[4] & CR4_OSXMMEXCPT) ? X86_EXCP_XM : X86_EXCP_UD);
    }
}

static bool fp_in_mmx(const CPUX86State *env, const void *p)
{
    return (const char *)p >= (const char *)env->fpregs && (const char *)p < (const char *)(env->fpregs + 8);
}

/* ---- CMPccPS/SS/PD/SD: one asm per predicate (SDM vol. 2 CMPPS, table 3-1) ---- */
#define SSE_CMP(insn, pred) __asm__ volatile(insn " $" #pred ", %[b], %[a]" : [a] "+x"(a) : [b] "x"(b))
static SseV fp_cmpps(SseV a, SseV b, unsigned pred)
{
    switch (pred & 7) {
    case 0: SSE_CMP("cmpps", 0); break;
    case 1: SSE_CMP("cmpps", 1); break;
    case 2: SSE_CMP("cmpps", 2); break;
    case 3: SSE_CMP("cmpps", 3); break;
    case 4: SSE_CMP("cmpps", 4); break;
    case 5: SSE_CMP("cmpps", 5); break;
    case 6: SSE_CMP("cmpps", 6); break;
    default: SSE_CMP("cmpps", 7); break;
    }
    return a;
}
static SseV fp_cmpss(SseV a, SseV b, unsigned pred)
{
    switch (pred & 7) {
    case 0: SSE_CMP("cmpss", 0); break;
    case 1: SSE_CMP("cmpss", 1); break;
    case 2: SSE_CMP("cmpss", 2); break;
    case 3: SSE_CMP("cmpss", 3); break;
    case 4: SSE_CMP("cmpss", 4); break;
    case 5: SSE_CMP("cmpss", 5); break;
    case 6: SSE_CMP("cmpss", 6); break;
    default: SSE_CMP("cmpss", 7); break;
    }
    return a;
}
static SseV fp_cmppd(SseV a, SseV b, unsigned pred)
{
    switch (pred & 7) {
    case 0: SSE_CMP("cmppd", 0); break;
    case 1: SSE_CMP("cmppd", 1); break;
    case 2: SSE_CMP("cmppd", 2); break;
    case 3: SSE_CMP("cmppd", 3); break;
    case 4: SSE_CMP("cmppd", 4); break;
    case 5: SSE_CMP("cmppd", 5); break;
    case 6: SSE_CMP("cmppd", 6); break;
    default: SSE_CMP("cmppd", 7); break;
    }
    return a;
}
static SseV fp_cmpsd(SseV a, SseV b, unsigned pred)
{
    switch (pred & 7) {
    case 0: SSE_CMP("cmpsd", 0); break;
    case 1: SSE_CMP("cmpsd", 1); break;
    case 2: SSE_CMP("cmpsd", 2); break;
    case 3: SSE_CMP("cmpsd", 3); break;
    case 4: SSE_CMP("cmpsd", 4); break;
    case 5: SSE_CMP("cmpsd", 5); break;
    case 6: SSE_CMP("cmpsd", 6); break;
    default: SSE_CMP("cmpsd", 7); break;
    }
    return a;
}

/* DPPS/DPPD (SDM vol. 2 DPPS): masked products (+0.0 when masked out), summed pairwise in
 * the SDM's order, each step rounded by the host; the sum goes to the lanes of imm[3:0]. */
static SseV fp_dpps(SseV a, SseV b, unsigned imm)
{
    X86Vec va, vb, t = {0}, r = {0};
    memcpy(&va, &a, 16);
    memcpy(&vb, &b, 16);
    for (unsigned i = 0; i < 4; i++) {
        if ((imm >> (4 + i)) & 1) {
            float x = va.f[i];
            __asm__ volatile("mulss %[y], %[x]" : [x] "+x"(x) : [y] "x"(vb.f[i]));
            t.f[i] = x;
        }
    }
    float s01 = t.f[0], s23 = t.f[2];
    __asm__ volatile("addss %[y], %[x]" : [x] "+x"(s01) : [y] "x"(t.f[1]));
    __asm__ volatile("addss %[y], %[x]" : [x] "+x"(s23) : [y] "x"(t.f[3]));
    __asm__ volatile("addss %[y], %[x]" : [x] "+x"(s01) : [y] "x"(s23));
    for (unsigned i = 0; i < 4; i++) {
        r.f[i] = ((imm >> i) & 1) ? s01 : 0.0f;
    }
    memcpy(&a, &r, 16);
    return a;
}
static SseV fp_dppd(SseV a, SseV b, unsigned imm)
{
    X86Vec va, vb, t = {0}, r = {0};
    memcpy(&va, &a, 16);
    memcpy(&vb, &b, 16);
    for (unsigned i = 0; i < 2; i++) {
        if ((imm >> (4 + i)) & 1) {
            double x = va.d[i];
            __asm__ volatile("mulsd %[y], %[x]" : [x] "+x"(x) : [y] "x"(vb.d[i]));
            t.d[i] = x;
        }
    }
    double sum = t.d[0];
    __asm__ volatile("addsd %[y], %[x]" : [x] "+x"(sum) : [y] "x"(t.d[1]));
    for (unsigned i = 0; i < 2; i++) {
        r.d[i] = ((imm >> i) & 1) ? sum : 0.0;
    }
    memcpy(&a, &r, 16);
    return a;
}

#define SSE_OP(insn) __asm__ volatile(insn " %[b], %[a]" : [a] "+x"(a) : [b] "x"(b))
#define SSE_ROUND(insn) __asm__ volatile(insn " $4, %[b], %[a]" : [a] "+x"(a) : [b] "x"(b))

void helper_sse_fp(CPUX86State *env, void *d, void *s, uint32_t op, uint32_t imm)
{
    bool to_mmx = op == SSE_CVTPS2PI || op == SSE_CVTTPS2PI || op == SSE_CVTPD2PI ||
                  op == SSE_CVTTPD2PI;
    unsigned dn = to_mmx ? 8 : 16;
    X86Vec va = {0}, vb = {0}, vr;
    SseV a, b;
    int rk = RK_NONE;

    memcpy(&va, d, dn);
    memcpy(&vb, s, (op == SSE_CVTPI2PS || op == SSE_CVTPI2PD) ? 8 : 16);
    if (to_mmx || fp_in_mmx(env, s)) {
        x86_fpu_enter_mmx(env); /* SDM 9.5.1: MMX-register operands switch to MMX state */
    }
    if (op == SSE_CVTPS2PI || op == SSE_CVTTPS2PI) {
        vb.q[1] = 0; /* only the low two floats are converted: no flags from the others */
    }
    memcpy(&a, &va, 16);
    memcpy(&b, &vb, 16);

    uint32_t saved = fp_host_enter(env);
    switch (op) {
    case SSE_ADDPS: SSE_OP("addps"); rk = RK_F4; break;
    case SSE_ADDSS: SSE_OP("addss"); rk = RK_F1; break;
    case SSE_ADDPD: SSE_OP("addpd"); rk = RK_D2; break;
    case SSE_ADDSD: SSE_OP("addsd"); rk = RK_D1; break;
    case SSE_SUBPS: SSE_OP("subps"); rk = RK_F4; break;
    case SSE_SUBSS: SSE_OP("subss"); rk = RK_F1; break;
    case SSE_SUBPD: SSE_OP("subpd"); rk = RK_D2; break;
    case SSE_SUBSD: SSE_OP("subsd"); rk = RK_D1; break;
    case SSE_MULPS: SSE_OP("mulps"); rk = RK_F4; break;
    case SSE_MULSS: SSE_OP("mulss"); rk = RK_F1; break;
    case SSE_MULPD: SSE_OP("mulpd"); rk = RK_D2; break;
    case SSE_MULSD: SSE_OP("mulsd"); rk = RK_D1; break;
    case SSE_DIVPS: SSE_OP("divps"); rk = RK_F4; break;
    case SSE_DIVSS: SSE_OP("divss"); rk = RK_F1; break;
    case SSE_DIVPD: SSE_OP("divpd"); rk = RK_D2; break;
    case SSE_DIVSD: SSE_OP("divsd"); rk = RK_D1; break;
    case SSE_MINPS: SSE_OP("minps"); break;
    case SSE_MINSS: SSE_OP("minss"); break;
    case SSE_MINPD: SSE_OP("minpd"); break;
    case SSE_MINSD: SSE_OP("minsd"); break;
    case SSE_MAXPS: SSE_OP("maxps"); break;
    case SSE_MAXSS: SSE_OP("maxss"); break;
    case SSE_MAXPD: SSE_OP("maxpd"); break;
    case SSE_MAXSD: SSE_OP("maxsd"); break;
    case SSE_SQRTPS: SSE_OP("sqrtps"); break;
    case SSE_SQRTSS: SSE_OP("sqrtss"); break;
    case SSE_SQRTPD: SSE_OP("sqrtpd"); break;
    case SSE_SQRTSD: SSE_OP("sqrtsd"); break;
    case SSE_RCPPS: SSE_OP("rcpps"); break;
    case SSE_RCPSS: SSE_OP("rcpss"); break;
    case SSE_RSQRTPS: SSE_OP("rsqrtps"); break;
    case SSE_RSQRTSS: SSE_OP("rsqrtss"); break;
    case SSE_CMPPS: a = fp_cmpps(a, b, imm); break;
    case SSE_CMPSS: a = fp_cmpss(a, b, imm); break;
    case SSE_CMPPD: a = fp_cmppd(a, b, imm); break;
    case SSE_CMPSD: a = fp_cmpsd(a, b, imm); break;
    case SSE_HADDPS: SSE_OP("haddps"); rk = RK_F4; break;
    case SSE_HADDPD: SSE_OP("haddpd"); rk = RK_D2; break;
    case SSE_HSUBPS: SSE_OP("hsubps"); rk = RK_F4; break;
    case SSE_HSUBPD: SSE_OP("hsubpd"); rk = RK_D2; break;
    case SSE_ADDSUBPS: SSE_OP("addsubps"); rk = RK_F4; break;
    case SSE_ADDSUBPD: SSE_OP("addsubpd"); rk = RK_D2; break;
    /* ROUND*: imm[2] = use MXCSR.RC, else imm[1:0]; imm[3] suppresses PE (SDM ROUNDPS) */
    case SSE_ROUNDPS: case SSE_ROUNDPD: case SSE_ROUNDSS: case SSE_ROUNDSD:
        if (!(imm & 4)) {
            fp_host_set_rc(env, imm & 3);
        }
        if (op == SSE_ROUNDPS) SSE_ROUND("roundps");
        else if (op == SSE_ROUNDPD) SSE_ROUND("roundpd");
        else if (op == SSE_ROUNDSS) SSE_ROUND("roundss");
        else SSE_ROUND("roundsd");
        break;
    case SSE_DPPS: a = fp_dpps(a, b, imm); rk = RK_F4; break;
    case SSE_DPPD: a = fp_dppd(a, b, imm); rk = RK_D2; break;
    case SSE_CVTPS2PD: SSE_OP("cvtps2pd"); break;
    case SSE_CVTPD2PS: SSE_OP("cvtpd2ps"); rk = RK_F2; break;
    case SSE_CVTSS2SD: SSE_OP("cvtss2sd"); break;
    case SSE_CVTSD2SS: SSE_OP("cvtsd2ss"); rk = RK_F1; break;
    case SSE_CVTDQ2PS: SSE_OP("cvtdq2ps"); break;
    case SSE_CVTPS2DQ: SSE_OP("cvtps2dq"); break;
    case SSE_CVTTPS2DQ: SSE_OP("cvttps2dq"); break;
    case SSE_CVTDQ2PD: SSE_OP("cvtdq2pd"); break;
    case SSE_CVTPD2DQ: SSE_OP("cvtpd2dq"); break;
    case SSE_CVTTPD2DQ: SSE_OP("cvttpd2dq"); break;
    case SSE_CVTPI2PS: { /* DEST[127:64] unchanged (SDM CVTPI2PS) */
        SseV t = a;
        __asm__ volatile("cvtdq2ps %[b], %[t]" : [t] "=x"(t) : [b] "x"(b));
        memcpy(&vr, &t, 16);
        memcpy(&va, &a, 16);
        va.q[0] = vr.q[0];
        memcpy(&a, &va, 16);
        break;
    }
    case SSE_CVTPI2PD: SSE_OP("cvtdq2pd"); break;
    case SSE_CVTPS2PI: SSE_OP("cvtps2dq"); break;
    case SSE_CVTTPS2PI: SSE_OP("cvttps2dq"); break;
    case SSE_CVTPD2PI: SSE_OP("cvtpd2dq"); break;
    case SSE_CVTTPD2PI: SSE_OP("cvttpd2dq"); break;
    default:
        fp_host_leave(saved);
        return;
    }
    uint32_t flags = fp_host_leave(saved);
    if ((op == SSE_ROUNDPS || op == SSE_ROUNDPD || op == SSE_ROUNDSS || op == SSE_ROUNDSD) &&
        (imm & 8)) {
        flags &= ~MXCSR_PE;
    }
    memcpy(&vr, &a, 16);
    fp_commit(env, flags, &vr, rk);
    memcpy(d, &vr, dn);
    if (to_mmx) {
        ((X87Reg *)d)->exp = 0xffff;
    }
}

void helper_sse_cvtsi2s(CPUX86State *env, void *d, uint64_t val, uint32_t op)
{
    SseV a;
    X86Vec vr;
    memcpy(&a, d, 16);
    uint32_t saved = fp_host_enter(env);
    switch (op) {
    case SSE_CVTSI2SS:
        __asm__ volatile("cvtsi2ssl %[v], %[a]" : [a] "+x"(a) : [v] "r"((uint32_t)val));
        break;
    case SSE_CVTSI2SS | SSE_CVT_64:
        __asm__ volatile("cvtsi2ssq %[v], %[a]" : [a] "+x"(a) : [v] "r"(val));
        break;
    case SSE_CVTSI2SD:
        __asm__ volatile("cvtsi2sdl %[v], %[a]" : [a] "+x"(a) : [v] "r"((uint32_t)val));
        break;
    default:
        __asm__ volatile("cvtsi2sdq %[v], %[a]" : [a] "+x"(a) : [v] "r"(val));
        break;
    }
    uint32_t flags = fp_host_leave(saved);
    memcpy(&vr, &a, 16);
    fp_commit(env, flags, &vr, RK_NONE);
    memcpy(d, &vr, 16);
}

uint64_t helper_sse_cvts2si(CPUX86State *env, void *s, uint32_t op)
{
    SseV b;
    uint64_t r = 0;
    uint32_t r32 = 0;
    memcpy(&b, s, 16);
    uint32_t saved = fp_host_enter(env);
    switch (op) {
    case SSE_CVTSS2SI: __asm__ volatile("cvtss2si %[b], %k[r]" : [r] "=r"(r32) : [b] "x"(b)); break;
    case SSE_CVTTSS2SI: __asm__ volatile("cvttss2si %[b], %k[r]" : [r] "=r"(r32) : [b] "x"(b)); break;
    case SSE_CVTSD2SI: __asm__ volatile("cvtsd2si %[b], %k[r]" : [r] "=r"(r32) : [b] "x"(b)); break;
    case SSE_CVTTSD2SI: __asm__ volatile("cvttsd2si %[b], %k[r]" : [r] "=r"(r32) : [b] "x"(b)); break;
    case SSE_CVTSS2SI | SSE_CVT_64: __asm__ volatile("cvtss2si %[b], %q[r]" : [r] "=r"(r) : [b] "x"(b)); break;
    case SSE_CVTTSS2SI | SSE_CVT_64: __asm__ volatile("cvttss2si %[b], %q[r]" : [r] "=r"(r) : [b] "x"(b)); break;
    case SSE_CVTSD2SI | SSE_CVT_64: __asm__ volatile("cvtsd2si %[b], %q[r]" : [r] "=r"(r) : [b] "x"(b)); break;
    default: __asm__ volatile("cvttsd2si %[b], %q[r]" : [r] "=r"(r) : [b] "x"(b)); break;
    }
    uint32_t flags = fp_host_leave(saved);
    fp_commit(env, flags, NULL, RK_NONE);
    return (op & SSE_CVT_64) ? r : r32;
}

void helper_sse_comis(CPUX86State *env, void *d, void *s, uint32_t op)
{
    SseV a, b;
    bool zf, pf, cf;
    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    uint32_t saved = fp_host_enter(env);
    switch (op) {
    case 0:
        __asm__ volatile("comiss %[b], %[a]" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : [a] "x"(a), [b] "x"(b));
        break;
    case 1:
        __asm__ volatile("ucomiss %[b], %[a]" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : [a] "x"(a), [b] "x"(b));
        break;
    case 2:
        __asm__ volatile("comisd %[b], %[a]" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : [a] "x"(a), [b] "x"(b));
        break;
    default:
        __asm__ volatile("ucomisd %[b], %[a]" : "=@ccz"(zf), "=@ccp"(pf), "=@ccc"(cf) : [a] "x"(a), [b] "x"(b));
        break;
    }
    uint32_t flags = fp_host_leave(saved);
    fp_commit(env, flags, NULL, RK_NONE);
    x86_eflags_set(env, (zf ? CC_Z : 0) | (pf ? CC_P : 0) | (cf ? CC_C : 0), CC_ARITH);
}

void helper_sse_ldmxcsr(CPUX86State *env, uint32_t val)
{
    if (val & ~MXCSR_DEFINED) {
        x86_raise_exception_err(env, X86_EXCP_GP, 0);
    }
    env->mxcsr = val;
}

uint32_t helper_sse_stmxcsr(CPUX86State *env)
{
    return env->mxcsr;
}
