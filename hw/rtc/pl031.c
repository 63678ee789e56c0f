/*
 * pl031.c — the PL031 real-time clock (ARM DDI 0224). RTCDR counts seconds; it starts where
 * -rtc base= says and advances with the clock -rtc clock= names (QEMU's option: host real time,
 * host monotonic time, or the guest's virtual clock; the default is the host's real time, or
 * the virtual clock in the deterministic single-thread mode, docs/single-thread.md). RTCCR
 * reads 1 (the counter always runs, as on QEMU: the start bit cannot be cleared once set).
 * The match interrupt (RTCRIS bit 0) is raised when the counter passes RTCMR. There is no host
 * timer here yet, so the match is evaluated whenever the guest touches the device rather than
 * at the exact second; a guest polling RTCRIS or RTCDR sees it on time.
 * All functions run with the device lock held (or before vCPUs start).
 */
#include "hw/rtc/pl031.h"

#include <glib.h>
#include <time.h>

#include "hw/core/vclock.h"

#define NS_PER_SEC 1000000000LL

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

/* ---- clocks and -rtc ---- */

static int64_t pl031_host_real_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static int64_t pl031_host_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

PL031ClockFn pl031_clock_source(RtcClock clock)
{
    switch (clock) {
    case RTC_CLOCK_HOST:
        return pl031_host_real_ns;
    case RTC_CLOCK_RT:
        return pl031_host_mono_ns;
    case RTC_CLOCK_VM:
        return vclock_get_ns;
    case RTC_CLOCK_DEFAULT:
        break;
    }
    /* The single-thread mode promises identical runs: host time must not leak in. */
    return vclock_insn_mode() ? vclock_get_ns : pl031_host_real_ns;
}

int64_t pl031_start_ns(const RtcConfig *cfg, int64_t host_real_ns, int64_t local_offset_ns)
{
    switch (cfg->base) {
    case RTC_BASE_LOCALTIME:
        return host_real_ns + local_offset_ns;
    case RTC_BASE_DATETIME:
        return cfg->datetime * NS_PER_SEC;
    case RTC_BASE_UTC:
        break;
    }
    return host_real_ns;
}

/* The host's UTC offset now, in ns (base=localtime). */
static int64_t pl031_local_offset_ns(void)
{
    GDateTime *now = g_date_time_new_now_local();
    int64_t us = g_date_time_get_utc_offset(now);
    g_date_time_unref(now);
    return us * 1000;
}

/* ---- the device ---- */

static uint32_t pl031_counter(PL031State *s)
{
    int64_t t = s->offset_ns + s->clock_ns();
    /* Round towards minus infinity so a second ticks at a whole second of the RTC's time. */
    int64_t secs = t / NS_PER_SEC - (t % NS_PER_SEC < 0);
    return (uint32_t)secs;
}

static void pl031_update(PL031State *s)
{
    int level = (s->ris & s->imsc & 1) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set_level(&s->irq, level);
    }
}

/* The counter moved from last_dr to now: did it reach MR on the way (mod 2^32)? */
static void pl031_check_match(PL031State *s)
{
    uint32_t dr = pl031_counter(s);
    if (dr != s->last_dr && (uint32_t)(s->mr - s->last_dr - 1) < (uint32_t)(dr - s->last_dr)) {
        s->ris |= 1;
    }
    s->last_dr = dr;
    pl031_update(s);
}

static uint64_t pl031_read(void *opaque, uint64_t off, unsigned size)
{
    PL031State *s = opaque;
    pl031_check_match(s);
    switch (off) {
    case PL031_DR:
        return pl031_counter(s);
    case PL031_MR:
        return s->mr;
    case PL031_LR:
        return s->lr; /* the last value loaded (reset loads -rtc's time) */
    case PL031_CR:
        return 1;
    case PL031_IMSC:
        return s->imsc;
    case PL031_RIS:
        return s->ris;
    case PL031_MIS:
        return s->ris & s->imsc;
    default:
        if (off >= PL031_PERIPH_ID0 && off < 0x1000) {
            return pl031_id[(off - PL031_PERIPH_ID0) / 4];
        }
        return 0;
    }
}

static void pl031_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    PL031State *s = opaque;
    uint32_t v = (uint32_t)value;
    pl031_check_match(s);
    switch (off) {
    case PL031_MR:
        s->mr = v;
        break;
    case PL031_LR:
        s->lr = v;
        s->offset_ns = (int64_t)v * NS_PER_SEC - s->clock_ns();
        s->last_dr = v;
        break;
    case PL031_IMSC:
        s->imsc = v & 1;
        break;
    case PL031_ICR:
        s->ris &= ~(v & 1);
        break;
    default:
        break; /* RTCDR, RTCCR (start is write-once 1), status registers: read-only */
    }
    pl031_check_match(s);
}

const MemoryRegionOps pl031_ops = {
    .read = pl031_read,
    .write = pl031_write,
    .min_access = 4,
    .max_access = 4,
};

void pl031_reset(PL031State *s)
{
    s->offset_ns = s->start_offset_ns;
    s->lr = s->last_dr = pl031_counter(s);
    s->mr = s->imsc = s->ris = 0;
    pl031_update(s);
}

void pl031_init(PL031State *s, IRQLine irq, const RtcConfig *cfg)
{
    static const RtcConfig defaults; /* base=utc, clock by mode */
    if (!cfg) {
        cfg = &defaults;
    }
    PL031ClockFn clock = s->clock_ns ? s->clock_ns : pl031_clock_source(cfg->clock);
    *s = (PL031State){.irq = irq, .clock_ns = clock};
    memory_region_init_io(&s->iomem, "pl031", PL031_MMIO_SIZE, &pl031_ops, s);
    int64_t start = pl031_start_ns(cfg, pl031_host_real_ns(), pl031_local_offset_ns());
    s->start_offset_ns = start - s->clock_ns();
    pl031_reset(s);
}
