/*
 * test-gtimer.c — the ARM generic timer (target-arm/gtimer.c) through its system register
 * functions, on a cortex-a57 ARMCPU with fake IRQ lines: counter rate and the count<->ns
 * conversion, CNTFRQ, CTL.ISTATUS/IMASK/ENABLE and the output level, CVAL and the signed
 * 32-bit TVAL view, EL0 access rules from CNTKCTL_EL1, the VTimer raising the output on time
 * (and not while the clock is paused), reset. The timer thread drives the fake lines, so what
 * they record is atomic.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdatomic.h>

#include "hw/core/memory.h"
#include "hw/core/vclock.h"
#include "target-arm/gtimer.h"
#include "target-arm/sysreg.h"

typedef struct FakeLine {
    atomic_int level;
    atomic_int changes;
    _Atomic uint64_t count_at_raise;
} FakeLine;

static FakeLine lines[GTIMER_NUM];
static ARMCPU *cpu;
static CPUARMState *env;

static void fake_irq(void *opaque, int n, int level)
{
    FakeLine *l = &lines[n];
    if (level) {
        atomic_store(&l->count_at_raise, arm_gtimer_count());
    }
    atomic_store(&l->level, level);
    atomic_fetch_add(&l->changes, 1);
}

static void setup(void)
{
    device_lock(); /* glib creates the GRecMutex on first use: before other threads exist */
    device_unlock();
    arm_gtimer_define_sysregs();
    cpu = arm_cpu_new(arm_cpu_model_find("cortex-a57"), 0);
    env = &cpu->env;
    env->el = 1; /* as the virt board boots an ELF */
    arm_gtimer_new(cpu);
    for (int i = 0; i < GTIMER_NUM; i++) {
        arm_gtimer_connect(cpu, i, (IRQLine){fake_irq, NULL, i});
    }
    arm_gtimer_reset(cpu);
    for (int i = 0; i < GTIMER_NUM; i++) {
        atomic_store(&lines[i].changes, 0); /* connect drove the outputs low once */
    }
    vclock_init();
}

static void teardown(void)
{
    vclock_shutdown();
    arm_gtimer_free(cpu);
    cr_assert_null(cpu->gtimer);
}

/* ---- register access as the MRS/MSR helpers do it (access check, then the function) ---- */

static const ARMSysReg *reg(int crn, int crm, int op1, int op2)
{
    const ARMSysReg *r = arm_sysreg_find(3, op1, crn, crm, op2);
    cr_assert_not_null(r);
    return r;
}
#define CNTFRQ reg(14, 0, 3, 0)
#define CNTPCT reg(14, 0, 3, 1)
#define CNTVCT reg(14, 0, 3, 2)
#define CNTKCTL reg(14, 1, 0, 0)
#define CNTP_TVAL reg(14, 2, 3, 0)
#define CNTP_CTL reg(14, 2, 3, 1)
#define CNTP_CVAL reg(14, 2, 3, 2)
#define CNTV_TVAL reg(14, 3, 3, 0)
#define CNTV_CTL reg(14, 3, 3, 1)
#define CNTV_CVAL reg(14, 3, 3, 2)

static bool allowed(const ARMSysReg *r, bool is_read)
{
    if (env->el < (is_read ? r->read_el : r->write_el)) {
        return false; /* UNDEFINED at translation time */
    }
    return !r->access || r->access(env, r, is_read) == SR_ACCESS_OK;
}

static uint64_t rd(const ARMSysReg *r)
{
    cr_assert(allowed(r, true), "%s read not allowed at EL%u", r->name, env->el);
    if (r->read) {
        return r->read(env, r);
    }
    return *(uint64_t *)((char *)env + r->field);
}

static void wr(const ARMSysReg *r, uint64_t v)
{
    cr_assert(allowed(r, false), "%s write not allowed at EL%u", r->name, env->el);
    if (r->write) {
        r->write(env, r, v);
    } else {
        *(uint64_t *)((char *)env + r->field) = v;
    }
}

static bool wait_level(int which, int want)
{
    for (int i = 0; i < 5000; i++) {
        if (atomic_load(&lines[which].level) == want) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/* ---- the counter ---- */

Test(gtimer, count_to_ns_is_the_exact_inverse)
{
    cr_assert_eq(arm_gtimer_count_to_ns(0), 0);
    cr_assert_eq(arm_gtimer_count_to_ns(1), 16); /* 62.5 MHz: 16 ns per tick */
    cr_assert_eq(arm_gtimer_count_to_ns(~0ull), VCLOCK_NEVER);
    uint64_t samples[] = {1, 7, 62500000, 123456789012ull, 1ull << 40};
    for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
        uint64_t c = samples[i];
        unsigned __int128 ns = (unsigned __int128)arm_gtimer_count_to_ns(c);
        cr_assert_geq((uint64_t)(ns * GTIMER_FREQ_HZ / 1000000000u), c);
        cr_assert_lt((uint64_t)((ns - 1) * GTIMER_FREQ_HZ / 1000000000u), c);
    }
}

Test(gtimer, counters_advance_at_62_5_mhz, .init = setup, .fini = teardown)
{
    cr_assert_eq(rd(CNTFRQ), 62500000);
    int64_t t0 = vclock_get_ns();
    uint64_t p0 = rd(CNTPCT), v0 = rd(CNTVCT);
    g_usleep(20000);
    uint64_t p1 = rd(CNTPCT), v1 = rd(CNTVCT);
    int64_t t1 = vclock_get_ns();
    cr_assert_gt(v1, v0);
    cr_assert_geq(v1, p1, "no CNTVOFF: virtual = physical");
    /* 20 ms at 62.5 MHz is 1,250,000 ticks; the counter follows the virtual clock exactly
     * (the reads lie between t0 and t1) */
    cr_assert_geq(p1 - p0, 1250000);
    cr_assert_leq(p1 - p0, (uint64_t)(t1 - t0) / 16 + 1);
    cr_assert_geq(p0, (uint64_t)t0 / 16);
    cr_assert_leq(v1, (uint64_t)t1 / 16);
}

Test(gtimer, cntfrq_writable_at_el1_only, .init = setup, .fini = teardown)
{
    const ARMSysReg *r = CNTFRQ;
    cr_assert_eq(r->write_el, 1);
    wr(r, 24000000);
    cr_assert_eq(rd(r), 24000000);
    cr_assert_eq(env->cntfrq, 24000000);
    env->el = 0;
    cr_assert_not(allowed(r, false));
}

/* ---- CTL, CVAL and the output ---- */

Test(gtimer, ctl_istatus_imask_enable_drive_the_output, .init = setup, .fini = teardown)
{
    wr(CNTP_CVAL, ~0ull);
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 0);
    wr(CNTP_CVAL, 0); /* condition met at once */
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_ISTATUS);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].level), 0, "the virtual timer is separate");
    wr(CNTP_CTL, GTIMER_CTL_ENABLE | GTIMER_CTL_IMASK | GTIMER_CTL_ISTATUS); /* ISTATUS RO */
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_IMASK | GTIMER_CTL_ISTATUS);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 0, "IMASK lowers the output");
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
    wr(CNTP_CTL, 0);
    cr_assert_eq(rd(CNTP_CTL), 0, "disabled: the condition is not met");
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 0);
    wr(CNTP_CTL, 0xfffffff8ull | GTIMER_CTL_ENABLE);
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_ISTATUS, "other bits RES0");
    cr_assert_eq(rd(CNTP_CVAL), 0);
}

Test(gtimer, cval_is_unsigned_64_bit, .init = setup, .fini = teardown)
{
    wr(CNTV_CTL, GTIMER_CTL_ENABLE);
    wr(CNTV_CVAL, 1ull << 63); /* far future, not "negative" */
    cr_assert_eq(rd(CNTV_CVAL), 1ull << 63);
    cr_assert_eq(rd(CNTV_CTL) & GTIMER_CTL_ISTATUS, 0);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].level), 0);
    wr(CNTV_CVAL, rd(CNTVCT));
    cr_assert_eq(rd(CNTV_CTL) & GTIMER_CTL_ISTATUS, GTIMER_CTL_ISTATUS);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].level), 1);
}

Test(gtimer, tval_is_a_signed_32_bit_downcounter, .init = setup, .fini = teardown)
{
    uint64_t before = rd(CNTPCT);
    wr(CNTP_TVAL, 10000000); /* 160 ms */
    uint64_t after = rd(CNTPCT);
    uint64_t cval = rd(CNTP_CVAL);
    cr_assert_geq(cval, before + 10000000);
    cr_assert_leq(cval, after + 10000000);
    uint64_t t1 = rd(CNTP_TVAL);
    g_usleep(2000);
    uint64_t t2 = rd(CNTP_TVAL);
    cr_assert_leq(t1, 10000000);
    cr_assert_lt(t2, t1, "TVAL counts down");
    cr_assert_gt(t2, 10000000 - 1000000);
    /* a negative TVAL sets CVAL in the past: condition met; reads are bits [31:0] only */
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    before = rd(CNTPCT);
    wr(CNTP_TVAL, 0xfffffffffffffc18ull); /* -1000, upper bits ignored */
    cval = rd(CNTP_CVAL);
    /* signed distances: the count starts near 0, so CVAL may wrap below it */
    cr_assert_leq((int64_t)(cval - rd(CNTPCT)), -1000);
    cr_assert_geq((int64_t)(cval - before), -1000);
    uint64_t t3 = rd(CNTP_TVAL);
    cr_assert_eq(t3 >> 32, 0);
    cr_assert_geq(t3, 0xffff0000u, "about -1000 as a 32-bit value: %#llx", (unsigned long long)t3);
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_ISTATUS);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
    /* 0x80000000 as TVAL is -2^31 */
    before = rd(CNTPCT);
    wr(CNTP_TVAL, 0x80000000u);
    int64_t d = (int64_t)(rd(CNTP_CVAL) - before);
    cr_assert_geq(d, INT32_MIN);
    cr_assert_lt(d, (int64_t)INT32_MIN + 1000000);
}

/* ---- the timer fires on time ---- */

Test(gtimer, vtimer_raises_the_output_at_the_deadline, .init = setup, .fini = teardown)
{
    wr(CNTV_TVAL, 62500 * 5); /* 5 ms */
    uint64_t cval = rd(CNTV_CVAL);
    wr(CNTV_CTL, GTIMER_CTL_ENABLE);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].level), 0);
    cr_assert(wait_level(GTIMER_VIRT, 1));
    cr_assert_geq(atomic_load(&lines[GTIMER_VIRT].count_at_raise), cval, "never early");
    cr_assert_eq(rd(CNTV_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_ISTATUS);
    /* re-arming later lowers the output; the next deadline raises it again */
    wr(CNTV_TVAL, 62500 * 3);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].level), 0);
    cr_assert(wait_level(GTIMER_VIRT, 1));
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].changes), 0);
}

Test(gtimer, masked_or_disabled_timer_never_fires, .init = setup, .fini = teardown)
{
    wr(CNTP_TVAL, 62500); /* 1 ms */
    wr(CNTP_CTL, GTIMER_CTL_ENABLE | GTIMER_CTL_IMASK);
    wr(CNTV_TVAL, 62500);
    wr(CNTV_CTL, GTIMER_CTL_ENABLE);
    wr(CNTV_CTL, 0);
    g_usleep(20000);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].changes), 0);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].changes), 0);
    cr_assert_eq(rd(CNTP_CTL), GTIMER_CTL_ENABLE | GTIMER_CTL_IMASK | GTIMER_CTL_ISTATUS);
    wr(CNTP_CTL, GTIMER_CTL_ENABLE); /* unmasking an expired timer raises at once */
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
}

Test(gtimer, paused_clock_holds_the_timer, .init = setup, .fini = teardown)
{
    vclock_pause();
    uint64_t c0 = rd(CNTPCT);
    wr(CNTP_TVAL, 62500); /* 1 ms of virtual time */
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    g_usleep(20000);
    cr_assert_eq(rd(CNTPCT), c0, "the counter stands still while paused");
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 0);
    vclock_resume();
    cr_assert(wait_level(GTIMER_PHYS, 1));
}

Test(gtimer, reset_lowers_outputs_and_disarms, .init = setup, .fini = teardown)
{
    wr(CNTP_CVAL, 0);
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    wr(CNTV_TVAL, 62500 * 5);
    wr(CNTV_CTL, GTIMER_CTL_ENABLE);
    wr(CNTKCTL, 0x3ff);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
    atomic_store(&lines[GTIMER_VIRT].changes, 0);
    arm_gtimer_reset(cpu);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 0);
    cr_assert_eq(rd(CNTP_CTL), 0);
    cr_assert_eq(rd(CNTV_CTL), 0);
    cr_assert_eq(rd(CNTKCTL), 0);
    g_usleep(20000);
    cr_assert_eq(atomic_load(&lines[GTIMER_VIRT].changes), 0);
}

/* ---- EL0 access rules (CNTKCTL_EL1) ---- */

Test(gtimer, el0_access_follows_cntkctl, .init = setup, .fini = teardown)
{
    wr(CNTKCTL, 0xffffffffffffffffull);
    cr_assert_eq(rd(CNTKCTL), CNTKCTL_MASK, "bits above 9 are RES0");
    wr(CNTKCTL, 0);
    env->el = 0;
    const ARMSysReg *regs[] = {CNTFRQ, CNTPCT, CNTVCT, CNTP_TVAL, CNTP_CTL, CNTP_CVAL,
                               CNTV_TVAL, CNTV_CTL, CNTV_CVAL};
    for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
        cr_assert_eq(regs[i]->access(env, regs[i], true), SR_ACCESS_TRAP, "%s", regs[i]->name);
    }
    cr_assert_not(allowed(CNTKCTL, true), "CNTKCTL_EL1 is EL1 only");
    cr_assert_not(allowed(CNTPCT, false), "counters are read-only");

    struct {
        uint64_t bit;
        const ARMSysReg *ok[4];
    } rules[] = {
        {CNTKCTL_EL0PCTEN, {CNTFRQ, CNTPCT}},
        {CNTKCTL_EL0VCTEN, {CNTFRQ, CNTVCT}},
        {CNTKCTL_EL0PTEN, {CNTP_TVAL, CNTP_CTL, CNTP_CVAL}},
        {CNTKCTL_EL0VTEN, {CNTV_TVAL, CNTV_CTL, CNTV_CVAL}},
    };
    for (size_t k = 0; k < G_N_ELEMENTS(rules); k++) {
        env->el = 1;
        wr(CNTKCTL, rules[k].bit);
        env->el = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(regs); i++) {
            bool want = false;
            for (int j = 0; j < 4 && rules[k].ok[j]; j++) {
                want |= rules[k].ok[j] == regs[i];
            }
            cr_assert_eq(allowed(regs[i], true), want, "%s with CNTKCTL %#llx", regs[i]->name,
                         (unsigned long long)rules[k].bit);
        }
    }
    /* EL0 with EL0PTEN may program the physical timer (writes check the same bit) */
    env->el = 1;
    wr(CNTKCTL, CNTKCTL_EL0PTEN);
    env->el = 0;
    wr(CNTP_CVAL, 0);
    wr(CNTP_CTL, GTIMER_CTL_ENABLE);
    cr_assert_eq(atomic_load(&lines[GTIMER_PHYS].level), 1);
    cr_assert_not(allowed(CNTV_CTL, false));
}
