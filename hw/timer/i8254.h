/*
 * i8254.h — the Intel 8254 programmable interval timer of the PC (I/O 0x40-0x43) and the
 * port 0x61 "system control port B" bits that belong to it (channel 2 gate, speaker enable,
 * channel 2 output, refresh toggle). The counters run at 1.193182 MHz on the virtual clock;
 * channel 0's OUT drives s->irq0 (ISA IRQ 0 on the board). The board owns the state, maps
 * s->io at 0x40 and s->io_port61 at 0x61 in its "io" AddressSpace. Every entry point runs
 * with the device lock held (I/O dispatch, the VTimer callback).
 */
#ifndef TANDEM_HW_TIMER_I8254_H
#define TANDEM_HW_TIMER_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"

#define I8254_IO_SIZE 4
#define I8254_PORT61_IO_SIZE 1
#define I8254_FREQ_HZ 1193182
/* Port 0x61 bit 4 toggles with each DRAM refresh request, every 15.085 us on the PC/AT. */
#define I8254_REFRESH_NS 15085

typedef struct I8254Channel {
    uint32_t count;       /* reload value in binary, 1..0x10000 (0x10000 = written as 0) */
    int64_t load_ns;      /* virtual time counting started from count */
    int64_t frozen_ticks; /* modes 0/4 with GATE low: elapsed ticks when it fell, else -1 */
    uint8_t mode;         /* 0..5 (6 and 7 are written as 2 and 3) */
    uint8_t rw;           /* 1: LSB only, 2: MSB only, 3: LSB then MSB */
    bool bcd;
    bool loaded;    /* a count has been written since the control word */
    bool triggered; /* modes 1/5: a GATE rising edge started the count */
    bool gate;
    bool null_count;
    bool write_msb_next, read_msb_next;
    uint8_t write_lsb;
    bool count_latched, status_latched, latch_msb_next;
    uint16_t latched_count;
    uint8_t latched_status;
    /* OUT edge tracking for channels with an output line (channel 0) */
    VTimer *timer;
    int64_t next_tick; /* elapsed-tick number of the next OUT transition, or -1 */
    int out_level;
} I8254Channel;

typedef struct I8254State {
    MemoryRegion io, io_port61;
    I8254Channel ch[3];
    IRQLine irq0;
    uint8_t port61; /* bits 1..3 as last written (speaker data enable, parity/IOCHK enables) */
} I8254State;

/* Sets up the three channels, the two I/O regions and channel 0's timer. Main thread. */
void i8254_init(I8254State *s, IRQLine irq0);
/* Machine reset: every channel in mode 3 with count 0x10000 (as on QEMU: channel 0 runs at
 * 18.2 Hz until programmed), gates 0/1 high, gate 2 low. */
void i8254_reset(I8254State *s);
/* GATE input of channel n (the board drives none; port 0x61 bit 0 drives channel 2). */
void i8254_set_gate(I8254State *s, int n, bool level);
/* Current OUT of channel n and its counter value (binary), for the board and tests. */
bool i8254_get_out(I8254State *s, int n);
uint32_t i8254_get_count(I8254State *s, int n); /* 0x10000 reads as 0 */

extern const MemoryRegionOps i8254_ops, i8254_port61_ops;

#endif
