/*
 * pl031.h — ARM PrimeCell real-time clock (PL031, ARM DDI 0224): a 32-bit seconds counter
 * that starts at the host's real time, a load register, and a match interrupt.
 * The board owns the state, maps s->iomem and connects s->irq; every access runs with the
 * device lock held (MMIO dispatch).
 */
#ifndef TANDEM_HW_RTC_PL031_H
#define TANDEM_HW_RTC_PL031_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define PL031_MMIO_SIZE 0x1000

/* Register offsets (DDI 0224 table 3-1). */
enum {
    PL031_DR = 0x00,
    PL031_MR = 0x04,
    PL031_LR = 0x08,
    PL031_CR = 0x0c,
    PL031_IMSC = 0x10,
    PL031_RIS = 0x14,
    PL031_MIS = 0x18,
    PL031_ICR = 0x1c,
    PL031_PERIPH_ID0 = 0xfe0,
};

typedef struct PL031State {
    MemoryRegion iomem;
    IRQLine irq;
    /* RTCDR = base + (now - base_time): seconds since the Unix epoch */
    uint32_t base;
    int64_t base_time;
    uint32_t mr, imsc, ris;
    uint32_t last_dr; /* counter value at the last match check */
    int irq_level;
    /* seconds since the Unix epoch; the host's real time unless a test replaces it */
    int64_t (*now)(void);
} PL031State;

/* Sets up the device and its MMIO region. Main thread. */
void pl031_init(PL031State *s, IRQLine irq);
/* Machine reset: the counter restarts from the host's real time, interrupts cleared. */
void pl031_reset(PL031State *s);

extern const MemoryRegionOps pl031_ops;

#endif
