/*
 * apic-timer.c — the local APIC timer (Intel SDM vol. 3A 10.5.4): one-shot, periodic and
 * TSC-deadline modes on the virtual clock (hw/core/vclock.h).
 *
 * The APIC bus clock is 1 GHz: one count per (divisor) ns. The count is not stored; it is
 * computed from when counting began (timer_start_ns), the initial count and the divisor, so
 * reads need no timer thread. timer_next_ns is the next expiry (VCLOCK_NEVER when the counter
 * is not running); the VTimer is armed at it. The TSC of the TSC-deadline mode ticks once per
 * virtual ns (link.get_tsc, or the virtual clock itself).
 * Threads: everything here runs with the device lock held (MMIO, MSR paths that took it, and
 * the VTimer callback, which the timer thread calls with it held).
 */
#include "hw/intc/apic-internal.h"

static unsigned apic_timer_shift(const X86LocalAPIC *s)
{
    /* Divide configuration (SDM figure 10-10): bits 3,1:0; 0b111 = divide by 1, else
     * divide by 2^(value + 1). */
    unsigned v = ((s->divide_conf >> 1) & 4) | (s->divide_conf & 3);
    return (v + 1) & 7;
}

int apic_timer_mode(const X86LocalAPIC *s)
{
    return (s->lvt[APIC_LVT_TIMER] >> APIC_LVT_TIMER_MODE_SHIFT) & 3;
}

static int64_t apic_timer_period_ns(const X86LocalAPIC *s)
{
    return (int64_t)s->initial_count << apic_timer_shift(s);
}

static void apic_timer_stop(X86LocalAPIC *s)
{
    s->timer_next_ns = VCLOCK_NEVER;
    vtimer_del(s->timer);
}

static uint64_t apic_tsc_now(X86LocalAPIC *s)
{
    return s->link.get_tsc ? s->link.get_tsc(s->link.opaque) : (uint64_t)vclock_get_ns();
}

static void apic_timer_expired(void *opaque)
{
    X86LocalAPIC *s = opaque;
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DEADLINE) {
        if (s->tsc_deadline == 0) {
            return;
        }
        if (apic_tsc_now(s) < s->tsc_deadline) {
            apic_timer_write_deadline(s, s->tsc_deadline); /* TSC moved back: re-arm */
            return;
        }
        s->tsc_deadline = 0; /* SDM 10.5.4.1: the timer disarms itself and clears the MSR */
        apic_deliver_lvt(s, APIC_LVT_TIMER);
        return;
    }
    if (s->timer_next_ns == VCLOCK_NEVER) {
        return;
    }
    apic_deliver_lvt(s, APIC_LVT_TIMER);
    if (apic_timer_mode(s) != APIC_TIMER_PERIODIC) {
        s->timer_next_ns = VCLOCK_NEVER; /* one-shot: the count stays 0 */
        return;
    }
    int64_t period = apic_timer_period_ns(s);
    int64_t now = vclock_get_ns();
    int64_t next = s->timer_next_ns + period;
    if (next <= now) {
        /* Late (machine paused, host busy): expiries that were missed coalesce into one. */
        next = s->timer_start_ns + ((now - s->timer_start_ns) / period + 1) * period;
    }
    s->timer_next_ns = next;
    vtimer_mod_ns(s->timer, next);
}

void apic_timer_init(X86LocalAPIC *s)
{
    s->timer = vtimer_new(apic_timer_expired, s);
    s->timer_next_ns = VCLOCK_NEVER;
}

void apic_timer_reset(X86LocalAPIC *s)
{
    apic_timer_stop(s);
    s->initial_count = 0;
    s->divide_conf = 0;
    s->timer_start_ns = 0;
    s->tsc_deadline = 0;
}

uint32_t apic_timer_current_count(X86LocalAPIC *s)
{
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DEADLINE || s->initial_count == 0 ||
        s->timer_next_ns == VCLOCK_NEVER) {
        return 0;
    }
    uint64_t elapsed = (uint64_t)(vclock_get_ns() - s->timer_start_ns) >> apic_timer_shift(s);
    if (apic_timer_mode(s) == APIC_TIMER_PERIODIC) {
        return s->initial_count - (uint32_t)(elapsed % s->initial_count);
    }
    return elapsed >= s->initial_count ? 0 : s->initial_count - (uint32_t)elapsed;
}

void apic_timer_write_initial(X86LocalAPIC *s, uint32_t value)
{
    if (apic_timer_mode(s) == APIC_TIMER_TSC_DEADLINE) {
        return; /* SDM 10.5.4.1: ignored in TSC-deadline mode */
    }
    s->initial_count = value;
    if (value == 0) {
        apic_timer_stop(s); /* SDM 10.5.4: a write of 0 stops the timer */
        return;
    }
    s->timer_start_ns = vclock_get_ns();
    s->timer_next_ns = s->timer_start_ns + apic_timer_period_ns(s);
    vtimer_mod_ns(s->timer, s->timer_next_ns);
}

void apic_timer_write_divide(X86LocalAPIC *s, uint32_t value)
{
    uint32_t cur = apic_timer_current_count(s);
    s->divide_conf = value & 0xb;
    if (s->timer_next_ns == VCLOCK_NEVER || apic_timer_mode(s) == APIC_TIMER_TSC_DEADLINE) {
        return;
    }
    /* Keep counting from the current count at the new rate. */
    int64_t now = vclock_get_ns();
    s->timer_next_ns = now + ((int64_t)cur << apic_timer_shift(s));
    s->timer_start_ns = s->timer_next_ns - apic_timer_period_ns(s);
    vtimer_mod_ns(s->timer, s->timer_next_ns);
}

void apic_timer_lvt_changed(X86LocalAPIC *s, uint32_t old_lvt)
{
    int old_mode = (old_lvt >> APIC_LVT_TIMER_MODE_SHIFT) & 3;
    if (old_mode != apic_timer_mode(s)) {
        /* SDM 10.5.4.1: a write that changes the timer mode disarms the timer. */
        apic_timer_stop(s);
        s->tsc_deadline = 0;
    }
}

void apic_timer_write_deadline(X86LocalAPIC *s, uint64_t value)
{
    if (apic_timer_mode(s) != APIC_TIMER_TSC_DEADLINE) {
        return;
    }
    s->tsc_deadline = value;
    if (value == 0) {
        apic_timer_stop(s);
        return;
    }
    uint64_t tsc = apic_tsc_now(s);
    int64_t now = vclock_get_ns();
    uint64_t delta = value > tsc ? value - tsc : 0;
    int64_t when = delta >= (uint64_t)(VCLOCK_NEVER - 1 - now) ? VCLOCK_NEVER - 1
                                                                : now + (int64_t)delta;
    vtimer_mod_ns(s->timer, when);
}
