/*
 * gicv3-cpuif.c — the GICv3 CPU interface as AArch64 system registers (ICC_*_EL1, ARM IHI
 * 0069 chapter 12.2), single security state: group 0 is signalled as FIQ, group 1 as IRQ,
 * ICC_SRE_EL1.SRE/DFB/DIB are RAO/WI (no memory-mapped CPU interface), five priority bits
 * (ICC_CTLR_EL1.PRIbits = 4), so only ICC_AP0R0_EL1 and ICC_AP1R0_EL1 exist.
 *
 * gicv3_cpuif_read/write hold the logic and expect the device lock held; the sysreg callbacks
 * run on the owner vCPU thread and take the device lock around them. The encodings are the
 * ARM ARM's (DDI 0487, D19 "GIC system registers").
 */
#include <glib.h>

#include "hw/core/memory.h"
#include "hw/intc/gic-common.h"
#include "target-arm/sysreg.h"

enum {
    ICC_CTLR_CBPR = 1u << 0,
    ICC_CTLR_EOIMODE = 1u << 1,
};

/* ---- logic ---- */

/* The interrupt ICC_IARn/ICC_HPPIRn reports for group grp, or 1023 (IHI 0069 4.1.1). */
static int gicv3_cpuif_hppi(GICState *s, int cpu, int grp, bool need_priority)
{
    int irq = gic_hppi(s, cpu, gic_cpuif_grpmask(s, cpu));
    if (irq == GIC_INTID_SPURIOUS) {
        return irq;
    }
    const GICIrq *gi = gic_irq(s, cpu, irq);
    if (gi->group1 != (grp == 1)) {
        return GIC_INTID_SPURIOUS;
    }
    if (need_priority &&
        (gi->priority >= s->cpu[cpu].pmr ||
         gic_group_priority(s, cpu, grp, gi->priority) >= gic_running_priority(s, cpu))) {
        return GIC_INTID_SPURIOUS;
    }
    return irq;
}

/* ICC_SGI0R/SGI1R/ASGI1R_EL1 (IHI 0069 12.2.21): TargetList [15:0], Aff1 [23:16], INTID
 * [27:24], Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. IRM = 1 targets every PE but the
 * sender; otherwise the PEs whose Aff3.Aff2.Aff1 match and whose Aff0 is RS * 16 + n for a set
 * bit n of TargetList. GICD_TYPER.RSS and ICC_CTLR_EL1.RSS are 0 (the board's Aff0 stays below
 * 16), so software writes RS = 0 and a nonzero RS names Aff0 values no PE has. A target gets
 * the SGI if its group matches the register (SGI0R: group 0; SGI1R and ASGI1R: group 1, with
 * one security state). Only the targets' outputs are recomputed. */
static void gicv3_cpuif_send_sgi(GICState *s, int self, uint64_t v, int grp)
{
    int irq = (int)((v >> 24) & 0xf);
    bool irm = (v >> 40) & 1;
    unsigned rs = (v >> 44) & 0xf;
    uint64_t aff321 = (v >> 16 & 0xff) << 8 | (v >> 32 & 0xff) << 16 | (v >> 48 & 0xffull) << 32;
    for (int t = 0; t < s->ncpus; t++) {
        uint64_t mpidr = s->cpu[t].mpidr;
        bool hit;
        if (irm) {
            hit = t != self;
        } else {
            unsigned aff0 = mpidr & 0xff;
            hit = (mpidr & 0xff00ffff00ull) == aff321 && aff0 / 16 == rs &&
                  ((v >> (aff0 % 16)) & 1);
        }
        GICIrq *gi = &s->cpu[t].banked[irq];
        if (hit && gi->group1 == (grp == 1)) {
            gi->latched = true;
            gic_update_cpu(s, t);
        }
    }
}

uint64_t gicv3_cpuif_read(GICState *s, int cpu, enum GICv3CpuReg reg)
{
    GICCpu *c = &s->cpu[cpu];
    int irq;
    switch (reg) {
    case ICC_PMR:
        return c->pmr;
    case ICC_IAR0:
    case ICC_IAR1:
        irq = gicv3_cpuif_hppi(s, cpu, reg == ICC_IAR1, true);
        return irq == GIC_INTID_SPURIOUS ? (uint64_t)irq : gic_acknowledge(s, cpu, irq);
    case ICC_HPPIR0:
    case ICC_HPPIR1:
        return (uint64_t)gicv3_cpuif_hppi(s, cpu, reg == ICC_HPPIR1, false);
    case ICC_BPR0:
        return c->bpr0;
    case ICC_BPR1:
        /* With CBPR set, BPR1 reads as BPR0 + 1, saturated (IHI 0069 ICC_BPR1_EL1). */
        return (c->ctlr & ICC_CTLR_CBPR) ? MIN(c->bpr0 + 1u, 7u) : c->bpr1;
    case ICC_RPR:
        return gic_running_priority(s, cpu);
    case ICC_CTLR:
        return (c->ctlr & 3) | 4u << 8; /* PRIbits [10:8] = 4: five bits; IDbits 0: 16 */
    case ICC_SRE:
        return 7; /* SRE, DFB, DIB RAO/WI */
    case ICC_IGRPEN0:
        return c->igrpen0;
    case ICC_IGRPEN1:
        return c->igrpen1;
    case ICC_AP0R0:
        return c->apr[0];
    case ICC_AP1R0:
        return c->apr[1];
    default:
        return 0; /* write-only registers are not readable (the registry forbids it) */
    }
}

void gicv3_cpuif_write(GICState *s, int cpu, enum GICv3CpuReg reg, uint64_t v)
{
    GICCpu *c = &s->cpu[cpu];
    switch (reg) {
    case ICC_PMR:
        c->pmr = (uint8_t)v & GIC_PRIO_MASK;
        break;
    case ICC_EOIR0:
    case ICC_EOIR1:
        if ((v & 0xffffff) >= GIC_NIRQ) {
            return; /* special or out-of-range INTIDs: ignored */
        }
        gic_priority_drop(s, cpu);
        if (!(c->ctlr & ICC_CTLR_EOIMODE)) {
            gic_deactivate(s, cpu, (int)(v & 0xffffff));
        }
        return;
    case ICC_DIR:
        if ((v & 0xffffff) < GIC_NIRQ) {
            gic_deactivate(s, cpu, (int)(v & 0xffffff));
        }
        return;
    case ICC_BPR0:
        c->bpr0 = (uint8_t)MAX(v & 7, 2u);
        break;
    case ICC_BPR1:
        if (!(c->ctlr & ICC_CTLR_CBPR)) {
            c->bpr1 = (uint8_t)MAX(v & 7, 3u);
        }
        break;
    case ICC_SGI0R:
        gicv3_cpuif_send_sgi(s, cpu, v, 0);
        return;
    case ICC_SGI1R:
    case ICC_ASGI1R:
        gicv3_cpuif_send_sgi(s, cpu, v, 1);
        return;
    case ICC_CTLR:
        c->ctlr = (uint32_t)v & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE);
        break;
    case ICC_IGRPEN0:
        c->igrpen0 = v & 1;
        break;
    case ICC_IGRPEN1:
        c->igrpen1 = v & 1;
        break;
    case ICC_AP0R0:
        c->apr[0] = (uint32_t)v;
        break;
    case ICC_AP1R0:
        c->apr[1] = (uint32_t)v;
        break;
    default:
        return; /* SRE (WI) and read-only registers */
    }
    gic_update_cpu(s, cpu);
}

/* ---- system register callbacks (owner vCPU thread) ---- */

static uint64_t gicv3_sysreg_read(CPUARMState *env, const ARMSysReg *r)
{
    GICState *s = r->opaque;
    device_lock();
    uint64_t v = gicv3_cpuif_read(s, env_cpu(env)->cpu_index, (enum GICv3CpuReg)r->value);
    device_unlock();
    return v;
}

static void gicv3_sysreg_write(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    GICState *s = r->opaque;
    device_lock();
    gicv3_cpuif_write(s, env_cpu(env)->cpu_index, (enum GICv3CpuReg)r->value, v);
    device_unlock();
}

typedef struct GICv3SysRegDef {
    const char *name;
    uint8_t op1, crn, crm, op2;
    enum GICv3CpuReg reg;
    bool readable, writable;
} GICv3SysRegDef;

/* op0 = 3 for all. */
static const GICv3SysRegDef gicv3_sysregs[] = {
    {"ICC_PMR_EL1", 0, 4, 6, 0, ICC_PMR, true, true},
    {"ICC_IAR0_EL1", 0, 12, 8, 0, ICC_IAR0, true, false},
    {"ICC_EOIR0_EL1", 0, 12, 8, 1, ICC_EOIR0, false, true},
    {"ICC_HPPIR0_EL1", 0, 12, 8, 2, ICC_HPPIR0, true, false},
    {"ICC_BPR0_EL1", 0, 12, 8, 3, ICC_BPR0, true, true},
    {"ICC_AP0R0_EL1", 0, 12, 8, 4, ICC_AP0R0, true, true},
    {"ICC_AP1R0_EL1", 0, 12, 9, 0, ICC_AP1R0, true, true},
    {"ICC_DIR_EL1", 0, 12, 11, 1, ICC_DIR, false, true},
    {"ICC_RPR_EL1", 0, 12, 11, 3, ICC_RPR, true, false},
    {"ICC_SGI1R_EL1", 0, 12, 11, 5, ICC_SGI1R, false, true},
    {"ICC_ASGI1R_EL1", 0, 12, 11, 6, ICC_ASGI1R, false, true},
    {"ICC_SGI0R_EL1", 0, 12, 11, 7, ICC_SGI0R, false, true},
    {"ICC_IAR1_EL1", 0, 12, 12, 0, ICC_IAR1, true, false},
    {"ICC_EOIR1_EL1", 0, 12, 12, 1, ICC_EOIR1, false, true},
    {"ICC_HPPIR1_EL1", 0, 12, 12, 2, ICC_HPPIR1, true, false},
    {"ICC_BPR1_EL1", 0, 12, 12, 3, ICC_BPR1, true, true},
    {"ICC_CTLR_EL1", 0, 12, 12, 4, ICC_CTLR, true, true},
    {"ICC_SRE_EL1", 0, 12, 12, 5, ICC_SRE, true, true},
    {"ICC_IGRPEN0_EL1", 0, 12, 12, 6, ICC_IGRPEN0, true, true},
    {"ICC_IGRPEN1_EL1", 0, 12, 12, 7, ICC_IGRPEN1, true, true},
};

void gicv3_cpuif_define_sysregs(GICState *s)
{
    ARMSysReg regs[G_N_ELEMENTS(gicv3_sysregs)];
    for (size_t i = 0; i < G_N_ELEMENTS(gicv3_sysregs); i++) {
        const GICv3SysRegDef *d = &gicv3_sysregs[i];
        regs[i] = (ARMSysReg){
            .name = d->name,
            .op0 = 3,
            .op1 = d->op1,
            .crn = d->crn,
            .crm = d->crm,
            .op2 = d->op2,
            .read_el = d->readable ? 1 : SR_NONE,
            .write_el = d->writable ? 1 : SR_NONE,
            /* reads acknowledge or change over time; writes change interrupt state, so the
             * TB ends and a newly unmasked interrupt is taken at the next instruction */
            .flags = SR_F_IO | (d->writable ? SR_F_END_TB : 0),
            .field = -1,
            .value = d->reg,
            .read = gicv3_sysreg_read,
            .write = gicv3_sysreg_write,
            .opaque = s,
        };
    }
    arm_sysreg_define(regs, G_N_ELEMENTS(regs));
}
