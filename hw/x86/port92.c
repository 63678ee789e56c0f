/*
 * port92.c — System Control Port A (0x92) and the A20 combiner (see port92.h for the
 * wiring). Facts: Intel ICH datasheets, "Port 92h: NMI/Reset Control... ALT_A20_GATE bit 1,
 * INIT_NOW bit 0" and the A20M# description. Runs with the device lock held (I/O dispatch,
 * the i8042's output port write).
 */
#include "hw/x86/port92.h"

#include "system/runstate.h"

static void port92_drive(Port92State *s, int level)
{
    /* OR mode drives only changes; LAST mode passes every write on (QEMU's behaviour). */
    if (level != s->a20_level || s->combine == A20_COMBINE_LAST) {
        s->a20_level = level;
        irq_set_level(&s->a20_out, level);
    }
}

void port92_a20_set(void *opaque, int n, int level)
{
    Port92State *s = opaque;
    s->in[n & 1] = level != 0;
    if (s->combine == A20_COMBINE_LAST) {
        port92_drive(s, level != 0);
    } else {
        port92_drive(s, s->in[0] || s->in[1]);
    }
}

IRQLine port92_a20_kbc_line(Port92State *s)
{
    return (IRQLine){.handler = port92_a20_set, .opaque = s, .n = A20_IN_KBC};
}

bool port92_a20_enabled(const Port92State *s) { return s->a20_level == 1; }

static uint64_t port92_read(void *opaque, uint64_t off, unsigned size)
{
    Port92State *s = opaque;
    return s->value;
}

static void port92_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    Port92State *s = opaque;
    bool init_rise = (value & PORT92_INIT_NOW) && !(s->value & PORT92_INIT_NOW);
    s->value = (uint8_t)(value & (PORT92_INIT_NOW | PORT92_A20));
    port92_a20_set(s, A20_IN_PORT92, (value & PORT92_A20) != 0);
    if (init_rise) {
        runstate_request_reset();
    }
}

const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .min_access = 1,
    .max_access = 1,
};

void port92_reset(Port92State *s)
{
    s->value = 0;
    s->in[A20_IN_PORT92] = false;
    /* The KBC input keeps its level: the i8042's own reset drives it again. */
    port92_drive(s, s->combine == A20_COMBINE_LAST ? s->a20_level == 1 : s->in[A20_IN_KBC]);
}

void port92_init(Port92State *s, A20Combine combine, IRQLine a20_out)
{
    *s = (Port92State){.combine = combine, .a20_out = a20_out, .a20_level = -1};
    memory_region_init_io(&s->io, "port92", 1, &port92_ops, s);
    port92_reset(s);
}
