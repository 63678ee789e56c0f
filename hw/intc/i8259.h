/*
 * i8259.h — the PC's pair of Intel 8259A programmable interrupt controllers: the master at
 * I/O 0x20/0x21, the slave at 0xA0/0xA1 cascaded on master IR2, and the PIIX edge/level
 * control registers (ELCR) at 0x4D0/0x4D1. Inputs are IRQ 0..15 (i8259_set_irq as an IRQLine
 * handler); the output is INTR to the CPU; the CPU's interrupt acknowledge cycle is
 * i8259_intack. The board owns the state and maps io_master, io_slave and io_elcr in its "io"
 * AddressSpace. Every entry point (including i8259_intack from a vCPU) runs with the device
 * lock held.
 */
#ifndef TANDEM_HW_INTC_I8259_H
#define TANDEM_HW_INTC_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define I8259_IO_SIZE 2
#define I8259_ELCR_IO_SIZE 2

/* One 8259A (Intel 8259A datasheet, order 231468). */
typedef struct I8259Chip {
    uint8_t irr, isr, imr;
    uint8_t inputs;      /* current input levels */
    uint8_t edge_seen;   /* edge-sense latch: input was high at the last change */
    uint8_t elcr;        /* 1 = level triggered (ELCR) */
    uint8_t elcr_mask;   /* ELCR bits that are writable */
    uint8_t vector_base; /* ICW2 bits 7:3 */
    uint8_t icw3;
    uint8_t highest;    /* rotation: the IR number that has the highest priority */
    uint8_t init_state; /* 0: operational, 1: expecting ICW2, 2: ICW3, 3: ICW4 */
    bool icw4_needed, single, ltim;
    bool auto_eoi, rotate_auto_eoi, special_fully_nested;
    bool read_isr, poll, special_mask;
} I8259Chip;

typedef struct I8259State {
    MemoryRegion io_master, io_slave, io_elcr;
    I8259Chip chip[2]; /* [0] master, [1] slave */
    IRQLine intr;      /* INTR to the CPU */
    int intr_level;
} I8259State;

/* Sets up both chips and the three I/O regions. Main thread. */
void i8259_init(I8259State *s, IRQLine intr);
/* Machine reset: both chips uninitialised (no vectors programmed), IMR clear, ELCR edge. */
void i8259_reset(I8259State *s);
/* IRQLine handler for input n (0..15); opaque is the I8259State. */
void i8259_set_irq(void *opaque, int n, int level);
/* The IRQLine a board connects a device to for ISA IRQ n. */
IRQLine i8259_irq_line(I8259State *s, int n);
/* The INTA cycle: returns the vector of the highest-priority request (ICW2 base + IR) and
 * moves it from IRR to ISR (unless auto-EOI); with nothing pending returns the spurious
 * vector of IR7 (master) or IR15 (slave, cascade without a slave request). */
uint8_t i8259_intack(I8259State *s);
/* INTR as the CPU would sample it. */
bool i8259_intr_pending(const I8259State *s);

extern const MemoryRegionOps i8259_master_ops, i8259_slave_ops, i8259_elcr_ops;

#endif
