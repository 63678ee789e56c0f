/*
 * pl031.h — ARM PrimeCell real-time clock (PL031, ARM DDI 0224): a 32-bit seconds counter,
 * a load register, and a match interrupt. The counter starts where -rtc base= says (the host's
 * time by default) and advances with the clock -rtc clock= names (RtcConfig, hw/core/machine.h).
 * The board owns the state, maps s->iomem and connects s->irq; every access runs with the
 * device lock held (MMIO dispatch).
 */
#ifndef TANDEM_HW_RTC_PL031_H
#define TANDEM_HW_RTC_PL031_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/machine.h"
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

/* A clock in ns: only differences between two readings matter. */
typedef int64_t (*PL031ClockFn)(void);

typedef struct PL031State {
    MemoryRegion iomem;
    IRQLine irq;
    /* RTCDR = (offset_ns + clock_ns()) / 10^9: seconds since the Unix epoch */
    int64_t offset_ns;
    int64_t start_offset_ns; /* offset_ns as -rtc configured it at init; reset returns to it */
    uint32_t lr;             /* the last value loaded (RTCLR reads it back) */
    uint32_t mr, imsc, ris;
    uint32_t last_dr; /* counter value at the last match check */
    int irq_level;
    /* The clock the counter follows, in ns; chosen from -rtc clock= unless a test set it
     * before pl031_init. */
    PL031ClockFn clock_ns;
} PL031State;

/* Sets up the device and its MMIO region; cfg NULL means -rtc's defaults. The counter starts
 * at pl031_start_ns() and follows pl031_clock_source(). Main thread, after the single-thread
 * mode (if any) is set up, since the default clock depends on it. */
void pl031_init(PL031State *s, IRQLine irq, const RtcConfig *cfg);
/* Machine reset: the counter goes back to -rtc's time (base + elapsed on its clock since
 * init, so a guest's RTCLR writes are forgotten), interrupts cleared. */
void pl031_reset(PL031State *s);

/* Where -rtc base= starts the RTC, in ns since the Unix epoch: host_real_ns (utc), plus
 * local_offset_ns (localtime: the host's UTC offset), or the fixed date. Pure. */
int64_t pl031_start_ns(const RtcConfig *cfg, int64_t host_real_ns, int64_t local_offset_ns);
/* The clock -rtc clock= names; RTC_CLOCK_DEFAULT is the host's real time, or the virtual
 * clock when the clock is instruction-driven (-accel tcg,thread=single). */
PL031ClockFn pl031_clock_source(RtcClock clock);

extern const MemoryRegionOps pl031_ops;

#endif
