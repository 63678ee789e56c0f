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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu-exec/cpu.h"

typedef struct CPUARMState {
    uint64_t xregs[32]; /* X0..X30; [31] is the current SP (SP_EL0 or SP_ELx) */
    uint64_t pc;
    uint64_t NF, ZF, CF, VF;
    /* exclusive monitor (LDXR/STXR): address and value loaded; -1 = no reservation */
    uint64_t exclusive_addr;
    uint64_t exclusive_val;
    uint64_t exclusive_high; /* second register of LDXP */
    uint32_t daif;           /* PSTATE.{D,A,I,F} in bits 9..6 as in the DAIF register */
    uint32_t el;             /* current exception level */
    uint64_t sp_el[4];       /* banked stack pointers (issue 4 switches them) */
    uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
    uint64_t midr, mpidr;
    uint64_t cntfrq;
    /* semihosting enabled (-semihosting): HLT #0xF000 performs the call */
    uint32_t semihosting;
} CPUARMState;

typedef struct ARMCPU {
    CPUState parent;
    _Alignas(64) CPUARMState env;
    /* boot state applied by every reset (set by the board's loader): pc, x0, EL */
    uint64_t boot_entry, boot_x0;
    uint32_t boot_el;
    const struct ARMCPUModel *model;
} ARMCPU;

static inline ARMCPU *arm_cpu(CPUState *cpu) { return (ARMCPU *)cpu; }
static inline CPUState *env_cpu(CPUARMState *env) { return cpu_from_env(env); }
static inline ARMCPU *env_archcpu(CPUARMState *env) { return (ARMCPU *)cpu_from_env(env); }

/* CPU models (-cpu). Returns NULL for an unknown name. */
typedef struct ARMCPUModel {
    const char *name;
    uint64_t midr;
    const char *dt_compatible; /* "arm,cortex-a57" */
} ARMCPUModel;
const ARMCPUModel *arm_cpu_model_find(const char *name);
void arm_cpu_models_list(FILE *out);

/* Creates and resets an ARM vCPU (MPIDR from index). */
ARMCPU *arm_cpu_new(const ARMCPUModel *model, int index);
/* The state every reset of this CPU starts from (Linux booting.rst: x0 = DTB, pc = entry). */
void arm_cpu_set_boot_info(ARMCPU *cpu, uint64_t entry, uint64_t x0, int el);
/* Registers IR globals and helpers; called once before any translation. */
void arm_translate_init(void);

extern const CPUArchOps arm_arch_ops;
/* The A64 translator (translate.c), as CPUArchOps.translate. */
int arm_translate(CPUState *cpu, struct TranslationBlock *tb, struct IRFunc *f, int max_insns);

#endif
