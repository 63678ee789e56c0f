/*
 * test-gic.c — the GICv2 and GICv3 models through their MMIO callbacks and the ICC_* register
 * functions, with a fake CPU whose IRQ/FIQ inputs are recorded: identification, enable and
 * group masks, priority masking (PMR), preemption through the running priority, level and
 * edge inputs, SGIs with their source CPU (GICv2) and affinity targets (GICv3), EOI modes,
 * redistributor identification and the GICR_WAKER handshake.
 */
#include <criterion/criterion.h>

#include "hw/intc/gic-common.h"

static GICState gic;
static int irq_out[GIC_MAX_CPUS], fiq_out[GIC_MAX_CPUS];
static int acting_cpu;

static void sink(void *opaque, int n, int level)
{
    int cpu = (int)(intptr_t)opaque;
    (n ? fiq_out : irq_out)[cpu] = level;
}

static int fake_current_cpu(void) { return acting_cpu; }

static void wire(int ncpus)
{
    for (int i = 0; i < ncpus; i++) {
        gic.cpu[i].irq_out = (IRQLine){sink, (void *)(intptr_t)i, 0};
        gic.cpu[i].fiq_out = (IRQLine){sink, (void *)(intptr_t)i, 1};
        irq_out[i] = fiq_out[i] = 0;
    }
    gic.current_cpu_fn = fake_current_cpu;
    acting_cpu = 0;
}

static void setup_v2(void)
{
    uint64_t mpidr[2] = {0x80000000, 0x80000001};
    gicv2_init(&gic, 2, mpidr);
    wire(2);
}

static void setup_v3(void)
{
    uint64_t mpidr[3] = {0x80000000, 0x80000001, 0x80000100};
    gicv3_init(&gic, 3, mpidr);
    wire(3);
}

static uint32_t d_rd(uint64_t off) { return (uint32_t)gic.dist_iomem.ops->read(&gic, off, 4); }
static void d_wr(uint64_t off, uint32_t v) { gic.dist_iomem.ops->write(&gic, off, v, 4); }
static void d_wr8(uint64_t off, uint8_t v) { gic.dist_iomem.ops->write(&gic, off, v, 1); }
static uint32_t c_rd(uint64_t off) { return (uint32_t)gicv2_cpu_ops.read(&gic, off, 4); }
static void c_wr(uint64_t off, uint32_t v) { gicv2_cpu_ops.write(&gic, off, v, 4); }
static uint64_t r_rd(int cpu, uint64_t off, unsigned size)
{
    return gicv3_redist_ops.read(&gic, (uint64_t)cpu * GICV3_REDIST_STRIDE + off, size);
}
static void r_wr(int cpu, uint64_t off, uint32_t v)
{
    gicv3_redist_ops.write(&gic, (uint64_t)cpu * GICV3_REDIST_STRIDE + off, v, 4);
}

/* ---- GICv2 ---- */

TestSuite(gicv2, .init = setup_v2);

Test(gicv2, identification)
{
    cr_assert_eq(d_rd(0x004), 8 | 1 << 5); /* 288 IRQs, 2 CPUs */
    cr_assert_eq((d_rd(0xfe8) >> 4) & 0xf, 2);
    cr_assert_eq((c_rd(0xfc) >> 16) & 0xf, 2);
    /* ITARGETSR of banked interrupts reads the accessing CPU */
    cr_assert_eq(d_rd(0x800), 0x01010101);
    acting_cpu = 1;
    cr_assert_eq(d_rd(0x81c), 0x02020202);
}

static void v2_enable_spi(int irq, uint8_t prio)
{
    d_wr(0x000, 3);
    c_wr(0x000, 3);
    c_wr(0x004, 0xf0);
    d_wr8(0x400 + irq, prio);
    d_wr8(0x800 + irq, 1);
    d_wr(0x100 + irq / 32 * 4, 1u << (irq % 32));
}

Test(gicv2, level_spi_ack_eoi)
{
    v2_enable_spi(33, 0x80);
    IRQLine l = gic_spi_line(&gic, 1);
    irq_set_level(&l, 1);
    cr_assert_eq(irq_out[0], 1);
    cr_assert_eq(irq_out[1], 0, "not targeted at CPU 1");
    cr_assert_eq(c_rd(0x18), 33);
    cr_assert_eq(c_rd(0x0c), 33);
    cr_assert_eq(irq_out[0], 0, "active: no longer signalled");
    cr_assert_eq(c_rd(0x14), 0x80, "running priority");
    cr_assert_eq(c_rd(0x0c), GIC_INTID_SPURIOUS);
    c_wr(0x10, 33);
    cr_assert_eq(irq_out[0], 1, "still asserted: pending again after EOI");
    irq_set_level(&l, 0);
    cr_assert_eq(irq_out[0], 0);
    cr_assert_eq(c_rd(0x14), 0xff);
}

Test(gicv2, pmr_masks_and_distributor_enable)
{
    v2_enable_spi(40, 0xf0);
    d_wr(0x200 + 4, 1u << 8); /* ISPENDR: INTID 40 */
    cr_assert_eq(irq_out[0], 0, "priority 0xf0 not above PMR 0xf0");
    cr_assert_eq(c_rd(0x0c), GIC_INTID_SPURIOUS);
    c_wr(0x004, 0xf8);
    cr_assert_eq(irq_out[0], 1);
    d_wr(0x000, 0);
    cr_assert_eq(irq_out[0], 0, "distributor disabled");
    d_wr(0x000, 1);
    cr_assert_eq(irq_out[0], 1);
    d_wr(0x280 + 4, 1u << 8); /* ICPENDR */
    cr_assert_eq(irq_out[0], 0);
}

Test(gicv2, preemption_by_running_priority)
{
    v2_enable_spi(50, 0x80);
    v2_enable_spi(51, 0x40);
    v2_enable_spi(52, 0xa0);
    d_wr(0x204, 1u << 18); /* 50 pending */
    cr_assert_eq(c_rd(0x0c), 50);
    d_wr(0x204, 1u << 20); /* 52: lower priority, must wait */
    cr_assert_eq(irq_out[0], 0);
    d_wr(0x204, 1u << 19); /* 51: higher priority, preempts */
    cr_assert_eq(irq_out[0], 1);
    cr_assert_eq(c_rd(0x0c), 51);
    cr_assert_eq(c_rd(0x14), 0x40);
    c_wr(0x10, 51);
    cr_assert_eq(c_rd(0x14), 0x80);
    c_wr(0x10, 50);
    cr_assert_eq(c_rd(0x0c), 52);
}

Test(gicv2, binary_point_limits_preemption)
{
    c_wr(0x008, 7); /* group priority is nothing: no preemption at all */
    cr_assert_eq(c_rd(0x008), 7);
    v2_enable_spi(50, 0x80);
    v2_enable_spi(51, 0x40);
    c_wr(0x008, 7);
    d_wr(0x204, 1u << 18);
    cr_assert_eq(c_rd(0x0c), 50);
    d_wr(0x204, 1u << 19);
    cr_assert_eq(irq_out[0], 0);
    c_wr(0x008, 0);
    cr_assert_eq(c_rd(0x008), 2, "minimum binary point with 5 priority bits");
}

Test(gicv2, edge_spi_latches)
{
    v2_enable_spi(34, 0x10);
    d_wr(0xc08, 2u << 4); /* ICFGR2: INTID 34 edge */
    IRQLine l = gic_spi_line(&gic, 2);
    irq_set_level(&l, 1);
    irq_set_level(&l, 0);
    cr_assert_eq(irq_out[0], 1, "edge latched after the line dropped");
    cr_assert_eq(c_rd(0x0c), 34);
    c_wr(0x10, 34);
    cr_assert_eq(irq_out[0], 0);
}

Test(gicv2, sgi_source_and_targets)
{
    d_wr(0x000, 3);
    for (int cpu = 0; cpu < 2; cpu++) {
        acting_cpu = cpu;
        c_wr(0x000, 3);
        c_wr(0x004, 0xff);
        d_wr(0x100, 0xffff);
    }
    acting_cpu = 1;
    d_wr(0xf00, 5 | 1u << 16); /* CPU 1 sends SGI 5 to CPU 0 */
    cr_assert_eq(irq_out[0], 1);
    cr_assert_eq(irq_out[1], 0);
    acting_cpu = 0;
    d_wr(0xf00, 5 | 2u << 24); /* CPU 0 sends SGI 5 to itself */
    cr_assert_eq((d_rd(0xf24) >> 8) & 0xff, 3, "SPENDSGIR1 byte 1 (SGI 5): sources 0 and 1");
    cr_assert_eq(c_rd(0x0c), 5, "source 0 first");
    c_wr(0x10, 5);
    cr_assert_eq(c_rd(0x0c), 5 | 1u << 10, "then source CPU 1 in [12:10]");
    c_wr(0x10, 5 | 1u << 10);
    cr_assert_eq(c_rd(0x0c), GIC_INTID_SPURIOUS);
    d_wr(0xf00, 3 | 1u << 24); /* all but self */
    cr_assert_eq(irq_out[1], 1);
    cr_assert_eq(irq_out[0], 0);
}

Test(gicv2, group0_fiq_and_group1_ackctl)
{
    v2_enable_spi(60, 0x20);
    c_wr(0x000, 3 | 1u << 3); /* FIQEn */
    d_wr(0x204, 1u << 28);
    cr_assert_eq(fiq_out[0], 1);
    cr_assert_eq(irq_out[0], 0);
    d_wr(0x084, 1u << 28); /* IGROUPR1: INTID 60 group 1 */
    cr_assert_eq(fiq_out[0], 0);
    cr_assert_eq(irq_out[0], 1);
    cr_assert_eq(c_rd(0x0c), GIC_INTID_GRP1_ON_GRP0, "AckCtl = 0");
    cr_assert_eq(c_rd(0x28), 60, "AHPPIR");
    cr_assert_eq(c_rd(0x20), 60, "AIAR acknowledges group 1");
    c_wr(0x24, 60);
    cr_assert_eq(d_rd(0x304) & (1u << 28), 0, "AEOIR deactivated");
}

Test(gicv2, eoimode_split_and_dir)
{
    v2_enable_spi(61, 0x20);
    c_wr(0x000, 3 | 1u << 9);
    d_wr(0x204, 1u << 29);
    cr_assert_eq(c_rd(0x0c), 61);
    c_wr(0x10, 61);
    cr_assert_eq(c_rd(0x14), 0xff, "priority dropped");
    cr_assert_neq(d_rd(0x304) & (1u << 29), 0, "still active");
    c_wr(0x1000, 61);
    cr_assert_eq(d_rd(0x304) & (1u << 29), 0);
}

Test(gicv2, reset_clears)
{
    v2_enable_spi(33, 0x80);
    d_wr(0x204, 2);
    cr_assert_eq(irq_out[0], 1);
    gic_reset(&gic);
    cr_assert_eq(irq_out[0], 0);
    cr_assert_eq(d_rd(0x000), 0);
    cr_assert_eq(c_rd(0x008), 2);
}

/* ---- GICv3 ---- */

TestSuite(gicv3, .init = setup_v3);

static void v3_cpu_on(int cpu)
{
    gicv3_cpuif_write(&gic, cpu, ICC_PMR, 0xff);
    gicv3_cpuif_write(&gic, cpu, ICC_IGRPEN1, 1);
    gicv3_cpuif_write(&gic, cpu, ICC_IGRPEN0, 1);
}

Test(gicv3, identification)
{
    cr_assert_eq(d_rd(0x0000) & 0x50, 0x50, "ARE and DS read as one");
    cr_assert_eq((d_rd(0xffe8) >> 4) & 0xf, 3);
    cr_assert_eq(d_rd(0x0004) & 0x1f, 8);
    cr_assert_eq((r_rd(0, 0xffe8, 4) >> 4) & 0xf, 3);
    cr_assert_eq(r_rd(0, 0x0008, 8), 0ull << 32 | 0 << 8);
    cr_assert_eq(r_rd(1, 0x0008, 8), 1ull << 32 | 1 << 8);
    cr_assert_eq(r_rd(2, 0x0008, 8), 0x100ull << 32 | 2 << 8 | 1 << 4, "Last");
    cr_assert_eq(r_rd(2, 0x000c, 4), 0x100);
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_SRE), 7);
    cr_assert_eq((gicv3_cpuif_read(&gic, 0, ICC_CTLR) >> 8) & 7, 4);
}

Test(gicv3, waker_handshake)
{
    cr_assert_eq(r_rd(0, 0x14, 4), 6);
    r_wr(0, 0x14, 0);
    cr_assert_eq(r_rd(0, 0x14, 4), 0);
    r_wr(0, 0x14, 2);
    cr_assert_eq(r_rd(0, 0x14, 4), 6);
}

Test(gicv3, sgi_to_self_and_affinity)
{
    d_wr(0x0000, 3);
    for (int cpu = 0; cpu < 3; cpu++) {
        v3_cpu_on(cpu);
        r_wr(cpu, 0x10080, 0xffffffff);  /* all group 1 */
        r_wr(cpu, 0x10100, 0xffff);      /* SGIs enabled */
    }
    gicv3_cpuif_write(&gic, 0, ICC_SGI1R, 3ull << 24 | 1); /* Aff 0.0.0, target 0 */
    cr_assert_eq(irq_out[0], 1);
    cr_assert_eq(fiq_out[0], 0);
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_HPPIR1), 3);
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_IAR0), GIC_INTID_SPURIOUS, "group 1 only");
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_IAR1), 3);
    cr_assert_eq(irq_out[0], 0);
    gicv3_cpuif_write(&gic, 0, ICC_EOIR1, 3);
    /* Aff1 = 1, target list bit 0: CPU 2 only */
    gicv3_cpuif_write(&gic, 0, ICC_SGI1R, 7ull << 24 | 1ull << 16 | 1);
    cr_assert_eq(irq_out[2], 1);
    cr_assert_eq(irq_out[1], 0);
    gicv3_cpuif_write(&gic, 0, ICC_SGI1R, 1ull << 40 | 2ull << 24); /* IRM: all but self */
    cr_assert_eq(irq_out[1], 1);
    cr_assert_eq(irq_out[0], 0);
    /* SGI0R reaches only group 0 SGIs: none are */
    gicv3_cpuif_write(&gic, 1, ICC_SGI0R, 4ull << 24 | 1);
    cr_assert_eq(r_rd(0, 0x10200, 4) & (1u << 4), 0);
}

Test(gicv3, ppi_priority_pmr_and_group0_fiq)
{
    d_wr(0x0000, 3);
    v3_cpu_on(1);
    gic.cpu[1].banked[30].group1 = false;
    gic.redist_iomem.ops->write(&gic, GICV3_REDIST_STRIDE + 0x10400 + 30, 0x40, 1);
    r_wr(1, 0x10100, 1u << 30);
    IRQLine timer = gic_ppi_line(&gic, 1, 14);
    irq_set_level(&timer, 1);
    cr_assert_eq(fiq_out[1], 1, "group 0 is FIQ");
    cr_assert_eq(irq_out[0] | fiq_out[0], 0);
    gicv3_cpuif_write(&gic, 1, ICC_PMR, 0x40);
    cr_assert_eq(fiq_out[1], 0, "masked by PMR");
    gicv3_cpuif_write(&gic, 1, ICC_PMR, 0x48);
    cr_assert_eq(gicv3_cpuif_read(&gic, 1, ICC_PMR), 0x48);
    cr_assert_eq(gicv3_cpuif_read(&gic, 1, ICC_IAR0), 30);
    cr_assert_eq(gicv3_cpuif_read(&gic, 1, ICC_RPR), 0x40);
    cr_assert_eq(gicv3_cpuif_read(&gic, 1, ICC_AP0R0), 1u << 8);
    irq_set_level(&timer, 0);
    gicv3_cpuif_write(&gic, 1, ICC_EOIR0, 30);
    cr_assert_eq(gicv3_cpuif_read(&gic, 1, ICC_RPR), 0xff);
    cr_assert_eq(fiq_out[1], 0);
}

Test(gicv3, spi_routing_by_irouter)
{
    d_wr(0x0000, 3);
    for (int cpu = 0; cpu < 3; cpu++) {
        v3_cpu_on(cpu);
    }
    d_wr(0x0084, 1u << 3); /* INTID 35 group 1 */
    d_wr(0x0104, 1u << 3);
    gic.dist_iomem.ops->write(&gic, 0x6000 + 35 * 8, 0x100, 8); /* Aff1 = 1: CPU 2 */
    cr_assert_eq(gic.dist_iomem.ops->read(&gic, 0x6000 + 35 * 8, 8), 0x100);
    IRQLine l = gic_spi_line(&gic, 3);
    irq_set_level(&l, 1);
    cr_assert_eq(irq_out[2], 1);
    cr_assert_eq(irq_out[0] | irq_out[1], 0);
    gicv3_cpuif_write(&gic, 2, ICC_CTLR, 2); /* EOImode 1 */
    cr_assert_eq(gicv3_cpuif_read(&gic, 2, ICC_IAR1), 35);
    irq_set_level(&l, 0);
    gicv3_cpuif_write(&gic, 2, ICC_EOIR1, 35);
    cr_assert_neq(d_rd(0x0304) & (1u << 3), 0, "still active until DIR");
    gicv3_cpuif_write(&gic, 2, ICC_DIR, 35);
    cr_assert_eq(d_rd(0x0304) & (1u << 3), 0);
    /* SGI/PPI bits are RAZ/WI in the distributor with ARE set */
    d_wr(0x0100, 0xffffffff);
    cr_assert_eq(d_rd(0x0100), 0);
}

Test(gicv3, binary_points)
{
    gicv3_cpuif_write(&gic, 0, ICC_BPR0, 0);
    gicv3_cpuif_write(&gic, 0, ICC_BPR1, 0);
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_BPR0), 2);
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_BPR1), 3);
    gicv3_cpuif_write(&gic, 0, ICC_BPR0, 4);
    gicv3_cpuif_write(&gic, 0, ICC_CTLR, 1); /* CBPR */
    cr_assert_eq(gicv3_cpuif_read(&gic, 0, ICC_BPR1), 5);
}
