/*
 * gicv3-dist.c — the GICv3 distributor (ARM IHI 0069, chapter 12.9 "The GIC Distributor
 * register map") for a single security state (GICD_CTLR.DS = 1, RAO) with affinity routing
 * always enabled (ARE RAO/WI: legacy operation is optional, IHI 0069 1.4.1). With ARE set the
 * distributor owns only SPIs: the SGI/PPI parts of its bit registers, IPRIORITYR and ICFGR are
 * RAZ/WI (they live in the redistributors), ITARGETSR and GICD_SGIR are RES0, and SPIs are
 * routed by GICD_IROUTER<n>.
 *
 * MMIO callbacks run with the device lock held (memory.h).
 */
#include <glib.h>

#include "hw/intc/gic-common.h"

enum {
    GICD_CTLR_ARE = 1u << 4,
    GICD_CTLR_DS = 1u << 6,
    GICD_IROUTER = 0x6000,
};

/* PIDR4..7, PIDR0..3, CIDR0..3 at 0xffd0: PIDR2.ArchRev [7:4] = 3 (GICv3). */
static const uint8_t gicv3_dist_id_regs[12] = {0x44, 0x00, 0x00, 0x00, 0x92, 0xb4,
                                               0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static const enum GICBitReg gicv3_bitregs[7] = {GIC_REG_IGROUPR,   GIC_REG_ISENABLER,
                                                GIC_REG_ICENABLER, GIC_REG_ISPENDR,
                                                GIC_REG_ICPENDR,   GIC_REG_ISACTIVER,
                                                GIC_REG_ICACTIVER};

static uint64_t gicv3_irouter_mask(uint64_t v)
{
    return v & (0xffull << 32 | 1ull << 31 | 0xffffffull); /* Aff3, IRM, Aff2..Aff0 */
}

static uint64_t gicv3_dist_read(void *opaque, uint64_t off, unsigned size)
{
    GICState *s = opaque;
    if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + GIC_NIRQ * 8) {
        uint64_t v = s->spi[(off - GICD_IROUTER) / 8 - 32].irouter;
        return size == 8 ? v : (uint32_t)(v >> (8 * (off & 4)));
    }
    if (off >= 0x400 && off < 0x800) {
        return off < 0x420 ? 0 : gic_priority_read(s, 0, (int)(off - 0x400), size);
    }
    if (size != 4) {
        return 0;
    }
    if (off == 0x0000) {
        return s->dist_ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
    }
    if (off == 0x0004) {
        /* ITLinesNumber [4:0], IDbits [23:19] = 9 (10-bit INTIDs); RSS [26] = 0 (SGI targets
         * have Aff0 0..15), A3V [24] = 0 (Aff3 is 0). CPUNumber [7:5] counts the PEs usable
         * without affinity routing, minus one; ARE is RAO here, so 0 (QEMU 7.2 reads 0 too,
         * for any -smp). */
        return (uint32_t)(GIC_NIRQ / 32 - 1) | 9u << 19;
    }
    if (off == 0x0008) {
        return 0x0300043b; /* IIDR: ARM (JEP106 0x43b) */
    }
    if (off >= 0x0080 && off < 0x0400) {
        int first = (int)(off & 0x7f) / 4 * 32;
        return first ? gic_bitreg_read(s, 0, gicv3_bitregs[off / 0x80 - 1], first) : 0;
    }
    if (off >= 0x0c00 && off < 0x0d00) {
        int first = (int)(off - 0xc00) / 4 * 16;
        return first >= 32 ? gic_icfgr_read(s, 0, first) : 0;
    }
    if (off >= 0xffd0) {
        return gicv3_dist_id_regs[(off - 0xffd0) / 4];
    }
    return 0;
}

static void gicv3_dist_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    GICState *s = opaque;
    if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + GIC_NIRQ * 8) {
        GICIrq *gi = &s->spi[(off - GICD_IROUTER) / 8 - 32];
        if (size == 8) {
            gi->irouter = gicv3_irouter_mask(value);
        } else if (size == 4) {
            unsigned shift = (off & 4) ? 32 : 0;
            uint64_t v = (gi->irouter & ~(0xffffffffull << shift)) | (value & 0xffffffffull) << shift;
            gi->irouter = gicv3_irouter_mask(v);
        }
        gic_update(s);
        return;
    }
    if (off >= 0x420 && off < 0x800) {
        gic_priority_write(s, 0, (int)(off - 0x400), value, size);
        return;
    }
    if (size != 4) {
        return;
    }
    uint32_t v = (uint32_t)value;
    if (off == 0x0000) {
        s->dist_ctlr = v & 3; /* EnableGrp0, EnableGrp1; ARE and DS are RAO/WI */
        gic_update(s);
    } else if (off >= 0x0080 && off < 0x0400 && (off & 0x7f) >= 4) {
        gic_bitreg_write(s, 0, gicv3_bitregs[off / 0x80 - 1], (int)(off & 0x7f) / 4 * 32, v);
    } else if (off >= 0x0c08 && off < 0x0d00) {
        gic_icfgr_write(s, 0, (int)(off - 0xc00) / 4 * 16, v);
    }
}

const MemoryRegionOps gicv3_dist_ops = {
    .read = gicv3_dist_read,
    .write = gicv3_dist_write,
    .min_access = 1,
    .max_access = 8,
};

void gicv3_init_regions(GICState *s, int ncpus, const uint64_t *mpidr, int region0_frames)
{
    gic_init(s, 3, ncpus, mpidr);
    s->redist0_frames = MIN(ncpus, region0_frames);
    memory_region_init_io(&s->dist_iomem, "gicv3.dist", GICV3_DIST_SIZE, &gicv3_dist_ops, s);
    memory_region_init_io(&s->redist_iomem, "gicv3.redist",
                          (uint64_t)s->redist0_frames * GICV3_REDIST_STRIDE, &gicv3_redist_ops, s);
    if (ncpus > s->redist0_frames) {
        memory_region_init_io(&s->redist_hi_iomem, "gicv3.redist2",
                              (uint64_t)(ncpus - s->redist0_frames) * GICV3_REDIST_STRIDE,
                              &gicv3_redist_hi_ops, s);
    }
}

void gicv3_init(GICState *s, int ncpus, const uint64_t *mpidr)
{
    gicv3_init_regions(s, ncpus, mpidr, ncpus);
}
