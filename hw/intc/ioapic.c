/*
 * ioapic.c — the I/O APIC (82093AA datasheet): IOREGSEL at 0x00 and IOWIN at 0x10 select and
 * access the indirect registers (0x00 ID, 0x01 version, 0x02 arbitration, 0x10 + 2n / 0x11 + 2n
 * redirection entry n low/high); version 0x20 adds the EOI register at 0x40.
 *
 * Delivery: an edge entry sends one message per rising edge seen while unmasked (an edge while
 * masked is lost); a level entry sends while its input is asserted, unmasked and remote IRR is
 * clear, and sets remote IRR when a local APIC accepted the message; the local APIC's EOI of
 * that vector clears remote IRR (and re-sends if the input is still asserted). Delivery is
 * immediate, so the delivery status bit reads 0.
 * Threads: all state is protected by the device lock, held by every caller (see ioapic.h).
 */
#include <string.h>

#include "hw/intc/ioapic.h"
#include "system/log.h"

enum {
    IOAPIC_REG_SEL = 0x00,
    IOAPIC_REG_WIN = 0x10,
    IOAPIC_REG_EOI = 0x40,
};

enum {
    IOAPIC_IND_ID = 0x00,
    IOAPIC_IND_VERSION = 0x01,
    IOAPIC_IND_ARB = 0x02,
    IOAPIC_IND_REDTBL = 0x10,
};

/* Writable bits of an entry: all but delivery status and remote IRR (read-only). */
#define IOAPIC_RTE_RO (IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR)
/* Bits 55:17 are reserved. */
#define IOAPIC_RTE_WRITABLE (0xff00000000000000ull | 0x1ffffull)

static void ioapic_service(IOAPICState *s, int pin)
{
    uint64_t e = s->rte[pin];
    bool level = (e & IOAPIC_RTE_LEVEL) != 0;
    if ((e & IOAPIC_RTE_MASKED) || !((s->irr >> pin) & 1)) {
        return;
    }
    if (level && (e & IOAPIC_RTE_REMOTE_IRR)) {
        return; /* waiting for the EOI of the previous message */
    }
    int dm = (e >> IOAPIC_RTE_DM_SHIFT) & 7;
    int accepted = apic_bus_deliver(s->bus, (uint32_t)(e >> IOAPIC_RTE_DEST_SHIFT),
                                    (e & IOAPIC_RTE_DEST_LOGICAL) != 0, dm,
                                    (int)(e & IOAPIC_RTE_VECTOR_MASK), level);
    /* Remote IRR is only meaningful for level-triggered fixed/lowest-priority entries. */
    if (level && accepted && (dm == APIC_DM_FIXED || dm == APIC_DM_LOWEST)) {
        s->rte[pin] |= IOAPIC_RTE_REMOTE_IRR;
    }
}

void ioapic_set_irq(void *opaque, int pin, int level)
{
    IOAPICState *s = opaque;
    if (pin < 0 || pin >= IOAPIC_NUM_PINS) {
        return;
    }
    uint32_t bit = 1u << pin;
    bool was = (s->irr & bit) != 0;
    if (level) {
        s->irr |= bit;
    } else {
        s->irr &= ~bit;
    }
    if (s->rte[pin] & IOAPIC_RTE_LEVEL) {
        if (level) {
            ioapic_service(s, pin);
        }
    } else if (level && !was) {
        ioapic_service(s, pin);
    }
}

IRQLine ioapic_irq_line(IOAPICState *s, int pin)
{
    return (IRQLine){ioapic_set_irq, s, pin};
}

void ioapic_eoi(void *opaque, int vector)
{
    IOAPICState *s = opaque;
    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        uint64_t e = s->rte[pin];
        if ((e & IOAPIC_RTE_VECTOR_MASK) == (uint64_t)vector && (e & IOAPIC_RTE_REMOTE_IRR)) {
            s->rte[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
            if (e & IOAPIC_RTE_LEVEL) {
                ioapic_service(s, pin);
            }
        }
    }
}

/* ---- indirect registers ---- */

static uint32_t ioapic_read_ind(IOAPICState *s, uint8_t reg)
{
    switch (reg) {
    case IOAPIC_IND_ID:
    case IOAPIC_IND_ARB: /* 82093AA 3.2.3: loaded from the ID at reset; the same here */
        return (uint32_t)s->id << 24;
    case IOAPIC_IND_VERSION:
        return IOAPIC_VERSION;
    default:
        break;
    }
    if (reg >= IOAPIC_IND_REDTBL && reg < IOAPIC_IND_REDTBL + 2 * IOAPIC_NUM_PINS) {
        int pin = (reg - IOAPIC_IND_REDTBL) >> 1;
        return (reg & 1) ? (uint32_t)(s->rte[pin] >> 32) : (uint32_t)s->rte[pin];
    }
    return 0; /* 82093AA: reserved registers read 0 */
}

static void ioapic_write_ind(IOAPICState *s, uint8_t reg, uint32_t value)
{
    if (reg == IOAPIC_IND_ID) {
        s->id = (value >> 24) & 0xf;
        return;
    }
    if (reg < IOAPIC_IND_REDTBL || reg >= IOAPIC_IND_REDTBL + 2 * IOAPIC_NUM_PINS) {
        if (log_enabled(LOG_GUEST_ERRORS) && reg != IOAPIC_IND_VERSION && reg != IOAPIC_IND_ARB) {
            tlog("ioapic: write to reserved register 0x%02x ignored\n", reg);
        }
        return; /* version and arbitration are read-only */
    }
    int pin = (reg - IOAPIC_IND_REDTBL) >> 1;
    uint64_t e = s->rte[pin];
    uint64_t v = (reg & 1) ? ((uint64_t)value << 32) | (e & 0xffffffffu)
                           : (e & 0xffffffff00000000ull) | value;
    v = (v & IOAPIC_RTE_WRITABLE & ~IOAPIC_RTE_RO) | (e & IOAPIC_RTE_RO);
    if (!(v & IOAPIC_RTE_LEVEL)) {
        v &= ~IOAPIC_RTE_REMOTE_IRR; /* remote IRR is undefined for edge entries: keep it 0 */
    }
    s->rte[pin] = v;
    /* Unmasking (or switching to level) a level entry whose input is asserted delivers it. */
    if (v & IOAPIC_RTE_LEVEL) {
        ioapic_service(s, pin);
    }
}

/* ---- MMIO ---- */

static uint64_t ioapic_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    IOAPICState *s = opaque;
    switch (offset) {
    case IOAPIC_REG_SEL:
        return s->ioregsel;
    case IOAPIC_REG_WIN:
        return ioapic_read_ind(s, s->ioregsel);
    default:
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    IOAPICState *s = opaque;
    switch (offset) {
    case IOAPIC_REG_SEL:
        s->ioregsel = (uint8_t)value;
        break;
    case IOAPIC_REG_WIN:
        ioapic_write_ind(s, s->ioregsel, (uint32_t)value);
        break;
    case IOAPIC_REG_EOI:
        ioapic_eoi(s, (int)(value & 0xff));
        break;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("ioapic: write at offset 0x%llx ignored\n", (unsigned long long)offset);
        }
        break;
    }
}

const MemoryRegionOps ioapic_mmio_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .min_access = 1,
    .max_access = 4,
};

void ioapic_reset(IOAPICState *s)
{
    s->id = 0;
    s->ioregsel = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->rte[i] = IOAPIC_RTE_MASKED;
    }
    /* irr mirrors the input lines, which keep their level across a reset. */
}

void ioapic_init(IOAPICState *s, APICBus *bus)
{
    memset(s, 0, sizeof(*s));
    s->bus = bus;
    memory_region_init_io(&s->iomem, "ioapic", IOAPIC_MMIO_SIZE, &ioapic_mmio_ops, s);
    ioapic_reset(s);
}
