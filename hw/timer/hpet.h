/*
 * hpet.h — the IA-PC High Precision Event Timer (HPET spec 1.0a) of the `-M pc` board at
 * 0xFED00000: a 64-bit main counter at 100 MHz (period 10,000,000 fs, as QEMU's) on the
 * virtual clock, 3 comparators with one-shot and periodic modes, 32- or 64-bit mode, level or
 * edge interrupts routed to an IOAPIC input (route capability GSIs 16-23) or, with legacy
 * replacement, timer 0 to ISA IRQ 0 and timer 1 to ISA IRQ 8. No FSB (MSI) delivery.
 * The board maps s->iomem and connects s->gsi[] (IOAPIC inputs) and s->legacy[0..1]; accesses
 * and timer callbacks run with the device lock held.
 */
#ifndef TANDEM_HW_TIMER_HPET_H
#define TANDEM_HW_TIMER_HPET_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"

#define HPET_MMIO_SIZE 0x400
#define HPET_NUM_TIMERS 3
#define HPET_NUM_GSI 32
#define HPET_PERIOD_FS 10000000u /* 10 ns */
#define HPET_NS_PER_TICK 10
#define HPET_INT_ROUTE_CAP 0x00ff0000u

/* Register offsets (spec 2.3.1 table 2). */
enum {
    HPET_GCAP_ID = 0x000,
    HPET_GEN_CONF = 0x010,
    HPET_GINTR_STA = 0x020,
    HPET_MAIN_COUNTER = 0x0f0,
    HPET_TIMER0 = 0x100, /* timer n at 0x100 + 0x20 * n: CONF_CAP, +8 COMPARATOR, +0x10 FSB */
};

/* GEN_CONF bits. */
#define HPET_CFG_ENABLE (1u << 0)
#define HPET_CFG_LEGACY (1u << 1)
/* Tn_CONF_CAP bits (spec 2.3.8). */
#define HPET_TN_INT_TYPE_LEVEL (1u << 1)
#define HPET_TN_INT_ENB (1u << 2)
#define HPET_TN_PERIODIC (1u << 3)
#define HPET_TN_PER_INT_CAP (1u << 4)
#define HPET_TN_SIZE_CAP (1u << 5)
#define HPET_TN_VAL_SET (1u << 6)
#define HPET_TN_32BIT (1u << 8)
#define HPET_TN_ROUTE_SHIFT 9
#define HPET_TN_ROUTE_MASK (0x1fu << 9)
#define HPET_TN_FSB_EN (1u << 14)

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *hpet;
    int index;
    VTimer *vt;
    uint64_t config; /* writable bits only; capability bits are added on read */
    uint64_t cmp;
    uint64_t period;
    int level; /* current output level */
} HPETTimer;

struct HPETState {
    MemoryRegion iomem;
    IRQLine gsi[HPET_NUM_GSI];
    IRQLine legacy[2]; /* ISA IRQ 0 and IRQ 8 */
    HPETTimer timers[HPET_NUM_TIMERS];
    uint64_t config, isr;
    uint64_t counter_base; /* counter value at enable_ns, or while halted */
    int64_t enable_ns;
    /* virtual nanoseconds; vclock_get_ns unless a test replaces it before init */
    int64_t (*now_ns)(void);
};

/* Sets up the device, its MMIO region and timers; irqs are set by the board afterwards. */
void hpet_init(HPETState *s);
void hpet_reset(HPETState *s);
/* The main counter now. */
uint64_t hpet_counter(HPETState *s);
/* The GCAP_ID value (also the ACPI HPET table's Event Timer Block ID in its low half). */
uint64_t hpet_gcap_id(void);

extern const MemoryRegionOps hpet_ops;

#endif
