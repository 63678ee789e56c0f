/*
 * mc146818.h — the PC's CMOS real-time clock (Motorola MC146818A / its PIIX equivalent) at
 * I/O 0x70 (index, bit 7 = NMI disable) and 0x71 (data): 128 bytes of CMOS whose first 14 are
 * the clock (time, alarm, registers A-D) and whose byte 0x32 is the century (as on QEMU).
 * Interrupts (periodic, alarm, update-ended) go to s->irq (ISA IRQ 8 on the board). The time
 * is a base (the host's real time at init, or mc146818_set_time) advanced by the virtual
 * clock. The board owns the state, maps s->io at 0x70 and presets CMOS bytes (memory size at
 * 0x15-0x18, 0x30-0x31, 0x34-0x35, 0x5b-0x5d) with mc146818_set_cmos before vCPUs run. Every
 * entry point runs with the device lock held (I/O dispatch, the VTimer callback).
 */
#ifndef TANDEM_HW_RTC_MC146818_H
#define TANDEM_HW_RTC_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"

#define MC146818_IO_SIZE 2
#define MC146818_CMOS_SIZE 128

/* CMOS indices (MC146818A datasheet figure 5, register address map). */
enum {
    RTC_SECONDS = 0x00,
    RTC_SECONDS_ALARM = 0x01,
    RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03,
    RTC_HOURS = 0x04,
    RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_CENTURY = 0x32,
};

/* Register bits. */
enum {
    RTC_A_UIP = 0x80,
    RTC_A_DV = 0x70, /* divider select: 010 = 32.768 kHz time base, counting */
    RTC_A_RS = 0x0f, /* periodic rate select */
    RTC_B_SET = 0x80,
    RTC_B_PIE = 0x40,
    RTC_B_AIE = 0x20,
    RTC_B_UIE = 0x10,
    RTC_B_SQWE = 0x08,
    RTC_B_DM_BINARY = 0x04,
    RTC_B_24H = 0x02,
    RTC_B_DSE = 0x01,
    RTC_C_IRQF = 0x80,
    RTC_C_PF = 0x40,
    RTC_C_AF = 0x20,
    RTC_C_UF = 0x10,
    RTC_D_VRT = 0x80,
};

typedef struct MC146818State {
    MemoryRegion io;
    IRQLine irq;
    uint8_t cmos[MC146818_CMOS_SIZE]; /* time bytes hold the snapshot while B.SET is 1 */
    uint8_t index;
    bool nmi_disabled;     /* bit 7 of the last index write; the board may consult it */
    int64_t base_sec;      /* RTC time (seconds since the Unix epoch, UTC) at base_ns */
    int64_t base_ns;       /* virtual time of an RTC second boundary */
    int64_t last_check_ns; /* flags in register C are up to date until here */
    VTimer *timer;
    int irq_level;
    /* host time in seconds since the epoch; g_get_real_time unless a test replaces it */
    int64_t (*host_now)(void);
} MC146818State;

/* Sets up the device, its I/O region and timer; the clock starts at host_now(). Main thread.
 * Set s->host_now before calling to replace the host clock. */
void mc146818_init(MC146818State *s, IRQLine irq);
/* Machine reset: B loses PIE/AIE/UIE/SQWE, C is cleared, CMOS and the time are kept. */
void mc146818_reset(MC146818State *s);
/* Sets the clock to epoch_sec (UTC), the start of a second now. */
void mc146818_set_time(MC146818State *s, int64_t epoch_sec);
/* The clock now, in seconds since the epoch. */
int64_t mc146818_get_time(MC146818State *s);
/* CMOS byte presets for the board (memory size, boot order...); index 0..127. Writing the clock
 * bytes 0x00-0x0d this way is not supported (use mc146818_set_time). */
void mc146818_set_cmos(MC146818State *s, int index, uint8_t value);
uint8_t mc146818_get_cmos(MC146818State *s, int index);

extern const MemoryRegionOps mc146818_ops;

#endif
