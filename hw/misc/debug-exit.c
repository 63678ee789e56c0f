/*
 * debug-exit.c — isa-debug-exit: a write of v requests shutdown with status (v << 1) | 1, as
 * QEMU's device does; reads return 0 (QEMU's region has no read side). The shutdown request
 * is final and the first status wins (system/runstate.c). The process exit status keeps only
 * the low 8 bits, as on QEMU. Runs with the device lock held (I/O dispatch).
 */
#include "hw/misc/debug-exit.h"

#include <errno.h>

#include "system/runstate.h"

int debug_exit_status(uint64_t value) { return (int)(((uint32_t)value << 1) | 1); }

static uint64_t debug_exit_read(void *opaque, uint64_t off, unsigned size) { return 0; }

static void debug_exit_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    runstate_request_shutdown(debug_exit_status(value));
}

const MemoryRegionOps debug_exit_ops = {
    .read = debug_exit_read,
    .write = debug_exit_write,
    .min_access = 1,
    .max_access = 4,
};

int debug_exit_init(DebugExitState *s, uint32_t iobase, uint32_t iosize)
{
    if (iosize == 0 || iosize > 8 || iobase > 0xffff || iobase + iosize > 0x10000) {
        return -EINVAL;
    }
    *s = (DebugExitState){.iobase = (uint16_t)iobase, .iosize = (uint16_t)iosize};
    memory_region_init_io(&s->io, "isa-debug-exit", iosize, &debug_exit_ops, s);
    return 0;
}
