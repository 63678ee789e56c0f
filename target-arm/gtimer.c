/*
 * gtimer.c — the ARM generic timer of one CPU (ARM ARM DDI 0487 D11; registers D17.11).
 *
 * The system counter is the virtual clock scaled to GTIMER_FREQ_HZ (exact integer math, so it
 * is monotonic because vclock is). There is no EL2, so CNTVOFF_EL2 is 0 and the virtual count
 * equals the physical count. Each timer (physical, virtual) has CTL (ENABLE, IMASK) and CVAL;
 * ISTATUS = ENABLE && count >= CVAL (D11.2.4: "the timer condition is met when
 * (CNTPCT - CompareValue) >= 0", an unsigned 64-bit compare), computed whenever it is read;
 * the output to the interrupt controller is ENABLE && !IMASK && ISTATUS. While the output is
 * low but enabled and unmasked, a VTimer is armed for the first virtual ns at which the count
 * reaches CVAL, so a CPU sleeping in WFI is woken on time.
 *
 * Locking: CTL, CVAL, the output level and the VTimer are protected by the device lock: the
 * register functions (owner vCPU thread) take it, and timer callbacks run with it (vclock
 * timer thread). Raising the output calls into the interrupt controller under that lock, as
 * hw/core/irq.h expects. CNTKCTL_EL1 is touched by the owner vCPU only (and by reset while the
 * CPU is stopped), so its access checks take no lock. CNTFRQ_EL0 is a plain field of
 * CPUARMState (reset by cpu.c); writing it does not change the counter's real rate (D11.1.2:
 * it only reports the frequency to software).
 */
#include "target-arm/gtimer.h"

#include <glib.h>

#include "hw/core/memory.h"
#include "hw/core/vclock.h"
#include "target-arm/sysreg.h"

typedef struct GTimerChannel {
    struct ARMGenericTimer *gt;
    uint32_t ctl;  /* ENABLE | IMASK (device lock) */
    uint64_t cval; /* CompareValue (device lock) */
    int level;     /* output now driven (device lock) */
    IRQLine irq;   /* set by the board (main thread) before vCPUs run */
    VTimer *timer; /* armed for the moment the condition becomes true */
} GTimerChannel;

struct ARMGenericTimer {
    ARMCPU *cpu;
    uint64_t cntkctl; /* CNTKCTL_EL1 (owner vCPU only) */
    GTimerChannel ch[GTIMER_NUM];
};

/* ---- the counter ---- */

uint64_t arm_gtimer_count(void)
{
    int64_t ns = vclock_get_ns();
    if (ns < 0) {
        ns = 0;
    }
    return (uint64_t)((unsigned __int128)(uint64_t)ns * GTIMER_FREQ_HZ / 1000000000u);
}

int64_t arm_gtimer_count_to_ns(uint64_t count)
{
    /* The smallest ns with floor(ns * F / 1e9) >= count: ceil(count * 1e9 / F). */
    unsigned __int128 ns =
        ((unsigned __int128)count * 1000000000u + GTIMER_FREQ_HZ - 1) / GTIMER_FREQ_HZ;
    return ns >= (unsigned __int128)VCLOCK_NEVER ? VCLOCK_NEVER : (int64_t)ns;
}

/* ---- timer state (device lock held) ---- */

static bool gtimer_condition_met(const GTimerChannel *c, uint64_t count)
{
    return (c->ctl & GTIMER_CTL_ENABLE) && count >= c->cval;
}

/* Recomputes the output and re-arms the VTimer after any change (or when it fired). */
static void gtimer_update(GTimerChannel *c)
{
    bool met = gtimer_condition_met(c, arm_gtimer_count());
    bool unmasked = (c->ctl & GTIMER_CTL_ENABLE) && !(c->ctl & GTIMER_CTL_IMASK);
    int level = met && unmasked;
    if (level != c->level) {
        c->level = level;
        irq_set_level(&c->irq, level);
    }
    if (unmasked && !met) {
        /* The count is monotonic: once met, the condition stays met until CVAL or CTL
         * change, and each of those calls us again. */
        vtimer_mod_ns(c->timer, arm_gtimer_count_to_ns(c->cval));
    } else {
        vtimer_del(c->timer);
    }
}

/* vclock timer thread, device lock held. */
static void gtimer_expire(void *opaque) { gtimer_update(opaque); }

ARMGenericTimer *arm_gtimer_new(ARMCPU *cpu)
{
    ARMGenericTimer *gt = g_new0(ARMGenericTimer, 1);
    gt->cpu = cpu;
    for (int i = 0; i < GTIMER_NUM; i++) {
        gt->ch[i].gt = gt;
        gt->ch[i].timer = vtimer_new(gtimer_expire, &gt->ch[i]);
    }
    cpu->gtimer = gt;
    return gt;
}

void arm_gtimer_free(ARMCPU *cpu)
{
    ARMGenericTimer *gt = cpu->gtimer;
    if (!gt) {
        return;
    }
    device_lock();
    for (int i = 0; i < GTIMER_NUM; i++) {
        vtimer_free(gt->ch[i].timer);
    }
    device_unlock();
    g_free(gt);
    cpu->gtimer = NULL;
}

void arm_gtimer_reset(ARMCPU *cpu)
{
    ARMGenericTimer *gt = cpu->gtimer;
    if (!gt) {
        return;
    }
    device_lock();
    /* D11: CTL.ENABLE resets to 0; CVAL and CNTKCTL_EL1 reset to UNKNOWN values: use 0. */
    gt->cntkctl = 0;
    for (int i = 0; i < GTIMER_NUM; i++) {
        gt->ch[i].ctl = 0;
        gt->ch[i].cval = 0;
        gtimer_update(&gt->ch[i]);
    }
    device_unlock();
}

void arm_gtimer_connect(ARMCPU *cpu, int which, IRQLine line)
{
    g_assert(cpu->gtimer && which >= 0 && which < GTIMER_NUM);
    device_lock();
    GTimerChannel *c = &cpu->gtimer->ch[which];
    c->irq = line;
    irq_set_level(&c->irq, c->level);
    device_unlock();
}

/* ---- system registers (owner vCPU thread) ---- */

static GTimerChannel *sysreg_channel(CPUARMState *env, const ARMSysReg *r)
{
    ARMGenericTimer *gt = env_archcpu(env)->gtimer;
    return gt ? &gt->ch[r->value] : NULL;
}

static uint64_t cntkctl_of(CPUARMState *env)
{
    ARMGenericTimer *gt = env_archcpu(env)->gtimer;
    return gt ? gt->cntkctl : 0;
}

/* EL0 accesses trap to EL1 (EC 0x18) unless CNTKCTL_EL1 allows them (D17.11 "Accessing ..."
 * pseudocode for each register; without EL2 only CNTKCTL_EL1 decides). */
static ARMSysRegAccess gtimer_el0_check(CPUARMState *env, uint64_t enable_bits)
{
    return env->el == 0 && !(cntkctl_of(env) & enable_bits) ? SR_ACCESS_TRAP : SR_ACCESS_OK;
}

static ARMSysRegAccess access_cntfrq(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return gtimer_el0_check(env, CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN);
}

static ARMSysRegAccess access_cntpct(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return gtimer_el0_check(env, CNTKCTL_EL0PCTEN);
}

static ARMSysRegAccess access_cntvct(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return gtimer_el0_check(env, CNTKCTL_EL0VCTEN);
}

static ARMSysRegAccess access_timer(CPUARMState *env, const ARMSysReg *r, bool is_read)
{
    return gtimer_el0_check(env, r->value == GTIMER_PHYS ? CNTKCTL_EL0PTEN : CNTKCTL_EL0VTEN);
}

static uint64_t read_count(CPUARMState *env, const ARMSysReg *r)
{
    return arm_gtimer_count(); /* CNTVOFF_EL2 = 0: virtual = physical */
}

static uint64_t read_cntkctl(CPUARMState *env, const ARMSysReg *r) { return cntkctl_of(env); }

static void write_cntkctl(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    ARMGenericTimer *gt = env_archcpu(env)->gtimer;
    if (gt) {
        gt->cntkctl = v & CNTKCTL_MASK; /* other bits RES0 (no FEAT_ECV) */
    }
}

/* CTL and CVAL of the register's timer, under the device lock; without a timer RAZ/WI. */
typedef enum { VIEW_CTL, VIEW_CVAL } TimerView;

static uint64_t timer_read(CPUARMState *env, const ARMSysReg *r, TimerView view)
{
    GTimerChannel *c = sysreg_channel(env, r);
    uint64_t v = 0;
    if (c) {
        device_lock();
        if (view == VIEW_CVAL) {
            v = c->cval;
        } else {
            v = c->ctl | (gtimer_condition_met(c, arm_gtimer_count()) ? GTIMER_CTL_ISTATUS : 0);
        }
        device_unlock();
    }
    return v;
}

static void timer_write(CPUARMState *env, const ARMSysReg *r, TimerView view, uint64_t v)
{
    GTimerChannel *c = sysreg_channel(env, r);
    if (c) {
        device_lock();
        if (view == VIEW_CVAL) {
            c->cval = v;
        } else {
            c->ctl = (uint32_t)v & (GTIMER_CTL_ENABLE | GTIMER_CTL_IMASK); /* ISTATUS is RO */
        }
        gtimer_update(c);
        device_unlock();
    }
}

static uint64_t read_ctl(CPUARMState *env, const ARMSysReg *r)
{
    return timer_read(env, r, VIEW_CTL);
}

static void write_ctl(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    timer_write(env, r, VIEW_CTL, v);
}

static uint64_t read_cval(CPUARMState *env, const ARMSysReg *r)
{
    return timer_read(env, r, VIEW_CVAL);
}

static void write_cval(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    timer_write(env, r, VIEW_CVAL, v);
}

/* TVAL is the signed 32-bit view CVAL - count: reads give bits [31:0] (63:32 RES0), writes
 * set CVAL = count + SignExtend(TVAL[31:0]) (D17.11 CNTP_TVAL_EL0). */
static uint64_t read_tval(CPUARMState *env, const ARMSysReg *r)
{
    return (uint32_t)(read_cval(env, r) - arm_gtimer_count());
}

static void write_tval(CPUARMState *env, const ARMSysReg *r, uint64_t v)
{
    write_cval(env, r, arm_gtimer_count() + (uint64_t)(int64_t)(int32_t)(uint32_t)v);
}

#define NOFIELD (-1)
/* Timer registers: value = channel; readable and writable from EL0 (subject to CNTKCTL_EL1);
 * writes end the TB so an output raised by the write is taken at once. */
#define TIMER_REG(name, crm, op2, ch, rd, wr)                                                    \
    {name, 3, 3, 14, crm, op2, 0, 0, SR_F_IO | SR_F_END_TB, NOFIELD, ch, rd, wr, access_timer, \
     NULL}

static const ARMSysReg gtimer_sysregs[] = {
    {"CNTFRQ_EL0", 3, 3, 14, 0, 0, 0, 1, 0, (int32_t)offsetof(CPUARMState, cntfrq), 0, NULL,
     NULL, access_cntfrq, NULL},
    {"CNTPCT_EL0", 3, 3, 14, 0, 1, 0, SR_NONE, SR_F_IO, NOFIELD, 0, read_count, NULL,
     access_cntpct, NULL},
    {"CNTVCT_EL0", 3, 3, 14, 0, 2, 0, SR_NONE, SR_F_IO, NOFIELD, 0, read_count, NULL,
     access_cntvct, NULL},
    {"CNTKCTL_EL1", 3, 0, 14, 1, 0, 1, 1, 0, NOFIELD, 0, read_cntkctl, write_cntkctl, NULL,
     NULL},
    TIMER_REG("CNTP_TVAL_EL0", 2, 0, GTIMER_PHYS, read_tval, write_tval),
    TIMER_REG("CNTP_CTL_EL0", 2, 1, GTIMER_PHYS, read_ctl, write_ctl),
    TIMER_REG("CNTP_CVAL_EL0", 2, 2, GTIMER_PHYS, read_cval, write_cval),
    TIMER_REG("CNTV_TVAL_EL0", 3, 0, GTIMER_VIRT, read_tval, write_tval),
    TIMER_REG("CNTV_CTL_EL0", 3, 1, GTIMER_VIRT, read_ctl, write_ctl),
    TIMER_REG("CNTV_CVAL_EL0", 3, 2, GTIMER_VIRT, read_cval, write_cval),
};

void arm_gtimer_define_sysregs(void)
{
    arm_sysreg_define(gtimer_sysregs, G_N_ELEMENTS(gtimer_sysregs));
}
