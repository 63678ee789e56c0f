/*
 * decode-a64-branch-sys.c — A64 branches, exception-generating and system instructions
 * (ARM ARM C4.1.2, op0 = 101x): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET, hints,
 * barriers, CLREX, MSR (immediate), SYS (cache maintenance), MRS/MSR of the system registers
 * Tandem models so far, HVC/SMC #0 as PSCI calls and HLT #0xF000 as semihosting.
 *
 * Translation runs on the translating vCPU thread; the helpers here run on the owner vCPU
 * thread in the middle of a TB. Anything that changes state the translator or the wake rules
 * depend on (DAIF, ISB, PSCI) ends the TB with DISAS_UPDATE so the loop re-reads it.
 * Guest exceptions (SVC, BRK, UNDEF, ...) arrive with the system architecture (issue 4); until
 * then those instructions stop the machine with a message naming them.
 */
#include <glib.h>
#include <inttypes.h>
#include <sched.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "system/log.h"
#include "target-arm/psci.h"
#include "target-arm/semihosting.h"
#include "target-arm/translate.h"

#define ENV_OFF(field) ((int32_t)offsetof(CPUARMState, field))

/* DC ZVA block: DCZID_EL0.BS = 4, i.e. 2^4 words = 64 bytes; DZP = 0 (permitted). */
#define DCZID_VALUE 4
#define DCZVA_BLOCK_BYTES 64

static int helper_exception_unimpl_idx, helper_wfi_idx, helper_wfe_idx, helper_psci_idx;
static int helper_semihosting_idx, helper_counter_idx, helper_ic_ivau_idx;

/* ---- helpers (owner vCPU thread) ---- */

static void helper_exception_unimpl(void *envp, uint32_t insn) {
    CPUARMState *env = envp;
    static const char *const names[8][4] = {
        [0] = {NULL, "SVC", "HVC", "SMC"},
        [1] = {"BRK", NULL, NULL, NULL},
        [2] = {"HLT", NULL, NULL, NULL},
        [5] = {NULL, "DCPS1", "DCPS2", "DCPS3"},
    };
    const char *name = names[(insn >> 21) & 7][insn & 3];
    cpu_fatal(env_cpu(env),
              "%s #0x%x at pc 0x%016" PRIx64 ": guest exceptions are not "
              "implemented yet",
              name ? name : "exception-generating instruction", (insn >> 5) & 0xffff, env->pc);
}

/* WFI: the caller stored pc = the next instruction, so the WFI is retired while halted. */
static void helper_wfi(void *envp) {
    cpu_halt(env_cpu((CPUARMState *)envp));
}

/* WFE: Tandem keeps no event register worth sleeping on (exclusives have no real monitor,
 * DESIGN.md rule 3), so give the host CPU away once and continue. */
static void helper_wfe(void *envp) {
    sched_yield();
}

static void helper_psci(void *envp) {
    psci_call(envp);
}

static void helper_semihosting(void *envp, uint32_t mmu_idx) {
    semihosting_call(envp, (int)mmu_idx);
}

/* CNTPCT_EL0/CNTVCT_EL0 (no virtual offset yet): the host monotonic clock in CNTFRQ ticks. */
static uint64_t helper_counter(void *envp) {
    CPUARMState *env = envp;
    unsigned __int128 us = (uint64_t)g_get_monotonic_time();
    return (uint64_t)(us * env->cntfrq / 1000000u);
}

/* ---- branches ---- */

/* B / BL: op 00101 imm26 */
static bool trans_b(DisasContext *s, uint32_t insn) {
    int64_t imm26 = ((int64_t)(int32_t)(insn << 6)) >> 4;
    if (insn >> 31) {
        write_reg(s, 30, 1, ir_const(s->f, s->pc_next));
    }
    gen_goto_tb(s, 0, s->pc + (uint64_t)imm26);
    return true;
}

/* Two exits: not taken through slot 0, taken through slot 1. */
static void gen_cond_branch(DisasContext *s, IRType t, IRCond cond, IRTemp a, IRTemp b,
                            uint64_t dest) {
    if (cond == IR_COND_ALWAYS) {
        gen_goto_tb(s, 0, dest);
        return;
    }
    int taken = ir_label_new(s->f);
    ir_brcond(s->f, t, cond, a, b, taken);
    gen_goto_tb(s, 0, s->pc_next);
    ir_set_label(s->f, taken);
    gen_goto_tb(s, 1, dest);
}

/* B.cond: 0101010 0 imm19 0 cond */
static bool trans_bcond(DisasContext *s, uint32_t insn) {
    int64_t imm19 = (((int64_t)(int32_t)(insn << 8)) >> 13) * 4;
    ARMCompare cmp;
    arm_test_cc(s, (int)(insn & 15), &cmp);
    gen_cond_branch(s, IR_I64, cmp.cond, cmp.a, cmp.b, s->pc + (uint64_t)imm19);
    return true;
}

/* CBZ / CBNZ: sf 011010 op imm19 Rt */
static bool trans_cbz(DisasContext *s, uint32_t insn) {
    int sf = (int)(insn >> 31), rt = (int)(insn & 31);
    int64_t imm19 = (((int64_t)(int32_t)(insn << 8)) >> 13) * 4;
    IRCond cond = (insn >> 24) & 1 ? IR_COND_NE : IR_COND_EQ;
    gen_cond_branch(s, sf ? IR_I64 : IR_I32, cond, read_reg(s, rt, 1), ir_const(s->f, 0),
                    s->pc + (uint64_t)imm19);
    return true;
}

/* TBZ / TBNZ: b5 011011 op b40 imm14 Rt */
static bool trans_tbz(DisasContext *s, uint32_t insn) {
    int bit = (int)(((insn >> 31) << 5) | ((insn >> 19) & 31)), rt = (int)(insn & 31);
    int64_t imm14 = (((int64_t)(int32_t)(insn << 13)) >> 18) * 4;
    IRCond cond = (insn >> 24) & 1 ? IR_COND_TSTNE : IR_COND_TSTEQ;
    gen_cond_branch(s, IR_I64, cond, read_reg(s, rt, 1), ir_const(s->f, 1ull << bit),
                    s->pc + (uint64_t)imm14);
    return true;
}

/* BR / BLR / RET: 1101011 opc 11111 000000 Rn 00000 */
static bool trans_branch_reg(DisasContext *s, uint32_t insn) {
    int opc = (int)((insn >> 21) & 15), rn = (int)((insn >> 5) & 31);
    if (((insn >> 16) & 31) != 31 || ((insn >> 10) & 63) != 0 || (insn & 31) != 0 || opc > 2) {
        return false; /* ERET, DRPS (issue 4), pointer-authenticated forms (ARMv8.3) */
    }
    /* BLR X30 must branch to the old X30: copy the target before writing the link. */
    IRTemp dest = ir_temp_new(s->f);
    ir_mov(s->f, IR_I64, dest, read_reg(s, rn, 1));
    if (opc == 1) {
        write_reg(s, 30, 1, ir_const(s->f, s->pc_next));
    }
    gen_goto_ptr(s, dest);
    return true;
}

/* ---- exception generation: 11010100 opc imm16 op2 LL ---- */

static bool trans_exception(DisasContext *s, uint32_t insn) {
    int opc = (int)((insn >> 21) & 7), op2 = (int)((insn >> 2) & 7), ll = (int)(insn & 3);
    uint32_t imm16 = (insn >> 5) & 0xffff;
    if (op2 != 0) {
        return false;
    }
    bool known =
        (opc == 0 && ll != 0) || ((opc == 1 || opc == 2) && ll == 0) || (opc == 5 && ll != 0);
    if (!known) {
        return false;
    }
    if (opc == 0 && (ll == 2 || ll == 3) && imm16 == 0 && s->el >= 1) {
        /* HVC #0 / SMC #0: the PSCI conduit. pc = next instruction, so a call that halts or
         * powers off retires the HVC; the TB ends because PSCI can stop or reset the machine. */
        ir_movi(s->f, IR_I64, cpu_pc, s->pc_next);
        ir_call(s->f, helper_psci_idx, IR_TEMP_NONE, &s->f->env, 1);
        s->is_jmp = DISAS_UPDATE;
        return true;
    }
    if (opc == 2 && imm16 == SEMIHOSTING_A64_HLT_IMM && s->acpu->env.semihosting && s->el >= 1) {
        /* Semihosting reads guest memory: pc = the HLT so a fault is reported there. */
        IRTemp args[2] = {s->f->env, ir_const(s->f, (uint64_t)s->mmu_idx)};
        gen_sync_pc(s);
        ir_call(s->f, helper_semihosting_idx, IR_TEMP_NONE, args, 2);
        return true;
    }
    IRTemp args[2] = {s->f->env, ir_const(s->f, insn)};
    gen_sync_pc(s);
    ir_call(s->f, helper_exception_unimpl_idx, IR_TEMP_NONE, args, 2);
    ir_exit_tb(s->f, 0);
    s->is_jmp = DISAS_NORETURN;
    return true;
}

/* ---- hints, barriers, PSTATE ---- */

/* HINT: 11010101 00000011 0010 CRm op2 11111 */
static bool trans_hint(DisasContext *s, uint32_t insn) {
    switch ((insn >> 5) & 0x7f) {
    case 2: /* WFE */
        ir_call(s->f, helper_wfe_idx, IR_TEMP_NONE, &s->f->env, 1);
        s->is_jmp = DISAS_UPDATE; /* back to the loop: pending exits are seen at once */
        break;
    case 3: /* WFI */
        ir_movi(s->f, IR_I64, cpu_pc, s->pc_next);
        ir_call(s->f, helper_wfi_idx, IR_TEMP_NONE, &s->f->env, 1);
        ir_exit_tb(s->f, 0);
        s->is_jmp = DISAS_NORETURN;
        break;
    default:
        /* NOP, YIELD, SEV, SEVL and the rest of the hint space (ESB, BTI, PACIASP, ...)
         * execute as NOPs when not implemented (ARM ARM C6.2.102 HINT). */
        break;
    }
    return true;
}

/* Barriers: 11010101 00000011 0011 CRm op2 11111 */
static bool trans_barrier(DisasContext *s, uint32_t insn) {
    int crm = (int)((insn >> 8) & 15);
    switch ((insn >> 5) & 7) {
    case 2: /* CLREX */ ir_movi(s->f, IR_I64, cpu_exclusive_addr, ~0ull); return true;
    case 4: /* DSB */ ir_mb(s->f, IR_MB_ALL); return true;
    case 5: /* DMB: CRm<1:0> = 01 loads (LD), 10 stores (ST), 11 all */
        switch (crm & 3) {
        case 1: ir_mb(s->f, IR_MB_LD_LD | IR_MB_LD_ST); break;
        case 2: ir_mb(s->f, IR_MB_ST_ST); break;
        default: ir_mb(s->f, IR_MB_ALL); break;
        }
        return true;
    case 6: /* ISB: later instructions are fetched anew, so the TB ends */
        s->is_jmp = DISAS_UPDATE;
        return true;
    default: /* SB (ARMv8.5), unallocated */ return false;
    }
}

/* MSR (immediate): 11010101 00000 op1 0100 CRm op2 11111 */
static bool trans_msr_imm(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    int op1 = (int)((insn >> 16) & 7), op2 = (int)((insn >> 5) & 7);
    uint32_t crm = (insn >> 8) & 15;
    if (op1 != 3 || (op2 != 6 && op2 != 7) || s->el == 0) {
        /* SPSel, PAN, UAO, ... (issue 4); DAIF at EL0 needs SCTLR_EL1.UMA (issue 4) */
        return false;
    }
    IRTemp t = ir_temp_new(f);
    ir_ld(f, IR_LD32U, t, f->env, ENV_OFF(daif));
    if (op2 == 6) { /* DAIFSet */
        ir_binopi(f, IR_OR, IR_I64, t, t, crm << 6);
    } else { /* DAIFClr */
        ir_binopi(f, IR_AND, IR_I64, t, t, ~(uint64_t)(crm << 6));
    }
    ir_st(f, IR_ST32, t, f->env, ENV_OFF(daif));
    s->is_jmp = DISAS_UPDATE; /* an unmasked pending interrupt is taken at once */
    return true;
}

/* ---- SYS: cache maintenance (11010101 00001 op1 CRn CRm op2 Rt) ---- */

/* Smallest instruction cache line of the models (CTR_EL0.IminLine = 4: 64 bytes). */
#define IC_LINE_BYTES 64

static void gen_dc_zva(DisasContext *s, int rt) {
    IRFunc *f = s->f;
    IRTemp base = ir_temp_new(f), zero = ir_const(f, 0);
    ir_binopi(f, IR_AND, IR_I64, base, read_reg(s, rt, 1), ~(uint64_t)(DCZVA_BLOCK_BYTES - 1));
    for (int off = 0; off < DCZVA_BLOCK_BYTES; off += 8) {
        IRTemp a = ir_temp_new(f);
        ir_binopi(f, IR_ADD, IR_I64, a, base, (uint64_t)off);
        ir_qemu_st(f, zero, a, MO_64, s->mmu_idx);
    }
}

/* IC IVAU: invalidate the translations of the cache line holding vaddr. Stores to code pages
 * already invalidate on this vCPU; this closes the window where another vCPU's store to a
 * page that only just became code took its fast path (ARM ARM B2.4.4: the IC + ISB sequence
 * is what makes new instructions visible). An address that does not translate is ignored,
 * as a cache maintenance operation raises no fault here. */
static void helper_ic_ivau(void *envp, uint64_t vaddr) {
    CPUARMState *env = envp;
    CPUState *cpu = env_cpu(env);
    uint64_t paddr;
    int prot;
    if (cpu->arch->tlb_fill(cpu, vaddr, ACCESS_FETCH, (int)env->el, &paddr, &prot, true)) {
        uint64_t line = (paddr | (vaddr & ~TARGET_PAGE_MASK)) & ~(uint64_t)(IC_LINE_BYTES - 1);
        tb_invalidate_phys_range(line, line + IC_LINE_BYTES);
    }
}

static bool trans_sys(DisasContext *s, uint32_t insn) {
    int op1 = (int)((insn >> 16) & 7), crn = (int)((insn >> 12) & 15);
    int crm = (int)((insn >> 8) & 15), op2 = (int)((insn >> 5) & 7), rt = (int)(insn & 31);
    if ((insn >> 21) & 1) {
        return false; /* SYSL */
    }
    if (crn != 7) {
        return false; /* TLBI (CRn 8) and the rest arrive with the MMU (issue 4) */
    }
    uint32_t key = (uint32_t)(op1 << 8 | crm << 4 | op2);
    switch (key) {
    case 0x010: /* IC IALLUIS */
    case 0x050: /* IC IALLU */
        if (s->el == 0) {
            return false;
        }
        /* Nothing cached to drop (stores invalidate translations); end the TB so the next
         * instruction is fetched anew, as after a context synchronization. */
        s->is_jmp = DISAS_UPDATE;
        return true;
    case 0x351: { /* IC IVAU */
        IRTemp args[2] = {s->f->env, read_reg(s, rt, 1)};
        ir_call(s->f, helper_ic_ivau_idx, IR_TEMP_NONE, args, 2);
        s->is_jmp = DISAS_UPDATE;
        return true;
    }
    case 0x341: /* DC ZVA */ gen_dc_zva(s, rt); return true;
    case 0x3a1: /* DC CVAC */
    case 0x3b1: /* DC CVAU */
    case 0x3e1: /* DC CIVAC: memory is coherent, cleaning is a NOP */ return true;
    case 0x061: /* DC IVAC */
    case 0x062: /* DC ISW */
    case 0x0a2: /* DC CSW */
    case 0x0e2: /* DC CISW */ return s->el >= 1;
    default: return false; /* AT (CRm 8/9) with the MMU (issue 4) */
    }
}

/* ---- MRS / MSR (register): 11010101 00 L 1 o0 op1 CRn CRm op2 Rt ---- */

typedef enum SysRegKind {
    SR_ENV64, /* a 64-bit field of CPUARMState */
    SR_DAIF,  /* PSTATE.DAIF: writes end the TB */
    SR_NZCV,
    SR_CURRENTEL,
    SR_CONST,   /* read-only constant */
    SR_COUNTER, /* CNTPCT/CNTVCT */
} SysRegKind;

#define SR_RO 0xff /* write_el for registers that cannot be written */

typedef struct SysReg {
    const char *name;
    uint8_t op0, op1, crn, crm, op2;
    uint8_t kind;              /* SysRegKind */
    uint8_t read_el, write_el; /* lowest EL allowed to read / write */
    int32_t offset;            /* SR_ENV64: offset in CPUARMState */
    uint64_t value;            /* SR_CONST */
} SysReg;

/* (op0, op1, CRn, CRm, op2) as in the ARM ARM register descriptions (D13). */
static const SysReg sysregs[] = {
    {"NZCV", 3, 3, 4, 2, 0, SR_NZCV, 0, 0, 0, 0},
    {"DAIF", 3, 3, 4, 2, 1, SR_DAIF, 1, 1, 0, 0}, /* EL0 only with SCTLR_EL1.UMA (issue 4) */
    {"CurrentEL", 3, 0, 4, 2, 2, SR_CURRENTEL, 1, SR_RO, 0, 0},
    {"SP_EL0", 3, 0, 4, 1, 0, SR_ENV64, 1, 1, ENV_OFF(sp_el[0]), 0},
    {"TPIDR_EL0", 3, 3, 13, 0, 2, SR_ENV64, 0, 0, ENV_OFF(tpidr_el0), 0},
    {"TPIDRRO_EL0", 3, 3, 13, 0, 3, SR_ENV64, 0, 1, ENV_OFF(tpidrro_el0), 0},
    {"TPIDR_EL1", 3, 0, 13, 0, 4, SR_ENV64, 1, 1, ENV_OFF(tpidr_el1), 0},
    {"MIDR_EL1", 3, 0, 0, 0, 0, SR_ENV64, 1, SR_RO, ENV_OFF(midr), 0},
    {"MPIDR_EL1", 3, 0, 0, 0, 5, SR_ENV64, 1, SR_RO, ENV_OFF(mpidr), 0},
    /* CNTFRQ_EL0 is writable only at the highest EL, which is EL1 on this machine. */
    {"CNTFRQ_EL0", 3, 3, 14, 0, 0, SR_ENV64, 0, 1, ENV_OFF(cntfrq), 0},
    {"CNTPCT_EL0", 3, 3, 14, 0, 1, SR_COUNTER, 0, SR_RO, 0, 0},
    {"CNTVCT_EL0", 3, 3, 14, 0, 2, SR_COUNTER, 0, SR_RO, 0, 0},
    {"DCZID_EL0", 3, 3, 0, 0, 7, SR_CONST, 0, SR_RO, 0, DCZID_VALUE},
    /* Cortex-A57 TRM 4.3.46: 64-byte I and D lines (IminLine = DminLine = 4), PIPT I-cache,
     * CWG/ERG 2 KiB. Used for every model: the line sizes are all software depends on. */
    {"CTR_EL0", 3, 3, 0, 0, 1, SR_CONST, 0, SR_RO, 0, 0x8444c004},
};

static const SysReg *sysreg_find(int op0, int op1, int crn, int crm, int op2) {
    for (size_t i = 0; i < G_N_ELEMENTS(sysregs); i++) {
        const SysReg *r = &sysregs[i];
        if (r->op0 == op0 && r->op1 == op1 && r->crn == crn && r->crm == crm && r->op2 == op2) {
            return r;
        }
    }
    return NULL;
}

static void gen_mrs(DisasContext *s, const SysReg *r, int rt) {
    IRFunc *f = s->f;
    IRTemp v;
    switch ((SysRegKind)r->kind) {
    case SR_ENV64:
        v = ir_temp_new(f);
        ir_ld(f, IR_LD64, v, f->env, r->offset);
        break;
    case SR_DAIF:
        v = ir_temp_new(f);
        ir_ld(f, IR_LD32U, v, f->env, ENV_OFF(daif));
        break;
    case SR_NZCV: v = gen_read_nzcv(s); break;
    case SR_CURRENTEL: v = ir_const(f, (uint64_t)s->el << 2); break;
    case SR_CONST: v = ir_const(f, r->value); break;
    default: /* SR_COUNTER */
        v = ir_temp_new(f);
        ir_call(f, helper_counter_idx, v, &f->env, 1);
        break;
    }
    write_reg(s, rt, 1, v);
}

static void gen_msr(DisasContext *s, const SysReg *r, int rt) {
    IRFunc *f = s->f;
    IRTemp v = read_reg(s, rt, 1);
    switch ((SysRegKind)r->kind) {
    case SR_ENV64: ir_st(f, IR_ST64, v, f->env, r->offset); break;
    case SR_DAIF: {
        IRTemp t = ir_temp_new(f);
        ir_binopi(f, IR_AND, IR_I64, t, v, 0x3c0);
        ir_st(f, IR_ST32, t, f->env, ENV_OFF(daif));
        s->is_jmp = DISAS_UPDATE;
        break;
    }
    case SR_NZCV: gen_write_nzcv(s, v); break;
    default: /* read-only kinds never get here */ g_assert_not_reached();
    }
}

static bool trans_sysreg(DisasContext *s, uint32_t insn) {
    int is_read = (insn >> 21) & 1, op0 = (int)(2 + ((insn >> 19) & 1));
    int op1 = (int)((insn >> 16) & 7), crn = (int)((insn >> 12) & 15);
    int crm = (int)((insn >> 8) & 15), op2 = (int)((insn >> 5) & 7), rt = (int)(insn & 31);
    const SysReg *r = sysreg_find(op0, op1, crn, crm, op2);
    if (!r) {
        if (log_enabled(LOG_UNIMP)) {
            tlog("%s of unimplemented system register S%d_%d_C%d_C%d_%d at pc 0x%016" PRIx64 "\n",
                 is_read ? "MRS" : "MSR", op0, op1, crn, crm, op2, s->pc);
        }
        return false;
    }
    if (s->el < (is_read ? r->read_el : r->write_el)) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("%s of %s at EL%d is UNDEFINED (pc 0x%016" PRIx64 ")\n", is_read ? "MRS" : "MSR",
                 r->name, s->el, s->pc);
        }
        return false; /* UNDEF (issue 4 raises it in the guest) */
    }
    if (is_read) {
        gen_mrs(s, r, rt);
    } else {
        gen_msr(s, r, rt);
    }
    return true;
}

/* ---- the group decoder ---- */

static bool trans_system(DisasContext *s, uint32_t insn) {
    int l = (insn >> 21) & 1, op0 = (int)((insn >> 19) & 3), crn = (int)((insn >> 12) & 15);
    int op1 = (int)((insn >> 16) & 7), rt = (int)(insn & 31);
    if (op0 >= 2) {
        return trans_sysreg(s, insn);
    }
    if (op0 == 1) {
        return trans_sys(s, insn);
    }
    if (l) {
        return false;
    }
    if (crn == 4 && rt == 31) {
        return trans_msr_imm(s, insn);
    }
    if (op1 == 3 && rt == 31) {
        if (crn == 2) {
            return trans_hint(s, insn);
        }
        if (crn == 3) {
            return trans_barrier(s, insn);
        }
    }
    return false;
}

bool disas_a64_branch_sys(DisasContext *s, uint32_t insn) {
    if ((insn & 0x7c000000) == 0x14000000) {
        return trans_b(s, insn);
    }
    if ((insn & 0x7e000000) == 0x34000000) {
        return trans_cbz(s, insn);
    }
    if ((insn & 0x7e000000) == 0x36000000) {
        return trans_tbz(s, insn);
    }
    if ((insn & 0xff000010) == 0x54000000) {
        return trans_bcond(s, insn);
    }
    if ((insn & 0xff000000) == 0xd4000000) {
        return trans_exception(s, insn);
    }
    if ((insn & 0xffc00000) == 0xd5000000) {
        return trans_system(s, insn);
    }
    if ((insn & 0xfe000000) == 0xd6000000) {
        return trans_branch_reg(s, insn);
    }
    return false;
}

void a64_branch_sys_helpers_init(void) {
    static const IRArgType env_only[] = {IR_ARG_PTR};
    static const IRArgType env_i32[] = {IR_ARG_PTR, IR_ARG_I32};
    helper_exception_unimpl_idx =
        a64_helper_register("exception_unimpl", (void *)helper_exception_unimpl, IR_ARG_VOID, 2,
                            env_i32, IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    helper_wfi_idx = a64_helper_register("wfi", (void *)helper_wfi, IR_ARG_VOID, 1, env_only,
                                         IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    helper_wfe_idx = a64_helper_register("wfe", (void *)helper_wfe, IR_ARG_VOID, 1, env_only,
                                         IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_psci_idx = a64_helper_register("psci", (void *)helper_psci, IR_ARG_VOID, 1, env_only,
                                          IR_CALL_MAY_RAISE);
    helper_semihosting_idx = a64_helper_register("semihosting", (void *)helper_semihosting,
                                                 IR_ARG_VOID, 2, env_i32, IR_CALL_MAY_RAISE);
    static const IRArgType env_i64[] = {IR_ARG_PTR, IR_ARG_I64};
    helper_ic_ivau_idx =
        a64_helper_register("ic_ivau", (void *)helper_ic_ivau, IR_ARG_VOID, 2, env_i64,
                            IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_counter_idx =
        a64_helper_register("counter", (void *)helper_counter, IR_ARG_I64, 1, env_only,
                            IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
}
