/*
 * gicv3-redist.c — the GICv3 redistributors (ARM IHI 0069, 12.10 and 12.11): one 128 KiB
 * block per CPU, RD_base (control, identification, power management) followed by SGI_base
 * (the CPU's SGIs and PPIs). No LPIs: GICR_TYPER.PLPIS = 0, GICR_CTLR reads 0.
 * GICR_WAKER: clearing ProcessorSleep wakes the interface and ChildrenAsleep follows at once
 * (the handshake Linux's gic_enable_redist polls on). The frames sit in two regions (QEMU
 * virt's layout for more CPUs than its first window holds): gicv3_redist_ops serves CPUs
 * 0..redist0_frames-1, gicv3_redist_hi_ops the rest; software finds the end of each region by
 * GICR_TYPER.Last (IHI 0069 12.11.35), so the last frame of each region has it set.
 *
 * MMIO callbacks run with the device lock held (memory.h).
 */
#include <glib.h>

#include "hw/intc/gic-common.h"

enum {
    GICR_SGI_BASE = 0x10000,
    GICR_WAKER_PROCESSOR_SLEEP = 1u << 1,
    GICR_WAKER_CHILDREN_ASLEEP = 1u << 2,
};

static const uint8_t gicv3_redist_id_regs[12] = {0x44, 0x00, 0x00, 0x00, 0x93, 0xb4,
                                                 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static const enum GICBitReg gicv3_redist_bitregs[7] = {
    GIC_REG_IGROUPR, GIC_REG_ISENABLER, GIC_REG_ICENABLER, GIC_REG_ISPENDR,
    GIC_REG_ICPENDR, GIC_REG_ISACTIVER, GIC_REG_ICACTIVER};

static uint64_t gicv3_redist_typer(GICState *s, int cpu)
{
    uint64_t mpidr = s->cpu[cpu].mpidr;
    /* Affinity_Value [63:32] = Aff3.Aff2.Aff1.Aff0, Processor_Number [23:8], Last [4]. */
    uint64_t aff = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000ull);
    bool last = cpu == s->ncpus - 1 || cpu == s->redist0_frames - 1;
    return aff << 32 | (uint64_t)cpu << 8 | (last ? 1u << 4 : 0);
}

static uint64_t gicv3_redist_read_cpu(GICState *s, int cpu, uint64_t off, unsigned size)
{
    if (off == 0x0008) {
        uint64_t v = gicv3_redist_typer(s, cpu);
        return size == 8 ? v : (uint32_t)v;
    }
    if (off == 0x000c && size == 4) {
        return gicv3_redist_typer(s, cpu) >> 32;
    }
    if (off >= GICR_SGI_BASE + 0x400 && off < GICR_SGI_BASE + 0x420) {
        return gic_priority_read(s, cpu, (int)(off - GICR_SGI_BASE - 0x400), size);
    }
    if (size != 4) {
        return 0;
    }
    switch (off) {
    case 0x0004:
        return 0x0300043b; /* GICR_IIDR */
    case 0x0014: {
        bool sleep = s->cpu[cpu].processor_sleep;
        return sleep ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
    }
    case GICR_SGI_BASE + 0x0c00:
        return gic_icfgr_read(s, cpu, 0);
    case GICR_SGI_BASE + 0x0c04:
        return gic_icfgr_read(s, cpu, 16);
    default:
        break;
    }
    if (off >= GICR_SGI_BASE + 0x80 && off < GICR_SGI_BASE + 0x400 && (off & 0x7f) == 0) {
        return gic_bitreg_read(s, cpu, gicv3_redist_bitregs[(off - GICR_SGI_BASE) / 0x80 - 1], 0);
    }
    if (off >= 0xffd0 && off < 0x10000) {
        return gicv3_redist_id_regs[(off - 0xffd0) / 4];
    }
    return 0;
}

static void gicv3_redist_write_cpu(GICState *s, int cpu, uint64_t off, uint64_t value,
                                   unsigned size)
{
    if (off >= GICR_SGI_BASE + 0x400 && off < GICR_SGI_BASE + 0x420) {
        gic_priority_write(s, cpu, (int)(off - GICR_SGI_BASE - 0x400), value, size);
        return;
    }
    if (size != 4) {
        return;
    }
    uint32_t v = (uint32_t)value;
    if (off == 0x0014) {
        s->cpu[cpu].processor_sleep = (v & GICR_WAKER_PROCESSOR_SLEEP) != 0;
    } else if (off == GICR_SGI_BASE + 0x0c00) {
        gic_icfgr_write(s, cpu, 0, v);
    } else if (off == GICR_SGI_BASE + 0x0c04) {
        gic_icfgr_write(s, cpu, 16, v);
    } else if (off >= GICR_SGI_BASE + 0x80 && off < GICR_SGI_BASE + 0x400 && (off & 0x7f) == 0) {
        gic_bitreg_write(s, cpu, gicv3_redist_bitregs[(off - GICR_SGI_BASE) / 0x80 - 1], 0, v);
    }
}

/* ---- the two regions: frame index -> CPU ---- */

static uint64_t gicv3_redist_read(void *opaque, uint64_t addr, unsigned size)
{
    int cpu = (int)(addr / GICV3_REDIST_STRIDE);
    return gicv3_redist_read_cpu(opaque, cpu, addr % GICV3_REDIST_STRIDE, size);
}

static void gicv3_redist_write(void *opaque, uint64_t addr, uint64_t value, unsigned size)
{
    int cpu = (int)(addr / GICV3_REDIST_STRIDE);
    gicv3_redist_write_cpu(opaque, cpu, addr % GICV3_REDIST_STRIDE, value, size);
}

static uint64_t gicv3_redist_hi_read(void *opaque, uint64_t addr, unsigned size)
{
    GICState *s = opaque;
    int cpu = s->redist0_frames + (int)(addr / GICV3_REDIST_STRIDE);
    return gicv3_redist_read_cpu(s, cpu, addr % GICV3_REDIST_STRIDE, size);
}

static void gicv3_redist_hi_write(void *opaque, uint64_t addr, uint64_t value, unsigned size)
{
    GICState *s = opaque;
    int cpu = s->redist0_frames + (int)(addr / GICV3_REDIST_STRIDE);
    gicv3_redist_write_cpu(s, cpu, addr % GICV3_REDIST_STRIDE, value, size);
}

const MemoryRegionOps gicv3_redist_ops = {
    .read = gicv3_redist_read,
    .write = gicv3_redist_write,
    .min_access = 1,
    .max_access = 8,
};

const MemoryRegionOps gicv3_redist_hi_ops = {
    .read = gicv3_redist_hi_read,
    .write = gicv3_redist_hi_write,
    .min_access = 1,
    .max_access = 8,
};
