/*
 * translate-sse.c — the MMX and SSE..SSE4.2 groups (decoder groups MMX and SSE of the 0F, 0F38
 * and 0F3A maps, mandatory prefixes 66/F2/F3) and CRC32 (dispatched here by MISC).
 *
 * Data movement (MOVAPS/UPS/DQA/DQU, MOVD/Q, MOVSS/SD, MOVHPS/LPS...) is inline IR: XMM and
 * MMX registers are env fields (LD/ST on env), guest memory is two 64-bit accesses for 16
 * bytes. Every other operation calls a helper of sse-helper.h with pointers into env: the
 * registers, or the scratch env->xmm_t0 / env->mmx_t0 that a memory operand is loaded into
 * first (so a faulting load changes nothing). Checks in SDM order (vol. 3A 2.5, and the
 * "Exceptions" section of each vol. 2 page): #UD when CR0.EM (or CR4.OSFXSR = 0 for
 * SSE), #NM when CR0.TS, #GP(0) for a 16-byte memory operand that is not 16-byte aligned
 * except in the unaligned forms (MOVUPS/UPD/DQU, LDDQU, PCMPxSTRx; SDM vol. 1, 11.6.8 and
 * 12.10.3). The decode-time flags (EM/TS/OSFXSR) are part of the TB key, so the checks are
 * resolved at translation time. MMX instructions (and SSE ones with an MMX register operand)
 * put the x87 unit into MMX state (SDM vol. 1, 9.5.1). Translating vCPU thread only; the
 * helper indices are written once by x86_tr_sse_init() at start-up.
 */
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"
#include "target-x86/sse-helper.h"
#include "target-x86/translate.h"
/* x86_tr_fxsave: FXSAVE/FXRSTOR, written by the x87 translator */
#include "target-x86/translate-x87.h"

#define OFF(field) X86_ENV_OFF(field)

static int h_int, h_fp, h_cvtsi2s, h_cvts2si, h_comis, h_ldmxcsr, h_stmxcsr, h_pcmpstr;
static int h_crc32, h_insert, h_extract, h_movmsk, h_ptest, h_emms, h_enter_mmx, h_maskmov;

/* ---- helpers of this file ---- */

/* MASKMOVQ / MASKMOVDQU: stores the bytes of d whose mask byte in s has bit 7 set to the
 * linear address addr + i (DS:rDI, segment applied by the translator); the other bytes are
 * not accessed (SDM vol. 2 MASKMOVDQU). n_w = 8 or 16, | 0x100 when addresses wrap at 4 GiB. */
static void helper_sse_maskmov(CPUX86State *env, void *d, void *s, uint64_t addr, uint32_t n_w)
{
    unsigned n = n_w & 0xffu;
    CPUState *cpu = cpu_from_env(env);
    int mmu_idx = x86_mmu_idx(env);
    X86Vec data, mask;
    memcpy(&data, d, n);
    memcpy(&mask, s, n);
    if (n == 8) {
        x86_fpu_enter_mmx(env);
    }
    for (unsigned i = 0; i < n; i++) {
        if (mask.b[i] & 0x80) {
            uint64_t a = addr + i;
            if (n_w & 0x100) {
                a = (uint32_t)a;
            }
            cpu_st_data(cpu, a, data.b[i], MO_8, mmu_idx);
        }
    }
}

void x86_tr_sse_init(void)
{
    static const IRArgType a_int[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I32, IR_ARG_I32};
    static const IRArgType a_cvtsi[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType a_ptr_i32[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType a_comis[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType a_i32[] = {IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType a_env[] = {IR_ARG_PTR};
    static const IRArgType a_crc[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType a_ins[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32, IR_ARG_I32};
    static const IRArgType a_ext[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I32, IR_ARG_I32};
    static const IRArgType a_ptest[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_PTR};
    static const IRArgType a_mask[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    const uint32_t nog = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS;
    static bool done;
    if (done) {
        return;
    }
    done = true;
    h_int = x86_helper_register("sse_int", (void *)helper_sse_int, IR_ARG_VOID, 5, a_int, nog);
    h_fp = x86_helper_register("sse_fp", (void *)helper_sse_fp, IR_ARG_VOID, 5, a_int,
                               IR_CALL_MAY_RAISE);
    h_cvtsi2s = x86_helper_register("sse_cvtsi2s", (void *)helper_sse_cvtsi2s, IR_ARG_VOID, 4,
                                    a_cvtsi, IR_CALL_MAY_RAISE);
    h_cvts2si = x86_helper_register("sse_cvts2si", (void *)helper_sse_cvts2si, IR_ARG_I64, 3,
                                    a_ptr_i32, IR_CALL_MAY_RAISE);
    /* COMIS/PTEST/PCMPxSTRx write EFLAGS (cc_op, cc_src) and PCMPxSTRI ECX: globals. */
    h_comis = x86_helper_register("sse_comis", (void *)helper_sse_comis, IR_ARG_VOID, 4, a_comis,
                                  IR_CALL_MAY_RAISE);
    h_ldmxcsr = x86_helper_register("sse_ldmxcsr", (void *)helper_sse_ldmxcsr, IR_ARG_VOID, 2,
                                    a_i32, IR_CALL_MAY_RAISE);
    h_stmxcsr = x86_helper_register("sse_stmxcsr", (void *)helper_sse_stmxcsr, IR_ARG_I32, 1,
                                    a_env, nog);
    h_pcmpstr = x86_helper_register("sse_pcmpstr", (void *)helper_sse_pcmpstr, IR_ARG_VOID, 5,
                                    a_int, 0);
    h_crc32 = x86_helper_register("sse_crc32", (void *)helper_sse_crc32, IR_ARG_I64, 4, a_crc,
                                  IR_CALL_PURE);
    h_insert = x86_helper_register("sse_insert", (void *)helper_sse_insert, IR_ARG_VOID, 5, a_ins,
                                   nog);
    h_extract = x86_helper_register("sse_extract", (void *)helper_sse_extract, IR_ARG_I64, 4,
                                    a_ext, nog);
    h_movmsk = x86_helper_register("sse_movmsk", (void *)helper_sse_movmsk, IR_ARG_I64, 3,
                                   a_ptr_i32, nog);
    h_ptest = x86_helper_register("sse_ptest", (void *)helper_sse_ptest, IR_ARG_VOID, 3, a_ptest,
                                  0);
    h_emms = x86_helper_register("sse_emms", (void *)helper_sse_emms, IR_ARG_VOID, 1, a_env, nog);
    h_enter_mmx = x86_helper_register("fpu_enter_mmx", (void *)x86_fpu_enter_mmx, IR_ARG_VOID, 1,
                                      a_env, nog);
    h_maskmov = x86_helper_register("sse_maskmov", (void *)helper_sse_maskmov, IR_ARG_VOID, 5,
                                    a_mask, IR_CALL_MAY_RAISE);
}

/* ---- operands ---- */

static int32_t xmm_off(int n) { return OFF(xmm) + 16 * n; }
static int32_t mmx_off(int n) { return OFF(fpregs) + (int32_t)sizeof(X87Reg) * (n & 7); }
static int32_t vreg_off(bool mm, int n) { return mm ? mmx_off(n) : xmm_off(n); }

static IRTemp ld_env(DisasContext *s, IROpcode opc, int32_t off)
{
    IRTemp t = ir_temp_new(s->f);
    ir_ld(s->f, opc, t, s->f->env, off);
    return t;
}

static void st_env(DisasContext *s, IROpcode opc, int32_t off, IRTemp v)
{
    ir_st(s->f, opc, v, s->f->env, off);
}

/* Writes a full MMX register: the significand, and exponent 0xFFFF (SDM vol. 1, 9.5.1). */
static void mmx_write(DisasContext *s, int n, IRTemp v)
{
    st_env(s, IR_ST64, mmx_off(n), v);
    st_env(s, IR_ST16, mmx_off(n) + (int32_t)offsetof(X87Reg, exp), ir_const(s->f, 0xffff));
}

static void gen_enter_mmx(DisasContext *s) { gen_helper(s, h_enter_mmx, 0, NULL); }

/* addr + n as a linear address (wrapping at 4 GiB outside 64-bit mode). */
static IRTemp addr_plus(DisasContext *s, IRTemp a, unsigned n)
{
    IRTemp t = ir_temp_new(s->f);
    ir_binopi(s->f, IR_ADD, IR_I64, t, a, n);
    if (!s->code64) {
        ir_unop(s->f, IR_EXT32U, IR_I64, t, t);
    }
    return t;
}

/* Linear address of the memory operand, in a LOCAL temp; with align16, #GP(0) unless it is
 * 16-byte aligned (SDM vol. 2 MOVAPS "Protected Mode Exceptions"). */
static IRTemp sse_lea(DisasContext *s, bool align16)
{
    IRFunc *f = s->f;
    IRTemp a = ir_temp_new_local(f);
    ir_mov(f, IR_I64, a, gen_lea_modrm(s));
    if (align16) {
        int ok = ir_label_new(f);
        IRTemp low = ir_temp_new(f);
        X86DisasJump saved = s->is_jmp;
        ir_binopi(f, IR_AND, IR_I64, low, a, 15);
        ir_brcond(f, IR_I64, IR_COND_EQ, low, ir_const(f, 0), ok);
        gen_exception_err(s, EXCP_GP, 0);
        s->is_jmp = saved;
        ir_set_label(f, ok);
    }
    return a;
}

/* Loads `bytes` (2, 4, 8 or 16) from the memory operand into the scratch at off (zero-filled
 * above them; the MMX scratch holds 8). */
static void load_scratch(DisasContext *s, int32_t off, unsigned bytes, bool align16)
{
    IRTemp a = sse_lea(s, align16 && bytes == 16);
    IRTemp zero = ir_const(s->f, 0);
    if (bytes == 16) {
        IRTemp lo = gen_ld(s, 3, a), hi = gen_ld(s, 3, addr_plus(s, a, 8));
        st_env(s, IR_ST64, off, lo);
        st_env(s, IR_ST64, off + 8, hi);
        return;
    }
    int ot = bytes == 8 ? 3 : bytes == 4 ? 2 : 1;
    st_env(s, IR_ST64, off, gen_ld(s, ot, a));
    if (off == OFF(xmm_t0)) {
        st_env(s, IR_ST64, off + 8, zero);
    }
}

/* Pointer to the r/m vector operand: register rm (MMX when mm), or the memory operand loaded
 * into a scratch (bytes of it; 16-byte operands aligned unless unaligned). The alignment check
 * is a branch, which ends the life of TEMP temps: call this before making the other operands. */
static IRTemp rm_ptr(DisasContext *s, bool mm, unsigned bytes, bool unaligned)
{
    const X86Insn *insn = s->insn;
    if (!insn->mem) {
        return gen_env_ptr(s, vreg_off(mm, insn->rm));
    }
    int32_t off = bytes <= 8 && mm ? OFF(mmx_t0) : OFF(xmm_t0);
    load_scratch(s, off, bytes, !unaligned);
    return gen_env_ptr(s, off);
}

/* #UD / #NM checks (SDM vol. 3A 2.5 CR0.EM/TS, vol. 2 "Exceptions" of every SSE page): true
 * when the instruction may go on. */
static bool sse_check(DisasContext *s, bool sse)
{
    if ((s->flags & HF_EM) || (sse && !(s->flags & HF_OSFXSR))) {
        gen_exception(s, EXCP_UD);
        return false;
    }
    if (s->flags & HF_TS) {
        gen_exception(s, EXCP_NM);
        return false;
    }
    return true;
}

/* ---- helper-backed operations: one table line per mnemonic ---- */

enum { SK_INT, SK_FP };
enum {
    SF_U = 1,       /* 16-byte memory operand need not be aligned */
    SF_DMM = 2,     /* SSE group: destination is an MMX register */
    SF_SMM = 4,     /* SSE group: register source is an MMX register */
    SF_MMXHALF = 8, /* MMX form reads 32 bits of memory (PUNPCKL*: SDM "mm/m32") */
};

typedef struct SseOpDesc {
    const char *mnem;
    uint8_t kind;  /* SK_INT: helper_sse_int, SK_FP: helper_sse_fp */
    uint8_t mem;   /* memory operand bytes; 0 = the full register (16, or 8 for MMX) */
    uint8_t flags; /* SF_* */
    uint16_t op;
} SseOpDesc;

#define I(m, op) {m, SK_INT, 0, 0, op}
#define IM(m, mem, op) {m, SK_INT, mem, 0, op}
#define FP(m, op) {m, SK_FP, 0, 0, op}
#define FPM(m, mem, op) {m, SK_FP, mem, 0, op}

/* Mnemonics as the decoder tables spell them (decode-map0f*.c); imm8 is always passed. */
static const SseOpDesc sse_ops[] = {
    I("paddb", SSE_PADDB), I("paddw", SSE_PADDW), I("paddd", SSE_PADDD), I("paddq", SSE_PADDQ),
    I("paddsb", SSE_PADDSB), I("paddsw", SSE_PADDSW), I("paddusb", SSE_PADDUSB),
    I("paddusw", SSE_PADDUSW), I("psubb", SSE_PSUBB), I("psubw", SSE_PSUBW),
    I("psubd", SSE_PSUBD), I("psubq", SSE_PSUBQ), I("psubsb", SSE_PSUBSB),
    I("psubsw", SSE_PSUBSW), I("psubusb", SSE_PSUBUSB), I("psubusw", SSE_PSUBUSW),
    I("pmullw", SSE_PMULLW), I("pmulhw", SSE_PMULHW), I("pmulhuw", SSE_PMULHUW),
    I("pmuludq", SSE_PMULUDQ), I("pmaddwd", SSE_PMADDWD), I("pmulld", SSE_PMULLD),
    I("pmuldq", SSE_PMULDQ), I("pmulhrsw", SSE_PMULHRSW), I("pmaddubsw", SSE_PMADDUBSW),
    I("pavgb", SSE_PAVGB), I("pavgw", SSE_PAVGW), I("pminub", SSE_PMINUB),
    I("pmaxub", SSE_PMAXUB), I("pminsw", SSE_PMINSW), I("pmaxsw", SSE_PMAXSW),
    I("pminsb", SSE_PMINSB), I("pmaxsb", SSE_PMAXSB), I("pminuw", SSE_PMINUW),
    I("pmaxuw", SSE_PMAXUW), I("pminsd", SSE_PMINSD), I("pmaxsd", SSE_PMAXSD),
    I("pminud", SSE_PMINUD), I("pmaxud", SSE_PMAXUD), I("pcmpeqb", SSE_PCMPEQB),
    I("pcmpeqw", SSE_PCMPEQW), I("pcmpeqd", SSE_PCMPEQD), I("pcmpeqq", SSE_PCMPEQQ),
    I("pcmpgtb", SSE_PCMPGTB), I("pcmpgtw", SSE_PCMPGTW), I("pcmpgtd", SSE_PCMPGTD),
    I("pcmpgtq", SSE_PCMPGTQ), I("pand", SSE_PAND), I("pandn", SSE_PANDN), I("por", SSE_POR),
    I("pxor", SSE_PXOR), I("andps", SSE_PAND), I("andpd", SSE_PAND), I("andnps", SSE_PANDN),
    I("andnpd", SSE_PANDN), I("orps", SSE_POR), I("orpd", SSE_POR), I("xorps", SSE_PXOR),
    I("xorpd", SSE_PXOR), I("psrlw", SSE_PSRLW), I("psrld", SSE_PSRLD), I("psrlq", SSE_PSRLQ),
    I("psraw", SSE_PSRAW), I("psrad", SSE_PSRAD), I("psllw", SSE_PSLLW), I("pslld", SSE_PSLLD),
    I("psllq", SSE_PSLLQ), I("psrldq", SSE_PSRLDQ), I("pslldq", SSE_PSLLDQ),
    I("packsswb", SSE_PACKSSWB), I("packssdw", SSE_PACKSSDW), I("packuswb", SSE_PACKUSWB),
    I("packusdw", SSE_PACKUSDW),
    {"punpcklbw", SK_INT, 0, SF_MMXHALF, SSE_PUNPCKLBW},
    {"punpcklwd", SK_INT, 0, SF_MMXHALF, SSE_PUNPCKLWD},
    {"punpckldq", SK_INT, 0, SF_MMXHALF, SSE_PUNPCKLDQ},
    I("punpcklqdq", SSE_PUNPCKLQDQ), I("punpckhbw", SSE_PUNPCKHBW),
    I("punpckhwd", SSE_PUNPCKHWD), I("punpckhdq", SSE_PUNPCKHDQ),
    I("punpckhqdq", SSE_PUNPCKHQDQ), I("pshufd", SSE_PSHUFD), I("pshufhw", SSE_PSHUFHW),
    I("pshuflw", SSE_PSHUFLW), I("pshufw", SSE_PSHUFW), I("pshufb", SSE_PSHUFB),
    I("palignr", SSE_PALIGNR), I("psadbw", SSE_PSADBW), I("phaddw", SSE_PHADDW),
    I("phaddd", SSE_PHADDD), I("phaddsw", SSE_PHADDSW), I("phsubw", SSE_PHSUBW),
    I("phsubd", SSE_PHSUBD), I("phsubsw", SSE_PHSUBSW), I("psignb", SSE_PSIGNB),
    I("psignw", SSE_PSIGNW), I("psignd", SSE_PSIGND), I("pabsb", SSE_PABSB),
    I("pabsw", SSE_PABSW), I("pabsd", SSE_PABSD), I("pblendw", SSE_PBLENDW),
    I("pblendvb", SSE_PBLENDVB), I("mpsadbw", SSE_MPSADBW), I("phminposuw", SSE_PHMINPOSUW),
    /* SDM PMOVSX/PMOVZX: the memory operand is only as wide as the elements read */
    IM("pmovsxbw", 8, SSE_PMOVSXBW), IM("pmovsxbd", 4, SSE_PMOVSXBD),
    IM("pmovsxbq", 2, SSE_PMOVSXBQ), IM("pmovsxwd", 8, SSE_PMOVSXWD),
    IM("pmovsxwq", 4, SSE_PMOVSXWQ), IM("pmovsxdq", 8, SSE_PMOVSXDQ),
    IM("pmovzxbw", 8, SSE_PMOVZXBW), IM("pmovzxbd", 4, SSE_PMOVZXBD),
    IM("pmovzxbq", 2, SSE_PMOVZXBQ), IM("pmovzxwd", 8, SSE_PMOVZXWD),
    IM("pmovzxwq", 4, SSE_PMOVZXWQ), IM("pmovzxdq", 8, SSE_PMOVZXDQ),
    I("shufps", SSE_SHUFPS), I("shufpd", SSE_SHUFPD), I("unpcklps", SSE_UNPCKLPS),
    I("unpckhps", SSE_UNPCKHPS), I("unpcklpd", SSE_UNPCKLPD), I("unpckhpd", SSE_UNPCKHPD),
    I("blendps", SSE_BLENDPS), I("blendpd", SSE_BLENDPD), I("blendvps", SSE_BLENDVPS),
    I("blendvpd", SSE_BLENDVPD), IM("insertps", 4, SSE_INSERTPS),

    FP("addps", SSE_ADDPS), FPM("addss", 4, SSE_ADDSS), FP("addpd", SSE_ADDPD),
    FPM("addsd", 8, SSE_ADDSD), FP("subps", SSE_SUBPS), FPM("subss", 4, SSE_SUBSS),
    FP("subpd", SSE_SUBPD), FPM("subsd", 8, SSE_SUBSD), FP("mulps", SSE_MULPS),
    FPM("mulss", 4, SSE_MULSS), FP("mulpd", SSE_MULPD), FPM("mulsd", 8, SSE_MULSD),
    FP("divps", SSE_DIVPS), FPM("divss", 4, SSE_DIVSS), FP("divpd", SSE_DIVPD),
    FPM("divsd", 8, SSE_DIVSD), FP("minps", SSE_MINPS), FPM("minss", 4, SSE_MINSS),
    FP("minpd", SSE_MINPD), FPM("minsd", 8, SSE_MINSD), FP("maxps", SSE_MAXPS),
    FPM("maxss", 4, SSE_MAXSS), FP("maxpd", SSE_MAXPD), FPM("maxsd", 8, SSE_MAXSD),
    FP("sqrtps", SSE_SQRTPS), FPM("sqrtss", 4, SSE_SQRTSS), FP("sqrtpd", SSE_SQRTPD),
    FPM("sqrtsd", 8, SSE_SQRTSD), FP("rcpps", SSE_RCPPS), FPM("rcpss", 4, SSE_RCPSS),
    FP("rsqrtps", SSE_RSQRTPS), FPM("rsqrtss", 4, SSE_RSQRTSS), FP("cmpps", SSE_CMPPS),
    FPM("cmpss", 4, SSE_CMPSS), FP("cmppd", SSE_CMPPD), FPM("cmpsd", 8, SSE_CMPSD),
    FP("haddps", SSE_HADDPS), FP("haddpd", SSE_HADDPD), FP("hsubps", SSE_HSUBPS),
    FP("hsubpd", SSE_HSUBPD), FP("addsubps", SSE_ADDSUBPS), FP("addsubpd", SSE_ADDSUBPD),
    FP("roundps", SSE_ROUNDPS), FP("roundpd", SSE_ROUNDPD), FPM("roundss", 4, SSE_ROUNDSS),
    FPM("roundsd", 8, SSE_ROUNDSD), FP("dpps", SSE_DPPS), FP("dppd", SSE_DPPD),
    FPM("cvtps2pd", 8, SSE_CVTPS2PD), FP("cvtpd2ps", SSE_CVTPD2PS),
    FPM("cvtss2sd", 4, SSE_CVTSS2SD), FPM("cvtsd2ss", 8, SSE_CVTSD2SS),
    FP("cvtdq2ps", SSE_CVTDQ2PS), FP("cvtps2dq", SSE_CVTPS2DQ), FP("cvttps2dq", SSE_CVTTPS2DQ),
    FPM("cvtdq2pd", 8, SSE_CVTDQ2PD), FP("cvtpd2dq", SSE_CVTPD2DQ),
    FP("cvttpd2dq", SSE_CVTTPD2DQ),
    {"cvtpi2ps", SK_FP, 8, SF_SMM, SSE_CVTPI2PS},
    {"cvtpi2pd", SK_FP, 8, SF_SMM, SSE_CVTPI2PD},
    {"cvtps2pi", SK_FP, 8, SF_DMM, SSE_CVTPS2PI},
    {"cvttps2pi", SK_FP, 8, SF_DMM, SSE_CVTTPS2PI},
    {"cvtpd2pi", SK_FP, 0, SF_DMM, SSE_CVTPD2PI},
    {"cvttpd2pi", SK_FP, 0, SF_DMM, SSE_CVTTPD2PI},
};

#undef I
#undef IM
#undef FP
#undef FPM

static const SseOpDesc *sse_op_find(const char *m)
{
    for (size_t i = 0; i < sizeof(sse_ops) / sizeof(sse_ops[0]); i++) {
        if (strcmp(sse_ops[i].mnem, m) == 0) {
            return &sse_ops[i];
        }
    }
    return NULL;
}

/* d = d OP s through helper_sse_int / helper_sse_fp. mm: the MMX form. */
static void gen_sse_op(DisasContext *s, const SseOpDesc *d, bool mm)
{
    X86Insn *insn = s->insn;
    IRTemp dp, sp;
    uint32_t imm = (uint32_t)insn->imm & 0xff;
    uint32_t op = d->op | (mm ? SSE_W64 : 0);
    if (insn->entry->ops == X86_OPS_MI) {
        /* Groups 12-14: shift register rm by imm8 (SDM PSRLW "ib" forms). */
        dp = gen_env_ptr(s, vreg_off(mm, insn->rm));
        sp = ir_const(s->f, 0);
    } else {
        unsigned bytes = d->mem ? d->mem : mm ? 8 : 16;
        if (mm && (d->flags & SF_MMXHALF)) {
            bytes = 4;
        }
        if (insn->mem && d->op == SSE_INSERTPS && d->kind == SK_INT) {
            imm &= 0x3f; /* the memory form's dword sits in lane 0 of the scratch */
        }
        sp = rm_ptr(s, mm || (d->flags & SF_SMM), bytes, d->flags & SF_U);
        dp = gen_env_ptr(s, vreg_off(mm || (d->flags & SF_DMM), insn->reg));
    }
    IRTemp args[4] = {dp, sp, ir_const(s->f, op), ir_const(s->f, imm)};
    gen_helper(s, d->kind == SK_FP ? h_fp : h_int, 4, args);
}

/* ---- data movement (inline IR) ---- */

/* 128-bit moves: MOVAPS/APD/DQA, MOVUPS/UPD/DQU, LDDQU, MOVNTPS/PD/DQ, MOVNTDQA. */
static void gen_move128(DisasContext *s, bool aligned)
{
    X86Insn *insn = s->insn;
    int32_t r = xmm_off(insn->reg);
    if (!insn->mem) {
        int32_t src = insn->entry->ops == X86_OPS_MR ? r : xmm_off(insn->rm);
        int32_t dst = insn->entry->ops == X86_OPS_MR ? xmm_off(insn->rm) : r;
        IRTemp lo = ld_env(s, IR_LD64, src), hi = ld_env(s, IR_LD64, src + 8);
        st_env(s, IR_ST64, dst, lo);
        st_env(s, IR_ST64, dst + 8, hi);
        return;
    }
    IRTemp a = sse_lea(s, aligned);
    if (insn->entry->ops == X86_OPS_MR) {
        gen_st(s, 3, a, ld_env(s, IR_LD64, r));
        gen_st(s, 3, addr_plus(s, a, 8), ld_env(s, IR_LD64, r + 8));
    } else {
        IRTemp lo = gen_ld(s, 3, a), hi = gen_ld(s, 3, addr_plus(s, a, 8));
        st_env(s, IR_ST64, r, lo);
        st_env(s, IR_ST64, r + 8, hi);
    }
}

/* MOVSS / MOVSD (size 4 or 8): a load from memory zeroes the rest of the register; register
 * to register moves only the low element (SDM MOVSS). */
static void gen_move_scalar(DisasContext *s, int ot)
{
    X86Insn *insn = s->insn;
    IROpcode ld = ot == 2 ? IR_LD32U : IR_LD64, st = ot == 2 ? IR_ST32 : IR_ST64;
    int32_t r = xmm_off(insn->reg);
    bool to_rm = insn->entry->ops == X86_OPS_MR;
    if (!insn->mem) {
        int32_t src = to_rm ? r : xmm_off(insn->rm), dst = to_rm ? xmm_off(insn->rm) : r;
        st_env(s, st, dst, ld_env(s, ld, src));
        return;
    }
    IRTemp a = gen_lea_modrm(s);
    if (to_rm) {
        gen_st(s, ot, a, ld_env(s, ld, r));
    } else {
        IRTemp v = gen_ld(s, ot, a);
        st_env(s, IR_ST64, r, v);
        st_env(s, IR_ST64, r + 8, ir_const(s->f, 0));
    }
}

/* The low qword of the r/m source (XMM register rm, or m64). */
static IRTemp rm_low64(DisasContext *s, bool mm)
{
    if (s->insn->mem) {
        return gen_ld(s, 3, gen_lea_modrm(s));
    }
    return ld_env(s, IR_LD64, vreg_off(mm, s->insn->rm));
}

static void xmm_write_low_zero_high(DisasContext *s, int n, IRTemp lo)
{
    st_env(s, IR_ST64, xmm_off(n), lo);
    st_env(s, IR_ST64, xmm_off(n) + 8, ir_const(s->f, 0));
}

/* MOVD/MOVQ between a GPR/memory and MMX/XMM registers (0F 6E / 0F 7E). */
static void gen_movd(DisasContext *s, bool mm)
{
    X86Insn *insn = s->insn;
    int ot = insn->opsize == 64 ? 3 : 2;
    if (insn->entry->ops == X86_OPS_RM) { /* 6E: to the vector register */
        IRTemp v = gen_rm_read(s, ot, NULL);
        if (mm) {
            gen_enter_mmx(s);
            mmx_write(s, insn->reg, v);
        } else {
            xmm_write_low_zero_high(s, insn->reg, v);
        }
        return;
    }
    IRTemp v = ld_env(s, ot == 3 ? IR_LD64 : IR_LD32U, vreg_off(mm, insn->reg));
    if (mm) {
        gen_enter_mmx(s);
    }
    gen_rm_write(s, ot, IR_TEMP_NONE, v);
}

/* The remaining SSE moves, by mnemonic; false if m is not one. */
static bool gen_sse_move(DisasContext *s, const char *m)
{
    X86Insn *insn = s->insn;
    int32_t r = xmm_off(insn->reg);
    bool to_rm = insn->entry->ops == X86_OPS_MR;
    IRFunc *f = s->f;
    if (!strcmp(m, "movaps") || !strcmp(m, "movapd") || !strcmp(m, "movdqa") ||
        !strcmp(m, "movntps") || !strcmp(m, "movntpd") || !strcmp(m, "movntdq") ||
        !strcmp(m, "movntdqa")) {
        gen_move128(s, true);
    } else if (!strcmp(m, "movups") || !strcmp(m, "movupd") || !strcmp(m, "movdqu") ||
               !strcmp(m, "lddqu")) {
        gen_move128(s, false);
    } else if (!strcmp(m, "movss")) {
        gen_move_scalar(s, 2);
    } else if (!strcmp(m, "movsd")) {
        gen_move_scalar(s, 3);
    } else if (!strcmp(m, "movlps") || !strcmp(m, "movlpd") || !strcmp(m, "movhps") ||
               !strcmp(m, "movhpd")) {
        int32_t half = r + (m[3] == 'h' ? 8 : 0);
        IRTemp a = gen_lea_modrm(s); /* memory forms only (register forms are MOVHLPS..) */
        if (to_rm) {
            gen_st(s, 3, a, ld_env(s, IR_LD64, half));
        } else {
            st_env(s, IR_ST64, half, gen_ld(s, 3, a));
        }
    } else if (!strcmp(m, "movhlps")) {
        st_env(s, IR_ST64, r, ld_env(s, IR_LD64, xmm_off(insn->rm) + 8));
    } else if (!strcmp(m, "movlhps")) {
        st_env(s, IR_ST64, r + 8, ld_env(s, IR_LD64, xmm_off(insn->rm)));
    } else if (!strcmp(m, "movddup")) {
        IRTemp lo = rm_low64(s, false);
        st_env(s, IR_ST64, r, lo);
        st_env(s, IR_ST64, r + 8, lo);
    } else if (!strcmp(m, "movsldup") || !strcmp(m, "movshdup")) {
        IRTemp lo, hi;
        if (insn->mem) {
            IRTemp a = sse_lea(s, true);
            lo = gen_ld(s, 3, a);
            hi = gen_ld(s, 3, addr_plus(s, a, 8));
        } else {
            lo = ld_env(s, IR_LD64, xmm_off(insn->rm));
            hi = ld_env(s, IR_LD64, xmm_off(insn->rm) + 8);
        }
        IRTemp q[2] = {lo, hi};
        for (int i = 0; i < 2; i++) {
            /* SDM MOVSLDUP: dwords 0,0,2,2; MOVSHDUP: 1,1,3,3 */
            IRTemp e = ir_temp_new(f);
            if (m[4] == 'h') {
                ir_binopi(f, IR_SHR, IR_I64, e, q[i], 32);
            } else {
                ir_unop(f, IR_EXT32U, IR_I64, e, q[i]);
            }
            ir_deposit(f, IR_I64, e, e, e, 32, 32);
            q[i] = e;
        }
        st_env(s, IR_ST64, r, q[0]);
        st_env(s, IR_ST64, r + 8, q[1]);
    } else if (!strcmp(m, "movd")) {
        gen_movd(s, false);
    } else if (!strcmp(m, "movq")) {
        if (!to_rm) { /* F3 0F 7E: xmm <- xmm/m64, upper half zeroed */
            xmm_write_low_zero_high(s, insn->reg, rm_low64(s, false));
        } else if (insn->mem) { /* 66 0F D6 */
            gen_st(s, 3, gen_lea_modrm(s), ld_env(s, IR_LD64, r));
        } else {
            xmm_write_low_zero_high(s, insn->rm, ld_env(s, IR_LD64, r));
        }
    } else if (!strcmp(m, "movq2dq")) {
        IRTemp v = ld_env(s, IR_LD64, mmx_off(insn->rm));
        gen_enter_mmx(s);
        xmm_write_low_zero_high(s, insn->reg, v);
    } else if (!strcmp(m, "movdq2q")) {
        IRTemp v = ld_env(s, IR_LD64, xmm_off(insn->rm));
        gen_enter_mmx(s);
        mmx_write(s, insn->reg, v);
    } else {
        return false;
    }
    return true;
}

/* MMX-only moves: MOVD/MOVQ, MOVNTQ. */
static bool gen_mmx_move(DisasContext *s, const char *m)
{
    X86Insn *insn = s->insn;
    if (!strcmp(m, "movd")) {
        gen_movd(s, true);
    } else if (!strcmp(m, "movq") && insn->entry->ops == X86_OPS_RM) { /* 0F 6F */
        IRTemp v = rm_low64(s, true);
        gen_enter_mmx(s);
        mmx_write(s, insn->reg, v);
    } else if (!strcmp(m, "movq") || !strcmp(m, "movntq")) { /* 0F 7F, 0F E7 */
        IRTemp v = ld_env(s, IR_LD64, mmx_off(insn->reg));
        if (insn->mem) {
            gen_st(s, 3, gen_lea_modrm(s), v);
            gen_enter_mmx(s);
        } else {
            gen_enter_mmx(s);
            mmx_write(s, insn->rm, v);
        }
    } else {
        return false;
    }
    return true;
}

/* ---- other instructions with special operands ---- */

/* GPR or memory source of PINSR*: the low `bytes` of r32/r64, or m8..m64. */
static IRTemp gen_insert_src(DisasContext *s, int ot)
{
    if (s->insn->mem) {
        return gen_ld(s, ot, gen_lea_modrm(s));
    }
    return gen_reg_read(s, 3, s->insn->rm);
}

/* PINSRB/W/D/Q, PEXTRB/W/D/Q, EXTRACTPS, PMOVMSKB, MOVMSKPS/PD. */
static bool gen_sse_elem(DisasContext *s, const char *m, bool mm)
{
    X86Insn *insn = s->insn;
    IRFunc *f = s->f;
    uint32_t w = mm ? SSE_W64 : 0, imm = (uint32_t)insn->imm & 0xff;
    int qot = (insn->rex & X86_REX_W) ? 3 : 2;
    if (!strncmp(m, "pinsr", 5)) {
        int ot = m[5] == 'b' ? 0 : m[5] == 'w' ? 1 : qot;
        IRTemp v = gen_insert_src(s, ot);
        IRTemp args[4] = {gen_env_ptr(s, vreg_off(mm, insn->reg)), v,
                          ir_const(f, (1u << ot) | w), ir_const(f, imm)};
        gen_helper(s, h_insert, 4, args);
        return true;
    }
    if (!strcmp(m, "pextrw") && insn->map == X86_MAP_0F) { /* 0F C5: reg <- mm/xmm rm */
        IRTemp args[3] = {gen_env_ptr(s, vreg_off(mm, insn->rm)), ir_const(f, 2 | w),
                          ir_const(f, imm)};
        gen_reg_write(s, 2, insn->reg, gen_helper(s, h_extract, 3, args));
        return true;
    }
    if (!strncmp(m, "pextr", 5) || !strcmp(m, "extractps")) { /* 0F 3A 14-17: r/m <- xmm */
        int ot = m[5] == 'b' ? 0 : m[5] == 'w' ? 1 : m[0] == 'e' ? 2 : qot;
        IRTemp args[3] = {gen_env_ptr(s, xmm_off(insn->reg)), ir_const(f, 1u << ot),
                          ir_const(f, imm)};
        IRTemp v = gen_helper(s, h_extract, 3, args);
        if (insn->mem) {
            gen_st(s, ot, gen_lea_modrm(s), v);
        } else {
            gen_reg_write(s, ot == 3 ? 3 : 2, insn->rm, v); /* zero-extended to the register */
        }
        return true;
    }
    if (!strcmp(m, "pmovmskb") || !strcmp(m, "movmskps") || !strcmp(m, "movmskpd")) {
        uint32_t size = m[1] == 'm' ? 1 : m[7] == 's' ? 4 : 8; /* "movmskp[sd]" */
        IRTemp args[2] = {gen_env_ptr(s, vreg_off(mm, insn->rm)), ir_const(f, size | w)};
        gen_reg_write(s, 2, insn->reg, gen_helper(s, h_movmsk, 2, args));
        return true;
    }
    return false;
}

/* MASKMOVQ / MASKMOVDQU: DS:rDI (segment override allowed) with the address size. */
static void gen_maskmov(DisasContext *s, bool mm)
{
    X86Insn *insn = s->insn;
    IRFunc *f = s->f;
    IRTemp off = ir_temp_new(f);
    ir_mov(f, IR_I64, off, cpu_regs[R_EDI]);
    if (insn->addrsize == 16) {
        ir_unop(f, IR_EXT16U, IR_I64, off, off);
    } else if (insn->addrsize == 32) {
        ir_unop(f, IR_EXT32U, IR_I64, off, off);
    }
    int seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
    IRTemp args[4] = {gen_env_ptr(s, vreg_off(mm, insn->reg)),
                      gen_env_ptr(s, vreg_off(mm, insn->rm)), gen_seg_linear(s, seg, off),
                      ir_const(f, (mm ? 8u : 16u) | (s->code64 ? 0 : 0x100u))};
    gen_helper(s, h_maskmov, 4, args);
}

/* CVTSI2SS/SD, CVT(T)SS2SI, CVT(T)SD2SI. */
static bool gen_sse_cvt_gpr(DisasContext *s, const char *m)
{
    X86Insn *insn = s->insn;
    IRFunc *f = s->f;
    bool w = insn->rex & X86_REX_W;
    if (!strcmp(m, "cvtsi2ss") || !strcmp(m, "cvtsi2sd")) {
        IRTemp v = gen_rm_read(s, w ? 3 : 2, NULL);
        uint32_t op = (m[6] == 's' && m[7] == 's' ? SSE_CVTSI2SS : SSE_CVTSI2SD) |
                      (w ? SSE_CVT_64 : 0);
        IRTemp args[3] = {gen_env_ptr(s, xmm_off(insn->reg)), v, ir_const(f, op)};
        gen_helper(s, h_cvtsi2s, 3, args);
        return true;
    }
    static const struct { const char *m; uint32_t op; } c2i[] = {
        {"cvtss2si", SSE_CVTSS2SI}, {"cvttss2si", SSE_CVTTSS2SI},
        {"cvtsd2si", SSE_CVTSD2SI}, {"cvttsd2si", SSE_CVTTSD2SI},
    };
    for (size_t i = 0; i < 4; i++) {
        if (!strcmp(m, c2i[i].m)) {
            unsigned bytes = c2i[i].op >= SSE_CVTSD2SI ? 8 : 4;
            IRTemp args[2] = {rm_ptr(s, false, bytes, true),
                              ir_const(f, c2i[i].op | (w ? SSE_CVT_64 : 0))};
            gen_reg_write(s, w ? 3 : 2, insn->reg, gen_helper(s, h_cvts2si, 2, args));
            return true;
        }
    }
    return false;
}

/* CRC32 Gd/Gq, Eb/Ev (F2 0F 38 F0/F1): not an SSE-state instruction (no CR0/CR4 checks,
 * SDM vol. 2 CRC32 "Protected Mode Exceptions"). */
static bool gen_crc32(DisasContext *s)
{
    X86Insn *insn = s->insn;
    int sot = (insn->flags & X86F_BYTE) ? 0 : insn_ot(insn);
    int dot = (insn->rex & X86_REX_W) ? 3 : 2;
    IRTemp v = gen_rm_read(s, sot, NULL);
    IRTemp args[3] = {gen_reg_read(s, 2, insn->reg), v, ir_const(s->f, 1u << sot)};
    gen_reg_write(s, dot, insn->reg, gen_helper(s, h_crc32, 3, args));
    return true;
}

/* LDMXCSR/STMXCSR (0F AE /2 /3). FXSAVE/FXRSTOR are translate-x87.c's (x86_tr_fxsave). */
static bool gen_sse_state(DisasContext *s, const char *m)
{
    if (!strcmp(m, "ldmxcsr") || !strcmp(m, "stmxcsr")) {
        if (!sse_check(s, true)) {
            return true;
        }
        IRTemp a = gen_lea_modrm(s);
        if (m[0] == 'l') {
            IRTemp v = gen_ld(s, 2, a);
            gen_helper(s, h_ldmxcsr, 1, &v);
        } else {
            gen_st(s, 2, a, gen_helper(s, h_stmxcsr, 0, NULL));
        }
        return true;
    }
    return false;
}

/* ---- group entry points ---- */

bool x86_tr_sse(DisasContext *s, X86Insn *insn)
{
    const char *m = insn->entry->mnem;
    IRFunc *f = s->f;
    if (insn->entry->group == X86_GROUP_MISC) {
        return !strcmp(m, "crc32") && gen_crc32(s);
    }
    if (!strcmp(m, "fxsave") || !strcmp(m, "fxrstor")) {
        return x86_tr_fxsave(s, insn); /* translate-x87.h */
    }
    if (!strcmp(m, "ldmxcsr") || !strcmp(m, "stmxcsr")) {
        return gen_sse_state(s, m);
    }
    if (!strncmp(m, "xsave", 5) || !strcmp(m, "xrstor")) {
        return false; /* XSAVE is not advertised (CPUID.1:ECX.XSAVE = 0): #UD */
    }
    if (!sse_check(s, true)) {
        return true;
    }
    if (gen_sse_move(s, m) || gen_sse_cvt_gpr(s, m) || gen_sse_elem(s, m, false)) {
        return true;
    }
    if (!strcmp(m, "ucomiss") || !strcmp(m, "comiss") || !strcmp(m, "ucomisd") ||
        !strcmp(m, "comisd")) {
        bool dbl = m[strlen(m) - 1] == 'd';
        uint32_t op = (dbl ? 2 : 0) | (m[0] == 'u' ? 1 : 0);
        IRTemp sp = rm_ptr(s, false, dbl ? 8 : 4, true);
        IRTemp args[3] = {gen_env_ptr(s, xmm_off(insn->reg)), sp, ir_const(f, op)};
        gen_helper(s, h_comis, 3, args);
        s->cc_op = CC_OP_EFLAGS; /* x86_eflags_set leaves cc_op = CC_OP_EFLAGS */
        return true;
    }
    if (!strcmp(m, "ptest")) {
        IRTemp sp = rm_ptr(s, false, 16, false); /* first: its alignment check ends a block */
        IRTemp args[2] = {gen_env_ptr(s, xmm_off(insn->reg)), sp};
        gen_helper(s, h_ptest, 2, args);
        s->cc_op = CC_OP_EFLAGS;
        return true;
    }
    if (!strncmp(m, "pcmp", 4) && strstr(m, "str")) {
        /* PCMPESTRM/ESTRI/ISTRM/ISTRI: no alignment requirement (SDM vol. 1, 12.10.3) */
        uint32_t op = (m[4] == 'e' ? 0 : 2) | (m[8] == 'i' ? 1 : 0) |
                      ((insn->rex & X86_REX_W) ? SSE_STR_W : 0);
        IRTemp sp = rm_ptr(s, false, 16, true);
        IRTemp args[4] = {gen_env_ptr(s, xmm_off(insn->reg)), sp, ir_const(f, op),
                          ir_const(f, (uint64_t)insn->imm & 0xff)};
        gen_helper(s, h_pcmpstr, 4, args);
        s->cc_op = CC_OP_EFLAGS;
        return true;
    }
    if (!strcmp(m, "maskmovq")) { /* 66 0F F7: MASKMOVDQU */
        gen_maskmov(s, false);
        return true;
    }
    const SseOpDesc *d = sse_op_find(m);
    if (!d) {
        return false;
    }
    gen_sse_op(s, d, false);
    return true;
}

bool x86_tr_mmx(DisasContext *s, X86Insn *insn)
{
    const char *m = insn->entry->mnem;
    if (!sse_check(s, false)) {
        return true;
    }
    if (!strcmp(m, "emms")) {
        gen_helper(s, h_emms, 0, NULL);
        return true;
    }
    if (gen_mmx_move(s, m) || gen_sse_elem(s, m, true)) {
        return true;
    }
    if (!strcmp(m, "maskmovq")) {
        gen_maskmov(s, true);
        return true;
    }
    const SseOpDesc *d = sse_op_find(m);
    if (!d || d->kind != SK_INT) {
        return false;
    }
    gen_sse_op(s, d, true);
    return true;
}
