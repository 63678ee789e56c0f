/*
 * cpu-power.h — halting, resuming, starting and powering off a vCPU from another thread
 * (a power controller, the monitor): each operation is a work item that runs on the target's
 * own thread (DESIGN.md rules 3 and 4), so the caller never writes the target's state.
 *
 * "Held" is the power controller's halt: the vCPU keeps its state and executes nothing until
 * it is resumed, reset or powered off; a vCPU held in WFI is still in WFI when resumed.
 * Any thread may call the cpu_power_* requests and cpu_power_describe; the work runs later
 * on the target (the caller may poll cpu_power_describe to see it done).
 */
#ifndef TANDEM_CPU_EXEC_CPU_POWER_H
#define TANDEM_CPU_EXEC_CPU_POWER_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/cpu.h"

/* What cpu_power_describe reports (also the power controller's STATE register). */
enum {
    CPU_DESC_POWER_MASK = 3, /* CPU_POWER_ON / OFF / ON_PENDING */
    CPU_DESC_HALTED = 1 << 2, /* waiting for an interrupt (WFI, PSCI standby) */
    CPU_DESC_HELD = 1 << 3,   /* halted by a power controller */
};

void cpu_power_halt(CPUState *cpu);
void cpu_power_resume(CPUState *cpu);
void cpu_power_off(CPUState *cpu);
/* Resets the CPU and starts it at entry with the architecture's context register (AArch64
 * x0) = context, whatever its state was. An OFF CPU passes through ON_PENDING (claimed with
 * a compare-and-swap, as PSCI CPU_ON does). */
void cpu_power_start(CPUState *cpu, uint64_t entry, uint64_t context);
/* The start shared by cpu_power_start and PSCI CPU_ON: claims the CPU with the OFF ->
 * ON_PENDING compare-and-swap (of racing requesters one wins; DESIGN.md "vCPU life cycle")
 * and queues a work item that resets it and starts it at entry with context, then ON.
 * Returns the power state found: CPU_POWER_OFF when this call claimed it. With only_if_off,
 * a CPU that was not OFF is left alone (nothing queued: PSCI answers ON_PENDING or
 * ALREADY_ON), and the work does nothing if the CPU is no longer ON_PENDING when it runs (a
 * machine reset switched it off in between); without, the CPU is restarted whatever its state. */
int cpu_power_request_start(CPUState *cpu, uint64_t entry, uint64_t context, bool only_if_off);
uint32_t cpu_power_describe(CPUState *cpu);

/* Owner thread, from the architecture's CPU reset: clears halted, held and the operation in
 * flight (io-pending.h). */
void cpu_power_reset_common(CPUState *cpu);

#endif
