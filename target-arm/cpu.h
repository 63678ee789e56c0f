/*
 * cpu.h — AArch64 CPU state (ARMCPU = CPUState + CPUARMState) and the CPU models.
 *
 * Generated code addresses CPUARMState through the env pointer; keep the hot registers first
 * (small displacements). Only the owner vCPU thread reads or writes CPUARMState.
 * NZCV is kept the cheap-to-compute way (ARM ARM C5.2.9 defines the architectural NZCV view):
 *   NF: bit 63 is N          ZF: Z is set iff ZF == 0
 *   CF: 0 or 1 (C)           VF: bit 63 is V
 * 32-bit flag-setting instructions store sign-extended results in NF/VF.
 */
#ifndef TANDEM_TARGET_ARM_CPU_H
#define TANDEM_TARGET_ARM_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu-exec/cpu.h"

typedef struct CPUARMState {
    uint64_t xregs[32]; /* X0..X30; [31] is the current SP (SP_EL0 or SP_ELx, see spsel) */
    uint64_t pc;
    uint64_t NF, ZF, CF, VF;
    /* exclusive monitor (LDXR/STXR): address and value loaded; -1 = no reservation */
    uint64_t exclusive_addr;
    uint64_t exclusive_val;
    uint64_t exclusive_high; /* second register of LDXP */
    uint32_t daif;           /* PSTATE.{D,A,I,F} in bits 9..6 as in the DAIF register */
    uint32_t el;             /* PSTATE.EL: current exception level (0 or 1) */
    uint32_t spsel;          /* PSTATE.SP: 1 = the current EL's own stack pointer */
    uint32_t pan;            /* PSTATE.PAN (FEAT_PAN, -cpu max only) */
    uint32_t pstate_il;      /* PSTATE.IL: illegal execution state (after a bad ERET) */
    uint32_t pstate_ss;      /* PSTATE.SS: kept for SPSR round trips only */
    /* banked stack pointers: sp_el[n] holds SP_ELn while it is not the current SP */
    uint64_t sp_el[4];

    /* ---- Advanced SIMD and floating point ---- */
    /* V0..V31, little-endian lanes: vregs[n][0] holds bits 63:0, vregs[n][1] bits 127:64. */
    _Alignas(16) uint64_t vregs[32][2];
    uint32_t fpcr; /* FPCR: AHP, DN, FZ, RMode, FZ16, trap enables (RES0 here: no traps) */
    uint32_t fpsr; /* FPSR: cumulative IOC, DZC, OFC, UFC, IXC, IDC, and QC (bit 27) */

    /* ---- EL1&0 system registers (sysreg.c; writes that change translation end the TB) ---- */
    uint64_t sctlr_el1, tcr_el1, ttbr0_el1, ttbr1_el1, mair_el1, amair_el1;
    uint64_t vbar_el1, elr_el1, spsr_el1, esr_el1, far_el1, par_el1;
    uint64_t afsr0_el1, afsr1_el1, contextidr_el1, cpacr_el1, actlr_el1;
    uint64_t csselr_el1, mdscr_el1, oslsr_el1, osdlr_el1, mdccint_el1;
    uint64_t dbgbvr[16], dbgbcr[16], dbgwvr[16], dbgwcr[16]; /* stored, never trigger */
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
    uint64_t midr, mpidr;
    uint64_t cntfrq;
    /* Not architectural: the last synchronous exception that was not an instruction abort on
     * its own vector (exception.c reports it when the guest loops on an unfetchable vector). */
    uint64_t last_exc_pc;
    uint32_t last_exc_esr;
    /* semihosting enabled (-semihosting): HLT #0xF000 performs the call */
    uint32_t semihosting;
    /* TB flags that follow from SCTLR_EL1 and CPACR_EL1, for EL0 and EL1: every TB lookup needs
     * them, so arm_rebuild_tb_flags() refreshes them whenever either register changes. */
    uint32_t tb_flags_el[2];
} CPUARMState;

typedef struct ARMCPU {
    CPUState parent;
    _Alignas(64) CPUARMState env;
    /* boot state applied by every reset (set by the board's loader): pc, x0, EL */
    uint64_t boot_entry, boot_x0;
    uint32_t boot_el;
    /* A secondary CPU: every reset leaves it powered off until PSCI CPU_ON (DESIGN.md rule 2). */
    bool start_powered_off;
    const struct ARMCPUModel *model;
    /* MPIDR_EL1, fixed at creation: other threads look CPUs up by it (PSCI CPU_ON) while the
     * owner may be resetting env. */
    uint64_t mpidr;
    /* The board wired a GICv3: the ICC_* system registers exist (ID_AA64PFR0_EL1.GIC = 1). */
    bool gicv3_cpuif;
    /* The TLB may hold an address whose top byte is not the sign extension of bit 55 (TBI):
     * a TLBI by address must then flush everything (mmu.c). */
    bool tlb_tagged;
    /* Generic timer of this CPU (target-arm/gtimer.c), created by arm_cpu_new. */
    struct ARMGenericTimer *gtimer;
    /* The instruction PSCI answers on (ARM_PSCI_CONDUIT_*), set by the board before the vCPUs
     * run and fixed afterwards: the translator reads it. */
    int psci_conduit;
    /* The Event Register WFE consumes (ARM ARM D1.16.1): set by SEV on any CPU (any thread,
     * hence atomic and outside env, which reset clears with memset), by SEVL and exception
     * return on the owner; WFE clears it. */
    _Atomic bool event_register;
} ARMCPU;

/* PSCI conduits (the device tree's psci "method"): only that instruction reaches PSCI; with no
 * EL2 or EL3, the other is UNDEFINED. */
enum { ARM_PSCI_CONDUIT_HVC = 0, ARM_PSCI_CONDUIT_SMC = 1 };

static inline ARMCPU *arm_cpu(CPUState *cpu) { return (ARMCPU *)cpu; }
static inline CPUState *env_cpu(CPUARMState *env) { return cpu_from_env(env); }
static inline ARMCPU *env_archcpu(CPUARMState *env) { return (ARMCPU *)cpu_from_env(env); }

/* CPU models (-cpu). Returns NULL for an unknown name. ID register values are honest: they
 * advertise what Tandem implements for that model (DESIGN.md), nothing more. */
typedef struct ARMCPUModel {
    const char *name;
    uint64_t midr;
    const char *dt_compatible; /* "arm,cortex-a57" */
    uint64_t id_aa64pfr0, id_aa64dfr0, id_aa64isar0, id_aa64isar1;
    uint64_t id_aa64mmfr0, id_aa64mmfr1, id_aa64mmfr2;
    uint64_t revidr, clidr, ctr;
    uint32_t ccsidr[4]; /* by CSSELR_EL1: L1D, L1I, L2 unified, unused */
    bool has_pan;       /* FEAT_PAN (-cpu max) */
    bool has_16k;       /* 16 KiB translation granule (-cpu max; Cortex-A57/A53 have none) */
} ARMCPUModel;
const ARMCPUModel *arm_cpu_model_find(const char *name);
void arm_cpu_models_list(FILE *out);

/* Creates and resets an ARM vCPU (MPIDR from index). */
ARMCPU *arm_cpu_new(const ARMCPUModel *model, int index);
/* The state every reset of this CPU starts from (Linux booting.rst: x0 = DTB, pc = entry). */
void arm_cpu_set_boot_info(ARMCPU *cpu, uint64_t entry, uint64_t x0, int el);
/*
 * Interrupt inputs from the interrupt controller, any thread (atomic request bits + kick).
 * Also usable as an IRQLine handler: opaque = ARMCPU *, n = ARM_CPU_IRQ..ARM_CPU_VFIQ.
 */
enum { ARM_CPU_IRQ, ARM_CPU_FIQ, ARM_CPU_VIRQ, ARM_CPU_VFIQ };
void arm_cpu_set_irq(void *opaque, int line, int level);

/* TB flags (the decode-relevant PSTATE and system register bits; part of the TB key). */
#define ARM_TBFLAG_EL_MASK 3u
#define ARM_TBFLAG_PAN (1u << 2)   /* PSTATE.PAN at EL1: data accesses use ARM_MMU_IDX_EL1_PAN */
#define ARM_TBFLAG_FPTRAP (1u << 3) /* CPACR_EL1.FPEN traps FP/SIMD at this EL */
#define ARM_TBFLAG_ALIGN (1u << 4)  /* SCTLR_EL1.A: data accesses are alignment-checked */
#define ARM_TBFLAG_IL (1u << 5)     /* PSTATE.IL: the next instruction raises Illegal State */
#define ARM_TBFLAG_UMA (1u << 6)    /* SCTLR_EL1.UMA: EL0 may use MSR/MRS DAIF */
#define ARM_TBFLAG_UCT (1u << 7)    /* SCTLR_EL1.UCT: EL0 may read CTR_EL0 */
#define ARM_TBFLAG_DZE (1u << 8)    /* SCTLR_EL1.DZE: EL0 may use DC ZVA */
#define ARM_TBFLAG_UCI (1u << 9)    /* SCTLR_EL1.UCI: EL0 may use DC CVAU/CIVAC/CVAC, IC IVAU */
#define ARM_TBFLAG_NTWI (1u << 10)  /* SCTLR_EL1.nTWI: EL0 WFI does not trap */
#define ARM_TBFLAG_NTWE (1u << 11)  /* SCTLR_EL1.nTWE: EL0 WFE does not trap */

/* MMU indices (one softmmu TLB each). All use the EL1&0 translation regime. */
enum {
    ARM_MMU_IDX_EL0 = 0,     /* EL0 accesses, and LDTR/STTR at EL1 */
    ARM_MMU_IDX_EL1 = 1,     /* EL1 accesses */
    ARM_MMU_IDX_EL1_PAN = 2, /* EL1 data accesses while PSTATE.PAN = 1 */
};

/* Registers IR globals and helpers; called once before any translation. */
void arm_translate_init(void);

extern const CPUArchOps arm_arch_ops;
/* The A64 translator (translate.c), as CPUArchOps.translate. */
int arm_translate(CPUState *cpu, struct TranslationBlock *tb, struct IRFunc *f, int max_insns);

#endif
