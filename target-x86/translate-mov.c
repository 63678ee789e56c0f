/*
 * translate-mov.c — data movement groups: MOV (MOV, MOVZX/MOVSX/MOVSXD, LEA, CMOVcc, SETcc,
 * BSWAP, CBW/CWD families, MOVBE, MOVNTI), XCHG (XCHG, XADD, CMPXCHG, CMPXCHG8B/16B, NOP),
 * STACK (PUSH/POP of registers, immediates, memory and segments, PUSHA/POPA, PUSHF/POPF, ENTER,
 * LEAVE), STRING (MOVS CMPS STOS LODS SCAS INS OUTS with REP as a loop inside the TB), FLAGS
 * (CLC STC CMC CLD STD CLI STI SAHF LAHF SALC) and MISC (NOP forms, PAUSE, XLAT, prefetches).
 * Translating vCPU thread only; helper indices are set once at start-up.
 */
#include <string.h>

#include "cpu-exec/softmmu.h"
#include "target-x86/cc-helper.h"
#include "target-x86/excp-helper.h"
#include "target-x86/seg-helper.h"
#include "target-x86/translate.h"

static int h_pushf_value, h_popf, h_cmpxchg16b;




/* ---- helpers ---- */

static uint64_t helper_pushf_value(CPUX86State *env)
{
    /* VM and RF read as 0 in the pushed image (SDM PUSHF). */
    return x86_eflags_get(env) & ~(VM_MASK | RF_MASK);
}

/* POPF/POPFD/POPFQ: which bits may change depends on CPL, IOPL and VM (SDM POPF table). */
static void helper_popf(CPUX86State *env, uint64_t value, uint32_t ot)
{
    uint32_t mask = CC_ARITH | TF_MASK | DF_MASK | NT_MASK;
    unsigned cpl = env->hflags & HF_CPL_MASK;
    unsigned iopl = (env->eflags & IOPL_MASK) >> IOPL_SHIFT;
    if (env->hflags & HF_VM86) {
        if (iopl != 3) {
            x86_raise_exception_err(env, 13, 0);
        }
        mask |= IF_MASK;
    } else {
        if (cpl == 0) {
            mask |= IOPL_MASK;
        }
        if (cpl <= iopl) {
            mask |= IF_MASK;
        }
    }
    if (ot >= 2) {
        mask |= AC_MASK | ID_MASK;
        /* VIP/VIF cleared, VM unchanged, RF cleared */
    }
    if (ot == 1) {
        mask &= 0xffff;
    }
    x86_eflags_set(env, (uint32_t)value, mask);
}

/* CMPXCHG16B (size 3) on [addr] (linear), atomic against the other vCPUs: a 16-byte host
 * compare-and-swap on RAM, an exclusive section elsewhere (cpu_atomic_cmpxchg16). SDM vol. 2
 * CMPXCHG8B/CMPXCHG16B: #GP(0) unless 16-byte aligned; the destination always gets a write
 * cycle (translated as a store: a read-only page faults even when the comparison fails; on
 * failure the host instruction writes the old value back); ZF = equal, other flags unchanged;
 * on failure RDX:RAX = the old value. */
static void helper_cmpxchg16b(CPUX86State *env, uint64_t addr, uint32_t sh)
{
    if (sh != 3) {
        return;
    }
    if (addr & 15) {
        x86_raise_exception_err(env, 13, 0);
    }
    const uint64_t cmp[2] = {env->regs[R_EAX], env->regs[R_EDX]};
    const uint64_t nv[2] = {env->regs[R_EBX], env->regs[R_ECX]};
    uint64_t old[2];
    bool ok = cpu_atomic_cmpxchg16(cpu_from_env(env), addr, cmp, nv, x86_mmu_idx(env), old);
    uint32_t ef = x86_eflags_get(env);
    if (ok) {
        ef |= CC_Z;
    } else {
        env->regs[R_EAX] = old[0];
        env->regs[R_EDX] = old[1];
        ef &= ~CC_Z;
    }
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = ef & CC_ARITH;
}

void x86_tr_mov_init(void)
{
    static const IRArgType p1[] = {IR_ARG_PTR};
    h_pushf_value = x86_helper_register("pushf_value", (void *)helper_pushf_value, IR_ARG_I64,
                                        1, p1, IR_CALL_NO_WRITE_GLOBALS);
    static const IRArgType pf[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    h_popf = x86_helper_register("popf", (void *)helper_popf, IR_ARG_VOID, 3, pf,
                                 IR_CALL_MAY_RAISE);
    static const IRArgType cx[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    h_cmpxchg16b = x86_helper_register("cmpxchg16b", (void *)helper_cmpxchg16b, IR_ARG_VOID, 3,
                                       cx, IR_CALL_MAY_RAISE);
}

/* ---- MOV ---- */

bool x86_tr_mov(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    const char *m = insn->entry->mnem;
    if (!strcmp(m, "mov") || !strcmp(m, "movnti")) {
        switch ((X86OpEnc)insn->entry->ops) {
        case X86_OPS_MR:
            gen_rm_write(s, ot, IR_TEMP_NONE, gen_regop_read(s, ot));
            return true;
        case X86_OPS_RM:
            gen_regop_write(s, ot, gen_rm_read(s, ot, NULL));
            return true;
        case X86_OPS_MI:
            gen_rm_write(s, ot, IR_TEMP_NONE, gen_imm(s, ot, insn->imm));
            return true;
        case X86_OPS_OI: {
            int r = ot == 0 ? insn_byte_reg(insn, insn->opreg) : insn->opreg;
            gen_reg_write(s, ot, r, gen_imm(s, ot, insn->imm));
            return true;
        }
        case X86_OPS_FD:
        case X86_OPS_TD: {
            IRTemp off = ir_const(f, (uint64_t)insn->imm &
                                         (insn->addrsize == 64 ? ~0ull : (1ull << insn->addrsize) - 1));
            int seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
            IRTemp a = gen_seg_linear(s, seg, off);
            if ((X86OpEnc)insn->entry->ops == X86_OPS_FD) {
                gen_reg_write(s, ot, R_EAX, gen_ld(s, ot, a));
            } else {
                gen_st(s, ot, a, gen_reg_read(s, ot, R_EAX));
            }
            return true;
        }
        default:
            return false;
        }
    }
    if (!strcmp(m, "movzx") || !strcmp(m, "movsx")) {
        int from = (insn->opcode & 1) ? 1 : 0;
        IRTemp v = gen_rm_read(s, from, NULL);
        if (from == 0 && !insn->mem) {
            /* the byte register of ModRM.rm (AH..BH without REX) */
            v = gen_reg_read(s, 0, insn_byte_reg(insn, insn->rm));
        }
        gen_reg_write(s, ot, insn->reg, gen_ext(s, v, from, m[3] == 's'));
        return true;
    }
    if (!strcmp(m, "movsxd")) {
        IRTemp v = gen_rm_read(s, 2, NULL);
        gen_reg_write(s, ot, insn->reg, gen_ext(s, v, 2, true));
        return true;
    }
    if (!strcmp(m, "lea")) {
        gen_reg_write(s, ot, insn->reg, gen_ea_offset(s));
        return true;
    }
    if (!strncmp(m, "cmov", 4)) {
        IRTemp v = gen_rm_read(s, ot, NULL);
        IRTemp c = gen_cond(s, insn->opcode & 15);
        IRTemp cur = gen_reg_read(s, ot, insn->reg), r = ir_temp_new(f);
        ir_movcond(f, IR_I64, IR_COND_NE, r, c, ir_const(f, 0), v, cur);
        gen_reg_write(s, ot, insn->reg, r); /* 32-bit: zero-extends even when false */
        return true;
    }
    if (!strncmp(m, "set", 3)) {
        gen_rm_write(s, 0, IR_TEMP_NONE, gen_cond(s, insn->opcode & 15));
        return true;
    }
    if (!strcmp(m, "bswap")) {
        IRTemp v = gen_reg_read(s, ot, insn->opreg), r = ir_temp_new(f);
        if (ot == 3) {
            ir_unop(f, IR_BSWAP64, IR_I64, r, v);
        } else if (ot == 2) {
            ir_unop(f, IR_BSWAP32, IR_I64, r, v);
        } else {
            ir_movi(f, IR_I64, r, 0); /* 16-bit BSWAP is undefined: hardware gives 0 */
        }
        gen_reg_write(s, ot, insn->opreg, r);
        return true;
    }
    if (!strcmp(m, "cbw")) { /* CBW / CWDE / CDQE */
        IRTemp v = gen_reg_read(s, ot - 1, R_EAX);
        gen_reg_write(s, ot, R_EAX, gen_ext(s, v, ot - 1, true));
        return true;
    }
    if (!strcmp(m, "cwd")) { /* CWD / CDQ / CQO */
        IRTemp v = gen_reg_read(s, ot, R_EAX), t = ir_temp_new(f);
        if (ot < 3) {
            v = gen_ext(s, v, ot, true);
        }
        ir_binopi(f, IR_SAR, IR_I64, t, v, 63);
        gen_reg_write(s, ot, R_EDX, t);
        return true;
    }
    if (!strcmp(m, "movbe")) {
        IRTemp addr = gen_lea_modrm(s), r = ir_temp_new(f);
        static const IROpcode sw[4] = {IR_BSWAP16, IR_BSWAP16, IR_BSWAP32, IR_BSWAP64};
        if (insn->opcode == 0xf0) {
            ir_unop(f, sw[ot], IR_I64, r, gen_ld(s, ot, addr));
            gen_reg_write(s, ot, insn->reg, r);
        } else {
            ir_unop(f, sw[ot], IR_I64, r, gen_reg_read(s, ot, insn->reg));
            gen_st(s, ot, addr, r);
        }
        return true;
    }
    return false;
}

/* ---- XCHG ---- */

bool x86_tr_xchg(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    const char *m = insn->entry->mnem;
    if (!strcmp(m, "nop")) {
        if ((X86OpEnc)insn->entry->ops == X86_OPS_O && insn->opreg != R_EAX) {
            goto xchg_o; /* 90 with REX.B: XCHG r8, rAX */
        }
        return true;
    }
    if (!strcmp(m, "xchg")) {
        if ((X86OpEnc)insn->entry->ops == X86_OPS_O) {
        xchg_o: {
            IRTemp a = gen_reg_read(s, ot, R_EAX), b = gen_reg_read(s, ot, insn->opreg);
            gen_reg_write(s, ot, R_EAX, b);
            gen_reg_write(s, ot, insn->opreg, a);
            return true;
        }
        }
        IRTemp r = gen_regop_read(s, ot);
        if (!insn->mem) {
            IRTemp v = gen_rm_read(s, ot, NULL);
            gen_rm_write(s, ot, IR_TEMP_NONE, r);
            gen_regop_write(s, ot, v);
            return true;
        }
        /* XCHG with memory is always locked: compare-and-swap loop. */
        IRTemp la = ir_temp_new_local(f), lr = ir_temp_new_local(f), old = ir_temp_new_local(f);
        ir_mov(f, IR_I64, la, gen_lea_modrm(s));
        ir_mov(f, IR_I64, lr, r);
        int retry = ir_label_new(f);
        ir_set_label(f, retry);
        ir_mov(f, IR_I64, old, gen_ld(s, ot, la));
        IRTemp seen = gen_cmpxchg_mem(s, ot, la, old, lr);
        ir_brcond(f, IR_I64, IR_COND_NE, seen, old, retry);
        gen_regop_write(s, ot, old);
        return true;
    }
    if (!strcmp(m, "xadd")) {
        IRTemp b = gen_regop_read(s, ot);
        IRTemp addr, a, sum = ir_temp_new(f);
        if (insn->mem && (insn->prefixes & X86_PFX_LOCK)) {
            IRTemp la = ir_temp_new_local(f), lb = ir_temp_new_local(f), old = ir_temp_new_local(f);
            IRTemp ls = ir_temp_new_local(f);
            ir_mov(f, IR_I64, la, gen_lea_modrm(s));
            ir_mov(f, IR_I64, lb, b);
            int retry = ir_label_new(f);
            ir_set_label(f, retry);
            ir_mov(f, IR_I64, old, gen_ld(s, ot, la));
            IRTemp t = ir_temp_new(f);
            ir_add(f, IR_I64, t, old, lb);
            ir_binopi(f, IR_AND, IR_I64, ls, t, ot_mask(ot));
            IRTemp seen = gen_cmpxchg_mem(s, ot, la, old, ls);
            ir_brcond(f, IR_I64, IR_COND_NE, seen, old, retry);
            gen_regop_write(s, ot, old);
            ir_mov(f, IR_I64, cpu_cc_src, lb);
            ir_mov(f, IR_I64, cpu_cc_dst, ls);
            gen_set_cc_op(s, CC_OP_ADDB + ot);
            return true;
        }
        a = gen_rm_read(s, ot, &addr);
        ir_add(f, IR_I64, sum, a, b);
        gen_regop_write(s, ot, a);
        gen_rm_write(s, ot, addr, sum);
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_dst, sum);
        gen_set_cc_op(s, CC_OP_ADDB + ot);
        return true;
    }
    if (!strcmp(m, "cmpxchg")) {
        IRTemp lacc = ir_temp_new_local(f), lsrc = ir_temp_new_local(f);
        IRTemp lold = ir_temp_new_local(f);
        ir_mov(f, IR_I64, lacc, gen_reg_read(s, ot, R_EAX));
        ir_mov(f, IR_I64, lsrc, gen_regop_read(s, ot));
        int same = ir_label_new(f);
        if (insn->mem) {
            /* Memory forms are atomic (the locked form must be; the plain one may be). */
            ir_mov(f, IR_I64, lold, gen_cmpxchg_mem(s, ot, gen_lea_modrm(s), lacc, lsrc));
        } else {
            /* A register destination is written only on success: on failure a 32-bit
             * destination keeps its upper half (what hosts do; the SDM's "written back"
             * would zero-extend it). */
            int fail = ir_label_new(f);
            ir_mov(f, IR_I64, lold, gen_rm_read(s, ot, NULL));
            ir_brcond(f, IR_I64, IR_COND_NE, lold, lacc, fail);
            gen_rm_write(s, ot, IR_TEMP_NONE, lsrc);
            ir_set_label(f, fail);
        }
        /* rAX = old (only written when they differ: a 32-bit write would zero-extend). */
        ir_mov(f, IR_I64, cpu_cc_src, lold);
        IRTemp d = ir_temp_new(f);
        ir_sub(f, IR_I64, d, lacc, lold);
        ir_mov(f, IR_I64, cpu_cc_dst, d);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        ir_brcond(f, IR_I64, IR_COND_EQ, lold, lacc, same);
        gen_reg_write(s, ot, R_EAX, lold);
        ir_set_label(f, same);
        return true;
    }
    if (!strcmp(m, "cmpxchg8b")) {
        IRTemp addr = gen_lea_modrm(s);
        if (insn->rex & X86_REX_W) {
            IRTemp args[2] = {addr, ir_const(f, 3)};
            gen_helper(s, h_cmpxchg16b, 2, args);
            s->cc_op = X86_CC_OP_DYNAMIC;
            return true;
        }
        /* 8 bytes: one host compare-and-swap of EDX:EAX against [addr]. */
        IRTemp cmp = ir_temp_new_local(f), nv = ir_temp_new(f), t = ir_temp_new(f);
        ir_unop(f, IR_EXT32U, IR_I64, cmp, cpu_regs[R_EAX]);
        ir_binopi(f, IR_SHL, IR_I64, t, cpu_regs[R_EDX], 32);
        ir_or(f, IR_I64, cmp, cmp, t);
        ir_unop(f, IR_EXT32U, IR_I64, nv, cpu_regs[R_EBX]);
        ir_binopi(f, IR_SHL, IR_I64, t, cpu_regs[R_ECX], 32);
        ir_or(f, IR_I64, nv, nv, t);
        IRTemp old = gen_cmpxchg_mem(s, 3, addr, cmp, nv);
        IRTemp eq = ir_temp_new(f);
        ir_setcond(f, IR_I64, IR_COND_EQ, eq, old, cmp);
        gen_compute_eflags(s);
        IRTemp z = ir_temp_new(f);
        ir_binopi(f, IR_SHL, IR_I64, z, eq, 6);
        ir_binopi(f, IR_AND, IR_I64, cpu_cc_src, cpu_cc_src, ~(uint64_t)CC_Z);
        ir_or(f, IR_I64, cpu_cc_src, cpu_cc_src, z);
        /* EDX:EAX = old when they differ (SDM: written only on failure). */
        IRTemp lo = ir_temp_new(f), hi = ir_temp_new(f);
        ir_unop(f, IR_EXT32U, IR_I64, lo, old);
        ir_binopi(f, IR_SHR, IR_I64, hi, old, 32);
        IRTemp curlo = ir_temp_new(f), curhi = ir_temp_new(f);
        ir_mov(f, IR_I64, curlo, cpu_regs[R_EAX]);
        ir_mov(f, IR_I64, curhi, cpu_regs[R_EDX]);
        ir_movcond(f, IR_I64, IR_COND_NE, cpu_regs[R_EAX], eq, ir_const(f, 0), curlo, lo);
        ir_movcond(f, IR_I64, IR_COND_NE, cpu_regs[R_EDX], eq, ir_const(f, 0), curhi, hi);
        return true;
    }
    return false;
}

/* ---- STACK ---- */

static const int seg_of_push_pop[] = {R_ES, R_CS, R_SS, R_DS, R_FS, R_GS};

bool x86_tr_stack(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    const char *m = insn->entry->mnem;
    int sot = gen_stack_ot(s);
    if (!strcmp(m, "push")) {
        IRTemp v;
        switch ((X86OpEnc)insn->entry->ops) {
        case X86_OPS_O:
            v = gen_reg_read(s, sot, insn->opreg);
            break;
        case X86_OPS_I:
            v = gen_imm(s, sot, insn->imm);
            break;
        case X86_OPS_M:
            v = gen_rm_read(s, sot, NULL);
            break;
        default:
            return false;
        }
        gen_push(s, sot, v);
        return true;
    }
    if (!strcmp(m, "pop")) {
        IRTemp v = gen_pop(s, sot);
        if ((X86OpEnc)insn->entry->ops == X86_OPS_O) {
            gen_pop_commit(s, sot);
            gen_reg_write(s, sot, insn->opreg, v);
        } else {
            /* POP r/m: rSP is incremented before the address is computed (SDM POP). */
            IRTemp lv = ir_temp_new(f);
            ir_mov(f, IR_I64, lv, v);
            IRTemp oldsp = ir_temp_new(f);
            ir_mov(f, IR_I64, oldsp, cpu_regs[R_ESP]);
            gen_pop_commit(s, sot);
            if (insn->mem) {
                IRTemp a = gen_lea_modrm(s);
                /* a store fault must leave rSP as it was */
                IRTemp nsp = ir_temp_new(f);
                ir_mov(f, IR_I64, nsp, cpu_regs[R_ESP]);
                ir_mov(f, IR_I64, cpu_regs[R_ESP], oldsp);
                gen_st(s, sot, a, lv);
                ir_mov(f, IR_I64, cpu_regs[R_ESP], nsp);
            } else {
                gen_reg_write(s, sot, insn->rm, lv);
            }
        }
        return true;
    }
    if (!strncmp(m, "push ", 5) || !strncmp(m, "pop ", 4)) {
        static const char *const sn[] = {"es", "cs", "ss", "ds", "fs", "gs"};
        const char *name = strchr(m, ' ') + 1;
        int seg = -1;
        for (int i = 0; i < 6; i++) {
            if (!strcmp(name, sn[i])) {
                seg = seg_of_push_pop[i];
            }
        }
        if (seg < 0) {
            return false;
        }
        if (m[1] == 'u') {
            IRTemp v = ir_temp_new(f);
            ir_ld(f, IR_LD32U, v, f->env, X86_ENV_OFF(segs[seg].selector));
            gen_push(s, sot, v);
        } else {
            IRTemp v = gen_pop(s, sot);
            IRTemp sel = ir_temp_new(f);
            ir_unop(f, IR_EXT16U, IR_I64, sel, v);
            gen_load_seg(s, seg, sel);
            gen_pop_commit(s, sot);
            if (seg == R_SS) {
                gen_inhibit_irq(s);
            }
            gen_end_tb_update(s);
        }
        return true;
    }
    if (!strcmp(m, "pusha") || !strcmp(m, "popa")) {
        int ot = insn_ot(insn);
        if (m[1] == 'u') {
            IRTemp sp0 = ir_temp_new_local(f);
            ir_mov(f, IR_I64, sp0, cpu_regs[R_ESP]);
            for (int r = 0; r < 8; r++) {
                gen_push(s, ot, r == R_ESP ? sp0 : gen_reg_read(s, ot, r));
            }
        } else {
            for (int r = 7; r >= 0; r--) {
                IRTemp v = gen_pop(s, ot);
                if (r != R_ESP) {
                    IRTemp lv = ir_temp_new(f);
                    ir_mov(f, IR_I64, lv, v);
                    gen_pop_commit(s, ot);
                    gen_reg_write(s, ot, r, lv);
                } else {
                    gen_pop_commit(s, ot);
                }
            }
        }
        return true;
    }
    if (!strcmp(m, "pushf")) {
        if ((s->flags & HF_VM86) && ((s->flags >> HF_IOPL_SHIFT) & 3) != 3) {
            gen_exception_err(s, 13, 0);
            return true;
        }
        IRTemp v = gen_helper(s, h_pushf_value, 0, NULL);
        gen_push(s, sot, v);
        return true;
    }
    if (!strcmp(m, "popf")) {
        IRTemp v = gen_pop(s, sot);
        IRTemp lv = ir_temp_new(f);
        ir_mov(f, IR_I64, lv, v);
        IRTemp args[2] = {lv, ir_const(f, (uint64_t)sot)};
        gen_helper(s, h_popf, 2, args);
        gen_pop_commit(s, sot);
        s->cc_op = X86_CC_OP_DYNAMIC;
        gen_end_tb_update(s);
        return true;
    }
    if (!strcmp(m, "leave")) {
        /* rSP = rBP (at the stack width), then pop rBP. */
        IRTemp bp = ir_temp_new(f);
        ir_mov(f, IR_I64, bp, cpu_regs[R_EBP]);
        gen_sp_write(s, bp);
        IRTemp v = gen_pop(s, sot);
        IRTemp lv = ir_temp_new(f);
        ir_mov(f, IR_I64, lv, v);
        gen_pop_commit(s, sot);
        gen_reg_write(s, sot, R_EBP, lv);
        return true;
    }
    if (!strcmp(m, "enter")) {
        unsigned size = (unsigned)insn->imm & 0xffff, level = insn->imm2 & 31;
        IRTemp frame;
        gen_push(s, sot, gen_reg_read(s, sot, R_EBP));
        frame = ir_temp_new_local(f);
        ir_mov(f, IR_I64, frame, cpu_regs[R_ESP]);
        if (level) {
            IRTemp bp = ir_temp_new_local(f);
            ir_mov(f, IR_I64, bp, cpu_regs[R_EBP]);
            for (unsigned i = 1; i < level; i++) {
                ir_binopi(f, IR_SUB, IR_I64, bp, bp, 1u << sot);
                gen_push(s, sot, gen_ld(s, sot, gen_stack_addr(s, bp)));
            }
            gen_push(s, sot, frame);
        }
        gen_reg_write(s, sot, R_EBP, frame);
        IRTemp sp = ir_temp_new(f);
        ir_binopi(f, IR_SUB, IR_I64, sp, cpu_regs[R_ESP], size);
        gen_sp_write(s, sp);
        return true;
    }
    return false;
}

/* ---- STRING ---- */

bool x86_tr_string(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    int ot = insn_ot(insn);
    const char *m = insn->entry->mnem;
    char kind[5] = {0};
    memcpy(kind, m, 4);
    int src_seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
    bool rep = insn->rep != 0;
    bool cmp = !strcmp(kind, "cmps") || !strcmp(kind, "scas");
    bool io = !strcmp(kind, "ins") || !strcmp(kind, "outs") || !strncmp(m, "ins", 3) ||
              !strncmp(m, "outs", 4);
    int done = -1, loop = -1;
    if (io) {
        return x86_tr_string_io(s, insn);
    }
    if (rep) {
        loop = ir_label_new(f);
        done = ir_label_new(f);
        /* cc_op may be written inside the loop: from here on it lives in the global only */
        if (s->cc_op != X86_CC_OP_DYNAMIC) {
            ir_movi(f, IR_I64, cpu_cc_op, (uint64_t)s->cc_op);
        }
        s->cc_op = X86_CC_OP_DYNAMIC;
        ir_set_label(f, loop);
        IRTemp c = gen_reg_read(s, insn_aot(insn), R_ECX);
        ir_brcond(f, IR_I64, IR_COND_EQ, c, ir_const(f, 0), done);
    }
    if (!strcmp(kind, "movs")) {
        IRTemp v = gen_ld(s, ot, gen_seg_linear(s, src_seg, gen_reg_read(s, insn_aot(insn), R_ESI)));
        gen_st(s, ot, gen_seg_linear(s, R_ES, gen_reg_read(s, insn_aot(insn), R_EDI)), v);
        gen_string_step(s, R_ESI, ot);
        gen_string_step(s, R_EDI, ot);
    } else if (!strcmp(kind, "stos")) {
        gen_st(s, ot, gen_seg_linear(s, R_ES, gen_reg_read(s, insn_aot(insn), R_EDI)), gen_reg_read(s, ot, R_EAX));
        gen_string_step(s, R_EDI, ot);
    } else if (!strcmp(kind, "lods")) {
        IRTemp v = gen_ld(s, ot, gen_seg_linear(s, src_seg, gen_reg_read(s, insn_aot(insn), R_ESI)));
        gen_reg_write(s, ot, R_EAX, v);
        gen_string_step(s, R_ESI, ot);
    } else if (cmp) {
        IRTemp a, b;
        if (kind[0] == 'c') {
            a = gen_ld(s, ot, gen_seg_linear(s, src_seg, gen_reg_read(s, insn_aot(insn), R_ESI)));
            b = gen_ld(s, ot, gen_seg_linear(s, R_ES, gen_reg_read(s, insn_aot(insn), R_EDI)));
        } else {
            a = gen_reg_read(s, ot, R_EAX);
            b = gen_ld(s, ot, gen_seg_linear(s, R_ES, gen_reg_read(s, insn_aot(insn), R_EDI)));
        }
        IRTemp r = ir_temp_new(f);
        ir_sub(f, IR_I64, r, a, b);
        ir_mov(f, IR_I64, cpu_cc_src, b);
        ir_mov(f, IR_I64, cpu_cc_dst, r);
        ir_movi(f, IR_I64, cpu_cc_op, (uint64_t)(CC_OP_SUBB + ot));
        s->cc_op = rep ? X86_CC_OP_DYNAMIC : CC_OP_SUBB + ot;
        if (kind[0] == 'c') {
            gen_string_step(s, R_ESI, ot);
        }
        gen_string_step(s, R_EDI, ot);
    } else {
        return false;
    }
    if (rep) {
        IRTemp c = ir_temp_new(f);
        ir_binopi(f, IR_SUB, IR_I64, c, cpu_regs[R_ECX], 1);
        gen_reg_write(s, insn_aot(insn), R_ECX, c);
        if (cmp) {
            /* REPE (F3) stops when ZF = 0, REPNE (F2) when ZF = 1. */
            int ot_ = ot;
            IRTemp z = ir_temp_new(f);
            ir_unop(f, ot_ == 3 ? IR_MOV : ot_ == 2 ? IR_EXT32U : ot_ == 1 ? IR_EXT16U : IR_EXT8U,
                    IR_I64, z, cpu_cc_dst);
            ir_brcond(f, IR_I64, insn->rep == 0xf3 ? IR_COND_NE : IR_COND_EQ, z, ir_const(f, 0),
                      done);
        }
        /* Long copies leave the loop now and then so interrupts are taken: the next pass
         * restarts at this instruction with the registers as they are. */
        IRTemp ex = ir_temp_new(f);
        ir_ld(f, IR_LD32U, ex, f->env, CPU_ENV_FIELD_OFFSET(exit_request));
        ir_brcond(f, IR_I64, IR_COND_EQ, ex, ir_const(f, 0), loop);
        ir_movi(f, IR_I64, cpu_rip, s_eip(s));
        ir_exit_tb(f, 0);
        ir_set_label(f, done);
    }
    return true;
}

/* ---- FLAGS ---- */

bool x86_tr_flags(DisasContext *s, X86Insn *insn)
{
    IRFunc *f = s->f;
    const char *m = insn->entry->mnem;
    if (!strcmp(m, "clc") || !strcmp(m, "stc") || !strcmp(m, "cmc")) {
        gen_compute_eflags(s);
        if (m[0] == 'c' && m[1] == 'l') {
            ir_binopi(f, IR_AND, IR_I64, cpu_cc_src, cpu_cc_src, ~(uint64_t)CC_C);
        } else if (m[0] == 's') {
            ir_binopi(f, IR_OR, IR_I64, cpu_cc_src, cpu_cc_src, CC_C);
        } else {
            ir_binopi(f, IR_XOR, IR_I64, cpu_cc_src, cpu_cc_src, CC_C);
        }
        return true;
    }
    if (!strcmp(m, "cld") || !strcmp(m, "std")) {
        IRTemp e = ir_temp_new(f);
        ir_st(f, IR_ST32, ir_const(f, m[0] == 'c' ? 1 : (uint64_t)-1), f->env, X86_ENV_OFF(df));
        ir_ld(f, IR_LD32U, e, f->env, X86_ENV_OFF(eflags));
        if (m[0] == 'c') {
            ir_binopi(f, IR_AND, IR_I64, e, e, ~(uint64_t)DF_MASK);
        } else {
            ir_binopi(f, IR_OR, IR_I64, e, e, DF_MASK);
        }
        ir_st(f, IR_ST32, e, f->env, X86_ENV_OFF(eflags));
        return true;
    }
    if (!strcmp(m, "cli") || !strcmp(m, "sti")) {
        unsigned iopl = (s->flags >> HF_IOPL_SHIFT) & 3;
        if ((s->flags & HF_PE) && ((s->flags & HF_VM86) ? iopl != 3 : (unsigned)s->cpl > iopl)) {
            gen_exception_err(s, 13, 0);
            return true;
        }
        IRTemp e = ir_temp_new(f);
        ir_ld(f, IR_LD32U, e, f->env, X86_ENV_OFF(eflags));
        if (m[0] == 'c' && m[1] == 'l') {
            ir_binopi(f, IR_AND, IR_I64, e, e, ~(uint64_t)IF_MASK);
            ir_st(f, IR_ST32, e, f->env, X86_ENV_OFF(eflags));
        } else {
            /* STI: interrupts are recognised after the next instruction, and only if IF
             * was clear before (SDM STI). */
            IRTemp was = ir_temp_new(f);
            ir_binopi(f, IR_AND, IR_I64, was, e, IF_MASK);
            ir_binopi(f, IR_OR, IR_I64, e, e, IF_MASK);
            ir_st(f, IR_ST32, e, f->env, X86_ENV_OFF(eflags));
            int skip = ir_label_new(f);
            ir_brcond(f, IR_I64, IR_COND_NE, was, ir_const(f, 0), skip);
            gen_inhibit_irq(s);
            ir_set_label(f, skip);
            gen_end_tb_update(s);
        }
        return true;
    }
    if (!strcmp(m, "lahf") || !strcmp(m, "sahf")) {
        gen_compute_eflags(s);
        if (m[0] == 'l') {
            IRTemp v = ir_temp_new(f);
            ir_binopi(f, IR_AND, IR_I64, v, cpu_cc_src, CC_S | CC_Z | CC_A | CC_P | CC_C);
            ir_binopi(f, IR_OR, IR_I64, v, v, EFLAGS_FIXED1);
            gen_reg_write(s, 0, 16 + R_EAX, v); /* AH */
        } else {
            IRTemp ah = gen_reg_read(s, 0, 16 + R_EAX), t = ir_temp_new(f);
            ir_binopi(f, IR_AND, IR_I64, ah, ah, CC_S | CC_Z | CC_A | CC_P | CC_C);
            ir_binopi(f, IR_AND, IR_I64, t, cpu_cc_src, CC_O);
            ir_or(f, IR_I64, cpu_cc_src, t, ah);
        }
        return true;
    }
    if (!strcmp(m, "salc")) {
        IRTemp cf = gen_compute_cf(s), v = ir_temp_new(f);
        ir_unop(f, IR_NEG, IR_I64, v, cf);
        gen_reg_write(s, 0, R_EAX, v);
        return true;
    }
    return false;
}

/* ---- MISC ---- */

bool x86_tr_misc(DisasContext *s, X86Insn *insn)
{
    const char *m = insn->entry->mnem;
    if (!strcmp(m, "nop") || !strcmp(m, "pause") || !strncmp(m, "prefetch", 8)) {
        return true;
    }
    if (!strcmp(m, "xlat")) {
        IRFunc *f = s->f;
        IRTemp off = ir_temp_new(f), al = gen_reg_read(s, 0, R_EAX);
        ir_add(f, IR_I64, off, cpu_regs[R_EBX], al);
        if (insn->addrsize == 16) {
            ir_unop(f, IR_EXT16U, IR_I64, off, off);
        } else if (insn->addrsize == 32) {
            ir_unop(f, IR_EXT32U, IR_I64, off, off);
        }
        int seg = insn->seg_override >= 0 ? insn->seg_override : R_DS;
        gen_reg_write(s, 0, R_EAX, gen_ld(s, 0, gen_seg_linear(s, seg, off)));
        return true;
    }
    if (!strcmp(m, "crc32")) {
        return x86_tr_sse(s, insn);
    }
    return false;
}
