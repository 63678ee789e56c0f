/*
 * gicv2.c — the GICv2 register front ends (ARM IHI 0048B): the distributor (GICD_*, chapter
 * 4.3) and the memory-mapped CPU interface (GICC_*, chapter 4.4), without the Security
 * Extensions: both groups are visible to every access, GICC_CTLR has the "no Security
 * Extensions" layout (EnableGrp0 [0], EnableGrp1 [1], AckCtl [2], FIQEn [3], CBPR [4],
 * EOImode [9] for all interrupts), and the alias registers (ABPR, AIAR, AEOIR, AHPPIR) give the
 * group 1 view. Up to 8 CPUs; banked registers (SGIs/PPIs, the CPU interface) are selected by
 * the CPU making the access (gic_current_cpu).
 *
 * MMIO callbacks run with the device lock held (memory.h). Word registers accept 32-bit
 * accesses only, except those the spec makes byte-accessible (IPRIORITYR, ITARGETSR,
 * CPENDSGIR, SPENDSGIR); other sizes read as 0 and ignore writes.
 */
#include <glib.h>

#include "hw/intc/gic-common.h"
#include "system/log.h"

/* GIC-400's identification values: PIDR2.ArchRev [7:4] = 2 (GICv2). */
static const uint8_t gicv2_id_regs[12] = {0x04, 0x00, 0x00, 0x00, 0x90, 0xb4,
                                          0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* ---- distributor ---- */

static uint8_t gicv2_targets_read(GICState *s, int cpu, int irq)
{
    if (irq < 32) {
        return (uint8_t)(1u << cpu); /* banked, read-only: the reading CPU (4.3.12) */
    }
    return irq < GIC_NIRQ ? s->spi[irq - 32].targets : 0;
}

static void gicv2_send_sgi(GICState *s, int self, uint32_t value)
{
    int irq = value & 0xf;
    unsigned filter = (value >> 24) & 3, list = (value >> 16) & 0xff;
    if (filter == 1) {
        list = ((1u << s->ncpus) - 1) & ~(1u << self); /* all but the requester */
    } else if (filter == 2) {
        list = 1u << self;
    } else if (filter == 3) {
        return; /* reserved */
    }
    for (int t = 0; t < s->ncpus; t++) {
        if ((list >> t) & 1) {
            s->cpu[t].sgi_sources[irq] |= (uint8_t)(1u << self);
        }
    }
    gic_update(s);
}

static uint32_t gicv2_dist_read32(GICState *s, int cpu, uint64_t off)
{
    if (off == 0x000) {
        return s->dist_ctlr;
    }
    if (off == 0x004) {
        /* ITLinesNumber [4:0] = 32 * (N + 1) interrupts; CPUNumber [7:5]; no SecurityExtn. */
        return (uint32_t)(GIC_NIRQ / 32 - 1) | (uint32_t)(s->ncpus - 1) << 5;
    }
    if (off == 0x008) {
        return 0x0200043b; /* IIDR: ARM (JEP106 0x43b), revision 2 */
    }
    if (off >= 0x080 && off < 0x400) {
        /* IGROUPR, ISENABLER, ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER: 0x80 each */
        static const enum GICBitReg regs[7] = {GIC_REG_IGROUPR,   GIC_REG_ISENABLER,
                                               GIC_REG_ICENABLER, GIC_REG_ISPENDR,
                                               GIC_REG_ICPENDR,   GIC_REG_ISACTIVER,
                                               GIC_REG_ICACTIVER};
        return gic_bitreg_read(s, cpu, regs[off / 0x80 - 1], (int)(off & 0x7f) / 4 * 32);
    }
    if (off >= 0xc00 && off < 0xd00) {
        return gic_icfgr_read(s, cpu, (int)(off - 0xc00) / 4 * 16);
    }
    if (off >= 0xfd0) {
        return gicv2_id_regs[(off - 0xfd0) / 4];
    }
    return 0;
}

static uint64_t gicv2_dist_read(void *opaque, uint64_t off, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_current_cpu(s);
    if (off >= 0x400 && off < 0x800) {
        return gic_priority_read(s, cpu, (int)(off - 0x400), size);
    }
    if (off >= 0x800 && off < 0xc00) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)gicv2_targets_read(s, cpu, (int)(off - 0x800 + i)) << (8 * i);
        }
        return v;
    }
    if (off >= 0xf10 && off < 0xf30) {
        /* CPENDSGIR / SPENDSGIR: one byte of source CPUs per SGI (4.3.15, 4.3.16) */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            int irq = (int)((off & 0xf) + i);
            v |= (uint64_t)(irq < 16 ? s->cpu[cpu].sgi_sources[irq] : 0) << (8 * i);
        }
        return v;
    }
    if (size != 4) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("gicv2: %u-byte read of GICD+0x%llx\n", size, (unsigned long long)off);
        }
        return 0;
    }
    return gicv2_dist_read32(s, cpu, off);
}

static void gicv2_dist_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_current_cpu(s);
    if (off >= 0x400 && off < 0x800) {
        gic_priority_write(s, cpu, (int)(off - 0x400), value, size);
        return;
    }
    if (off >= 0x800 && off < 0xc00) {
        for (unsigned i = 0; i < size; i++) {
            int irq = (int)(off - 0x800 + i);
            if (irq >= 32 && irq < GIC_NIRQ) {
                uint8_t mask = (uint8_t)((1u << s->ncpus) - 1);
                s->spi[irq - 32].targets = (uint8_t)(value >> (8 * i)) & mask;
            }
        }
        gic_update(s);
        return;
    }
    if (off >= 0xf10 && off < 0xf30) {
        bool set = off >= 0xf20;
        for (unsigned i = 0; i < size; i++) {
            int irq = (int)((off & 0xf) + i);
            uint8_t bits = (uint8_t)(value >> (8 * i));
            if (set) {
                s->cpu[cpu].sgi_sources[irq] |= bits & (uint8_t)((1u << s->ncpus) - 1);
            } else {
                s->cpu[cpu].sgi_sources[irq] &= (uint8_t)~bits;
            }
        }
        gic_update(s);
        return;
    }
    if (size != 4) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("gicv2: %u-byte write of GICD+0x%llx\n", size, (unsigned long long)off);
        }
        return;
    }
    uint32_t v = (uint32_t)value;
    if (off == 0x000) {
        s->dist_ctlr = v & 3;
        gic_update(s);
    } else if (off >= 0x080 && off < 0x400) {
        static const enum GICBitReg regs[7] = {GIC_REG_IGROUPR,   GIC_REG_ISENABLER,
                                               GIC_REG_ICENABLER, GIC_REG_ISPENDR,
                                               GIC_REG_ICPENDR,   GIC_REG_ISACTIVER,
                                               GIC_REG_ICACTIVER};
        gic_bitreg_write(s, cpu, regs[off / 0x80 - 1], (int)(off & 0x7f) / 4 * 32, v);
    } else if (off >= 0xc00 && off < 0xd00) {
        gic_icfgr_write(s, cpu, (int)(off - 0xc00) / 4 * 16, v);
    } else if (off == 0xf00) {
        gicv2_send_sgi(s, cpu, v);
    }
}

const MemoryRegionOps gicv2_dist_ops = {
    .read = gicv2_dist_read,
    .write = gicv2_dist_write,
    .min_access = 1,
    .max_access = 4,
};

/* ---- CPU interface ---- */

enum {
    GICC_CTLR_ACKCTL = 1u << 2,
    GICC_CTLR_EOIMODE = 1u << 9,
};

/* The interrupt GICC_IAR (grpmask 3) or GICC_AIAR (grpmask 2) would return, or 1023: the
 * highest-priority pending interrupt only if it passes PMR and preempts (4.4.4). */
static int gicv2_cpu_hppi(GICState *s, int cpu, unsigned grpmask, bool need_priority)
{
    int irq = gic_hppi(s, cpu, gic_cpuif_grpmask(s, cpu));
    if (irq == GIC_INTID_SPURIOUS) {
        return irq;
    }
    const GICIrq *gi = gic_irq(s, cpu, irq);
    if (!((grpmask >> gi->group1) & 1)) {
        return GIC_INTID_SPURIOUS;
    }
    if (need_priority &&
        (gi->priority >= s->cpu[cpu].pmr ||
         gic_group_priority(s, cpu, gi->group1, gi->priority) >= gic_running_priority(s, cpu))) {
        return GIC_INTID_SPURIOUS;
    }
    /* GICC_IAR/HPPIR with AckCtl = 0 do not hand out group 1 interrupts (4.4.4). */
    if (grpmask == 3 && gi->group1 && !(s->cpu[cpu].ctlr & GICC_CTLR_ACKCTL)) {
        return GIC_INTID_GRP1_ON_GRP0;
    }
    return irq;
}

static uint32_t gicv2_cpu_iar(GICState *s, int cpu, unsigned grpmask)
{
    int irq = gicv2_cpu_hppi(s, cpu, grpmask, true);
    if (irq >= GIC_INTID_GRP1_ON_GRP0) {
        return (uint32_t)irq;
    }
    return gic_acknowledge(s, cpu, irq);
}

static uint32_t gicv2_cpu_hppir(GICState *s, int cpu, unsigned grpmask)
{
    int irq = gicv2_cpu_hppi(s, cpu, grpmask, false);
    if (irq < 16) {
        /* An SGI reports its lowest-numbered pending source, as IAR would. */
        irq |= __builtin_ctz(s->cpu[cpu].sgi_sources[irq]) << 10;
    }
    return (uint32_t)irq;
}

static void gicv2_cpu_eoi(GICState *s, int cpu, uint32_t value)
{
    int irq = value & 0x3ff;
    if (irq >= GIC_NIRQ) {
        return; /* spurious or out-of-range IDs: ignored (4.4.5) */
    }
    gic_priority_drop(s, cpu);
    if (!(s->cpu[cpu].ctlr & GICC_CTLR_EOIMODE)) {
        gic_deactivate(s, cpu, irq);
    }
}

static uint64_t gicv2_cpu_read(void *opaque, uint64_t off, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_current_cpu(s);
    GICCpu *c = &s->cpu[cpu];
    switch (off) {
    case 0x00:
        return c->ctlr;
    case 0x04:
        return c->pmr;
    case 0x08:
        return c->bpr0;
    case 0x0c:
        return gicv2_cpu_iar(s, cpu, 3);
    case 0x14:
        return gic_running_priority(s, cpu);
    case 0x18:
        return gicv2_cpu_hppir(s, cpu, 3);
    case 0x1c:
        return c->bpr1;
    case 0x20:
        return gicv2_cpu_iar(s, cpu, 2);
    case 0x28:
        return gicv2_cpu_hppir(s, cpu, 2);
    case 0xd0:
        return c->apr[0];
    case 0xe0:
        return c->apr[1];
    case 0xfc:
        return 0x0202043b; /* GICC_IIDR: ArchitectureVersion [19:16] = 2, ARM */
    default:
        return 0;
    }
}

static void gicv2_cpu_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    GICState *s = opaque;
    int cpu = gic_current_cpu(s);
    GICCpu *c = &s->cpu[cpu];
    uint32_t v = (uint32_t)value;
    switch (off) {
    case 0x00:
        c->ctlr = v & 0x7ff;
        break;
    case 0x04:
        c->pmr = (uint8_t)v & GIC_PRIO_MASK;
        break;
    case 0x08:
        c->bpr0 = (uint8_t)MAX(v & 7, 2u);
        break;
    case 0x10:
    case 0x24:
        gicv2_cpu_eoi(s, cpu, v);
        return;
    case 0x1c:
        c->bpr1 = (uint8_t)MAX(v & 7, 3u);
        break;
    case 0xd0:
        c->apr[0] = v;
        break;
    case 0xe0:
        c->apr[1] = v;
        break;
    case 0x1000:
        if ((v & 0x3ff) < GIC_NIRQ) {
            gic_deactivate(s, cpu, (int)(v & 0x3ff)); /* GICC_DIR (4.4.15) */
        }
        return;
    default:
        return;
    }
    gic_update(s);
}

const MemoryRegionOps gicv2_cpu_ops = {
    .read = gicv2_cpu_read,
    .write = gicv2_cpu_write,
    .min_access = 4,
    .max_access = 4,
};

void gicv2_init(GICState *s, int ncpus, const uint64_t *mpidr)
{
    gic_init(s, 2, ncpus, mpidr);
    memory_region_init_io(&s->dist_iomem, "gicv2.dist", GICV2_DIST_SIZE, &gicv2_dist_ops, s);
    memory_region_init_io(&s->cpu_iomem, "gicv2.cpu", GICV2_CPU_SIZE, &gicv2_cpu_ops, s);
}
