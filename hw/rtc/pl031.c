/*
 * pl031.c — the PL031 real-time clock (ARM DDI 0224). RTCDR counts seconds from the host's
 * real time at reset (or from the last RTCLR write); RTCCR reads 1 (the counter always runs,
 * as on QEMU: the start bit cannot be cleared once set). The match interrupt (RTCRIS bit 0)
 * is raised when the counter passes RTCMR. There is no host timer here yet, so the match is
 * evaluated whenever the guest touches the device rather than at the exact second; a guest
 * polling RTCRIS or RTCDR sees it on time.
 * All functions run with the device lock held (or before vCPUs start).
 */
#include "hw/rtc/pl031.h"

#include <glib.h>

static const uint8_t pl031_id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static int64_t pl031_host_now(void) { return g_get_real_time() / G_USEC_PER_SEC; }

static uint32_t pl031_counter(PL031State *s)
{
    return s->base + (uint32_t)(s->now() - s->base_time);
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
        return s->base; /* the last value loaded (reset loads the host time) */
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
        s->base = v;
        s->base_time = s->now();
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
    s->base_time = s->now();
    s->base = (uint32_t)s->base_time;
    s->last_dr = s->base;
    s->mr = s->imsc = s->ris = 0;
    pl031_update(s);
}

void pl031_init(PL031State *s, IRQLine irq)
{
    int64_t (*now)(void) = s->now ? s->now : pl031_host_now;
    *s = (PL031State){.irq = irq, .now = now};
    memory_region_init_io(&s->iomem, "pl031", PL031_MMIO_SIZE, &pl031_ops, s);
    pl031_reset(s);
}
