/*
 * decode-a64-branch-sys.c — A64 branches, exception-generating and system instructions
 * (ARM ARM C4.1.2, op0 = 101x): B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET, ERET, SVC, HVC,
 * SMC, BRK, HLT, hints (WFI, WFE, SEV, SEVL), barriers, CLREX, MSR (immediate), SYS (cache
 * maintenance, TLBI, AT) and MRS/MSR through the system register registry (sysreg.h).
 *
 * Translation runs on the translating vCPU thread; the helpers here run on the owner vCPU
 * thread in the middle of a TB. Anything that changes state the translator or the wake rules
 * depend on (PSTATE, the translation regime, ISB, PSCI) ends the TB with DISAS_UPDATE so the
 * loop re-reads it. PSCI is reached through HVC #0 or SMC #0 at EL1, whichever the board chose
 * as the conduit (-machine psci-conduit, named in the device tree); without EL2 and EL3, every
 * other HVC and SMC is UNDEFINED (ARM ARM C6.2.87, C6.2.234).
 */
#include <glib.h>
#include <inttypes.h>
#include <sched.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "system/log.h"
#include "target-arm/internals.h"
#include "target-arm/psci.h"
#include "target-arm/semihosting.h"
#include "target-arm/sysreg.h"
#include "target-arm/translate.h"

#define ENV_OFF(field) ((int32_t)offsetof(CPUARMState, field))

#define DCZVA_BLOCK_BYTES 64

static int helper_wfi_idx, helper_wfe_idx, helper_psci_idx, helper_eret_idx;
static int helper_sev_idx, helper_sevl_idx;
static int helper_semihosting_idx, helper_ic_ivau_idx, helper_sysreg_read_idx;
static int helper_sysreg_write_idx, helper_tlbi_idx, helper_at_idx;

/* ---- helpers (owner vCPU thread) ---- */

/* WFI: the caller stored pc = the next instruction, so the WFI is retired while halted. */
static void helper_wfi(void *envp) {
    cpu_halt(env_cpu((CPUARMState *)envp));
}

/*
 * WFE (ARM ARM D1.16.1): with the Event Register set, clear it and continue. Otherwise the PE
 * would wait for a wake-up event, but one of them, the clearing of the global exclusive
 * monitor, cannot be seen (exclusives have no real monitor, DESIGN.md rule 3), so WFE gives
 * the host CPU away once and continues: a guest's WFE loop re-checks its condition, and a
 * spurious wake-up is always allowed.
 */
static void helper_wfe(void *envp) {
    ARMCPU *acpu = env_archcpu(envp);
    if (atomic_exchange(&acpu->event_register, false)) {
        return;
    }
    if (vcpu_single_thread()) {
        /* One thread runs every vCPU: yielding the host thread would let nobody else run,
         * so the WFE ends this vCPU's turn (the next TB entry sees the limit). */
        acpu->parent.insn_limit = 0;
        return;
    }
    sched_yield();
}

/* SEV: sets the Event Register of every PE (D1.16.1), then kicks the others so that one
 * sleeping or in generated code re-checks at once; a kick never runs a vCPU (rule 1). */
static void helper_sev(void *envp) {
    CPUState *self = env_cpu(envp);
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        atomic_store(&arm_cpu(cpu)->event_register, true);
        if (cpu != self) {
            cpu_kick(cpu);
        }
    }
    if (n == 0) { /* a CPU not registered as a vCPU (unit tests): only itself */
        atomic_store(&arm_cpu(self)->event_register, true);
    }
}

/* SEVL: sets this PE's Event Register only. */
static void helper_sevl(void *envp) {
    atomic_store(&env_archcpu(envp)->event_register, true);
}

static void helper_psci(void *envp) {
    psci_call(envp);
}

/* TLB maintenance and address translation (tlb-maint.c). */
void helper_tlbi(void *envp, uint64_t xt, uint32_t op);
void helper_at(void *envp, uint64_t va, uint32_t op);

static void helper_semihosting(void *envp, uint32_t mmu_idx) {
    semihosting_call(envp, (int)mmu_idx);
}

/* ERET: PSTATE and pc from SPSR_EL1/ELR_EL1 (exception.c). */
static void helper_eret(void *envp)
{
    arm_exception_return(envp);
}

/* ---- branches ---- */

/* B / BL: op 00101 imm26 */
static bool trans_b(DisasContext *s, uint32_t insn) {
    int64_t imm26 = ((int64_t)(int32_t)(insn << 6)) >> 4;
    if (insn >> 31) {
        write_reg(s, 30, 1, ir_const(s->f, s->pc_next));
    }
    uint64_t dest = s->pc + (uint64_t)imm26;
    if (!gen_follow_branch(s, dest)) {
        gen_goto_tb(s, 0, dest);
    }
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
    if (insn == 0xd69f03e0) { /* ERET */
        if (s->el == 0) {
            return false;
        }
        ir_call(s->f, helper_eret_idx, IR_TEMP_NONE, &s->f->env, 1);
        ir_exit_tb(s->f, 0); /* EL, SP and DAIF changed: the loop looks the next TB up */
        s->is_jmp = DISAS_NORETURN;
        return true;
    }
    if (((insn >> 16) & 31) != 31 || ((insn >> 10) & 63) != 0 || (insn & 31) != 0 || opc > 2) {
        return false; /* DRPS (debug state only), pointer-authenticated forms (ARMv8.3) */
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
    switch (opc << 2 | ll) {
    case 0x1: /* SVC: preferred return is the next instruction */
        gen_exception_insn_next(s, syn_aa64_svc(imm16));
        return true;
    case 0x2:   /* HVC */
    case 0x3: { /* SMC */
        int conduit = ll == 2 ? ARM_PSCI_CONDUIT_HVC : ARM_PSCI_CONDUIT_SMC;
        if (s->el == 0 || imm16 != 0 || s->acpu->psci_conduit != conduit) {
            return false; /* no EL2 or EL3: UNDEFINED except as the PSCI conduit */
        }
        /* PSCI: pc = next instruction, so a call that halts or powers off retires the
         * HVC/SMC; the TB ends because PSCI can stop or reset the machine. */
        ir_movi(s->f, IR_I64, cpu_pc, s->pc_next);
        ir_call(s->f, helper_psci_idx, IR_TEMP_NONE, &s->f->env, 1);
        s->is_jmp = DISAS_UPDATE;
        return true;
    }
    case 0x4: /* BRK: preferred return is the BRK itself */
        gen_exception_insn(s, syn_aa64_brk(imm16));
        return true;
    case 0x8: /* HLT */
        if (imm16 == SEMIHOSTING_A64_HLT_IMM && s->acpu->env.semihosting && s->el >= 1) {
            /* Semihosting reads guest memory: pc = the HLT so a fault is reported there. */
            IRTemp args[2] = {s->f->env, ir_const(s->f, (uint64_t)s->mmu_idx)};
            gen_sync_pc(s);
            ir_call(s->f, helper_semihosting_idx, IR_TEMP_NONE, args, 2);
            return true;
        }
        return false; /* halting debug is not enabled: UNDEFINED */
    default: /* DCPS1..3: UNDEFINED outside debug state */
        return false;
    }
}

/* ---- hints, barriers, PSTATE ---- */

/* HINT: 11010101 00000011 0010 CRm op2 11111 */
static bool trans_hint(DisasContext *s, uint32_t insn) {
    switch ((insn >> 5) & 0x7f) {
    case 2: /* WFE */
        if (s->el == 0 && !(s->tbflags & ARM_TBFLAG_NTWE)) {
            gen_exception_insn(s, syn_wfx(true));
            break;
        }
        ir_call(s->f, helper_wfe_idx, IR_TEMP_NONE, &s->f->env, 1);
        s->is_jmp = DISAS_UPDATE; /* back to the loop: pending exits are seen at once */
        break;
    case 3: /* WFI */
        if (s->el == 0 && !(s->tbflags & ARM_TBFLAG_NTWI)) {
            gen_exception_insn(s, syn_wfx(false));
            break;
        }
        ir_movi(s->f, IR_I64, cpu_pc, s->pc_next);
        ir_call(s->f, helper_wfi_idx, IR_TEMP_NONE, &s->f->env, 1);
        ir_exit_tb(s->f, 0);
        s->is_jmp = DISAS_NORETURN;
        break;
    case 4: /* SEV */
        ir_call(s->f, helper_sev_idx, IR_TEMP_NONE, &s->f->env, 1);
        break;
    case 5: /* SEVL */
        ir_call(s->f, helper_sevl_idx, IR_TEMP_NONE, &s->f->env, 1);
        break;
    default:
        /* NOP, YIELD and the rest of the hint space (ESB, BTI, PACIASP, ...)
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

static void gen_sysreg_write(DisasContext *s, const ARMSysReg *r, IRTemp v, int rt);

/* MSR (immediate): 11010101 00000 op1 0100 CRm op2 11111 */
static bool trans_msr_imm(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    int op1 = (int)((insn >> 16) & 7), op2 = (int)((insn >> 5) & 7);
    uint32_t crm = (insn >> 8) & 15;
    if (op1 == 0 && (op2 == 5 || op2 == 4) && s->el >= 1) {
        /* SPSel (C5.2.16) or PAN (C5.2.14, FEAT_PAN): the register write with CRm<0> as the
         * value, through the same access checks as MSR (register). */
        const ARMSysReg *r = arm_sysreg_find(3, 0, 4, 2, op2 == 5 ? 0 : 3);
        uint64_t v = op2 == 5 ? (crm & 1) : (uint64_t)(crm & 1) << 22;
        gen_sysreg_write(s, r, ir_const(f, v), 31);
        s->is_jmp = DISAS_UPDATE;
        return true;
    }
    if (op1 != 3 || (op2 != 6 && op2 != 7)) {
        return false; /* UAO, DIT, SSBS, TCO, ...: not implemented, UNDEFINED */
    }
    IRTemp t = ir_temp_new(f);
    ir_ld(f, IR_LD32U, t, f->env, ENV_OFF(daif));
    if (op2 == 6) { /* DAIFSet */
        ir_binopi(f, IR_OR, IR_I64, t, t, crm << 6);
    } else { /* DAIFClr */
        ir_binopi(f, IR_AND, IR_I64, t, t, ~(uint64_t)(crm << 6));
    }
    if (s->el == 0) {
        /* EL0 access to DAIF goes through SCTLR_EL1.UMA: the DAIF register's access check
         * raises the trap (EC 0x18) when it is not allowed. */
        gen_sysreg_write(s, arm_sysreg_find(3, 3, 4, 2, 1), t, 31);
    } else {
        ir_st(f, IR_ST32, t, f->env, ENV_OFF(daif));
    }
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

/* IC IVAU: invalidate the translations of the cache line holding vaddr. Every vCPU's store to
 * a page holding TBs already invalidates them (tb-gen.c makes all TLBs see the page as code
 * before its first TB is published); this also covers bytes written behind the TLB's back
 * (device DMA, loaders), as the architecture makes the IC + ISB sequence the point where new
 * instructions become visible (ARM ARM B2.4.4). An address that does not translate is ignored,
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

/* TLBI (CRn = 8) and AT (CRn = 7, CRm = 8): helpers in mmu.c. An IS form makes every other
 * vCPU flush too before this vCPU runs the next instruction: the helper queues that as work on
 * this vCPU, and ending the TB here (pc = next instruction) lets it run at the TB boundary. */
static bool trans_tlbi(DisasContext *s, int crm, int op2, int rt) {
    if (s->el == 0) {
        return false;
    }
    /* op1 = 0, CRm 3 (Inner Shareable) or 7 (local): op2 0 VMALLE1, 1 VAE1, 2 ASIDE1, 3 VAAE1,
     * 5 VALE1, 7 VAALE1 (C5.5). */
    if ((crm != 3 && crm != 7) || op2 == 4 || op2 == 6) {
        return false;
    }
    IRTemp args[3] = {s->f->env, read_reg(s, rt, 1), ir_const(s->f, (uint64_t)(crm << 4 | op2))};
    ir_call(s->f, helper_tlbi_idx, IR_TEMP_NONE, args, 3);
    s->is_jmp = DISAS_UPDATE; /* translations changed: look the next TB up again */
    return true;
}

static bool trans_at(DisasContext *s, int op2, int rt) {
    if (s->el == 0 || op2 > 3) {
        return false; /* S1E1R, S1E1W, S1E0R, S1E0W only (no EL2/EL3, no S1E1RP/WP) */
    }
    IRTemp args[3] = {s->f->env, read_reg(s, rt, 1), ir_const(s->f, (uint64_t)op2)};
    gen_sync_pc(s);
    ir_call(s->f, helper_at_idx, IR_TEMP_NONE, args, 3);
    return true;
}

static bool trans_sys(DisasContext *s, uint32_t insn) {
    int op1 = (int)((insn >> 16) & 7), crn = (int)((insn >> 12) & 15);
    int crm = (int)((insn >> 8) & 15), op2 = (int)((insn >> 5) & 7), rt = (int)(insn & 31);
    if ((insn >> 21) & 1) {
        return false; /* SYSL */
    }
    if (crn == 8 && op1 == 0) {
        return trans_tlbi(s, crm, op2, rt);
    }
    if (crn == 7 && crm == 8 && op1 == 0) {
        return trans_at(s, op2, rt);
    }
    if (crn != 7) {
        return false;
    }
    uint32_t key = (uint32_t)(op1 << 8 | crm << 4 | op2);
    /* EL0 cache maintenance needs SCTLR_EL1.UCI (DC CVAU/CVAC/CIVAC, IC IVAU) or .DZE (DC ZVA),
     * else it traps to EL1 as a system instruction (EC 0x18). */
    bool el0_allowed = false;
    switch (key) {
    case 0x341: el0_allowed = s->tbflags & ARM_TBFLAG_DZE; break;
    case 0x351: case 0x3a1: case 0x3b1: case 0x3e1: el0_allowed = s->tbflags & ARM_TBFLAG_UCI; break;
    default: break;
    }
    if (s->el == 0 && op1 == 3 && !el0_allowed) {
        gen_exception_insn(s, syn_sysreg_trap(arm_sysreg_iss(1, op1, crn, crm, op2, rt, false)));
        return true;
    }
    switch (key) {
    case 0x010: /* IC IALLUIS */
    case 0x050: /* IC IALLU */
        if (s->el == 0) {
            return false;
        }
        /* Nothing cached to drop: every vCPU's store to a page holding TBs invalidates them
         * before it completes (tb-gen.c, tb_gen_mark_page), so another vCPU's new code is
         * seen at its next context synchronization (ISB ends the TB). End the TB so this
         * vCPU's next instruction is fetched anew. */
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
    case 0x3c1: /* DC CVAP (absent in v8.0) */
    case 0x3e1: /* DC CIVAC: memory is coherent, cleaning is a NOP */
        return key != 0x3c1;
    case 0x061: /* DC IVAC */
    case 0x062: /* DC ISW */
    case 0x0a2: /* DC CSW */
    case 0x0e2: /* DC CISW */ return s->el >= 1;
    default: return false;
    }
}

/* ---- MRS / MSR (register): 11010101 00 L 1 o0 op1 CRn CRm op2 Rt ---- */

/* Run-time access: the register's own check, then the read. */
static uint64_t helper_sysreg_read(void *envp, void *rp, uint32_t iss)
{
    CPUARMState *env = envp;
    const ARMSysReg *r = rp;
    if (r->access) {
        ARMSysRegAccess a = r->access(env, r, true);
        if (a != SR_ACCESS_OK) {
            arm_raise_sync(env, a == SR_ACCESS_TRAP ? syn_sysreg_trap(iss) : syn_uncategorized());
        }
    }
    if (r->read) {
        return r->read(env, r);
    }
    if (r->flags & SR_F_CONST) {
        return r->value;
    }
    return *(uint64_t *)((char *)env + r->field);
}

static void helper_sysreg_write(void *envp, void *rp, uint64_t v, uint32_t iss)
{
    CPUARMState *env = envp;
    const ARMSysReg *r = rp;
    if (r->access) {
        ARMSysRegAccess a = r->access(env, r, false);
        if (a != SR_ACCESS_OK) {
            arm_raise_sync(env, a == SR_ACCESS_TRAP ? syn_sysreg_trap(iss) : syn_uncategorized());
        }
    }
    if (r->write) {
        r->write(env, r, v);
    } else if (r->field >= 0) {
        *(uint64_t *)((char *)env + r->field) = v;
    } /* else: write-ignored (e.g. DBGCLAIM*) */
}

static bool sysreg_is_plain_field(const ARMSysReg *r, bool is_read)
{
    return r->field >= 0 && !r->access && !(is_read ? r->read != NULL : r->write != NULL);
}

static uint32_t sysreg_iss(uint32_t insn, bool is_read)
{
    /* Op0 is insn[20:19] for MRS/MSR (register), SYS and MSR (immediate) alike. */
    return arm_sysreg_iss((int)((insn >> 19) & 3), (int)((insn >> 16) & 7),
                          (int)((insn >> 12) & 15), (int)((insn >> 8) & 15),
                          (int)((insn >> 5) & 7), (int)(insn & 31), is_read);
}

static void gen_sysreg_write(DisasContext *s, const ARMSysReg *r, IRTemp v, int rt) {
    IRFunc *f = s->f;
    if (sysreg_is_plain_field(r, false)) {
        ir_st(f, IR_ST64, v, f->env, r->field);
    } else {
        IRTemp args[4] = {f->env, ir_const(f, (uint64_t)(uintptr_t)r), v,
                          ir_const(f, sysreg_iss(s->insn, false))};
        gen_sync_pc(s);
        ir_call(f, helper_sysreg_write_idx, IR_TEMP_NONE, args, 4);
    }
    if (r->flags & SR_F_END_TB) {
        s->is_jmp = DISAS_UPDATE;
    }
}

static bool trans_sysreg(DisasContext *s, uint32_t insn) {
    IRFunc *f = s->f;
    bool is_read = (insn >> 21) & 1;
    int op0 = (int)(2 + ((insn >> 19) & 1));
    int op1 = (int)((insn >> 16) & 7), crn = (int)((insn >> 12) & 15);
    int crm = (int)((insn >> 8) & 15), op2 = (int)((insn >> 5) & 7), rt = (int)(insn & 31);
    if (op0 == 3 && op1 == 3 && crn == 4 && crm == 2 && op2 == 0) { /* NZCV: IR globals */
        if (is_read) {
            write_reg(s, rt, 1, gen_read_nzcv(s));
        } else {
            gen_write_nzcv(s, read_reg(s, rt, 1));
        }
        return true;
    }
    const ARMSysReg *r = arm_sysreg_find(op0, op1, crn, crm, op2);
    if (!r) {
        if (log_enabled(LOG_UNIMP)) {
            tlog("%s of unimplemented system register S%d_%d_C%d_C%d_%d at pc 0x%016" PRIx64
                 ": UNDEF\n", is_read ? "MRS" : "MSR", op0, op1, crn, crm, op2, s->pc);
        }
        return false;
    }
    uint8_t min_el = is_read ? r->read_el : r->write_el;
    if (min_el == SR_NONE || s->el < min_el) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("%s of %s at EL%d is UNDEFINED (pc 0x%016" PRIx64 ")\n", is_read ? "MRS" : "MSR",
                 r->name, s->el, s->pc);
        }
        return false;
    }
    /* FPCR/FPSR are FP state: CPACR_EL1.FPEN traps them like FP instructions. */
    if (op0 == 3 && op1 == 3 && crn == 4 && crm == 4 && !fp_access_check(s)) {
        return true;
    }
    if (!is_read) {
        gen_sysreg_write(s, r, read_reg(s, rt, 1), rt);
        return true;
    }
    IRTemp v;
    if ((r->flags & SR_F_CONST) && !r->access) {
        v = ir_const(f, r->value);
    } else if (sysreg_is_plain_field(r, true)) {
        v = ir_temp_new(f);
        ir_ld(f, IR_LD64, v, f->env, r->field);
    } else {
        IRTemp args[3] = {f->env, ir_const(f, (uint64_t)(uintptr_t)r),
                          ir_const(f, sysreg_iss(insn, true))};
        v = ir_temp_new(f);
        gen_sync_pc(s);
        ir_call(f, helper_sysreg_read_idx, v, args, 3);
    }
    write_reg(s, rt, 1, v);
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
    static const IRArgType env_i64[] = {IR_ARG_PTR, IR_ARG_I64};
    static const IRArgType env_i64_i32[] = {IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    static const IRArgType sr_read[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I32};
    static const IRArgType sr_write[] = {IR_ARG_PTR, IR_ARG_PTR, IR_ARG_I64, IR_ARG_I32};
    helper_wfi_idx = a64_helper_register("wfi", (void *)helper_wfi, IR_ARG_VOID, 1, env_only,
                                         IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
    helper_wfe_idx = a64_helper_register("wfe", (void *)helper_wfe, IR_ARG_VOID, 1, env_only,
                                         IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_sev_idx = a64_helper_register("sev", (void *)helper_sev, IR_ARG_VOID, 1, env_only,
                                         IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_sevl_idx = a64_helper_register("sevl", (void *)helper_sevl, IR_ARG_VOID, 1, env_only,
                                          IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_psci_idx = a64_helper_register("psci", (void *)helper_psci, IR_ARG_VOID, 1, env_only,
                                          IR_CALL_MAY_RAISE);
    helper_eret_idx = a64_helper_register("eret", (void *)helper_eret, IR_ARG_VOID, 1, env_only,
                                          0);
    helper_semihosting_idx = a64_helper_register("semihosting", (void *)helper_semihosting,
                                                 IR_ARG_VOID, 2, env_i32, IR_CALL_MAY_RAISE);
    helper_ic_ivau_idx =
        a64_helper_register("ic_ivau", (void *)helper_ic_ivau, IR_ARG_VOID, 2, env_i64,
                            IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    /* System register functions may read or switch SP (SPSel) and raise traps. */
    helper_sysreg_read_idx = a64_helper_register("sysreg_read", (void *)helper_sysreg_read,
                                                 IR_ARG_I64, 3, sr_read, IR_CALL_MAY_RAISE);
    helper_sysreg_write_idx = a64_helper_register("sysreg_write", (void *)helper_sysreg_write,
                                                  IR_ARG_VOID, 4, sr_write, IR_CALL_MAY_RAISE);
    helper_tlbi_idx = a64_helper_register("tlbi", (void *)helper_tlbi, IR_ARG_VOID, 3,
                                          env_i64_i32,
                                          IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS);
    helper_at_idx = a64_helper_register("at", (void *)helper_at, IR_ARG_VOID, 3, env_i64_i32,
                                        IR_CALL_MAY_RAISE | IR_CALL_NO_WRITE_GLOBALS);
}
