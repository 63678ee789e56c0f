/*
 * gic-common.h — state and core logic shared by the GICv2 (IHI 0048B) and GICv3 (IHI 0069)
 * models of the virt board. The register front ends are gicv2.c (distributor + memory-mapped
 * CPU interface), gicv3-dist.c, gicv3-redist.c and gicv3-cpuif.c (ICC_* system registers);
 * gic-core.c holds what the architecture shares: pending/active state, priority masking,
 * running priority and preemption, acknowledge, priority drop and deactivation.
 *
 * Security model: one security state. GICv2 is a GIC without the Security Extensions (as QEMU
 * virt with secure=off): both groups are reachable, group 0 is signalled as FIQ when
 * GICC_CTLR.FIQEn, else as IRQ. GICv3 has GICD_CTLR.DS = 1 and affinity routing always on
 * (ARE RAO/WI: legacy operation is optional, IHI 0069 section 1.4); group 0 is FIQ, group 1 IRQ.
 * Five priority bits are implemented (priorities are multiples of 8; 32 levels).
 *
 * Locking: every GICState field is protected by the device lock. MMIO callbacks run with it
 * held; the ICC_* sysreg functions (vCPU thread) and input lines from devices that are not
 * MMIO-driven take it themselves (gic_set_irq expects it held: IRQLine callers hold it).
 */
#ifndef TANDEM_HW_INTC_GIC_COMMON_H
#define TANDEM_HW_INTC_GIC_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"

/* GICv2 addresses 8 CPUs (ITARGETSR is a byte); the GICv3 model holds as many as QEMU's virt
 * board does with a GICv3 (512, its redistributor regions' capacity). */
#define GICV2_MAX_CPUS 8
#define GIC_MAX_CPUS 512
#define GIC_NIRQ 288 /* 32 SGIs/PPIs + 256 SPIs, as QEMU virt */
#define GIC_NSPI (GIC_NIRQ - 32)
#define GIC_INTID_SPURIOUS 1023
#define GIC_INTID_GRP1_ON_GRP0 1022 /* GICv2 IAR with AckCtl = 0: a group 1 IRQ is pending */
#define GIC_PRIO_MASK 0xf8          /* 5 implemented priority bits */
#define GIC_IDLE_PRIORITY 0xff
/* IRQLine numbers of PPIs: GIC_PPI_LINE_BASE + cpu * 32 + INTID. SPI lines use their INTID. */
#define GIC_PPI_LINE_BASE 0x10000

/* Memory map pieces (QEMU virt). */
#define GICV2_DIST_SIZE 0x10000
#define GICV2_CPU_SIZE 0x10000
#define GICV3_DIST_SIZE 0x10000
#define GICV3_REDIST_STRIDE 0x20000 /* RD_base + SGI_base frames, 64 KiB each */

typedef struct GICIrq {
    uint8_t priority;
    uint8_t targets;  /* GICv2 ITARGETSR (SPIs) */
    bool enabled;
    bool latched;     /* edge seen or software-set pending (ISPENDR) */
    bool level;       /* input line */
    bool active;
    bool edge;        /* ICFGR: 1 = edge-triggered */
    bool group1;
    uint64_t irouter; /* GICv3 GICD_IROUTER (SPIs): Aff3 [39:32], IRM [31], Aff2..Aff0 */
} GICIrq;

typedef struct GICCpu {
    IRQLine irq_out, fiq_out;
    uint64_t mpidr;
    int irq_level, fiq_level; /* last levels driven on the outputs */
    /* CPU interface */
    uint32_t ctlr; /* GICv2 GICC_CTLR (no Security Extensions layout); GICv3: CBPR [0], EOImode [1] */
    uint8_t pmr, bpr0, bpr1;
    bool igrpen0, igrpen1; /* GICv3 ICC_IGRPEN0/1_EL1 */
    uint32_t apr[2];       /* active priorities of group 0/1: bit n = group priority n << 3 */
    /* GICv2 SGIs: pending source CPUs per SGI (IHI 0048B 3.2.2: one pending state per source) */
    uint8_t sgi_sources[16];
    /* GICv3 redistributor */
    bool processor_sleep;
    GICIrq banked[32]; /* SGIs and PPIs of this CPU */
} GICCpu;

typedef struct GICState {
    int version; /* 2 or 3 */
    int ncpus;
    uint32_t dist_ctlr; /* bit 0 EnableGrp0, bit 1 EnableGrp1 (GICv3 adds ARE/DS, RAO) */
    GICIrq spi[GIC_NSPI];
    GICCpu cpu[GIC_MAX_CPUS];
    /* Which CPU makes the current MMIO access (default: the calling vCPU thread's, or 0).
     * Unit tests replace it. */
    int (*current_cpu_fn)(void);
    MemoryRegion dist_iomem, cpu_iomem; /* GICv2 */
    /* GICv3: redistributor frames in two regions (as QEMU virt places them): the first holds
     * CPUs 0..redist0_frames-1, redist_hi_iomem the rest (unused when all fit the first). The
     * last frame of each region has GICR_TYPER.Last set (IHI 0069 12.11.35). */
    MemoryRegion redist_iomem, redist_hi_iomem;
    int redist0_frames;
} GICState;

/* ---- gic-core.c ---- */

/* Sets up state for version 2 or 3 with ncpus CPUs (mpidr[i] = MPIDR of CPU i) and resets it.
 * The caller then sets cpu[i].irq_out/fiq_out and maps the MMIO regions. Main thread. */
void gic_init(GICState *s, int version, int ncpus, const uint64_t *mpidr);
/* Machine reset: every register to its reset value; outputs re-driven. */
void gic_reset(GICState *s);
/* Input line of SPI n (INTID 32 + n, the number a device tree names). */
IRQLine gic_spi_line(GICState *s, int spi);
/* Input line of PPI n of cpu (INTID 16 + n: the device tree's PPI number, e.g. 14 = the
 * non-secure physical timer, INTID 30). */
IRQLine gic_ppi_line(GICState *s, int cpu, int ppi);
/* IRQLine handler for both (device lock held). */
void gic_set_irq(void *opaque, int n, int level);

/* The per-CPU view of INTID irq (banked below 32). */
GICIrq *gic_irq(GICState *s, int cpu, int irq);
bool gic_irq_pending(GICState *s, int cpu, int irq);
/* Sets or clears the software pending state (ISPENDR/ICPENDR; SGIs on GICv2 use sources). */
void gic_irq_set_pending(GICState *s, int cpu, int irq, bool pending);
/* Recomputes and drives every CPU's IRQ/FIQ outputs. Call after any state change. */
void gic_update(GICState *s);
/* The same for one CPU, after a change that concerns only it (its banked SGIs/PPIs, its CPU
 * interface): with hundreds of CPUs a full update per ICC_* access would dominate. */
void gic_update_cpu(GICState *s, int cpu);
/* Highest-priority pending interrupt of cpu that the distributor forwards (enabled, not
 * active, group enabled in GICD_CTLR and in grpmask (bit 0 = group 0, bit 1 = group 1),
 * routed to cpu), ignoring PMR and running priority; GIC_INTID_SPURIOUS if none. Ties go to
 * the lowest INTID. */
int gic_hppi(GICState *s, int cpu, unsigned grpmask);
/* The CPU interface group enables of cpu as a grpmask. */
unsigned gic_cpuif_grpmask(GICState *s, int cpu);
/* Group priority of prio for group grp on cpu (BPR applied). */
uint8_t gic_group_priority(GICState *s, int cpu, int grp, uint8_t prio);
/* Running priority: highest active group priority, or 0xff. */
uint8_t gic_running_priority(GICState *s, int cpu);
/* Acknowledges irq on cpu: pending → active (one SGI source on GICv2), priority marked
 * active. Returns the IAR value (GICv2 SGIs carry the source CPU in [12:10]). */
uint32_t gic_acknowledge(GICState *s, int cpu, int irq);
/* Priority drop of the highest active priority (EOI). */
void gic_priority_drop(GICState *s, int cpu);
/* Deactivation of irq (EOI with EOImode 0, or DIR). */
void gic_deactivate(GICState *s, int cpu, int irq);
/* The CPU index making the current MMIO access. */
int gic_current_cpu(GICState *s);
/* Routing of an SPI to cpu (GICv2 targets, GICv3 IROUTER). */
bool gic_spi_routed_to(GICState *s, int irq, int cpu);

/* Shared register helpers for the distributor front ends: bit-per-IRQ registers
 * (IGROUPR/IS/ICENABLER/IS/ICPENDR/IS/ICACTIVER), IPRIORITYR bytes and ICFGR. n = first INTID. */
enum GICBitReg {
    GIC_REG_IGROUPR,
    GIC_REG_ISENABLER,
    GIC_REG_ICENABLER,
    GIC_REG_ISPENDR,
    GIC_REG_ICPENDR,
    GIC_REG_ISACTIVER,
    GIC_REG_ICACTIVER,
};
uint32_t gic_bitreg_read(GICState *s, int cpu, enum GICBitReg reg, int first);
void gic_bitreg_write(GICState *s, int cpu, enum GICBitReg reg, int first, uint32_t value);
uint32_t gic_icfgr_read(GICState *s, int cpu, int first);
void gic_icfgr_write(GICState *s, int cpu, int first, uint32_t value);
uint64_t gic_priority_read(GICState *s, int cpu, int first, unsigned size);
void gic_priority_write(GICState *s, int cpu, int first, uint64_t value, unsigned size);

/* ---- gicv2.c ---- */
extern const MemoryRegionOps gicv2_dist_ops, gicv2_cpu_ops;
/* gic_init(s, 2, ...) and the two MMIO regions (dist_iomem, cpu_iomem). */
void gicv2_init(GICState *s, int ncpus, const uint64_t *mpidr);

/* ---- gicv3-dist.c, gicv3-redist.c, gicv3-cpuif.c ---- */
extern const MemoryRegionOps gicv3_dist_ops, gicv3_redist_ops, gicv3_redist_hi_ops;
/* gic_init(s, 3, ...) and the regions: dist_iomem; redist_iomem with the frames of CPUs
 * 0..min(ncpus, region0_frames)-1, redist_hi_iomem (if ncpus > region0_frames) with the rest. */
void gicv3_init_regions(GICState *s, int ncpus, const uint64_t *mpidr, int region0_frames);
/* gicv3_init_regions with every frame in the first region. */
void gicv3_init(GICState *s, int ncpus, const uint64_t *mpidr);
/* Defines the ICC_* system registers (main thread, before vCPUs run). */
void gicv3_cpuif_define_sysregs(GICState *s);

/* The ICC_* registers as functions of (cpu index), for the sysreg callbacks and unit tests.
 * The caller holds the device lock. */
enum GICv3CpuReg {
    ICC_PMR,
    ICC_IAR0,
    ICC_IAR1,
    ICC_EOIR0,
    ICC_EOIR1,
    ICC_HPPIR0,
    ICC_HPPIR1,
    ICC_BPR0,
    ICC_BPR1,
    ICC_DIR,
    ICC_RPR,
    ICC_SGI0R,
    ICC_SGI1R,
    ICC_ASGI1R,
    ICC_CTLR,
    ICC_SRE,
    ICC_IGRPEN0,
    ICC_IGRPEN1,
    ICC_AP0R0,
    ICC_AP1R0,
};
uint64_t gicv3_cpuif_read(GICState *s, int cpu, enum GICv3CpuReg reg);
void gicv3_cpuif_write(GICState *s, int cpu, enum GICv3CpuReg reg, uint64_t value);

#endif
