/*
 * internals.h — AArch64 exception entry and return (exception.c), syndrome values and the
 * state switches they need (stack pointer banking). ARM ARM D1.10 (exception entry), D1.11
 * (ERET), D17.2.37 (ESR_ELx: exception classes and ISS encodings).
 *
 * Everything here runs on the owner vCPU thread. arm_raise_* leave through cpu_loop_exit():
 * the caller must have made env precise (pc = the faulting instruction: the translator stores
 * it before any helper that may raise, the softmmu slow path stores it before a TLB fill).
 */
#ifndef TANDEM_TARGET_ARM_INTERNALS_H
#define TANDEM_TARGET_ARM_INTERNALS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "target-arm/cpu.h"

/* Exception classes (ESR_ELx.EC). */
enum {
    EC_UNCATEGORIZED = 0x00,
    EC_WFX_TRAP = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSTEMREGISTER = 0x18,
    EC_INSN_ABORT_LOWER = 0x20,
    EC_INSN_ABORT = 0x21,
    EC_PC_ALIGNMENT = 0x22,
    EC_DATA_ABORT_LOWER = 0x24,
    EC_DATA_ABORT = 0x25,
    EC_SP_ALIGNMENT = 0x26,
    EC_FP_EXC64 = 0x2c,
    EC_SERROR = 0x2f,
    EC_BRK64 = 0x3c,
};

#define ESR_IL (1u << 25) /* 32-bit instruction */

static inline uint32_t syn_uncategorized(void) { return (uint32_t)EC_UNCATEGORIZED << 26 | ESR_IL; }
static inline uint32_t syn_aa64_svc(uint32_t imm16) { return (uint32_t)EC_SVC64 << 26 | ESR_IL | (imm16 & 0xffff); }
static inline uint32_t syn_aa64_hvc(uint32_t imm16) { return (uint32_t)EC_HVC64 << 26 | ESR_IL | (imm16 & 0xffff); }
static inline uint32_t syn_aa64_smc(uint32_t imm16) { return (uint32_t)EC_SMC64 << 26 | ESR_IL | (imm16 & 0xffff); }
static inline uint32_t syn_aa64_brk(uint32_t imm16) { return (uint32_t)EC_BRK64 << 26 | ESR_IL | (imm16 & 0xffff); }
static inline uint32_t syn_illegal_state(void) { return (uint32_t)EC_ILLEGAL_STATE << 26 | ESR_IL; }
static inline uint32_t syn_pc_alignment(void) { return (uint32_t)EC_PC_ALIGNMENT << 26 | ESR_IL; }
static inline uint32_t syn_sp_alignment(void) { return (uint32_t)EC_SP_ALIGNMENT << 26 | ESR_IL; }
/* FP/SIMD access trapped by CPACR_EL1.FPEN: from AArch64, CV = 1 and COND = 0b1110 (ARM ARM
 * D17.2.37, "ISS encoding for an exception from an access to SVE, Advanced SIMD or FP"). */
static inline uint32_t syn_fp_access_trap(void)
{
    return (uint32_t)EC_FP_ACCESS << 26 | ESR_IL | 1u << 24 | 0xeu << 20;
}
/* WFI/WFE trapped (SCTLR_EL1.nTWI/nTWE): ISS TI bit 0 = 1 for WFE; CV=1, COND=0b1110. */
static inline uint32_t syn_wfx(bool is_wfe)
{
    return (uint32_t)EC_WFX_TRAP << 26 | ESR_IL | 1u << 24 | 0xeu << 20 | (is_wfe ? 1u : 0u);
}
static inline uint32_t syn_sysreg_trap(uint32_t iss) { return (uint32_t)EC_SYSTEMREGISTER << 26 | ESR_IL | iss; }

/* Data/instruction fault status codes (DFSC/IFSC). */
enum {
    FSC_ADDRESS_SIZE = 0x00,    /* + level */
    FSC_TRANSLATION = 0x04,     /* + level */
    FSC_ACCESS_FLAG = 0x08,     /* + level */
    FSC_PERMISSION = 0x0c,      /* + level */
    FSC_SYNC_EXTERNAL = 0x10,
    FSC_SYNC_EXTERNAL_WALK = 0x14, /* + level */
    FSC_ALIGNMENT = 0x21,
};

/* Exception kinds for arm_take_exception (vector offsets 0x000, 0x080, 0x100, 0x180). */
typedef enum ARMExceptionKind {
    ARM_EXCP_SYNC = 0,
    ARM_EXCP_IRQ = 1,
    ARM_EXCP_FIQ = 2,
    ARM_EXCP_SERROR = 3,
} ARMExceptionKind;

/*
 * Enters an exception at EL1 (Tandem implements EL0 and EL1; EL2/EL3 are absent): SPSR_EL1 =
 * PSTATE, ELR_EL1 = return_pc, ESR_EL1 = syndrome for synchronous exceptions and SError,
 * FAR_EL1 = far when far_valid, then PSTATE.EL = 1, SPSel = 1, DAIF all set, pc = the vector.
 * Does not leave the current C function; the caller ends the TB or longjmps.
 */
void arm_take_exception(CPUARMState *env, ARMExceptionKind kind, uint32_t syndrome,
                        uint64_t far, bool far_valid, uint64_t return_pc);
/* A synchronous exception for the instruction at env->pc (preferred return = that insn). */
G_NORETURN void arm_raise_sync(CPUARMState *env, uint32_t syndrome);
/* Same, returning to the next instruction (SVC, HVC, SMC: preferred return = pc + 4). */
G_NORETURN void arm_raise_sync_next(CPUARMState *env, uint32_t syndrome);
/* Data abort (access = ACCESS_LOAD/STORE) or instruction abort (ACCESS_FETCH) at vaddr with
 * fault status code fsc; cm = raised by a cache maintenance instruction. */
G_NORETURN void arm_raise_abort(CPUARMState *env, uint64_t vaddr, int access, uint32_t fsc,
                                bool cm);

/* Switches the current SP for a new (EL, SPSel): banks xregs[31] into sp_el[]. */
void arm_switch_sp(CPUARMState *env, uint32_t new_el, uint32_t new_spsel);
/* PSTATE as SPSR_EL1 holds it (ARM ARM C5.2.18), and back (ERET, with the legality checks). */
uint64_t arm_pstate_read(const CPUARMState *env);
/* ERET from EL1: restores PSTATE from SPSR_EL1 and pc from ELR_EL1 (owner thread). */
void arm_exception_return(CPUARMState *env);

/* Recomputes env->tb_flags_el after a write to SCTLR_EL1 or CPACR_EL1 (or a reset). */
void arm_rebuild_tb_flags(CPUARMState *env);

/* The TB flags for the current state (also used by the translator's consistency checks). */
static inline uint32_t arm_tb_flags(const CPUARMState *env)
{
    uint32_t f = env->tb_flags_el[env->el & 1] | (env->el & ARM_TBFLAG_EL_MASK);
    f |= (env->el == 1 && env->pan) ? ARM_TBFLAG_PAN : 0;
    return f | (env->pstate_il ? ARM_TBFLAG_IL : 0);
}

#endif
