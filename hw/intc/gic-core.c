/*
 * gic-core.c — the logic GICv2 and GICv3 share: per-INTID state (banked SGIs/PPIs, shared
 * SPIs), input lines, choosing the highest-priority pending interrupt, priority masking and
 * preemption through the running priority, acknowledge, priority drop and deactivation, and
 * the IRQ/FIQ outputs to each CPU.
 *
 * Invariant: after any state change the caller runs gic_update() (or gic_update_cpu() for a
 * change only one CPU can see: its banked INTIDs or CPU interface), so each CPU's outputs equal
 * "the highest-priority pending interrupt passes PMR and the running priority" (IHI 0048B
 * 3.3 / IHI 0069 4.8). All functions run with the device lock held (see gic-common.h).
 */
#include <glib.h>
#include <string.h>

#include "cpu-exec/vcpu.h"
#include "hw/intc/gic-common.h"

/* ---- state ---- */

GICIrq *gic_irq(GICState *s, int cpu, int irq)
{
    return irq < 32 ? &s->cpu[cpu].banked[irq] : &s->spi[irq - 32];
}

static bool gic_v2_sgi(GICState *s, int irq) { return s->version == 2 && irq < 16; }

bool gic_irq_pending(GICState *s, int cpu, int irq)
{
    if (gic_v2_sgi(s, irq)) {
        return s->cpu[cpu].sgi_sources[irq] != 0;
    }
    const GICIrq *gi = gic_irq(s, cpu, irq);
    /* A level-sensitive interrupt is pending while its input is asserted (IHI 0048B 3.2.4). */
    return gi->latched || (!gi->edge && gi->level);
}

void gic_irq_set_pending(GICState *s, int cpu, int irq, bool pending)
{
    if (gic_v2_sgi(s, irq)) {
        return; /* GICv2 SGIs: GICD_SPENDSGIR/CPENDSGIR only (ISPENDR/ICPENDR bits are WI) */
    }
    gic_irq(s, cpu, irq)->latched = pending;
}

bool gic_spi_routed_to(GICState *s, int irq, int cpu)
{
    const GICIrq *gi = &s->spi[irq - 32];
    if (s->version == 2) {
        return (gi->targets >> cpu) & 1;
    }
    if (gi->irouter & (1ull << 31)) {
        return true; /* IRM = 1: 1-of-N; the first CPU to acknowledge takes it */
    }
    uint64_t aff = (gi->irouter & 0xffffff) | ((gi->irouter >> 8) & 0xff000000ull);
    uint64_t mpidr = s->cpu[cpu].mpidr;
    return aff == ((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000ull));
}

int gic_current_cpu(GICState *s)
{
    int c = 0;
    if (s->current_cpu_fn) {
        c = s->current_cpu_fn();
    } else if (current_cpu()) {
        c = current_cpu()->cpu_index;
    }
    return c >= 0 && c < s->ncpus ? c : 0;
}

/* ---- priority ---- */

uint8_t gic_group_priority(GICState *s, int cpu, int grp, uint8_t prio)
{
    const GICCpu *c = &s->cpu[cpu];
    /* CBPR is GICC_CTLR bit 4 on GICv2 and ICC_CTLR_EL1 bit 0 on GICv3. */
    bool cbpr = s->version == 2 ? (c->ctlr >> 4) & 1 : c->ctlr & 1;
    unsigned shift;
    if (grp == 0 || cbpr) {
        shift = c->bpr0 + 1u; /* BPR n: group priority is bits [7:n+1] */
    } else {
        shift = c->bpr1; /* ABPR/BPR1 n: group priority is bits [7:n] */
    }
    return (uint8_t)(prio & (0xffu << shift) & GIC_PRIO_MASK);
}

uint8_t gic_running_priority(GICState *s, int cpu)
{
    uint32_t act = s->cpu[cpu].apr[0] | s->cpu[cpu].apr[1];
    if (!act) {
        return GIC_IDLE_PRIORITY;
    }
    return (uint8_t)(__builtin_ctz(act) << 3);
}

unsigned gic_cpuif_grpmask(GICState *s, int cpu)
{
    const GICCpu *c = &s->cpu[cpu];
    if (s->version == 2) {
        return c->ctlr & 3; /* EnableGrp0 [0], EnableGrp1 [1] */
    }
    return (c->igrpen0 ? 1u : 0u) | (c->igrpen1 ? 2u : 0u);
}

int gic_hppi(GICState *s, int cpu, unsigned grpmask)
{
    int best = GIC_INTID_SPURIOUS;
    unsigned best_prio = 0x100;
    grpmask &= s->dist_ctlr & 3;
    if (!grpmask) {
        return best;
    }
    for (int irq = 0; irq < GIC_NIRQ; irq++) {
        const GICIrq *gi = gic_irq(s, cpu, irq);
        if (!gi->enabled || gi->active || gi->priority >= best_prio ||
            !((grpmask >> gi->group1) & 1) || !gic_irq_pending(s, cpu, irq)) {
            continue;
        }
        if (irq >= 32 && !gic_spi_routed_to(s, irq, cpu)) {
            continue;
        }
        best = irq;
        best_prio = gi->priority;
    }
    return best;
}

/* ---- outputs ---- */

static void gic_drive(const IRQLine *line, int *cur, int level)
{
    if (*cur != level) {
        *cur = level;
        irq_set_level(line, level);
    }
}

void gic_update_cpu(GICState *s, int cpu)
{
    GICCpu *c = &s->cpu[cpu];
    int irq_level = 0, fiq_level = 0;
    int irq = gic_hppi(s, cpu, gic_cpuif_grpmask(s, cpu));
    if (irq != GIC_INTID_SPURIOUS) {
        const GICIrq *gi = gic_irq(s, cpu, irq);
        int grp = gi->group1;
        /* Signalled only if higher priority than PMR and than the running priority
         * (preemption, IHI 0048B 3.3.3; IHI 0069 4.8.5). */
        if (gi->priority < c->pmr &&
            gic_group_priority(s, cpu, grp, gi->priority) < gic_running_priority(s, cpu)) {
            bool fiq = grp == 0 && (s->version == 3 || (c->ctlr & (1u << 3)));
            if (fiq) {
                fiq_level = 1;
            } else {
                irq_level = 1;
            }
        }
    }
    gic_drive(&c->irq_out, &c->irq_level, irq_level);
    gic_drive(&c->fiq_out, &c->fiq_level, fiq_level);
}

void gic_update(GICState *s)
{
    for (int cpu = 0; cpu < s->ncpus; cpu++) {
        gic_update_cpu(s, cpu);
    }
}

/* After a change to INTID irq as cpu sees it: banked INTIDs concern only cpu, SPIs everyone. */
static void gic_update_irq(GICState *s, int cpu, int irq)
{
    if (irq < 32) {
        gic_update_cpu(s, cpu);
    } else {
        gic_update(s);
    }
}

/* ---- acknowledge, priority drop, deactivation ---- */

uint32_t gic_acknowledge(GICState *s, int cpu, int irq)
{
    GICCpu *c = &s->cpu[cpu];
    GICIrq *gi = gic_irq(s, cpu, irq);
    uint32_t iar = (uint32_t)irq;
    if (gic_v2_sgi(s, irq)) {
        /* One source at a time: the SGI stays pending for the other sources (IHI 0048B 3.2.2). */
        int src = __builtin_ctz(c->sgi_sources[irq]);
        c->sgi_sources[irq] &= (uint8_t)~(1u << src);
        iar |= (uint32_t)src << 10;
    } else {
        gi->latched = false;
    }
    gi->active = true;
    uint8_t gp = gic_group_priority(s, cpu, gi->group1, gi->priority);
    c->apr[gi->group1] |= 1u << (gp >> 3);
    gic_update_irq(s, cpu, irq); /* an SPI (1-of-N) is no longer pending for the others */
    return iar;
}

void gic_priority_drop(GICState *s, int cpu)
{
    GICCpu *c = &s->cpu[cpu];
    uint32_t act = c->apr[0] | c->apr[1];
    if (act) {
        uint32_t bit = act & -act;
        c->apr[0] &= ~bit;
        c->apr[1] &= ~bit;
    }
    gic_update_cpu(s, cpu);
}

void gic_deactivate(GICState *s, int cpu, int irq)
{
    if (irq >= 0 && irq < GIC_NIRQ) {
        gic_irq(s, cpu, irq)->active = false;
        gic_update_irq(s, cpu, irq);
    }
}

/* ---- inputs ---- */

void gic_set_irq(void *opaque, int n, int level)
{
    GICState *s = opaque;
    int cpu = 0, irq = n;
    if (n >= GIC_PPI_LINE_BASE) {
        cpu = (n - GIC_PPI_LINE_BASE) / 32;
        irq = (n - GIC_PPI_LINE_BASE) % 32;
    }
    g_assert(cpu < s->ncpus && irq >= 16 && irq < GIC_NIRQ);
    GICIrq *gi = gic_irq(s, cpu, irq);
    if (gi->edge && level && !gi->level) {
        gi->latched = true; /* rising edge */
    }
    gi->level = level != 0;
    gic_update_irq(s, cpu, irq);
}

IRQLine gic_spi_line(GICState *s, int spi)
{
    g_assert(spi >= 0 && spi < GIC_NSPI);
    return (IRQLine){gic_set_irq, s, 32 + spi};
}

IRQLine gic_ppi_line(GICState *s, int cpu, int ppi)
{
    g_assert(cpu >= 0 && cpu < s->ncpus && ppi >= 0 && ppi < 16);
    return (IRQLine){gic_set_irq, s, GIC_PPI_LINE_BASE + cpu * 32 + 16 + ppi};
}

/* ---- distributor register helpers ---- */

uint32_t gic_bitreg_read(GICState *s, int cpu, enum GICBitReg reg, int first)
{
    uint32_t v = 0;
    for (int i = 0; i < 32 && first + i < GIC_NIRQ; i++) {
        int irq = first + i;
        const GICIrq *gi = gic_irq(s, cpu, irq);
        bool bit = false;
        switch (reg) {
        case GIC_REG_IGROUPR:
            bit = gi->group1;
            break;
        case GIC_REG_ISENABLER:
        case GIC_REG_ICENABLER:
            bit = gi->enabled;
            break;
        case GIC_REG_ISPENDR:
        case GIC_REG_ICPENDR:
            bit = gic_irq_pending(s, cpu, irq);
            break;
        case GIC_REG_ISACTIVER:
        case GIC_REG_ICACTIVER:
            bit = gi->active;
            break;
        }
        v |= (bit ? 1u : 0u) << i;
    }
    return v;
}

void gic_bitreg_write(GICState *s, int cpu, enum GICBitReg reg, int first, uint32_t value)
{
    for (int i = 0; i < 32 && first + i < GIC_NIRQ; i++) {
        int irq = first + i;
        GICIrq *gi = gic_irq(s, cpu, irq);
        bool bit = (value >> i) & 1;
        switch (reg) {
        case GIC_REG_IGROUPR:
            gi->group1 = bit;
            break;
        case GIC_REG_ISENABLER:
            gi->enabled |= bit;
            break;
        case GIC_REG_ICENABLER:
            gi->enabled &= !bit;
            break;
        case GIC_REG_ISPENDR:
            if (bit) {
                gic_irq_set_pending(s, cpu, irq, true);
            }
            break;
        case GIC_REG_ICPENDR:
            if (bit) {
                gic_irq_set_pending(s, cpu, irq, false);
            }
            break;
        case GIC_REG_ISACTIVER:
            gi->active |= bit;
            break;
        case GIC_REG_ICACTIVER:
            gi->active &= !bit;
            break;
        }
    }
    gic_update_irq(s, cpu, first);
}

uint32_t gic_icfgr_read(GICState *s, int cpu, int first)
{
    uint32_t v = 0;
    for (int i = 0; i < 16 && first + i < GIC_NIRQ; i++) {
        v |= (gic_irq(s, cpu, first + i)->edge ? 2u : 0u) << (2 * i);
    }
    return v;
}

void gic_icfgr_write(GICState *s, int cpu, int first, uint32_t value)
{
    for (int i = 0; i < 16 && first + i < GIC_NIRQ; i++) {
        if (first + i < 16) {
            continue; /* SGIs are always edge-triggered (read-only) */
        }
        gic_irq(s, cpu, first + i)->edge = (value >> (2 * i + 1)) & 1;
    }
    gic_update_irq(s, cpu, first);
}

uint64_t gic_priority_read(GICState *s, int cpu, int first, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size && first + (int)i < GIC_NIRQ; i++) {
        v |= (uint64_t)gic_irq(s, cpu, first + (int)i)->priority << (8 * i);
    }
    return v;
}

void gic_priority_write(GICState *s, int cpu, int first, uint64_t value, unsigned size)
{
    for (unsigned i = 0; i < size && first + (int)i < GIC_NIRQ; i++) {
        gic_irq(s, cpu, first + (int)i)->priority = (uint8_t)(value >> (8 * i)) & GIC_PRIO_MASK;
    }
    gic_update_irq(s, cpu, first + (int)size - 1);
}

/* ---- init and reset ---- */

void gic_init(GICState *s, int version, int ncpus, const uint64_t *mpidr)
{
    g_assert(ncpus >= 1 && ncpus <= (version == 2 ? GICV2_MAX_CPUS : GIC_MAX_CPUS));
    memset(s, 0, sizeof(*s));
    s->version = version;
    s->ncpus = ncpus;
    for (int i = 0; i < ncpus; i++) {
        s->cpu[i].mpidr = mpidr[i];
    }
    gic_reset(s);
}

static void gic_irq_reset(GICIrq *gi, int irq)
{
    memset(gi, 0, sizeof(*gi));
    gi->edge = irq < 16; /* SGIs edge; PPIs and SPIs level until ICFGR says otherwise */
}

void gic_reset(GICState *s)
{
    s->dist_ctlr = 0;
    for (int i = 0; i < GIC_NSPI; i++) {
        bool level = s->spi[i].level; /* the input line keeps its level across reset */
        gic_irq_reset(&s->spi[i], 32 + i);
        s->spi[i].level = level;
    }
    for (int cpu = 0; cpu < s->ncpus; cpu++) {
        GICCpu *c = &s->cpu[cpu];
        for (int irq = 0; irq < 32; irq++) {
            bool level = c->banked[irq].level;
            gic_irq_reset(&c->banked[irq], irq);
            c->banked[irq].level = level;
        }
        c->ctlr = 0;
        c->pmr = 0;
        /* Minimum binary points with 5 priority bits (IHI 0048B 3.3.3; IHI 0069 ICC_BPR0_EL1). */
        c->bpr0 = 2;
        c->bpr1 = 3;
        c->igrpen0 = c->igrpen1 = false;
        c->apr[0] = c->apr[1] = 0;
        memset(c->sgi_sources, 0, sizeof(c->sgi_sources));
        c->processor_sleep = true; /* GICR_WAKER.ProcessorSleep resets to 1 */
    }
    gic_update(s);
}
