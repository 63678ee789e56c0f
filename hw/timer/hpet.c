/*
 * hpet.c — the HPET (IA-PC HPET spec 1.0a). The main counter is derived from the virtual
 * clock while ENABLE_CNF is set (counter_base + elapsed / 10 ns) and frozen otherwise. Each
 * comparator has a VTimer armed for the virtual time the counter reaches it (in 32-bit mode
 * comparisons are modulo 2^32, so a one-shot timer fires again after a wrap, spec 2.3.9.2.1);
 * a periodic timer adds its period to the comparator on each match (2.3.9.2.2). Writing the
 * comparator of a periodic timer sets the period, and also the comparator when Tn_VAL_SET_CNF
 * is set (which then clears). Level interrupts latch Tn_INT_STS in GINTR_STA until the guest
 * writes 1 to it; edge interrupts pulse the line. Runs with the device lock held.
 */
#include "hw/timer/hpet.h"

#include <string.h>

uint64_t hpet_gcap_id(void)
{
    return (uint64_t)HPET_PERIOD_FS << 32 | 0x8086u << 16 | 1u << 15 /* LEG_RT_CAP */ |
           1u << 13 /* COUNT_SIZE_CAP: 64-bit */ | (HPET_NUM_TIMERS - 1) << 8 | 1 /* REV_ID */;
}

static uint64_t hpet_counter_at(HPETState *s, int64_t now)
{
    if (!(s->config & HPET_CFG_ENABLE)) {
        return s->counter_base;
    }
    return s->counter_base + (uint64_t)(now - s->enable_ns) / HPET_NS_PER_TICK;
}

uint64_t hpet_counter(HPETState *s) { return hpet_counter_at(s, s->now_ns()); }

/* ---- interrupts ---- */

static const IRQLine *hpet_timer_line(HPETTimer *t)
{
    HPETState *s = t->hpet;
    if ((s->config & HPET_CFG_LEGACY) && t->index < 2) {
        return &s->legacy[t->index];
    }
    return &s->gsi[(t->config & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT];
}

static void hpet_timer_set_line(HPETTimer *t, int level)
{
    if (level != t->level) {
        t->level = level;
        irq_set_level(hpet_timer_line(t), level);
    }
}

/* Re-evaluates the output of a level timer (after ISR, enable or route changes). */
static void hpet_timer_update_line(HPETTimer *t)
{
    HPETState *s = t->hpet;
    int level = (s->config & HPET_CFG_ENABLE) && (t->config & HPET_TN_INT_ENB) &&
                (t->config & HPET_TN_INT_TYPE_LEVEL) && (s->isr >> t->index & 1);
    hpet_timer_set_line(t, level);
}

static void hpet_timer_fire(HPETTimer *t)
{
    HPETState *s = t->hpet;
    if (t->config & HPET_TN_INT_TYPE_LEVEL) {
        s->isr |= 1ull << t->index;
        hpet_timer_update_line(t);
    } else if (t->config & HPET_TN_INT_ENB) {
        hpet_timer_set_line(t, 1);
        hpet_timer_set_line(t, 0);
    }
}

/* ---- comparators ---- */

static bool hpet_timer_32(HPETTimer *t) { return (t->config & HPET_TN_32BIT) != 0; }

/* Ticks from counter to the next match of the comparator (0 counts as a full wrap). */
static uint64_t hpet_ticks_to_match(HPETTimer *t, uint64_t counter)
{
    if (hpet_timer_32(t)) {
        uint32_t d = (uint32_t)t->cmp - (uint32_t)counter;
        return d ? d : 1ull << 32;
    }
    return t->cmp - counter;
}

static void hpet_timer_arm(HPETTimer *t, int64_t now)
{
    HPETState *s = t->hpet;
    uint64_t ticks;
    if (!(s->config & HPET_CFG_ENABLE)) {
        vtimer_del(t->vt);
        return;
    }
    ticks = hpet_ticks_to_match(t, hpet_counter_at(s, now));
    if (!hpet_timer_32(t) && (t->cmp <= hpet_counter_at(s, now)) &&
        !(t->config & HPET_TN_PERIODIC)) {
        vtimer_del(t->vt); /* a 64-bit one-shot comparator in the past matches in 5,800 years */
        return;
    }
    /* time until the counter reaches cmp: the counter steps at enable_ns + k * 10 ns */
    int64_t phase = (now - s->enable_ns) % HPET_NS_PER_TICK;
    if (ticks > (uint64_t)(INT64_MAX / 2) / HPET_NS_PER_TICK) {
        vtimer_del(t->vt);
        return;
    }
    vtimer_mod_ns(t->vt, now - phase + (int64_t)ticks * HPET_NS_PER_TICK);
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;
    HPETState *s = t->hpet;
    int64_t now = s->now_ns();
    uint64_t counter = hpet_counter_at(s, now);
    if (!(s->config & HPET_CFG_ENABLE)) {
        return;
    }
    hpet_timer_fire(t);
    if ((t->config & HPET_TN_PERIODIC) && t->period) {
        /* Advance past the counter; missed periods collapse into this one interrupt. */
        do {
            t->cmp += t->period;
        } while (hpet_timer_32(t) ? (int32_t)((uint32_t)t->cmp - (uint32_t)counter) <= 0
                                  : t->cmp <= counter);
        if (hpet_timer_32(t)) {
            t->cmp = (uint32_t)t->cmp;
        }
    }
    hpet_timer_arm(t, now);
}

/* ---- registers ---- */

static uint64_t hpet_timer_conf_read(HPETTimer *t)
{
    return (uint64_t)HPET_INT_ROUTE_CAP << 32 | t->config | HPET_TN_PER_INT_CAP | HPET_TN_SIZE_CAP;
}

static uint64_t hpet_read64(HPETState *s, uint64_t off)
{
    switch (off) {
    case HPET_GCAP_ID:
        return hpet_gcap_id();
    case HPET_GEN_CONF:
        return s->config;
    case HPET_GINTR_STA:
        return s->isr;
    case HPET_MAIN_COUNTER:
        return hpet_counter(s);
    }
    if (off >= HPET_TIMER0 && off < HPET_TIMER0 + 0x20 * HPET_NUM_TIMERS) {
        HPETTimer *t = &s->timers[(off - HPET_TIMER0) / 0x20];
        switch ((off - HPET_TIMER0) % 0x20) {
        case 0:
            return hpet_timer_conf_read(t);
        case 8:
            return hpet_timer_32(t) ? (uint32_t)t->cmp : t->cmp;
        }
    }
    return 0; /* reserved and FSB route registers */
}

static void hpet_set_config(HPETState *s, uint64_t v)
{
    int64_t now = s->now_ns();
    uint64_t old = s->config;
    uint64_t counter = hpet_counter_at(s, now);
    v &= HPET_CFG_ENABLE | HPET_CFG_LEGACY;
    if ((old ^ v) & HPET_CFG_LEGACY) {
        /* lower each output on its old route before switching routes */
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_timer_set_line(&s->timers[i], 0);
        }
    }
    s->config = v;
    if ((old ^ v) & HPET_CFG_ENABLE) {
        s->counter_base = counter;
        s->enable_ns = now;
    }
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        hpet_timer_update_line(&s->timers[i]);
        hpet_timer_arm(&s->timers[i], now);
    }
}

static void hpet_timer_write(HPETState *s, HPETTimer *t, unsigned reg, uint64_t v, uint64_t mask)
{
    int64_t now = s->now_ns();
    if (reg == 0) {
        uint64_t writable = HPET_TN_INT_TYPE_LEVEL | HPET_TN_INT_ENB | HPET_TN_PERIODIC |
                            HPET_TN_VAL_SET | HPET_TN_32BIT | HPET_TN_ROUTE_MASK;
        uint64_t nv = (t->config & ~(mask & writable)) | (v & mask & writable);
        unsigned route = (unsigned)((nv & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT);
        if (!(HPET_INT_ROUTE_CAP >> route & 1)) {
            nv = (nv & ~HPET_TN_ROUTE_MASK) | (t->config & HPET_TN_ROUTE_MASK);
        }
        hpet_timer_set_line(t, 0);
        t->config = nv;
        if (hpet_timer_32(t)) {
            t->cmp = (uint32_t)t->cmp;
            t->period = (uint32_t)t->period;
        }
        hpet_timer_update_line(t);
    } else if (reg == 8) {
        uint64_t nv = (t->cmp & ~mask) | (v & mask);
        if (hpet_timer_32(t)) {
            nv = (uint32_t)nv;
        }
        if (t->config & HPET_TN_PERIODIC) {
            if (t->config & HPET_TN_VAL_SET) {
                t->cmp = nv;
                t->config &= ~(uint64_t)HPET_TN_VAL_SET;
            }
            t->period = (t->period & ~mask) | (v & mask);
            if (hpet_timer_32(t)) {
                t->period = (uint32_t)t->period;
            }
        } else {
            t->cmp = nv;
        }
    } else {
        return;
    }
    hpet_timer_arm(t, now);
}

static void hpet_write64(HPETState *s, uint64_t off, uint64_t v, uint64_t mask)
{
    switch (off) {
    case HPET_GEN_CONF:
        hpet_set_config(s, (s->config & ~mask) | (v & mask));
        return;
    case HPET_GINTR_STA:
        s->isr &= ~(v & mask);
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            hpet_timer_update_line(&s->timers[i]);
        }
        return;
    case HPET_MAIN_COUNTER:
        /* Writable while halted (spec 2.3.7: software should halt the counter first). */
        if (!(s->config & HPET_CFG_ENABLE)) {
            s->counter_base = (s->counter_base & ~mask) | (v & mask);
        }
        return;
    }
    if (off >= HPET_TIMER0 && off < HPET_TIMER0 + 0x20 * HPET_NUM_TIMERS) {
        HPETTimer *t = &s->timers[(off - HPET_TIMER0) / 0x20];
        hpet_timer_write(s, t, (unsigned)((off - HPET_TIMER0) % 0x20), v, mask);
    }
}

static uint64_t hpet_read(void *opaque, uint64_t off, unsigned size)
{
    uint64_t v = hpet_read64(opaque, off & ~7ull);
    v >>= 8 * (off & 7);
    return size == 8 ? v : v & 0xffffffffu;
}

static void hpet_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    unsigned shift = 8 * (unsigned)(off & 7);
    uint64_t mask = (size == 8 ? ~0ull : 0xffffffffull) << shift;
    hpet_write64(opaque, off & ~7ull, value << shift, mask);
}

const MemoryRegionOps hpet_ops = {
    .read = hpet_read,
    .write = hpet_write,
    .min_access = 4,
    .max_access = 8,
};

void hpet_reset(HPETState *s)
{
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->timers[i];
        hpet_timer_set_line(t, 0);
        vtimer_del(t->vt);
        t->config = 0;
        t->cmp = ~0ull;
        t->period = 0;
    }
    s->config = s->isr = 0;
    s->counter_base = 0;
    s->enable_ns = s->now_ns();
}

void hpet_init(HPETState *s)
{
    int64_t (*now)(void) = s->now_ns ? s->now_ns : vclock_get_ns;
    memset(s, 0, sizeof(*s));
    s->now_ns = now;
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->timers[i].hpet = s;
        s->timers[i].index = i;
        s->timers[i].vt = vtimer_new(hpet_timer_cb, &s->timers[i]);
    }
    memory_region_init_io(&s->iomem, "hpet", HPET_MMIO_SIZE, &hpet_ops, s);
    hpet_reset(s);
}
