/*
 * sse-helper.h — MMX/SSE..SSE4.2 data operations as C helpers called from generated code
 * (Intel SDM vol. 2 instruction pages; vol. 1 ch. 9-12 for MMX/SSE state and exceptions).
 *
 * One entry point per family, dispatching on an op number with a plain switch, so the
 * translator registers a handful of helpers instead of hundreds:
 *   sse-int.c  packed integer and data movement (PADD.., PSHUF.., PACK.., UNPCK.., SHUFPS..)
 *   sse-fp.c   SIMD floating point: run on the host SSE unit under the guest MXCSR (rounding,
 *              FTZ, DAZ) with every host exception masked; the guest's flag bits are the
 *              host's sticky flags; an unmasked one raises #XM (CR4.OSXMMEXCPT) or #UD and
 *              leaves the destination unchanged (SDM vol. 1, 11.5.1).
 *   sse-str.c  PCMPESTRI/M, PCMPISTRI/M (SDM vol. 2, 4.1 "Imm8 control byte") and CRC32.
 * Vector operands are pointers into env (&env->xmm[n], or &env->fpregs[n].mant for MMX, or a
 * scratch slot the translator filled from memory). d and s may be equal. Only the owner vCPU
 * thread calls these. MMX forms (SSE_W64) put the x87 unit into MMX state themselves
 * (SDM vol. 1, 9.5.1: TOP = 0, all tags valid; a written MMX register gets exponent 0xFFFF).
 */
#ifndef TANDEM_TARGET_X86_SSE_HELPER_H
#define TANDEM_TARGET_X86_SSE_HELPER_H

#include <stdint.h>

#include "target-x86/cpu.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"

/* 128-bit register image as the host (little-endian, like the guest) sees it. */
typedef union X86Vec {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t l[4];
    int32_t sl[4];
    uint64_t q[2];
    int64_t sq[2];
    float f[4];
    double d[2];
} X86Vec;

/* Exception vectors used here (SDM vol. 3A, table 6-1). */
#define X86_EXCP_UD 6
#define X86_EXCP_GP 13
#define X86_EXCP_XM 19

/* MXCSR (SDM vol. 1, 10.2.3). */
#define MXCSR_IE (1u << 0)
#define MXCSR_DE (1u << 1)
#define MXCSR_ZE (1u << 2)
#define MXCSR_OE (1u << 3)
#define MXCSR_UE (1u << 4)
#define MXCSR_PE (1u << 5)
#define MXCSR_FLAGS 0x3fu
#define MXCSR_DAZ (1u << 6)
#define MXCSR_MASKS (0x3fu << 7)
#define MXCSR_MASK_SHIFT 7
#define MXCSR_RC_SHIFT 13
#define MXCSR_RC (3u << MXCSR_RC_SHIFT)
#define MXCSR_FZ (1u << 15)
#define MXCSR_DEFINED 0xffffu /* MXCSR_MASK reported by FXSAVE: DAZ supported */
#define MXCSR_RESET 0x1f80u

/* Width flag ORed into the op of helper_sse_int: the 64-bit MMX form. */
#define SSE_W64 0x10000u
#define SSE_OP_MASK 0xffffu

/* ---- packed integer / data movement: helper_sse_int(env, d, s, op [| SSE_W64], imm) ----
 * d = d OP s. Shifts: count from s (bits 63:0), or imm when s is NULL. ORDER: none. */
typedef enum X86SseIntOp {
    SSE_PADDB, SSE_PADDW, SSE_PADDD, SSE_PADDQ,
    SSE_PADDSB, SSE_PADDSW, SSE_PADDUSB, SSE_PADDUSW,
    SSE_PSUBB, SSE_PSUBW, SSE_PSUBD, SSE_PSUBQ,
    SSE_PSUBSB, SSE_PSUBSW, SSE_PSUBUSB, SSE_PSUBUSW,
    SSE_PMULLW, SSE_PMULHW, SSE_PMULHUW, SSE_PMULUDQ, SSE_PMADDWD,
    SSE_PMULLD, SSE_PMULDQ, SSE_PMULHRSW, SSE_PMADDUBSW,
    SSE_PAVGB, SSE_PAVGW,
    SSE_PMINUB, SSE_PMAXUB, SSE_PMINSW, SSE_PMAXSW,
    SSE_PMINSB, SSE_PMAXSB, SSE_PMINUW, SSE_PMAXUW,
    SSE_PMINSD, SSE_PMAXSD, SSE_PMINUD, SSE_PMAXUD,
    SSE_PCMPEQB, SSE_PCMPEQW, SSE_PCMPEQD, SSE_PCMPEQQ,
    SSE_PCMPGTB, SSE_PCMPGTW, SSE_PCMPGTD, SSE_PCMPGTQ,
    SSE_PAND, SSE_PANDN, SSE_POR, SSE_PXOR,
    SSE_PSRLW, SSE_PSRLD, SSE_PSRLQ, SSE_PSRAW, SSE_PSRAD,
    SSE_PSLLW, SSE_PSLLD, SSE_PSLLQ,
    SSE_PSRLDQ, SSE_PSLLDQ, /* imm = byte count */
    SSE_PACKSSWB, SSE_PACKSSDW, SSE_PACKUSWB, SSE_PACKUSDW,
    SSE_PUNPCKLBW, SSE_PUNPCKLWD, SSE_PUNPCKLDQ, SSE_PUNPCKLQDQ,
    SSE_PUNPCKHBW, SSE_PUNPCKHWD, SSE_PUNPCKHDQ, SSE_PUNPCKHQDQ,
    SSE_PSHUFD, SSE_PSHUFHW, SSE_PSHUFLW, SSE_PSHUFW, /* d = shuffle(s, imm) */
    SSE_PSHUFB, SSE_PALIGNR,
    SSE_PSADBW,
    SSE_PHADDW, SSE_PHADDD, SSE_PHADDSW, SSE_PHSUBW, SSE_PHSUBD, SSE_PHSUBSW,
    SSE_PSIGNB, SSE_PSIGNW, SSE_PSIGND,
    SSE_PABSB, SSE_PABSW, SSE_PABSD, /* d = |s| */
    SSE_PBLENDW, SSE_PBLENDVB, /* PBLENDVB: mask = XMM0 */
    SSE_MPSADBW, SSE_PHMINPOSUW,
    SSE_PMOVSXBW, SSE_PMOVSXBD, SSE_PMOVSXBQ, SSE_PMOVSXWD, SSE_PMOVSXWQ, SSE_PMOVSXDQ,
    SSE_PMOVZXBW, SSE_PMOVZXBD, SSE_PMOVZXBQ, SSE_PMOVZXWD, SSE_PMOVZXWQ, SSE_PMOVZXDQ,
    /* FP data movement (exact, no MXCSR involvement) */
    SSE_SHUFPS, SSE_SHUFPD,
    SSE_UNPCKLPS, SSE_UNPCKHPS, SSE_UNPCKLPD, SSE_UNPCKHPD,
    SSE_BLENDPS, SSE_BLENDPD, SSE_BLENDVPS, SSE_BLENDVPD, /* BLENDV*: mask = XMM0 */
    SSE_INSERTPS,
    SSE_INT_OP_COUNT,
} X86SseIntOp;

void helper_sse_int(CPUX86State *env, void *d, void *s, uint32_t op, uint32_t imm);

/* PINSRB/W/D/Q (size = 1, 2, 4, 8 bytes; imm selects the element; width flag SSE_W64 for
 * the MMX PINSRW) and PEXTRB/W/D/Q, EXTRACTPS (zero-extended result). */
void helper_sse_insert(CPUX86State *env, void *d, uint64_t val, uint32_t size_w, uint32_t imm);
uint64_t helper_sse_extract(CPUX86State *env, void *s, uint32_t size_w, uint32_t imm);
/* PMOVMSKB (size 1), MOVMSKPS (4), MOVMSKPD (8): the sign bits; | SSE_W64 for MMX. */
uint64_t helper_sse_movmsk(CPUX86State *env, void *s, uint32_t size_w);
/* PTEST: ZF = (d AND s) == 0, CF = (s AND NOT d) == 0, AF OF PF SF cleared. */
void helper_sse_ptest(CPUX86State *env, void *d, void *s);
/* EMMS: every x87 tag empty (SDM vol. 2 EMMS). */
void helper_sse_emms(CPUX86State *env);

/* ---- SIMD floating point: helper_sse_fp(env, d, s, op, imm) ---- */
typedef enum X86SseFpOp {
    SSE_ADDPS, SSE_ADDSS, SSE_ADDPD, SSE_ADDSD,
    SSE_SUBPS, SSE_SUBSS, SSE_SUBPD, SSE_SUBSD,
    SSE_MULPS, SSE_MULSS, SSE_MULPD, SSE_MULSD,
    SSE_DIVPS, SSE_DIVSS, SSE_DIVPD, SSE_DIVSD,
    SSE_MINPS, SSE_MINSS, SSE_MINPD, SSE_MINSD,
    SSE_MAXPS, SSE_MAXSS, SSE_MAXPD, SSE_MAXSD,
    SSE_SQRTPS, SSE_SQRTSS, SSE_SQRTPD, SSE_SQRTSD,
    SSE_RCPPS, SSE_RCPSS, SSE_RSQRTPS, SSE_RSQRTSS,
    SSE_CMPPS, SSE_CMPSS, SSE_CMPPD, SSE_CMPSD, /* imm bits 2:0 = predicate */
    SSE_HADDPS, SSE_HADDPD, SSE_HSUBPS, SSE_HSUBPD, SSE_ADDSUBPS, SSE_ADDSUBPD,
    SSE_ROUNDPS, SSE_ROUNDPD, SSE_ROUNDSS, SSE_ROUNDSD, /* imm = rounding control */
    SSE_DPPS, SSE_DPPD,
    SSE_CVTPS2PD, SSE_CVTPD2PS, SSE_CVTSS2SD, SSE_CVTSD2SS,
    SSE_CVTDQ2PS, SSE_CVTPS2DQ, SSE_CVTTPS2DQ,
    SSE_CVTDQ2PD, SSE_CVTPD2DQ, SSE_CVTTPD2DQ,
    /* MMX-operand forms: the mm side is an 8-byte pointer (d for *2PI, s for PI2*) */
    SSE_CVTPI2PS, SSE_CVTPI2PD, SSE_CVTPS2PI, SSE_CVTTPS2PI, SSE_CVTPD2PI, SSE_CVTTPD2PI,
    SSE_FP_OP_COUNT,
} X86SseFpOp;

void helper_sse_fp(CPUX86State *env, void *d, void *s, uint32_t op, uint32_t imm);

/* CVTSI2SS/SD: d lane 0 = (float/double) val; op = SSE_CVTSI2SS or SSE_CVTSI2SD, | 64 when
 * the source is 64-bit (REX.W). CVT(T)SS2SI / CVT(T)SD2SI: returns the integer (32-bit results
 * zero-extended), the integer indefinite 0x80000000 / 0x8000000000000000 on overflow or NaN. */
enum {
    SSE_CVTSI2SS = 0, SSE_CVTSI2SD = 1,
    SSE_CVTSS2SI = 0, SSE_CVTTSS2SI = 1, SSE_CVTSD2SI = 2, SSE_CVTTSD2SI = 3,
    SSE_CVT_64 = 64,
};
void helper_sse_cvtsi2s(CPUX86State *env, void *d, uint64_t val, uint32_t op);
uint64_t helper_sse_cvts2si(CPUX86State *env, void *s, uint32_t op);

/* COMISS (op 0), UCOMISS (1), COMISD (2), UCOMISD (3): ZF PF CF from the compare, OF SF AF
 * cleared (SDM vol. 2 COMISS), written with x86_eflags_set. */
void helper_sse_comis(CPUX86State *env, void *d, void *s, uint32_t op);

/* LDMXCSR / STMXCSR (and FXRSTOR's MXCSR): #GP(0) on reserved bits (SDM vol. 2 LDMXCSR). */
void helper_sse_ldmxcsr(CPUX86State *env, uint32_t val);
uint32_t helper_sse_stmxcsr(CPUX86State *env);

/* ---- SSE4.2 strings and CRC32 (sse-str.c) ---- */
/* op: 0 PCMPESTRM, 1 PCMPESTRI, 2 PCMPISTRM, 3 PCMPISTRI. Explicit lengths from EAX/EDX
 * (RAX/RDX with REX.W: pass SSE_STR_W). Writes ECX (index forms) or XMM0 (mask forms), and
 * CF ZF SF OF (AF PF cleared). */
enum { SSE_PCMPESTRM, SSE_PCMPESTRI, SSE_PCMPISTRM, SSE_PCMPISTRI, SSE_STR_W = 8 };
void helper_sse_pcmpstr(CPUX86State *env, void *d, void *s, uint32_t op, uint32_t imm);
/* CRC32 (polynomial 0x11EDC6F41, reflected): crc over the low `bytes` bytes of val. */
uint64_t helper_sse_crc32(CPUX86State *env, uint64_t crc, uint64_t val, uint32_t bytes);

#endif
