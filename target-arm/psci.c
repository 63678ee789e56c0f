/*
 * psci.c — PSCI firmware calls (Arm DEN 0022) made with HVC #0 or SMC #0. Everything runs on
 * the calling vCPU's thread and touches only that vCPU's registers; requests that concern the
 * machine (SYSTEM_OFF, SYSTEM_RESET) go to the main loop through system/runstate.h, and
 * requests that concern another vCPU (CPU_ON) are to be queued as work on that vCPU's thread
 * (DESIGN.md rule 4), never applied from here.
 *
 * The answers follow QEMU 7.2 on the virt board, checked by running tests/guest/arm/test-psci.c
 * on it: version 1.1; PSCI_FEATURES reports exactly the functions implemented below; SMC32 and
 * SMC64 results are written to x0 sign-extended; AFFINITY_INFO ignores lowest_affinity_level.
 */
#include "target-arm/psci.h"

#include <glib.h>
#include <inttypes.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/vcpu.h"
#include "system/log.h"
#include "system/runstate.h"

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
    case PSCI_FN_PSCI_FEATURES: return true;
    default: return false;
    }
}

/* The vCPU whose MPIDR affinity matches, or NULL. */
static CPUState *psci_find_cpu(uint64_t mpidr) {
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if ((arm_cpu(cpu)->env.mpidr & MPIDR_AFFINITY_MASK) == (mpidr & MPIDR_AFFINITY_MASK)) {
            return cpu;
        }
    }
    return NULL;
}

/*
 * CPU_ON for a vCPU other than the caller: the target's power state moves OFF -> ON_PENDING
 * by compare-and-swap and a work item on the target's thread sets pc = entry, x0 = context
 * and clears halted (DESIGN.md vCPU life cycle). That power state arrives with SMP support;
 * until then a machine has one vCPU and this is reached only if a board registers more.
 */
static int64_t psci_cpu_on_other(CPUState *target, uint64_t entry, uint64_t context) {
    if (log_enabled(LOG_UNIMP)) {
        tlog("psci: CPU_ON of cpu %d (entry 0x%" PRIx64 ", context 0x%" PRIx64
             ") needs SMP support, which is not implemented yet\n",
             target->cpu_index, entry, context);
    }
    return PSCI_RET_INTERNAL_FAILURE;
}

static int64_t psci_cpu_on(const CPUState *self, uint64_t target_mpidr, uint64_t entry,
                           uint64_t context) {
    CPUState *target = psci_find_cpu(target_mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    if (target == self) {
        return PSCI_RET_ALREADY_ON;
    }
    return psci_cpu_on_other(target, entry, context);
}

static int64_t psci_affinity_info(uint64_t target_mpidr) {
    CPUState *target = psci_find_cpu(target_mpidr);
    if (!target) {
        return PSCI_RET_INVALID_PARAMETERS;
    }
    /* The caller is running, so it is ON. Other vCPUs report their power state once SMP
     * support keeps one; until then every registered vCPU runs from reset. */
    return PSCI_AFFINITY_ON;
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
        /* Every power state is treated as standby: wait for an interrupt like WFI, then
         * return SUCCESS (DEN 0022 5.4: a standby request returns on wake-up). */
        env->xregs[0] = PSCI_RET_SUCCESS;
        cpu_halt(cpu);
    case PSCI_FN_CPU_OFF:
        /* With one vCPU the machine has nothing left to run; it stays halted until a reset
         * or shutdown request. SMP support turns this into power state OFF. */
        cpu_halt(cpu);
    case PSCI_FN_SYSTEM_OFF: runstate_request_shutdown(0); cpu_halt(cpu);
    case PSCI_FN_SYSTEM_RESET: runstate_request_reset(); cpu_halt(cpu);
    default:
        if (log_enabled(LOG_UNIMP)) {
            tlog("psci: unsupported function 0x%" PRIx64 "\n", env->xregs[0]);
        }
        ret = PSCI_RET_NOT_SUPPORTED;
        break;
    }
    env->xregs[0] = (uint64_t)ret;
}
