/*
 * psci.c — PSCI firmware calls (Arm DEN 0022) made with HVC #0 or SMC #0. Everything runs on
 * the calling vCPU's thread and touches only that vCPU's registers; requests that concern the
 * machine (SYSTEM_OFF, SYSTEM_RESET) go to the main loop through system/runstate.h, and
 * CPU_ON of another vCPU claims it with a compare-and-swap of its power state and queues the
 * rest as work on that vCPU's thread (DESIGN.md rule 4), never applied from here.
 *
 * The answers follow QEMU 7.2 on the virt board, checked by running tests/guest/arm/test-psci.c
 * on it: version 1.1; PSCI_FEATURES reports exactly the functions implemented below; SMC32 and
 * SMC64 results are written to x0 sign-extended; AFFINITY_INFO ignores lowest_affinity_level.
 * Where Tandem goes further (README "PSCI"): SYSTEM_RESET2, which QEMU 7.2 does not implement,
 * and a CPU_SUSPEND power-down that really loses context and resumes at the entry point (QEMU
 * treats every power state as standby and returns SUCCESS).
 */
#include "target-arm/psci.h"

#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/cpu-power.h"
#include "cpu-exec/exec.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"
#include "system/log.h"
#include "system/runstate.h"
#include "target-arm/vendor-hvc.h"

/* Affinity fields of an MPIDR value: Aff3 (39:32) and Aff2..Aff0 (23:0). */
#define MPIDR_AFFINITY_MASK 0xff00ffffffull

static bool psci_is_smc64(uint32_t fn) {
    return (fn & 0x40000000u) != 0;
}

/* The functions this firmware implements, as PSCI_FEATURES reports them. */
static bool psci_function_supported(uint32_t fn) {
    switch (fn) {
    case PSCI_FN_PSCI_VERSION:
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN64_CPU_SUSPEND:
    case PSCI_FN_CPU_OFF:
    case PSCI_FN_CPU_ON:
    case PSCI_FN64_CPU_ON:
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN64_AFFINITY_INFO:
    case PSCI_FN_MIGRATE_INFO_TYPE:
    case PSCI_FN_SYSTEM_OFF:
    case PSCI_FN_SYSTEM_RESET:
    case PSCI_FN_SYSTEM_RESET2:
    case PSCI_FN64_SYSTEM_RESET2:
    case PSCI_FN_PSCI_FEATURES: return true;
    default: return false;
    }
}

/* The vCPU whose MPIDR affinity matches, or NULL. */
static CPUState *psci_find_cpu(uint64_t mpidr) {
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if ((arm_cpu(cpu)->mpidr & MPIDR_AFFINITY_MASK) == (mpidr & MPIDR_AFFINITY_MASK)) {
            return cpu;
        }
    }
    return NULL;
}

/* An entry point the CPU can start from: word-aligned and in RAM (DEN 0022 5.4.3, 5.6.2). */
static bool psci_entry_valid(CPUState *cpu, uint64_t entry) {
    return (entry & 3) == 0 && address_space_ram_ptr(cpu->as, entry, 4) != NULL;
}

/*
 * CPU_ON for a vCPU other than the caller: OFF -> ON_PENDING by compare-and-swap, so of two
 * callers racing for the same CPU one wins and the other sees ON_PENDING (or ALREADY_ON once
 * it runs); the rest happens on the target's thread (DESIGN.md rule 4): it comes out of reset
 * at the entry point with x0 = context id, at EL1 with the MMU off (DEN 0022 6.4.3).
 */
static int64_t psci_cpu_on_other(CPUState *self, CPUState *target, uint64_t entry,
                                 uint64_t context) {
    if (!psci_entry_valid(self, entry)) {
        return PSCI_RET_INVALID_ADDRESS;
    }
    int found = cpu_power_request_start(target, entry, context, true);
    if (found != CPU_POWER_OFF) {
        return found == CPU_POWER_ON_PENDING ? PSCI_RET_ON_PENDING : PSCI_RET_ALREADY_ON;
    }
    return PSCI_RET_SUCCESS;
}

static int64_t psci_cpu_on(CPUState *self, uint64_t target_mpidr, uint64_t entry,
                           uint64_t context) {
    CPUState *target = psci_find_cpu(target_mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    if (target == self) {
        return PSCI_RET_ALREADY_ON;
    }
    return psci_cpu_on_other(self, target, entry, context);
}

static int64_t psci_affinity_info(uint64_t target_mpidr) {
    CPUState *target = psci_find_cpu(target_mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    switch (atomic_load(&target->power_state)) {
    case CPU_POWER_ON: return PSCI_AFFINITY_ON;
    case CPU_POWER_ON_PENDING: return PSCI_AFFINITY_ON_PENDING;
    default: return PSCI_AFFINITY_OFF;
    }
}

/*
 * CPU_SUSPEND with an original-format power_state (DEN 0022 5.4). Tandem has one power level,
 * the core (PSCI_FEATURES reports the original format and platform coordination), so any
 * reserved bit or a PowerLevel above 0 is INVALID_PARAMETERS, as QEMU 7.2 answers.
 * Standby: wait like WFI for a wake-up event (an interrupt pending, even if masked) and
 * return SUCCESS. Power-down: the core loses its context, so it is put into the state a
 * CPU_ON would give it (reset on its own thread, pc = entry, x0 = context id, EL1, MMU off)
 * and halted; the wake-up event then starts it there. Its timer is part of the core and is
 * reset with it, so what wakes a powered-down core is an interrupt from the GIC (as on
 * hardware, where such states are "local-timer-stop"). The power state stays ON: a suspended
 * core is ON for AFFINITY_INFO (DEN 0022 5.7). Does not return except with an error.
 */
static int64_t psci_cpu_suspend(CPUARMState *env, uint32_t power_state, uint64_t entry,
                                uint64_t context) {
    CPUState *cpu = env_cpu(env);
    if ((power_state & PSCI_POWER_STATE_RESERVED) ||
        (power_state >> PSCI_POWER_STATE_LEVEL_SHIFT & 3) != 0) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    if (!(power_state & PSCI_POWER_STATE_TYPE_POWERDOWN)) {
        env->xregs[0] = PSCI_RET_SUCCESS;
        cpu_halt(cpu);
    }
    if (!psci_entry_valid(cpu, entry)) {
        return PSCI_RET_INVALID_ADDRESS;
    }
    cpu->arch->start_at(cpu, entry, context); /* leaves the power state ON */
    cpu_halt(cpu);
}

/* SYSTEM_RESET2 (DEN 0022 5.16): the one architectural type, SYSTEM_WARM_RESET, is the
 * machine reset SYSTEM_RESET does (the RAM of this board survives both); other architectural
 * types are reserved (INVALID_PARAMETERS); no vendor type is implemented (NOT_SUPPORTED).
 * The cookie (x2) has no meaning for a warm reset. */
static int64_t psci_system_reset2(CPUState *cpu, uint32_t reset_type) {
    if (reset_type & PSCI_RESET2_VENDOR) {
        return PSCI_RET_NOT_SUPPORTED;
    }
    if (reset_type != PSCI_RESET2_SYSTEM_WARM_RESET) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    runstate_request_reset();
    cpu_halt(cpu);
}

void psci_call(CPUARMState *env) {
    CPUState *cpu = env_cpu(env);
    uint32_t fn = (uint32_t)env->xregs[0];
    uint64_t arg[3] = {env->xregs[1], env->xregs[2], env->xregs[3]};
    int64_t ret;

    if (!psci_is_smc64(fn)) { /* SMC32 calls take 32-bit arguments (SMCCC 2.x) */
        for (int i = 0; i < 3; i++) {
            arg[i] = (uint32_t)arg[i];
        }
    }
    /* SMC32 function IDs are only defined with bits 63:32 of x0 clear. */
    if (env->xregs[0] >> 32) {
        fn = 0;
    }
    switch (fn) {
    case PSCI_FN_PSCI_VERSION: ret = PSCI_VERSION_VALUE; break;
    case PSCI_FN_PSCI_FEATURES:
        /* For CPU_SUSPEND the answer is a flags word: bit 1 clear = original power_state
         * format, bit 0 clear = platform-coordinated mode only (DEN 0022 5.15.2). */
        ret = psci_function_supported((uint32_t)arg[0]) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
        break;
    case PSCI_FN_CPU_ON:
    case PSCI_FN64_CPU_ON: ret = psci_cpu_on(cpu, arg[0], arg[1], arg[2]); break;
    case PSCI_FN_AFFINITY_INFO:
    case PSCI_FN64_AFFINITY_INFO: ret = psci_affinity_info(arg[0]); break;
    case PSCI_FN_MIGRATE_INFO_TYPE:
        ret = 2; /* Trusted OS not present or needs no migration */
        break;
    case PSCI_FN_CPU_SUSPEND:
    case PSCI_FN64_CPU_SUSPEND:
        ret = psci_cpu_suspend(env, (uint32_t)arg[0], arg[1], arg[2]);
        break;
    case PSCI_FN_CPU_OFF:
        /* The owner switches itself off (ON -> OFF) and leaves the loop; only CPU_ON or a
         * machine reset brings it back. */
        atomic_store(&cpu->power_state, CPU_POWER_OFF);
        cpu_halt(cpu);
    case PSCI_FN_SYSTEM_OFF: runstate_request_shutdown(0); cpu_halt(cpu);
    case PSCI_FN_SYSTEM_RESET: runstate_request_reset(); cpu_halt(cpu);
    case PSCI_FN_SYSTEM_RESET2:
    case PSCI_FN64_SYSTEM_RESET2: ret = psci_system_reset2(cpu, (uint32_t)arg[0]); break;
    default:
        if (arm_vendor_hvc(env, fn, &env->xregs[0])) {
            return;
        }
        if (log_enabled(LOG_UNIMP)) {
            tlog("psci: unsupported function 0x%" PRIx64 "\n", env->xregs[0]);
        }
        ret = PSCI_RET_NOT_SUPPORTED;
        break;
    }
    env->xregs[0] = (uint64_t)ret;
}
