/*
 * reset-control.c — port 0xCF9. A write with RST_CPU (bit 2) set requests a machine reset;
 * soft (bit 1 clear) and hard resets are the same here, as on QEMU, since Tandem's reset
 * re-initialises the whole machine. The SYS_RST and FULL_RST bits are kept for read-back.
 * Runs with the device lock held (I/O dispatch).
 */
#include "hw/x86/reset-control.h"

#include "system/runstate.h"

static uint64_t reset_control_read(void *opaque, uint64_t off, unsigned size)
{
    ResetControlState *s = opaque;
    return s->value;
}

static void reset_control_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    ResetControlState *s = opaque;
    s->value = (uint8_t)(value & (RST_CNT_SYS_RST | RST_CNT_FULL_RST));
    if (value & RST_CNT_RST_CPU) {
        runstate_request_reset();
    }
}

const MemoryRegionOps reset_control_ops = {
    .read = reset_control_read,
    .write = reset_control_write,
    .min_access = 1,
    .max_access = 1,
};

void reset_control_reset(ResetControlState *s) { s->value = 0; }

void reset_control_init(ResetControlState *s)
{
    *s = (ResetControlState){0};
    memory_region_init_io(&s->io, "reset-control", 1, &reset_control_ops, s);
}
