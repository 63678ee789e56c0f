/*
 * translate-x87.c — the X87 group (escape opcodes D8-DF and FWAIT 9B) and FXSAVE/FXRSTOR
 * (0F AE /0 /1, reached through the SSE group: x86_tr_fxsave, translate-x87.h). Every x87
 * instruction becomes one call of an fpu-x87.h helper, which runs it on the host FPU; the
 * translator only does what needs guest context: #NM from CR0.EM/TS (SDM vol. 3A 2.5, table
 * 2-2), #UD for the reserved encodings x87_insn_valid() refuses, the memory operand (m16/m32/
 * m64 loaded here and passed as values; m80, stores and the state images by linear address +
 * MMU index), FCMOVcc's condition, FNSTSW AX, and the FPU instruction/data pointers (SDM vol.
 * 1, 8.1.8: kept for the last non-control instruction).
 * Translating vCPU thread only; the helper indices are set once by x86_tr_x87_init.
 */
#include "target-x86/translate-x87.h"

#include "target-x86/cc-helper.h"
#include "target-x86/excp-helper.h"
#include "target-x86/fpu-x87.h"

static int h_op, h_op_comi, h_fcmov, h_op_m32, h_op_m64, h_ld_m80, h_st_mem, h_fwait, h_fldcw,
    h_fnstsw, h_fldenv, h_fnstenv, h_frstor, h_fnsave, h_fxsave, h_fxrstor;

/* Memory operand size (log2 bytes) that an x87 memory form reads as a value, -1 for the forms
 * handled otherwise (m80 loads, stores, environment and control words). SDM vol. 2 A.4.1. */
static int x87_load_ot(unsigned op, unsigned reg) {
    switch (op) {
    case 0xd8: return 2;                              /* arithmetic m32fp */
    case 0xd9: return reg == 0 ? 2 : -1;              /* FLD m32fp */
    case 0xda: return 2;                              /* arithmetic m32int */
    case 0xdb: return reg == 0 ? 2 : -1;              /* FILD m32int */
    case 0xdc: return 3;                              /* arithmetic m64fp */
    case 0xdd: return reg == 0 ? 3 : -1;              /* FLD m64fp */
    case 0xde: return 1;                              /* arithmetic m16int */
    default: return reg == 0 ? 1 : reg == 5 ? 3 : -1; /* DF: FILD m16int, FILD m64int */
    }
}

/* Control instructions (SDM vol. 1, 8.1.8 and 8.3.12) leave the FPU pointers alone. */
static bool x87_insn_is_control(uint32_t code, bool mem) {
    unsigned op = code >> 8, reg = (code >> 3) & 7;
    if (!x87_insn_waits(code)) {
        return true; /* FNINIT FNCLEX FNSTSW FNSTCW FNSTENV FNSAVE and the 8087 no-ops */
    }
    return mem && ((op == 0xd9 && (reg == 4 || reg == 5)) || (op == 0xdd && reg == 4));
}

/* Protected-mode pointer format: offset + selector. Real and VM86 modes keep 20-bit linear
 * addresses in the environment image (SDM vol. 1, figures 8-10/8-12). */
static bool x87_ptr_is_offset(const DisasContext *s) {
    return (s->flags & HF_PE) && !(s->flags & HF_VM86);
}

/* Selector of segment seg copied into an FPU pointer's 16-bit selector field. */
static void gen_x87_store_sel(DisasContext *s, int seg, int32_t field) {
    IRTemp sel = ir_temp_new(s->f);
    ir_ld(s->f, IR_LD16U, sel, s->f->env, X86_ENV_OFF(segs[seg].selector));
    ir_st(s->f, IR_ST16, sel, s->f->env, field);
}

/* FIP/FCS (and FDP/FDS when the instruction has a memory operand at offset ea, linear lin),
 * emitted after the helper returned, so an #MF for an earlier instruction still reports that
 * instruction's pointers. */
static void gen_x87_update_ptrs(DisasContext *s, IRTemp ea, IRTemp lin) {
    IRFunc *f = s->f;
    bool off = x87_ptr_is_offset(s);
    ir_st(f, IR_ST64, ir_const(f, off ? s_eip(s) : s->pc), f->env, X86_ENV_OFF(fpip));
    if (off) {
        gen_x87_store_sel(s, R_CS, X86_ENV_OFF(fpcs));
    }
    if (ea != IR_TEMP_NONE) {
        ir_st(f, IR_ST64, off ? ea : lin, f->env, X86_ENV_OFF(fpdp));
        if (off) {
            gen_x87_store_sel(s, s->insn->ea.seg, X86_ENV_OFF(fpds));
        }
    }
}

/* #NM when the FPU is emulated or its state belongs to another task (CR0.EM / CR0.TS). */
static bool gen_x87_check_nm(DisasContext *s) {
    if (s->flags & (HF_EM | HF_TS)) {
        gen_exception(s, EXCP_NM);
        return true;
    }
    return false;
}

/* ---- register forms ---- */

static void gen_x87_reg(DisasContext *s, uint32_t code) {
    IRFunc *f = s->f;
    unsigned op = code >> 8, modrm = code & 0xff;
    if (op == 0xdf && modrm == 0xe0) { /* FNSTSW AX */
        IRTemp sw = gen_helper(s, h_fnstsw, 0, NULL);
        gen_reg_write(s, 1, R_EAX, sw);
        return;
    }
    if ((op == 0xda || op == 0xdb) && modrm < 0xe0) {
        /* FCMOVcc (SDM vol. 2 FCMOVcc): DA = B E BE U, DB = the negations. */
        static const int cc[4] = {X86_COND_B, X86_COND_E, X86_COND_BE, X86_COND_P};
        IRTemp args[2] = {ir_const(f, code), gen_cond(s, cc[(modrm >> 3) & 3] | (op == 0xdb))};
        gen_helper(s, h_fcmov, 2, args);
    } else {
        bool comi = (op == 0xdb || op == 0xdf) && modrm >= 0xe8 && modrm < 0xf8;
        IRTemp arg = ir_const(f, code);
        gen_helper(s, comi ? h_op_comi : h_op, 1, &arg);
        if (comi) {
            s->cc_op = X86_CC_OP_DYNAMIC; /* the helper wrote EFLAGS (cc_op = CC_OP_EFLAGS) */
        }
    }
    if (!x87_insn_is_control(code, false)) {
        gen_x87_update_ptrs(s, IR_TEMP_NONE, IR_TEMP_NONE);
    }
}

/* ---- memory forms ---- */

static void gen_x87_mem(DisasContext *s, uint32_t code) {
    IRFunc *f = s->f;
    unsigned op = code >> 8, reg = (code >> 3) & 7;
    IRTemp ea = gen_ea_offset(s);
    IRTemp addr = gen_seg_linear(s, s->insn->ea.seg, ea);
    IRTemp insn_c = ir_const(f, code);
    IRTemp mmu = ir_const(f, (uint64_t)s->mmu_idx);
    int ot = x87_load_ot(op, reg);
    if (ot >= 0) {
        IRTemp args[2] = {insn_c, gen_ld(s, ot, addr)};
        gen_helper(s, ot == 3 ? h_op_m64 : h_op_m32, 2, args);
    } else if (x87_insn_store_size(code) != 0) {
        IRTemp args[3] = {insn_c, addr, mmu};
        gen_helper(s, h_st_mem, 3, args);
    } else if ((op == 0xdb && reg == 5) || (op == 0xdf && reg == 4)) { /* FLD m80, FBLD */
        IRTemp args[3] = {insn_c, addr, mmu};
        gen_helper(s, h_ld_m80, 3, args);
    } else if (op == 0xd9 && reg == 5) { /* FLDCW */
        IRTemp cw = gen_ld(s, 1, addr);
        gen_helper(s, h_fldcw, 1, &cw);
    } else if (op == 0xd9 && reg == 7) { /* FNSTCW */
        IRTemp cw = ir_temp_new(f);
        ir_ld(f, IR_LD16U, cw, f->env, X86_ENV_OFF(fpuc));
        gen_st(s, 1, addr, cw);
    } else if (op == 0xdd && reg == 7) { /* FNSTSW m16 */
        gen_st(s, 1, addr, gen_helper(s, h_fnstsw, 0, NULL));
    } else {
        /* FLDENV, FNSTENV (D9 /4 /6), FRSTOR, FNSAVE (DD /4 /6): 16-bit operand size selects
         * the 14-byte environment (SDM vol. 1, 8.1.10). */
        uint32_t fl = s->insn->opsize == 16 ? 0 : X87_ENV_DATA32;
        int h = op == 0xd9 ? (reg == 4 ? h_fldenv : h_fnstenv) : (reg == 4 ? h_frstor : h_fnsave);
        IRTemp args[3] = {addr, mmu, ir_const(f, fl)};
        gen_helper(s, h, 3, args);
    }
    if (!x87_insn_is_control(code, true)) {
        gen_x87_update_ptrs(s, ea, addr);
    }
}

/* ---- entry points ---- */

bool x86_tr_x87(DisasContext *s, X86Insn *insn) {
    if (insn->opcode == 0x9b) {
        /* WAIT/FWAIT: #NM only when both MP and TS are set (SDM vol. 3A table 2-2). */
        if ((s->flags & (HF_MP | HF_TS)) == (HF_MP | HF_TS)) {
            gen_exception(s, EXCP_NM);
        } else {
            gen_helper(s, h_fwait, 0, NULL);
        }
        return true;
    }
    if (gen_x87_check_nm(s)) {
        return true;
    }
    uint32_t code = X87_INSN(insn->opcode, insn->modrm);
    if (!x87_insn_valid(code)) {
        gen_illegal(s, NULL);
        return true;
    }
    if (insn->mem) {
        gen_x87_mem(s, code);
    } else {
        gen_x87_reg(s, code);
    }
    return true;
}

bool x86_tr_fxsave(DisasContext *s, X86Insn *insn) {
    if (insn->map != X86_MAP_0F || insn->opcode != 0xae || !insn->mem || (insn->reg & 7) > 1) {
        return false;
    }
    if (gen_x87_check_nm(s)) {
        return true;
    }
    uint32_t fl =
        ((insn->rex & X86_REX_W) ? X86_FXSAVE_REXW : 0) | (s->code64 ? X86_FXSAVE_LONG : 0);
    IRTemp args[3] = {gen_lea_modrm(s), ir_const(s->f, (uint64_t)s->mmu_idx), ir_const(s->f, fl)};
    gen_helper(s, (insn->reg & 7) == 0 ? h_fxsave : h_fxrstor, 3, args);
    return true;
}

/* ---- registration ---- */

void x86_tr_x87_init(void) {
    const uint32_t R = IR_CALL_MAY_RAISE, RN = IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS;
    static const IRArgType a_env[] = {IR_ARG_PTR};
    static const IRArgType a_i32[] = {IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType a_i32_i32[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I32};
    static const IRArgType a_i32_i64[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I64};
    static const IRArgType a_mem[] = {IR_ARG_PTR, IR_ARG_I32, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType a_img[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32, IR_ARG_I32};
    h_op = x86_helper_register("x87_op", (void *)helper_x87_op, IR_ARG_VOID, 2, a_i32, RN);
    /* FCOMI/FUCOMI(P) write ZF PF CF through x86_eflags_set: the lazy-flag globals change. */
    h_op_comi = x86_helper_register("x87_op_comi", (void *)helper_x87_op, IR_ARG_VOID, 2, a_i32, R);
    h_fcmov =
        x86_helper_register("x87_fcmov", (void *)helper_x87_fcmov, IR_ARG_VOID, 3, a_i32_i32, RN);
    h_op_m32 =
        x86_helper_register("x87_op_m32", (void *)helper_x87_op_m32, IR_ARG_VOID, 3, a_i32_i32, RN);
    h_op_m64 =
        x86_helper_register("x87_op_m64", (void *)helper_x87_op_m64, IR_ARG_VOID, 3, a_i32_i64, RN);
    h_ld_m80 =
        x86_helper_register("x87_ld_m80", (void *)helper_x87_ld_m80, IR_ARG_VOID, 4, a_mem, RN);
    h_st_mem =
        x86_helper_register("x87_st_mem", (void *)helper_x87_st_mem, IR_ARG_VOID, 4, a_mem, RN);
    h_fwait = x86_helper_register("fwait", (void *)helper_fwait, IR_ARG_VOID, 1, a_env, RN);
    h_fldcw = x86_helper_register("fldcw", (void *)helper_fldcw, IR_ARG_VOID, 2, a_i32, RN);
    h_fnstsw = x86_helper_register("fnstsw", (void *)helper_fnstsw, IR_ARG_I32, 1, a_env,
                                   IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    h_fldenv = x86_helper_register("fldenv", (void *)helper_fldenv, IR_ARG_VOID, 4, a_img, RN);
    h_fnstenv = x86_helper_register("fnstenv", (void *)helper_fnstenv, IR_ARG_VOID, 4, a_img, RN);
    h_frstor = x86_helper_register("frstor", (void *)helper_frstor, IR_ARG_VOID, 4, a_img, RN);
    h_fnsave = x86_helper_register("fnsave", (void *)helper_fnsave, IR_ARG_VOID, 4, a_img, RN);
    h_fxsave = x86_helper_register("fxsave", (void *)helper_fxsave, IR_ARG_VOID, 4, a_img, RN);
    /* FXRSTOR also loads MXCSR and the XMM registers. */
    h_fxrstor = x86_helper_register("fxrstor", (void *)helper_fxrstor, IR_ARG_VOID, 4, a_img, R);
}
