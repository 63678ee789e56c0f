/*
 * mc146818.c — the CMOS RTC (Motorola MC146818A datasheet; register A-D layouts from it, the
 * century byte at 0x32 and the 0x70 index with NMI mask from the PC/AT and QEMU).
 *
 * The clock is computed, not ticked: RTC seconds = base_sec + whole seconds of virtual time
 * since base_ns, and base_ns is always an RTC second boundary, so the update cycle (UF), the
 * alarm check (AF) and the periodic flag (PF, on the 32.768 kHz divider chain that starts at
 * base_ns) all derive from it. Flags are brought up to date lazily (before any access that
 * depends on them) and one VTimer is armed only while an enabled event could raise IRQF from
 * 0; once IRQF is set nothing is armed until the guest reads register C, which clears it.
 * While B.SET is 1 the time bytes of cmos[] hold a snapshot the guest may rewrite; clearing
 * SET restarts the clock from them at a fresh second. UIP (register A bit 7) reads 1 during
 * the last 244 us before each update (datasheet "UIP bit": tBUC). The divider bits DV are
 * stored but do not stop the clock. All functions run with the device lock held.
 */
#include "hw/rtc/mc146818.h"

#include <glib.h>
#include <string.h>
#include <time.h>

#define RTC_NS_PER_S 1000000000LL
#define RTC_BASE_HZ 32768
#define RTC_UIP_NS 244000LL
#define RTC_ALARM_DONT_CARE 0xc0

static int64_t mc146818_host_now(void) {
    return g_get_real_time() / G_USEC_PER_SEC;
}

static int64_t mc146818_floor_div(int64_t a, int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* ---- register encoding (B.DM: binary or BCD; B.24/12) ---- */

static uint8_t mc146818_to_reg(const MC146818State *s, int v) {
    if (s->cmos[RTC_REG_B] & RTC_B_DM_BINARY) {
        return (uint8_t)v;
    }
    return (uint8_t)((v / 10) << 4 | (v % 10));
}

static int mc146818_from_reg(const MC146818State *s, uint8_t v) {
    if (s->cmos[RTC_REG_B] & RTC_B_DM_BINARY) {
        return v;
    }
    return (v >> 4) * 10 + (v & 15);
}

static uint8_t mc146818_hour_to_reg(const MC146818State *s, int h) {
    if (s->cmos[RTC_REG_B] & RTC_B_24H) {
        return mc146818_to_reg(s, h);
    }
    int h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(mc146818_to_reg(s, h12) | (h >= 12 ? 0x80 : 0)); /* bit 7 = PM */
}

static int mc146818_hour_from_reg(const MC146818State *s, uint8_t v) {
    if (s->cmos[RTC_REG_B] & RTC_B_24H) {
        return mc146818_from_reg(s, v);
    }
    int h = mc146818_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? h + 12 : h;
}

/* The clock bytes for epoch second t, into regs[] indexed like cmos[]. */
static void mc146818_encode_time(const MC146818State *s, int64_t t, uint8_t *regs) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    int year = tm.tm_year + 1900;
    regs[RTC_SECONDS] = mc146818_to_reg(s, tm.tm_sec);
    regs[RTC_MINUTES] = mc146818_to_reg(s, tm.tm_min);
    regs[RTC_HOURS] = mc146818_hour_to_reg(s, tm.tm_hour);
    regs[RTC_DAY_OF_WEEK] = mc146818_to_reg(s, tm.tm_wday + 1); /* 1 = Sunday */
    regs[RTC_DAY_OF_MONTH] = mc146818_to_reg(s, tm.tm_mday);
    regs[RTC_MONTH] = mc146818_to_reg(s, tm.tm_mon + 1);
    regs[RTC_YEAR] = mc146818_to_reg(s, year % 100);
    regs[RTC_CENTURY] = mc146818_to_reg(s, year / 100);
}

static int64_t mc146818_decode_time(const MC146818State *s) {
    struct tm tm = {0};
    tm.tm_sec = mc146818_from_reg(s, s->cmos[RTC_SECONDS]);
    tm.tm_min = mc146818_from_reg(s, s->cmos[RTC_MINUTES]);
    tm.tm_hour = mc146818_hour_from_reg(s, s->cmos[RTC_HOURS]);
    tm.tm_mday = mc146818_from_reg(s, s->cmos[RTC_DAY_OF_MONTH]);
    tm.tm_mon = mc146818_from_reg(s, s->cmos[RTC_MONTH]) - 1;
    tm.tm_year = mc146818_from_reg(s, s->cmos[RTC_CENTURY]) * 100 +
                 mc146818_from_reg(s, s->cmos[RTC_YEAR]) - 1900;
    return (int64_t)timegm(&tm);
}

static bool mc146818_is_time_reg(int idx) {
    return idx == RTC_SECONDS || idx == RTC_MINUTES || idx == RTC_HOURS ||
           (idx >= RTC_DAY_OF_WEEK && idx <= RTC_YEAR) || idx == RTC_CENTURY;
}

/* ---- time and flags ---- */

/* Whole RTC seconds since base_ns at virtual time now. */
static int64_t mc146818_seconds(const MC146818State *s, int64_t now) {
    return mc146818_floor_div(now - s->base_ns, RTC_NS_PER_S);
}

/* Periodic interrupt period in 32.768 kHz cycles (datasheet table 4), 0 if RS = 0. */
static int64_t mc146818_period(const MC146818State *s) {
    int rs = s->cmos[RTC_REG_A] & RTC_A_RS;
    if (rs == 0) {
        return 0;
    }
    return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
}

static int64_t mc146818_cycles(const MC146818State *s, int64_t now) {
    return (int64_t)((__int128)(now - s->base_ns) * RTC_BASE_HZ / RTC_NS_PER_S);
}

static bool mc146818_alarm_matches(const MC146818State *s, int64_t t) {
    static const int pairs[3][2] = {{RTC_SECONDS_ALARM, RTC_SECONDS},
                                    {RTC_MINUTES_ALARM, RTC_MINUTES},
                                    {RTC_HOURS_ALARM, RTC_HOURS}};
    uint8_t regs[MC146818_CMOS_SIZE];
    mc146818_encode_time(s, t, regs);
    for (int i = 0; i < 3; i++) {
        uint8_t alarm = s->cmos[pairs[i][0]];
        if ((alarm & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE && alarm != regs[pairs[i][1]]) {
            return false;
        }
    }
    return true;
}

/* Sets PF, UF and AF for everything that happened between last_check_ns and now. */
static void mc146818_catch_up(MC146818State *s, int64_t now) {
    int64_t last = s->last_check_ns;
    if (now <= last) {
        return;
    }
    uint8_t *c = &s->cmos[RTC_REG_C];
    int64_t p = mc146818_period(s);
    if (p && mc146818_cycles(s, now) / p > mc146818_cycles(s, last) / p) {
        *c |= RTC_C_PF;
    }
    if (!(s->cmos[RTC_REG_B] & RTC_B_SET)) {
        int64_t sa = mc146818_seconds(s, last), sb = mc146818_seconds(s, now);
        if (sb > sa) {
            *c |= RTC_C_UF;
            /* each update cycle compares the alarm; a day covers every possible match */
            for (int64_t i = MAX(sa + 1, sb - 86400); i <= sb && !(*c & RTC_C_AF); i++) {
                if (mc146818_alarm_matches(s, s->base_sec + i)) {
                    *c |= RTC_C_AF;
                }
            }
        }
    }
    s->last_check_ns = now;
}

/* Recomputes IRQF and the line, and arms the timer for the next event that could set it. */
static void mc146818_update(MC146818State *s, int64_t now) {
    uint8_t b = s->cmos[RTC_REG_B], *c = &s->cmos[RTC_REG_C];
    uint8_t enabled = (uint8_t)(*c & (b & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE)));
    *c = (uint8_t)((*c & ~RTC_C_IRQF) | (enabled ? RTC_C_IRQF : 0));
    int level = enabled != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set_level(&s->irq, level);
    }
    int64_t deadline = VCLOCK_NEVER;
    if (!level) {
        int64_t p = mc146818_period(s);
        if ((b & RTC_B_PIE) && p) {
            int64_t next = (mc146818_cycles(s, now) / p + 1) * p;
            int64_t ns = (int64_t)(((__int128)next * RTC_NS_PER_S + RTC_BASE_HZ - 1) / RTC_BASE_HZ);
            deadline = s->base_ns + ns;
        }
        if ((b & (RTC_B_AIE | RTC_B_UIE)) && !(b & RTC_B_SET)) {
            int64_t next = s->base_ns + (mc146818_seconds(s, now) + 1) * RTC_NS_PER_S;
            deadline = MIN(deadline, next);
        }
    }
    vtimer_mod_ns(s->timer, deadline);
}

static void mc146818_timer_cb(void *opaque) {
    MC146818State *s = opaque;
    int64_t now = vclock_get_ns();
    mc146818_catch_up(s, now);
    mc146818_update(s, now);
}

/* Restarts the clock at epoch second t, at a second boundary now. */
static void mc146818_rebase(MC146818State *s, int64_t t, int64_t now) {
    s->base_sec = t;
    s->base_ns = now;
    s->last_check_ns = now;
}

void mc146818_set_time(MC146818State *s, int64_t epoch_sec) {
    int64_t now = vclock_get_ns();
    mc146818_catch_up(s, now);
    mc146818_rebase(s, epoch_sec, now);
    if (s->cmos[RTC_REG_B] & RTC_B_SET) {
        mc146818_encode_time(s, epoch_sec, s->cmos);
    }
    mc146818_update(s, now);
}

int64_t mc146818_get_time(MC146818State *s) {
    if (s->cmos[RTC_REG_B] & RTC_B_SET) {
        return mc146818_decode_time(s);
    }
    return s->base_sec + mc146818_seconds(s, vclock_get_ns());
}

/* ---- register access ---- */

static uint8_t mc146818_read_reg(MC146818State *s, int idx) {
    int64_t now = vclock_get_ns();
    bool set = s->cmos[RTC_REG_B] & RTC_B_SET;
    if (mc146818_is_time_reg(idx) && !set) {
        uint8_t regs[MC146818_CMOS_SIZE];
        mc146818_encode_time(s, s->base_sec + mc146818_seconds(s, now), regs);
        return regs[idx];
    }
    switch (idx) {
    case RTC_REG_A: {
        int64_t into = (now - s->base_ns) % RTC_NS_PER_S;
        bool uip = !set && into >= RTC_NS_PER_S - RTC_UIP_NS;
        return (uint8_t)((s->cmos[RTC_REG_A] & ~RTC_A_UIP) | (uip ? RTC_A_UIP : 0));
    }
    case RTC_REG_C: {
        mc146818_catch_up(s, now);
        mc146818_update(s, now);
        uint8_t v = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0; /* datasheet: all flags clear when C is read */
        mc146818_update(s, now);
        return v;
    }
    case RTC_REG_D: return RTC_D_VRT; /* the battery is always good */
    default: return s->cmos[idx];
    }
}

static void mc146818_write_reg_b(MC146818State *s, uint8_t v, int64_t now) {
    uint8_t old = s->cmos[RTC_REG_B];
    if (v & RTC_B_SET) {
        v &= ~RTC_B_UIE; /* datasheet: setting SET clears UIE */
        if (!(old & RTC_B_SET)) {
            mc146818_encode_time(s, s->base_sec + mc146818_seconds(s, now), s->cmos);
        }
        s->cmos[RTC_REG_B] = v;
    } else {
        s->cmos[RTC_REG_B] = v;
        if (old & RTC_B_SET) {
            mc146818_rebase(s, mc146818_decode_time(s), now);
        }
    }
}

static void mc146818_write_reg(MC146818State *s, int idx, uint8_t v) {
    int64_t now = vclock_get_ns();
    mc146818_catch_up(s, now);
    bool set = s->cmos[RTC_REG_B] & RTC_B_SET;
    if (mc146818_is_time_reg(idx) && !set) {
        /* a running clock takes the byte at once and keeps its second phase */
        int64_t sec = mc146818_seconds(s, now);
        mc146818_encode_time(s, s->base_sec + sec, s->cmos);
        s->cmos[idx] = v;
        s->base_ns += sec * RTC_NS_PER_S;
        s->base_sec = mc146818_decode_time(s);
        s->last_check_ns = now;
    } else {
        switch (idx) {
        case RTC_REG_A: s->cmos[RTC_REG_A] = v & ~RTC_A_UIP; break;
        case RTC_REG_B: mc146818_write_reg_b(s, v, now); break;
        case RTC_REG_C:
        case RTC_REG_D: break; /* read-only */
        default: s->cmos[idx] = v; break;
        }
    }
    mc146818_update(s, now);
}

static uint64_t mc146818_io_read(void *opaque, uint64_t offset, unsigned size) {
    MC146818State *s = opaque;
    if (offset == 0) {
        return 0xff; /* the index register is write-only */
    }
    return mc146818_read_reg(s, s->index);
}

static void mc146818_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    MC146818State *s = opaque;
    if (offset == 0) {
        s->index = value & 0x7f;
        s->nmi_disabled = (value & 0x80) != 0;
    } else {
        mc146818_write_reg(s, s->index, (uint8_t)value);
    }
}

const MemoryRegionOps mc146818_ops = {
    .read = mc146818_io_read,
    .write = mc146818_io_write,
    .min_access = 1,
    .max_access = 1,
};

void mc146818_set_cmos(MC146818State *s, int index, uint8_t value) {
    g_assert(index >= 0 && index < MC146818_CMOS_SIZE);
    s->cmos[index] = value;
}

uint8_t mc146818_get_cmos(MC146818State *s, int index) {
    g_assert(index >= 0 && index < MC146818_CMOS_SIZE);
    return s->cmos[index];
}

void mc146818_reset(MC146818State *s) {
    int64_t now = vclock_get_ns();
    mc146818_catch_up(s, now);
    /* datasheet "RESET": PIE, AIE, UIE, SQWE cleared; IRQF, PF, AF, UF cleared */
    s->cmos[RTC_REG_B] &= ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    s->cmos[RTC_REG_C] = 0;
    mc146818_update(s, now);
}

void mc146818_init(MC146818State *s, IRQLine irq) {
    int64_t (*host_now)(void) = s->host_now ? s->host_now : mc146818_host_now;
    memset(s, 0, sizeof(*s));
    s->host_now = host_now;
    s->irq = irq;
    s->timer = vtimer_new(mc146818_timer_cb, s);
    /* Power-on state as firmware leaves it: 32.768 kHz divider with 1024 Hz rate, 24-hour BCD,
     * valid RAM. */
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = RTC_B_24H;
    s->cmos[RTC_REG_D] = RTC_D_VRT;
    mc146818_rebase(s, host_now(), vclock_get_ns());
    memory_region_init_io(&s->io, "mc146818", MC146818_IO_SIZE, &mc146818_ops, s);
    mc146818_reset(s);
}
