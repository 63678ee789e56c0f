/*
 * exception.c — AArch64 exception entry (ARM ARM D1.10), exception return (D1.11, ERET), the
 * PSTATE <-> SPSR mapping and stack pointer banking. Tandem implements EL0 and EL1 only, so
 * every exception is taken to EL1 and uses VBAR_EL1.
 *
 * Owner vCPU thread only. The raise functions expect env->pc to hold the address of the
 * instruction that caused the exception (the translator and the softmmu slow path store it).
 */
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "hw/core/memory.h"
#include "system/log.h"
#include "target-arm/internals.h"

/* PSTATE fields in SPSR_ELx (C5.2.18). */
#define SPSR_M_MASK 0xfu   /* M[3:0]: EL in [3:2], SP select in [0] */
#define SPSR_M_AARCH32 (1u << 4)
#define SPSR_F (1u << 6)
#define SPSR_I (1u << 7)
#define SPSR_A (1u << 8)
#define SPSR_D (1u << 9)
#define SPSR_IL (1u << 20)
#define SPSR_SS (1u << 21)
#define SPSR_PAN (1u << 22)
#define SPSR_DAIF (SPSR_D | SPSR_A | SPSR_I | SPSR_F)

#define SCTLR_SPAN (1ull << 23)

/* ---- stack pointer ---- */

static inline unsigned sp_index(uint32_t el, uint32_t spsel) { return spsel ? el : 0; }

void arm_switch_sp(CPUARMState *env, uint32_t new_el, uint32_t new_spsel)
{
    unsigned old = sp_index(env->el, env->spsel), new = sp_index(new_el, new_spsel);
    if (old != new) {
        env->sp_el[old] = env->xregs[31];
        env->xregs[31] = env->sp_el[new];
    }
}

/* ---- PSTATE ---- */

uint64_t arm_pstate_read(const CPUARMState *env)
{
    uint64_t v = (uint64_t)env->el << 2 | (env->spsel & 1);
    v |= (env->NF >> 63) << 31;
    v |= (uint64_t)(env->ZF == 0) << 30;
    v |= (env->CF & 1) << 29;
    v |= (env->VF >> 63) << 28;
    v |= env->daif & SPSR_DAIF;
    v |= env->pstate_il ? SPSR_IL : 0;
    v |= env->pstate_ss ? SPSR_SS : 0;
    v |= env->pan ? SPSR_PAN : 0;
    return v;
}

static void pstate_write_nzcv(CPUARMState *env, uint64_t spsr)
{
    env->NF = (spsr >> 31) & 1 ? ~0ull : 0;
    env->ZF = (spsr >> 30) & 1 ? 0 : 1;
    env->CF = (spsr >> 29) & 1;
    env->VF = (spsr >> 28) & 1 ? 1ull << 63 : 0;
}

/* ---- entry ---- */

/*
 * The vector an exception goes to cannot itself be fetched, so every further instruction
 * abort goes to the same vector: the guest can never make progress again (a bare-metal
 * program that faults before it sets VBAR_EL1, typically). Real hardware and QEMU spin
 * forever; Tandem stops with the exception that started it, since "never a hang" matters
 * more to a firmware engineer than imitating the spin.
 */
static G_NORETURN void arm_report_vector_loop(CPUARMState *env, uint64_t vector,
                                              uint32_t syndrome)
{
    CPUState *cpu = env_cpu(env);
    char insn_text[64] = "";
    uint64_t pa;
    int prot;
    uint32_t insn;
    if (cpu->arch->tlb_fill(cpu, env->last_exc_pc, ACCESS_FETCH, env->el ? 1 : 0, &pa, &prot,
                            true) &&
        address_space_read(cpu->as, pa | (env->last_exc_pc & ~TARGET_PAGE_MASK), &insn, 4) ==
            MEMTX_OK) {
        snprintf(insn_text, sizeof(insn_text), ", encoding 0x%08x", insn);
    }
    cpu_fatal(cpu,
              "guest exception loop: the exception vector at 0x%016" PRIx64 " (VBAR_EL1 0x%" PRIx64
              ") cannot be fetched (ESR 0x%08x); the first unhandled exception was ESR 0x%08x "
              "(EC 0x%02x) at pc 0x%016" PRIx64 "%s",
              vector, env->vbar_el1, syndrome, env->last_exc_esr, env->last_exc_esr >> 26,
              env->last_exc_pc, insn_text);
}

void arm_take_exception(CPUARMState *env, ARMExceptionKind kind, uint32_t syndrome,
                        uint64_t far, bool far_valid, uint64_t return_pc)
{
    CPUState *cpu = env_cpu(env);
    ARMCPU *acpu = env_archcpu(env);
    /* Vector base offset (D1.10.2): current EL with SP_EL0, current EL with SP_ELx, lower
     * EL using AArch64. */
    uint64_t offset = env->el == 0 ? 0x400 : (env->spsel ? 0x200 : 0x000);
    offset += (uint64_t)kind * 0x80;

    uint64_t vector = (env->vbar_el1 & ~0x7ffull) + offset;
    if (kind == ARM_EXCP_SYNC && far_valid && far == vector && return_pc == vector &&
        (syndrome >> 26) == EC_INSN_ABORT) {
        arm_report_vector_loop(env, vector, syndrome);
    }
    if (kind == ARM_EXCP_SYNC) {
        env->last_exc_pc = return_pc;
        env->last_exc_esr = syndrome;
    }
    env->spsr_el1 = arm_pstate_read(env);
    env->elr_el1 = return_pc;
    if (kind == ARM_EXCP_SYNC || kind == ARM_EXCP_SERROR) {
        env->esr_el1 = syndrome;
    }
    if (far_valid) {
        env->far_el1 = far;
    }
    if (log_enabled(LOG_INT)) {
        static const char *const kinds[] = {"sync", "irq", "fiq", "serror"};
        tlog("vCPU %d: %s exception from EL%u pc 0x%016" PRIx64 " ESR 0x%08x FAR 0x%016" PRIx64
             " -> EL1 vector 0x%016" PRIx64 "\n",
             cpu->cpu_index, kinds[kind], env->el, env->pc, syndrome, far_valid ? far : 0,
             env->vbar_el1 + offset);
    }
    arm_switch_sp(env, 1, 1);
    env->el = 1;
    env->spsel = 1;
    env->daif = SPSR_DAIF;
    env->pstate_il = 0;
    env->pstate_ss = 0;
    /* FEAT_PAN: PSTATE.PAN is set on exception entry to EL1 when SCTLR_EL1.SPAN is 0. */
    if (acpu->model->has_pan && !(env->sctlr_el1 & SCTLR_SPAN)) {
        env->pan = 1;
    }
    /* Exclusive monitors are cleared by exception entry (D1.10: ClearExclusiveLocal). */
    env->exclusive_addr = ~0ull;
    env->pc = vector;
}

G_NORETURN void arm_raise_sync(CPUARMState *env, uint32_t syndrome)
{
    arm_take_exception(env, ARM_EXCP_SYNC, syndrome, 0, false, env->pc);
    cpu_loop_exit(env_cpu(env));
}

G_NORETURN void arm_raise_sync_next(CPUARMState *env, uint32_t syndrome)
{
    arm_take_exception(env, ARM_EXCP_SYNC, syndrome, 0, false, env->pc + 4);
    cpu_loop_exit(env_cpu(env));
}

G_NORETURN void arm_raise_abort(CPUARMState *env, uint64_t vaddr, int access, uint32_t fsc,
                                bool cm)
{
    bool lower = env->el == 0;
    uint32_t syn;
    if (access == ACCESS_FETCH) {
        syn = (uint32_t)(lower ? EC_INSN_ABORT_LOWER : EC_INSN_ABORT) << 26 | ESR_IL | fsc;
    } else {
        /* ISV = 0: instruction syndrome is only reported for stage 2 aborts taken to EL2. WnR
         * is 1 for stores, and for cache maintenance it is 1 (D17.2.40: CM = 1, WnR = 1). */
        syn = (uint32_t)(lower ? EC_DATA_ABORT_LOWER : EC_DATA_ABORT) << 26 | ESR_IL | fsc;
        if (access == ACCESS_STORE || cm) {
            syn |= 1u << 6;
        }
        if (cm) {
            syn |= 1u << 8;
        }
    }
    arm_take_exception(env, ARM_EXCP_SYNC, syn, vaddr, true, env->pc);
    cpu_loop_exit(env_cpu(env));
}

/* ---- return ---- */

void arm_exception_return(CPUARMState *env)
{
    uint64_t spsr = env->spsr_el1;
    uint64_t new_pc = env->elr_el1;
    uint32_t m = spsr & SPSR_M_MASK;
    uint32_t target_el = m >> 2;
    /* Legal targets from EL1 (D1.11.2): EL0t (M = 0b0000), EL1t (0b0100), EL1h (0b0101),
     * AArch64 only. Anything else is an illegal return: PSTATE.IL is set, EL and SP stay, the
     * rest of PSTATE comes from SPSR and the next instruction raises Illegal State. */
    bool illegal = (spsr & SPSR_M_AARCH32) || target_el > 1 || (m & 2) ||
                   (target_el == 0 && (m & 1));
    env->exclusive_addr = ~0ull;
    /* An exception return is a WFE wake-up event: it sets the Event Register (D1.16.1). */
    atomic_store(&env_archcpu(env)->event_register, true);
    pstate_write_nzcv(env, spsr);
    env->daif = (uint32_t)(spsr & SPSR_DAIF);
    env->pstate_ss = 0;
    if (env_archcpu(env)->model->has_pan) {
        env->pan = (spsr & SPSR_PAN) ? 1 : 0;
    }
    if (illegal) {
        env->pstate_il = 1;
    } else {
        env->pstate_il = (spsr & SPSR_IL) ? 1 : 0;
        arm_switch_sp(env, target_el, m & 1);
        env->el = target_el;
        env->spsel = m & 1;
    }
    /* ELR bits that are not part of an instruction address: a misaligned return pc raises a
     * PC alignment fault when fetched; keep it as is (the fetch path checks). In AArch64 the
     * top byte is kept: with TBI the fetch ignores it; without, the address faults. */
    env->pc = new_pc;
    if (log_enabled(LOG_INT)) {
        tlog("vCPU %d: ERET to EL%u pc 0x%016" PRIx64 "%s\n", env_cpu(env)->cpu_index, env->el,
             env->pc, illegal ? " (illegal return: PSTATE.IL set)" : "");
    }
}
