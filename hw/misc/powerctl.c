/*
 * powerctl.c — the power controller's registers (docs/power-controller.md). Commands queue
 * work on the target CPU (cpu-power.h) and return at once; the guest polls STATE to see
 * them done. Registers are 32 bits; ENTRY, CONTEXT and INSNS are 64 bits, readable and
 * writable whole or as two 32-bit halves. Runs with the device lock held.
 */
#include "hw/misc/powerctl.h"

#include <inttypes.h>

#include "cpu-exec/cpu-power.h"
#include "cpu-exec/vcpu.h"
#include "system/log.h"
#include "system/runstate.h"

uint32_t powerctl_command(AddressSpace *as, int cpu_index, uint32_t cmd, uint64_t entry,
                          uint64_t context)
{
    if (cmd == POWERCTL_CMD_SYSTEM_RESET) {
        runstate_request_reset();
        return POWERCTL_STATUS_OK;
    }
    if (cpu_index < 0 || cpu_index >= vcpu_count()) {
        return POWERCTL_STATUS_BAD_CPU;
    }
    CPUState *cpu = vcpu_get(cpu_index);
    switch (cmd) {
    case POWERCTL_CMD_HALT: cpu_power_halt(cpu); return POWERCTL_STATUS_OK;
    case POWERCTL_CMD_RESUME: cpu_power_resume(cpu); return POWERCTL_STATUS_OK;
    case POWERCTL_CMD_OFF: cpu_power_off(cpu); return POWERCTL_STATUS_OK;
    case POWERCTL_CMD_START:
        /* Like PSCI CPU_ON: an entry no CPU can fetch from is refused up front. */
        if ((entry & 3) || !address_space_ram_ptr(as, entry, 4)) {
            return POWERCTL_STATUS_BAD_ENTRY;
        }
        cpu_power_start(cpu, entry, context);
        return POWERCTL_STATUS_OK;
    default: return POWERCTL_STATUS_BAD_CMD;
    }
}

/* A 64-bit register accessed whole (offset 0, 8 bytes) or as a 32-bit half (offset 0/4). */
static uint64_t powerctl_read64(uint64_t reg, uint64_t off, unsigned size)
{
    return size == 8 ? reg : (uint32_t)(reg >> (8 * off));
}

static void powerctl_write64(uint64_t *reg, uint64_t off, uint64_t value, unsigned size)
{
    if (size == 8) {
        *reg = value;
        return;
    }
    uint64_t mask = 0xffffffffull << (8 * off);
    *reg = (*reg & ~mask) | ((value << (8 * off)) & mask);
}

static CPUState *powerctl_selected(PowerCtlState *s)
{
    return (int)s->cpu < vcpu_count() ? vcpu_get((int)s->cpu) : NULL;
}

static uint64_t powerctl_read(void *opaque, uint64_t offset, unsigned size)
{
    PowerCtlState *s = opaque;
    uint64_t reg = offset & ~7ull, off = offset & 7;
    switch (reg) {
    case POWERCTL_ENTRY: return powerctl_read64(s->entry, off, size);
    case POWERCTL_CONTEXT: return powerctl_read64(s->context, off, size);
    case POWERCTL_INSNS: {
        CPUState *cpu = powerctl_selected(s);
        return powerctl_read64(cpu ? cpu_insn_count(cpu) : 0, off, size);
    }
    default: break;
    }
    switch (offset) {
    case POWERCTL_ID: return POWERCTL_ID_VALUE;
    case POWERCTL_VERSION: return 1;
    case POWERCTL_NUM_CPUS: return (uint64_t)vcpu_count();
    case POWERCTL_CPU: return s->cpu;
    case POWERCTL_STATUS: return s->status;
    case POWERCTL_STATE: {
        CPUState *cpu = powerctl_selected(s);
        return cpu ? cpu_power_describe(cpu) : 0;
    }
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("powerctl: read of unknown register 0x%" PRIx64 "\n", offset);
        }
        return 0;
    }
}

static void powerctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PowerCtlState *s = opaque;
    uint64_t reg = offset & ~7ull, off = offset & 7;
    switch (reg) {
    case POWERCTL_ENTRY: powerctl_write64(&s->entry, off, value, size); return;
    case POWERCTL_CONTEXT: powerctl_write64(&s->context, off, value, size); return;
    default: break;
    }
    switch (offset) {
    case POWERCTL_CPU: s->cpu = (uint32_t)value; return;
    case POWERCTL_CMD:
        s->status = powerctl_command(s->as, (int)s->cpu, (uint32_t)value, s->entry, s->context);
        return;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("powerctl: write of 0x%" PRIx64 " to read-only or unknown register 0x%" PRIx64
                 "\n", value, offset);
        }
        return;
    }
}

static const MemoryRegionOps powerctl_ops = {
    .read = powerctl_read,
    .write = powerctl_write,
    .min_access = 4,
    .max_access = 8,
};

void powerctl_init(PowerCtlState *s, AddressSpace *as)
{
    s->as = as;
    memory_region_init_io(&s->iomem, "powerctl", POWERCTL_MMIO_SIZE, &powerctl_ops, s);
    powerctl_reset(s);
}

void powerctl_reset(PowerCtlState *s)
{
    s->cpu = 0;
    s->status = POWERCTL_STATUS_OK;
    s->entry = 0;
    s->context = 0;
}
