/*
 * powerctl.h — Tandem's power controller (docs/power-controller.md): through it one CPU
 * halts, resumes, starts or powers off another, in the manner of a SoC power management unit
 * holding application cores, and reads each CPU's power state and executed-instruction
 * count. Every operation is queued as work on the target CPU's own thread (cpu-power.h).
 * The board owns the state and maps s->iomem; accesses run with the device lock held.
 */
#ifndef TANDEM_HW_MISC_POWERCTL_H
#define TANDEM_HW_MISC_POWERCTL_H

#include <stdint.h>

#include "hw/core/memory.h"

#define POWERCTL_MMIO_SIZE 0x1000
#define POWERCTL_ID_VALUE 0x54505752u /* "TPWR" */

/* Register offsets (docs/power-controller.md). */
enum {
    POWERCTL_ID = 0x00,
    POWERCTL_VERSION = 0x04,
    POWERCTL_NUM_CPUS = 0x08,
    POWERCTL_CPU = 0x10,
    POWERCTL_CMD = 0x14,
    POWERCTL_STATUS = 0x18,
    POWERCTL_ENTRY = 0x20,
    POWERCTL_CONTEXT = 0x28,
    POWERCTL_STATE = 0x30,
    POWERCTL_INSNS = 0x38,
};

enum {
    POWERCTL_CMD_HALT = 1,
    POWERCTL_CMD_RESUME = 2,
    POWERCTL_CMD_START = 3,
    POWERCTL_CMD_OFF = 4,
    POWERCTL_CMD_SYSTEM_RESET = 5, /* the whole machine; CPU is ignored */
};
enum {
    POWERCTL_STATUS_OK = 0,
    POWERCTL_STATUS_BAD_CPU = 1,
    POWERCTL_STATUS_BAD_CMD = 2,
    POWERCTL_STATUS_BAD_ENTRY = 3,
};

typedef struct PowerCtlState {
    MemoryRegion iomem;
    AddressSpace *as; /* where START entry points must lie in RAM */
    uint32_t cpu, status;
    uint64_t entry, context;
} PowerCtlState;

void powerctl_init(PowerCtlState *s, AddressSpace *as);
void powerctl_reset(PowerCtlState *s);

/* The operations behind CMD, shared with the monitor: POWERCTL_STATUS_*. Any thread. */
uint32_t powerctl_command(AddressSpace *as, int cpu_index, uint32_t cmd, uint64_t entry,
                          uint64_t context);

#endif
