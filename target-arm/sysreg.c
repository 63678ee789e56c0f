/*
 * sysreg.c — the system registers of the CPU itself (EL0 and EL1; EL2/EL3 are not implemented,
 * so their registers are UNDEFINED): identification, the EL1&0 translation regime, exception
 * state, thread IDs, debug registers Linux resets, FP control. The generic timer's CNT* and the
 * GICv3 CPU interface's ICC_* registers are defined by those devices (gtimer.c, hw/intc/).
 *
 * Read/write functions run on the owner vCPU thread. Writes that change how addresses
 * translate flush this vCPU's TLB (which also clears its jump cache); every write flagged
 * SR_F_END_TB ends the TB, so the next TB is looked up with the new flags.
 */
#include <glib.h>
#include <stddef.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "target-arm/gtimer.h"
#include "target-arm/internals.h"
#include "target-arm/sysreg.h"

#define F(field) ((int32_t)offsetof(CPUARMState, field))
#define NOFIELD (-1)

/* ---- identification ---- */

static uint64_t read_model(CPUARMState *env, const ARMSysReg *r)
{
    const ARMCPUModel *m = env_archcpu(env)->model;
    return *(const uint64_t *)((const char *)m + (size_t)r->value);
}
#define MODEL(field) ((uint64_t)offsetof(ARMCPUModel, field))

static uint64_t read_id_aa64pfr0(CPUARMState *env, const ARMSysReg *r)
{
    ARMCPU *cpu = env_archcpu(env);
    /* GIC [27:24] = 1: the GICv3 system register interface is implemented. */
    return cpu->model->id_aa64pfr0 | (cpu->gicv3_cpuif ? 1ull << 24 : 0);
}

static uint64_t read_ccsidr(CPUARMState *env, const ARMSysReg *r)
{
    const ARMCPUModel *m = env_archcpu(env)->model;
    unsigned level = (env->csselr_el1 >> 1) & 7, ind = env->csselr_el1 & 1;
    if (level == 0) {
        return m->ccsidr[ind ? 1 : 0]; /* L1 instruction or data */
    }
    return level == 1 && !ind ? m->ccsidr[2] : 0; /* L2 unified; nothing beyond */
}

static void write_csselr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    /* Level [3:1] and InD [0]; levels without a cache read CCSIDR as 0 (see read_ccsidr). */
    env->csselr_el1 = v & 0xf;
}

static ARMSysRegAccess access_ctr_el0(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    /* SCTLR_EL1.UCT: EL0 reads of CTR_EL0 trap to EL1 when 0. */
    return env->el == 0 && !(env->sctlr_el1 & (1ull << 15)) ? SR_ACCESS_TRAP : SR_ACCESS_OK;
}

/* DC ZVA block: DCZID_EL0.BS = 4 (64 bytes); DZP (bit 4) when EL0 is not allowed DC ZVA. */
static uint64_t read_dczid(CPUARMState *env, const ARMSysReg *r)
{
    bool prohibited = env->el == 0 && !(env->sctlr_el1 & (1ull << 14));
    return 4 | (prohibited ? 1u << 4 : 0);
}

/* ---- translation regime ---- */

static void write_tlb_flush(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    uint64_t *p = (uint64_t *)((char *)env + r->field);
    if (*p != v) {
        *p = v;
        tlb_flush(env_cpu(env));
    }
}

/* A new table base or ASID is an address-space switch: translations from global descriptors
 * stay, as on hardware whose TLB is tagged with ASIDs (changing the tables behind a global
 * mapping needs a TLBI architecturally). Linux switches on every context switch, and around
 * every user access when it emulates PAN by swapping TTBR0. */
static void write_ttbr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    uint64_t *p = (uint64_t *)((char *)env + r->field);
    if (*p != v) {
        *p = v;
        tlb_flush_nonglobal(env_cpu(env));
    }
}

static void write_sctlr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    /* RES1 bits of SCTLR_EL1 in ARMv8.0: 29, 28, 23, 22, 20, 11 (D17.2.118). */
    v |= (1ull << 29) | (1ull << 28) | (1ull << 23) | (1ull << 22) | (1ull << 20) | (1ull << 11);
    write_tlb_flush(env, r, v);
    arm_rebuild_tb_flags(env);
}

static void write_cpacr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    env->cpacr_el1 = v & (3ull << 20); /* FPEN only: no SVE, no trace (TTA RES0 here) */
    arm_rebuild_tb_flags(env);
}

/* ---- PSTATE access ---- */

static uint64_t read_daif(CPUARMState *env, const ARMSysReg *r) { return env->daif; }
static void write_daif(CPUARMState *env, const ARMSysReg *r, uint64_t v) { env->daif = (uint32_t)(v & 0x3c0); }

static ARMSysRegAccess access_daif(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    /* SCTLR_EL1.UMA: EL0 access to DAIF traps to EL1 when 0. */
    return env->el == 0 && !(env->sctlr_el1 & (1ull << 9)) ? SR_ACCESS_TRAP : SR_ACCESS_OK;
}

static uint64_t read_currentel(CPUARMState *env, const ARMSysReg *r) { return (uint64_t)env->el << 2; }

static uint64_t read_spsel(CPUARMState *env, const ARMSysReg *r) { return env->spsel; }
static void write_spsel(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    arm_switch_sp(env, env->el, (uint32_t)(v & 1));
    env->spsel = (uint32_t)(v & 1);
}

static uint64_t read_pan(CPUARMState *env, const ARMSysReg *r) { return (uint64_t)env->pan << 22; }
static void write_pan(CPUARMState *env, const ARMSysReg *r, uint64_t v) { env->pan = (v >> 22) & 1; }

static ARMSysRegAccess access_pan(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return env_archcpu(env)->model->has_pan ? SR_ACCESS_OK : SR_ACCESS_UNDEF;
}

/* SP_EL0 is the current stack pointer at EL1 with SPSel = 0: then MRS/MSR SP_EL0 is UNDEFINED
 * (C5.2.16). */
static ARMSysRegAccess access_sp_el0(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return env->spsel ? SR_ACCESS_OK : SR_ACCESS_UNDEF;
}

/* ISR_EL1: pending A (8), I (7), F (6), whatever PSTATE masks. */
static uint64_t read_isr(CPUARMState *env, const ARMSysReg *r)
{
    uint32_t req = atomic_load(&env_cpu(env)->interrupt_request);
    return ((req & CPU_INTERRUPT_HARD) ? 1u << 7 : 0) | ((req & CPU_INTERRUPT_FIQ) ? 1u << 6 : 0) |
           ((req & CPU_INTERRUPT_SERROR) ? 1u << 8 : 0);
}

/* ---- FP control ---- */

static uint64_t read_fpcr(CPUARMState *env, const ARMSysReg *r) { return env->fpcr; }
static void write_fpcr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    /* AHP 26, DN 25, FZ 24, RMode 23:22, FZ16 19 (kept even without FP16: RES0 bits read
     * back as written is allowed only for FZ16 when FEAT_FP16; mask it off). Trap enables
     * (IOE..IDE) are RAZ/WI: Tandem does not implement FP exception traps. */
    env->fpcr = (uint32_t)(v & 0x07c00000u);
}
static uint64_t read_fpsr(CPUARMState *env, const ARMSysReg *r) { return env->fpsr; }
static void write_fpsr(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    env->fpsr = (uint32_t)(v & 0x0800009fu); /* QC 27, IDC 7, IXC..IOC 4:0 */
}

/* ---- debug ---- */

static uint64_t read_oslsr(CPUARMState *env, const ARMSysReg *r) { return env->oslsr_el1; }
static void write_oslar(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    /* OSLSR_EL1: OSLM = 0b10 (bit 3 set: lock implemented), OSLK bit 1 from OSLAR.OSLK. */
    env->oslsr_el1 = 8 | ((v & 1) << 1);
}

/* Two breakpoints and two watchpoints (the architectural minimum, ID_AA64DFR0 BRPs/WRPs = 1):
 * their registers store what is written; Tandem does not implement debug events. */
#define DBG_PAIRS 2

/* ---- the table ---- */

#define RW1(name, op0, op1, crn, crm, op2, field) \
    {name, op0, op1, crn, crm, op2, 1, 1, 0, F(field), 0, NULL, NULL, NULL, NULL}
#define RW0(name, op0, op1, crn, crm, op2, field) \
    {name, op0, op1, crn, crm, op2, 0, 0, 0, F(field), 0, NULL, NULL, NULL, NULL}
#define RO_ID(name, op0, op1, crn, crm, op2, mfield) \
    {name, op0, op1, crn, crm, op2, 1, SR_NONE, 0, NOFIELD, MODEL(mfield), read_model, NULL, NULL, NULL}
#define CONST1(name, op0, op1, crn, crm, op2, v) \
    {name, op0, op1, crn, crm, op2, 1, SR_NONE, SR_F_CONST, NOFIELD, v, NULL, NULL, NULL, NULL}

static const ARMSysReg cpu_sysregs[] = {
    /* identification (D17.2) */
    RO_ID("MIDR_EL1", 3, 0, 0, 0, 0, midr),
    {"MPIDR_EL1", 3, 0, 0, 0, 5, 1, SR_NONE, 0, F(mpidr), 0, NULL, NULL, NULL, NULL},
    RO_ID("REVIDR_EL1", 3, 0, 0, 0, 6, revidr),
    {"ID_AA64PFR0_EL1", 3, 0, 0, 4, 0, 1, SR_NONE, 0, NOFIELD, 0, read_id_aa64pfr0, NULL, NULL, NULL},
    RO_ID("ID_AA64DFR0_EL1", 3, 0, 0, 5, 0, id_aa64dfr0),
    RO_ID("ID_AA64ISAR0_EL1", 3, 0, 0, 6, 0, id_aa64isar0),
    RO_ID("ID_AA64ISAR1_EL1", 3, 0, 0, 6, 1, id_aa64isar1),
    RO_ID("ID_AA64MMFR0_EL1", 3, 0, 0, 7, 0, id_aa64mmfr0),
    RO_ID("ID_AA64MMFR1_EL1", 3, 0, 0, 7, 1, id_aa64mmfr1),
    RO_ID("ID_AA64MMFR2_EL1", 3, 0, 0, 7, 2, id_aa64mmfr2),
    RO_ID("CLIDR_EL1", 3, 1, 0, 0, 1, clidr),
    {"CCSIDR_EL1", 3, 1, 0, 0, 0, 1, SR_NONE, 0, NOFIELD, 0, read_ccsidr, NULL, NULL, NULL},
    CONST1("AIDR_EL1", 3, 1, 0, 0, 7, 0),
    {"CSSELR_EL1", 3, 2, 0, 0, 0, 1, 1, 0, F(csselr_el1), 0, NULL, write_csselr, NULL, NULL},
    {"CTR_EL0", 3, 3, 0, 0, 1, 0, SR_NONE, 0, NOFIELD, MODEL(ctr), read_model, NULL, access_ctr_el0, NULL},
    {"DCZID_EL0", 3, 3, 0, 0, 7, 0, SR_NONE, 0, NOFIELD, 0, read_dczid, NULL, NULL, NULL},

    /* EL1&0 translation regime (D17.2.118 SCTLR_EL1, D17.2.131 TCR_EL1, ...) */
    {"SCTLR_EL1", 3, 0, 1, 0, 0, 1, 1, SR_F_END_TB, F(sctlr_el1), 0, NULL, write_sctlr, NULL, NULL},
    RW1("ACTLR_EL1", 3, 0, 1, 0, 1, actlr_el1),
    {"CPACR_EL1", 3, 0, 1, 0, 2, 1, 1, SR_F_END_TB, F(cpacr_el1), 0, NULL, write_cpacr, NULL, NULL},
    {"TTBR0_EL1", 3, 0, 2, 0, 0, 1, 1, SR_F_END_TB, F(ttbr0_el1), 0, NULL, write_ttbr, NULL, NULL},
    {"TTBR1_EL1", 3, 0, 2, 0, 1, 1, 1, SR_F_END_TB, F(ttbr1_el1), 0, NULL, write_ttbr, NULL, NULL},
    {"TCR_EL1", 3, 0, 2, 0, 2, 1, 1, SR_F_END_TB, F(tcr_el1), 0, NULL, write_tlb_flush, NULL, NULL},
    {"MAIR_EL1", 3, 0, 10, 2, 0, 1, 1, 0, F(mair_el1), 0, NULL, write_tlb_flush, NULL, NULL},
    RW1("AMAIR_EL1", 3, 0, 10, 3, 0, amair_el1),
    RW1("CONTEXTIDR_EL1", 3, 0, 13, 0, 1, contextidr_el1),

    /* exception state */
    RW1("SPSR_EL1", 3, 0, 4, 0, 0, spsr_el1),
    RW1("ELR_EL1", 3, 0, 4, 0, 1, elr_el1),
    {"SP_EL0", 3, 0, 4, 1, 0, 1, 1, 0, F(sp_el[0]), 0, NULL, NULL, access_sp_el0, NULL},
    {"SPSel", 3, 0, 4, 2, 0, 1, 1, SR_F_END_TB, NOFIELD, 0, read_spsel, write_spsel, NULL, NULL},
    {"CurrentEL", 3, 0, 4, 2, 2, 1, SR_NONE, 0, NOFIELD, 0, read_currentel, NULL, NULL, NULL},
    {"PAN", 3, 0, 4, 2, 3, 1, 1, SR_F_END_TB, NOFIELD, 0, read_pan, write_pan, access_pan, NULL},
    {"DAIF", 3, 3, 4, 2, 1, 0, 0, SR_F_END_TB, NOFIELD, 0, read_daif, write_daif, access_daif, NULL},
    RW1("AFSR0_EL1", 3, 0, 5, 1, 0, afsr0_el1),
    RW1("AFSR1_EL1", 3, 0, 5, 1, 1, afsr1_el1),
    RW1("ESR_EL1", 3, 0, 5, 2, 0, esr_el1),
    RW1("FAR_EL1", 3, 0, 6, 0, 0, far_el1),
    RW1("PAR_EL1", 3, 0, 7, 4, 0, par_el1),
    RW1("VBAR_EL1", 3, 0, 12, 0, 0, vbar_el1),
    {"ISR_EL1", 3, 0, 12, 1, 0, 1, SR_NONE, SR_F_IO, NOFIELD, 0, read_isr, NULL, NULL, NULL},

    /* thread IDs */
    RW0("TPIDR_EL0", 3, 3, 13, 0, 2, tpidr_el0),
    {"TPIDRRO_EL0", 3, 3, 13, 0, 3, 0, 1, 0, F(tpidrro_el0), 0, NULL, NULL, NULL, NULL},
    RW1("TPIDR_EL1", 3, 0, 13, 0, 4, tpidr_el1),

    /* FP control (the translator checks CPACR_EL1.FPEN first) */
    {"FPCR", 3, 3, 4, 4, 0, 0, 0, 0, NOFIELD, 0, read_fpcr, write_fpcr, NULL, NULL},
    {"FPSR", 3, 3, 4, 4, 1, 0, 0, 0, NOFIELD, 0, read_fpsr, write_fpsr, NULL, NULL},

    /* debug (D17.3): what Linux and firmware reset; no debug events are generated */
    RW1("MDSCR_EL1", 2, 0, 0, 2, 2, mdscr_el1),
    RW1("MDCCINT_EL1", 2, 0, 0, 2, 0, mdccint_el1),
    CONST1("MDRAR_EL1", 2, 0, 1, 0, 0, 0),
    {"OSLAR_EL1", 2, 0, 1, 0, 4, SR_NONE, 1, 0, NOFIELD, 0, NULL, write_oslar, NULL, NULL},
    {"OSLSR_EL1", 2, 0, 1, 1, 4, 1, SR_NONE, 0, NOFIELD, 0, read_oslsr, NULL, NULL, NULL},
    RW1("OSDLR_EL1", 2, 0, 1, 3, 4, osdlr_el1),
    {"MDCCSR_EL0", 2, 3, 0, 1, 0, 0, SR_NONE, SR_F_CONST, NOFIELD, 0, NULL, NULL, NULL, NULL},
    CONST1("DBGAUTHSTATUS_EL1", 2, 0, 7, 14, 6, 0),
    {"DBGCLAIMSET_EL1", 2, 0, 7, 8, 6, 1, 1, SR_F_CONST, NOFIELD, 0, NULL, NULL, NULL, NULL},
    {"DBGCLAIMCLR_EL1", 2, 0, 7, 9, 6, 1, 1, SR_F_CONST, NOFIELD, 0, NULL, NULL, NULL, NULL},
    RW1("DBGBVR0_EL1", 2, 0, 0, 0, 4, dbgbvr[0]),
    RW1("DBGBCR0_EL1", 2, 0, 0, 0, 5, dbgbcr[0]),
    RW1("DBGWVR0_EL1", 2, 0, 0, 0, 6, dbgwvr[0]),
    RW1("DBGWCR0_EL1", 2, 0, 0, 0, 7, dbgwcr[0]),
    RW1("DBGBVR1_EL1", 2, 0, 0, 1, 4, dbgbvr[1]),
    RW1("DBGBCR1_EL1", 2, 0, 0, 1, 5, dbgbcr[1]),
    RW1("DBGWVR1_EL1", 2, 0, 0, 1, 6, dbgwvr[1]),
    RW1("DBGWCR1_EL1", 2, 0, 0, 1, 7, dbgwcr[1]),
};
_Static_assert(DBG_PAIRS == 2, "the table lists two breakpoint and watchpoint pairs");

void arm_sysreg_define_cpu(void)
{
    /* The reserved ID register space (op0 3, op1 0, CRn 0, CRm 1..7) reads as zero at EL1
     * (D17.2: "reserved, RAZ"); that includes the AArch32 ID registers, since AArch32 is not
     * implemented. Defined first so the named registers above replace their slots. */
    static ARMSysReg raz[7 * 8];
    for (int crm = 1; crm <= 7; crm++) {
        for (int op2 = 0; op2 < 8; op2++) {
            raz[(crm - 1) * 8 + op2] = (ARMSysReg){"ID_RAZ", 3, 0, 0, (uint8_t)crm, (uint8_t)op2,
                                                   1, SR_NONE, SR_F_CONST, NOFIELD, 0,
                                                   NULL, NULL, NULL, NULL};
        }
    }
    arm_sysreg_define(raz, G_N_ELEMENTS(raz));
    arm_sysreg_define(cpu_sysregs, G_N_ELEMENTS(cpu_sysregs));
    arm_gtimer_define_sysregs();
}
