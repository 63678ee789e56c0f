/*
 * pl011.h — ARM PrimeCell UART (PL011), as described by the PL011 TRM (ARM DDI 0183).
 * The board owns the state, maps s->iomem and connects s->irq; all register accesses run with
 * the device lock held (MMIO dispatch and the chardev input thread both take it).
 */
#ifndef TANDEM_HW_CHAR_PL011_H
#define TANDEM_HW_CHAR_PL011_H

#include <stdint.h>

#include "hw/core/chardev.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define PL011_MMIO_SIZE 0x1000
#define PL011_FIFO_DEPTH 32

typedef struct PL011State {
    MemoryRegion iomem;
    Chardev *chr; /* may be NULL: output discarded, no input */
    IRQLine irq;  /* combined UARTINTR; unconnected until a board wires it */
    uint32_t rsr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr, ilpr;
    uint32_t rx_fifo[PL011_FIFO_DEPTH]; /* data byte with error bits 8..11 as DR reads them */
    int rx_pos, rx_count;
    int irq_level; /* last level driven on irq */
} PL011State;

/* Register offsets (TRM table 3-1). */
enum {
    PL011_DR = 0x00,
    PL011_RSR = 0x04, /* read: RSR, write: ECR */
    PL011_FR = 0x18,
    PL011_ILPR = 0x20,
    PL011_IBRD = 0x24,
    PL011_FBRD = 0x28,
    PL011_LCR_H = 0x2c,
    PL011_CR = 0x30,
    PL011_IFLS = 0x34,
    PL011_IMSC = 0x38,
    PL011_RIS = 0x3c,
    PL011_MIS = 0x40,
    PL011_ICR = 0x44,
    PL011_DMACR = 0x48,
    PL011_PERIPH_ID0 = 0xfe0,
};

/* FR bits and interrupt bits (RIS/MIS/IMSC/ICR). */
enum {
    PL011_FR_BUSY = 1 << 3,
    PL011_FR_RXFE = 1 << 4,
    PL011_FR_TXFF = 1 << 5,
    PL011_FR_RXFF = 1 << 6,
    PL011_FR_TXFE = 1 << 7,
    PL011_INT_RX = 1 << 4,
    PL011_INT_TX = 1 << 5,
    PL011_INT_RT = 1 << 6,
    PL011_LCR_H_FEN = 1 << 4,
};

/* Sets up registers, the MMIO region and (if chr) the chardev frontend. Main thread. */
void pl011_init(PL011State *s, Chardev *chr, IRQLine irq);
/* Machine reset: registers to their TRM reset values, FIFO emptied. Device lock held or
 * vCPUs paused. */
void pl011_reset(PL011State *s);

/* The chardev frontend callbacks (exposed for unit tests). Device lock held. */
int pl011_can_receive(void *opaque);
void pl011_receive(void *opaque, const uint8_t *buf, int len);

extern const MemoryRegionOps pl011_ops;

#endif
