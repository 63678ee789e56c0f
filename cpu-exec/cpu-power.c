/*
 * cpu-power.c — power-controller operations on a vCPU as work items on its own thread (see
 * cpu-power.h). The requester only queues; the target's thread changes halted, held and the
 * power state (the one exception, as for PSCI CPU_ON, is the OFF -> ON_PENDING claim by
 * compare-and-swap, which tells racing requesters that a start is under way).
 */
#include "cpu-exec/cpu-power.h"

#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/io-pending.h"
#include "cpu-exec/vcpu.h"

typedef struct CPUPowerStart {
    uint64_t entry, context;
    bool only_if_claimed;
} CPUPowerStart;

static void cpu_power_halt_work(CPUState *cpu, void *arg)
{
    if (atomic_load(&cpu->power_state) == CPU_POWER_ON) {
        atomic_store(&cpu->held, true);
    }
}

static void cpu_power_resume_work(CPUState *cpu, void *arg)
{
    atomic_store(&cpu->held, false);
}

static void cpu_power_off_work(CPUState *cpu, void *arg)
{
    atomic_store(&cpu->held, false);
    atomic_store(&cpu->power_state, CPU_POWER_OFF);
}

static void cpu_power_start_work(CPUState *cpu, void *arg)
{
    CPUPowerStart start = *(CPUPowerStart *)arg;
    g_free(arg);
    if (start.only_if_claimed && atomic_load(&cpu->power_state) != CPU_POWER_ON_PENDING) {
        return; /* a machine reset came in between and switched it off again */
    }
    cpu->arch->start_at(cpu, start.entry, start.context);
    atomic_store(&cpu->power_state, CPU_POWER_ON);
}

void cpu_power_halt(CPUState *cpu)
{
    async_run_on_cpu(cpu, cpu_power_halt_work, NULL);
}

void cpu_power_resume(CPUState *cpu)
{
    async_run_on_cpu(cpu, cpu_power_resume_work, NULL);
}

void cpu_power_off(CPUState *cpu)
{
    async_run_on_cpu(cpu, cpu_power_off_work, NULL);
}

int cpu_power_request_start(CPUState *cpu, uint64_t entry, uint64_t context, bool only_if_off)
{
    int found = CPU_POWER_OFF;
    bool claimed =
        atomic_compare_exchange_strong(&cpu->power_state, &found, CPU_POWER_ON_PENDING);
    if (!claimed && only_if_off) {
        return found;
    }
    CPUPowerStart *start = g_new(CPUPowerStart, 1);
    *start = (CPUPowerStart){entry, context, only_if_off};
    async_run_on_cpu(cpu, cpu_power_start_work, start);
    return found;
}

void cpu_power_start(CPUState *cpu, uint64_t entry, uint64_t context)
{
    cpu_power_request_start(cpu, entry, context, false);
}

uint32_t cpu_power_describe(CPUState *cpu)
{
    uint32_t d = (uint32_t)atomic_load(&cpu->power_state) & CPU_DESC_POWER_MASK;
    if (atomic_load(&cpu->halted)) {
        d |= CPU_DESC_HALTED;
    }
    if (atomic_load(&cpu->held)) {
        d |= CPU_DESC_HELD;
    }
    return d;
}

void cpu_power_reset_common(CPUState *cpu)
{
    atomic_store(&cpu->halted, false);
    atomic_store(&cpu->held, false);
    cpu_io_reset(cpu);
}
