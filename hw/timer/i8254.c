/*
 * i8254.c — the 8254 PIT (Intel 82C54 datasheet, order 231244) and port 0x61 (PC/AT system
 * control port B; PIIX datasheet 290550 "NMI status and control register").
 *
 * A channel is computed, not clocked: its state is the reload value, the virtual time counting
 * started and its mode, and the counter and OUT at time t follow from the number of 1.193182
 * MHz ticks elapsed since then. Counting starts when the last byte of the count is written (the
 * datasheet's "next CLK pulse" is not modelled: OUT in mode 0 rises exactly count ticks after
 * the write, which is what Linux's TSC calibration times). Modes 0/4 stop while GATE is low;
 * modes 2/3 hold OUT high and restart on a GATE rising edge; modes 1/5 start on one.
 * Channel 0's OUT drives irq0 through a VTimer armed at each OUT transition; the callback
 * evaluates OUT at the transition's own tick, so a late timer still produces every edge (a
 * backlog over 100 ms is skipped). All functions run with the device lock held.
 */
#include "hw/timer/i8254.h"

#include <string.h>

#include "system/log.h"

#define I8254_NS_PER_S 1000000000LL
#define I8254_MAX_LAG_NS 100000000LL

enum {
    I8254_CTRL = 3,
    I8254_CW_SC = 0xc0, /* select counter; 3 = read-back */
    I8254_CW_RW = 0x30, /* 0 = counter latch command */
    I8254_RB_NOCOUNT = 0x20,
    I8254_RB_NOSTATUS = 0x10,
    I8254_PORT61_GATE2 = 0x01,
    I8254_PORT61_SPKR = 0x02,
    I8254_PORT61_RW = 0x0e,
    I8254_PORT61_REFRESH = 0x10,
    I8254_PORT61_OUT2 = 0x20,
};

static int64_t i8254_ns_to_ticks(int64_t ns) {
    return (int64_t)((__int128)ns * I8254_FREQ_HZ / I8254_NS_PER_S);
}

/* First virtual ns at which tick number t has elapsed. */
static int64_t i8254_ticks_to_ns(int64_t t) {
    return (int64_t)(((__int128)t * I8254_NS_PER_S + I8254_FREQ_HZ - 1) / I8254_FREQ_HZ);
}

static bool i8254_counts_with_gate(const I8254Channel *c) {
    return c->mode == 0 || c->mode == 4;
}

/* Ticks counted since the count was loaded. */
static int64_t i8254_elapsed(const I8254Channel *c, int64_t now) {
    if (c->frozen_ticks >= 0) {
        return c->frozen_ticks;
    }
    return now > c->load_ns ? i8254_ns_to_ticks(now - c->load_ns) : 0;
}

static bool i8254_running(const I8254Channel *c) {
    if (!c->loaded) {
        return false;
    }
    if ((c->mode == 1 || c->mode == 5) && !c->triggered) {
        return false;
    }
    if ((c->mode == 2 || c->mode == 3) && !c->gate) {
        return false;
    }
    return true;
}

/* OUT after d ticks (datasheet figures "Mode 0".."Mode 5"). */
static bool i8254_out_at(const I8254Channel *c, int64_t d) {
    if (!i8254_running(c)) {
        return c->mode != 0; /* mode 0 OUT goes low at the control word, every other high */
    }
    int64_t n = c->count;
    switch (c->mode) {
    case 0:
    case 1: return d >= n;
    case 2: return n == 1 || d % n != n - 1; /* low for the one tick the counter holds 1 */
    case 3: return d % n < (n + 1) / 2;      /* odd counts: high one tick longer */
    default: /* 4, 5: a one-tick low strobe when the count expires */ return d != n;
    }
}

/* Elapsed-tick number of the first OUT transition after d, or -1 if OUT stays put. */
static int64_t i8254_next_transition(const I8254Channel *c, int64_t d) {
    if (!i8254_running(c) || (c->frozen_ticks >= 0)) {
        return -1;
    }
    int64_t n = c->count, p = d % n, base = d - p;
    switch (c->mode) {
    case 0:
    case 1: return d < n ? n : -1;
    case 2:
        if (n == 1) {
            return -1;
        }
        return p < n - 1 ? base + n - 1 : base + n;
    case 3:
        if (n == 1) {
            return -1;
        }
        return p < (n + 1) / 2 ? base + (n + 1) / 2 : base + n;
    default: return d < n ? n : (d == n ? n + 1 : -1);
    }
}

/* The counting element after d ticks, in [0, 0x10000) binary or [0, 10000) BCD (a count of
 * 0x10000 / 10000 reads as 0). */
static uint32_t i8254_counter_at(const I8254Channel *c, int64_t d) {
    int64_t n = c->count, mod = c->bcd ? 10000 : 0x10000, v;
    if (!i8254_running(c)) {
        v = n;
    } else if (c->mode == 2) {
        v = n - d % n;
    } else if (c->mode == 3) {
        v = n - (2 * d) % n; /* mode 3 decrements by two */
    } else {
        v = n - d % mod; /* wraps past 0 to the top and keeps counting */
    }
    return (uint32_t)(((v % mod) + mod) % mod);
}

static uint16_t i8254_to_bcd(uint32_t v) {
    return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | (v % 10));
}

static uint32_t i8254_from_bcd(uint16_t v) {
    return (v >> 12) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
}

/* ---- OUT of channel 0 on the IRQ line ---- */

static void i8254_set_out_level(I8254State *s, I8254Channel *c, bool level) {
    if (c->out_level != (int)level) {
        c->out_level = level;
        if (c == &s->ch[0]) {
            irq_set_level(&s->irq0, level);
        }
    }
}

/* Re-evaluates OUT now and arms the timer for the next transition. */
static void i8254_update_out(I8254State *s, I8254Channel *c) {
    if (!c->timer) {
        return;
    }
    int64_t d = i8254_elapsed(c, vclock_get_ns());
    i8254_set_out_level(s, c, i8254_out_at(c, d));
    c->next_tick = i8254_next_transition(c, d);
    if (c->next_tick < 0) {
        vtimer_del(c->timer);
    } else {
        vtimer_mod_ns(c->timer, c->load_ns + i8254_ticks_to_ns(c->next_tick));
    }
}

static void i8254_timer_cb(void *opaque) {
    I8254State *s = opaque;
    I8254Channel *c = &s->ch[0];
    int64_t now = vclock_get_ns();
    if (c->next_tick < 0) {
        return;
    }
    int64_t t = c->next_tick;
    i8254_set_out_level(s, c, i8254_out_at(c, t));
    int64_t next = i8254_next_transition(c, t);
    if (next >= 0 && c->load_ns + i8254_ticks_to_ns(next) < now - I8254_MAX_LAG_NS) {
        i8254_update_out(s, c); /* far behind (host stall): resume from the present */
        return;
    }
    c->next_tick = next;
    if (next >= 0) {
        vtimer_mod_ns(c->timer, c->load_ns + i8254_ticks_to_ns(next));
    }
}

/* ---- programming ---- */

static void i8254_latch_count(I8254Channel *c, int64_t now) {
    if (c->count_latched) {
        return; /* datasheet: further latch commands are ignored until it is read */
    }
    uint32_t v = i8254_counter_at(c, i8254_elapsed(c, now));
    c->latched_count = c->bcd ? i8254_to_bcd(v) : (uint16_t)v;
    c->count_latched = true;
    c->latch_msb_next = (c->rw == 2);
}

static void i8254_latch_status(I8254Channel *c, int64_t now) {
    if (c->status_latched) {
        return;
    }
    bool out = i8254_out_at(c, i8254_elapsed(c, now));
    c->latched_status = (uint8_t)((out ? 0x80 : 0) | (c->null_count ? 0x40 : 0) | (c->rw << 4) |
                                  (c->mode << 1) | (c->bcd ? 1 : 0));
    c->status_latched = true;
}

static void i8254_write_control(I8254State *s, uint8_t v) {
    int64_t now = vclock_get_ns();
    int sc = v >> 6;
    if (sc == 3) {
        /* read-back command: D5 = 0 latch count, D4 = 0 latch status, D3..D1 counters 2..0 */
        for (int i = 0; i < 3; i++) {
            if (v & (2 << i)) {
                if (!(v & I8254_RB_NOSTATUS)) {
                    i8254_latch_status(&s->ch[i], now);
                }
                if (!(v & I8254_RB_NOCOUNT)) {
                    i8254_latch_count(&s->ch[i], now);
                }
            }
        }
        return;
    }
    I8254Channel *c = &s->ch[sc];
    int rw = (v >> 4) & 3;
    if (rw == 0) {
        i8254_latch_count(c, now);
        return;
    }
    c->rw = (uint8_t)rw;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5) {
        c->mode -= 4; /* x11x: 6 and 7 are modes 2 and 3 */
    }
    c->bcd = v & 1;
    c->loaded = false;
    c->triggered = false;
    c->frozen_ticks = -1;
    c->null_count = true;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    c->status_latched = false;
    i8254_set_out_level(s, c, c->mode != 0);
    i8254_update_out(s, c);
}

static void i8254_load_count(I8254State *s, I8254Channel *c, uint16_t raw) {
    uint32_t n = c->bcd ? i8254_from_bcd(raw) : raw;
    if (n == 0) {
        n = c->bcd ? 10000 : 0x10000; /* 0 is the maximum count */
    }
    c->count = n;
    c->loaded = true;
    c->null_count = false;
    /* Modes 2/3 take a new count at the end of the current period; restarting at once is
     * what QEMU does too. Modes 1/5 keep the count until a GATE rising edge. */
    if (c->mode != 1 && c->mode != 5) {
        c->load_ns = vclock_get_ns();
        c->frozen_ticks = (i8254_counts_with_gate(c) && !c->gate) ? 0 : -1;
    }
    i8254_update_out(s, c);
}

static void i8254_write_counter(I8254State *s, I8254Channel *c, uint8_t v) {
    switch (c->rw) {
    case 1: i8254_load_count(s, c, v); break;
    case 2: i8254_load_count(s, c, (uint16_t)(v << 8)); break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = true;
            if (c->mode == 0) {
                /* mode 0: writing the first byte stops the count, OUT stays low */
                c->loaded = false;
                i8254_set_out_level(s, c, false);
                i8254_update_out(s, c);
            }
        } else {
            c->write_msb_next = false;
            i8254_load_count(s, c, (uint16_t)(c->write_lsb | v << 8));
        }
        break;
    }
}

static uint8_t i8254_read_counter(I8254Channel *c) {
    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    if (c->count_latched) {
        uint8_t v =
            c->latch_msb_next ? (uint8_t)(c->latched_count >> 8) : (uint8_t)c->latched_count;
        if (c->rw == 3 && !c->latch_msb_next) {
            c->latch_msb_next = true;
        } else {
            c->count_latched = false;
        }
        return v;
    }
    uint32_t n = i8254_counter_at(c, i8254_elapsed(c, vclock_get_ns()));
    uint16_t v = c->bcd ? i8254_to_bcd(n) : (uint16_t)n;
    switch (c->rw) {
    case 1: return (uint8_t)v;
    case 2: return (uint8_t)(v >> 8);
    default:
        c->read_msb_next = !c->read_msb_next;
        return c->read_msb_next ? (uint8_t)v : (uint8_t)(v >> 8);
    }
}

static uint64_t i8254_io_read(void *opaque, uint64_t offset, unsigned size) {
    I8254State *s = opaque;
    if (offset == I8254_CTRL) {
        return 0xff; /* the control word register cannot be read */
    }
    return i8254_read_counter(&s->ch[offset]);
}

static void i8254_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    I8254State *s = opaque;
    if (offset == I8254_CTRL) {
        i8254_write_control(s, (uint8_t)value);
    } else {
        i8254_write_counter(s, &s->ch[offset], (uint8_t)value);
    }
}

void i8254_set_gate(I8254State *s, int n, bool level) {
    I8254Channel *c = &s->ch[n];
    if (c->gate == level) {
        return;
    }
    int64_t now = vclock_get_ns();
    if (i8254_counts_with_gate(c) && c->loaded) {
        if (!level) {
            c->frozen_ticks = i8254_elapsed(c, now);
        } else if (c->frozen_ticks >= 0) {
            c->load_ns = now - i8254_ticks_to_ns(c->frozen_ticks);
            c->frozen_ticks = -1;
        }
    } else if (level && c->loaded) {
        /* modes 1/5: the rising edge triggers; modes 2/3: it reloads the counter */
        c->load_ns = now;
        c->triggered = true;
    }
    c->gate = level;
    i8254_update_out(s, c);
}

bool i8254_get_out(I8254State *s, int n) {
    I8254Channel *c = &s->ch[n];
    return i8254_out_at(c, i8254_elapsed(c, vclock_get_ns()));
}

uint32_t i8254_get_count(I8254State *s, int n) {
    I8254Channel *c = &s->ch[n];
    return i8254_counter_at(c, i8254_elapsed(c, vclock_get_ns()));
}

/* ---- port 0x61 ---- */

static uint64_t i8254_port61_read(void *opaque, uint64_t offset, unsigned size) {
    I8254State *s = opaque;
    int64_t now = vclock_get_ns();
    uint8_t v = s->port61 & I8254_PORT61_RW;
    v |= s->ch[2].gate ? I8254_PORT61_GATE2 : 0;
    v |= ((now / I8254_REFRESH_NS) & 1) ? I8254_PORT61_REFRESH : 0;
    v |= i8254_get_out(s, 2) ? I8254_PORT61_OUT2 : 0;
    return v;
}

static void i8254_port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    I8254State *s = opaque;
    s->port61 = (uint8_t)value & I8254_PORT61_RW;
    i8254_set_gate(s, 2, value & I8254_PORT61_GATE2);
}

const MemoryRegionOps i8254_ops = {
    .read = i8254_io_read,
    .write = i8254_io_write,
    .min_access = 1,
    .max_access = 1,
};

const MemoryRegionOps i8254_port61_ops = {
    .read = i8254_port61_read,
    .write = i8254_port61_write,
    .min_access = 1,
    .max_access = 1,
};

void i8254_reset(I8254State *s) {
    /* As QEMU leaves them: every channel in mode 3 with count 0x10000, so channel 0 ticks at
     * 18.2 Hz until a guest programs it (firmware-less guests may rely on it). */
    int64_t now = vclock_get_ns();
    for (int i = 0; i < 3; i++) {
        I8254Channel *c = &s->ch[i];
        VTimer *t = c->timer;
        int level = c->out_level;
        memset(c, 0, sizeof(*c));
        c->timer = t;
        c->out_level = level;
        c->mode = 3;
        c->rw = 3;
        c->count = 0x10000;
        c->loaded = true;
        c->load_ns = now;
        c->frozen_ticks = -1;
        c->next_tick = -1;
        c->gate = (i != 2); /* channel 2's gate comes from port 0x61, 0 at reset */
        if (t) {
            i8254_update_out(s, c);
        } else {
            c->out_level = true;
        }
    }
    s->port61 = 0;
}

void i8254_init(I8254State *s, IRQLine irq0) {
    memset(s, 0, sizeof(*s));
    s->irq0 = irq0;
    s->ch[0].timer = vtimer_new(i8254_timer_cb, s);
    memory_region_init_io(&s->io, "i8254", I8254_IO_SIZE, &i8254_ops, s);
    memory_region_init_io(&s->io_port61, "port61", I8254_PORT61_IO_SIZE, &i8254_port61_ops, s);
    i8254_reset(s);
}
