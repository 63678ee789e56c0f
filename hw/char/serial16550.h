/*
 * serial16550.h — the National Semiconductor / TI PC16550D UART ("16550A" to Linux): the PC's
 * COM ports (COM1 at I/O 0x3f8, IRQ 4, placed by the board). Eight byte-wide registers at
 * offsets 0..7 of the device's first port; DLAB (LCR bit 7) turns offsets 0/1 into the
 * divisor latch. The board owns the state, maps s->io in its "io" AddressSpace and connects
 * s->irq. Every entry point runs with the device lock held (I/O dispatch and the chardev
 * input thread both take it).
 */
#ifndef TANDEM_HW_CHAR_SERIAL16550_H
#define TANDEM_HW_CHAR_SERIAL16550_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/chardev.h"
#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define SERIAL16550_IO_SIZE 8
#define SERIAL16550_FIFO_DEPTH 16

/* Register offsets (PC16550D datasheet table II). */
enum {
    UART_RBR = 0, /* read, DLAB=0; THR on write; DLL with DLAB=1 */
    UART_IER = 1, /* DLM with DLAB=1 */
    UART_IIR = 2, /* read; FCR on write */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

/* Register bits (datasheet section 8). */
enum {
    UART_IER_ERBFI = 0x01, /* received data available (and character timeout) */
    UART_IER_ETBEI = 0x02, /* transmitter holding register empty */
    UART_IER_ELSI = 0x04,  /* receiver line status */
    UART_IER_EDSSI = 0x08, /* modem status */

    UART_IIR_NO_INT = 0x01,
    UART_IIR_MSI = 0x00,
    UART_IIR_THRI = 0x02,
    UART_IIR_RDI = 0x04,
    UART_IIR_RLSI = 0x06,
    UART_IIR_CTI = 0x0c,
    UART_IIR_FIFO = 0xc0, /* both bits set while FCR bit 0 enables the FIFOs */

    UART_FCR_ENABLE = 0x01,
    UART_FCR_CLEAR_RX = 0x02,
    UART_FCR_CLEAR_TX = 0x04,
    UART_FCR_TRIGGER = 0xc0,

    UART_LCR_DLAB = 0x80,

    UART_MCR_DTR = 0x01,
    UART_MCR_RTS = 0x02,
    UART_MCR_OUT1 = 0x04,
    UART_MCR_OUT2 = 0x08,
    UART_MCR_LOOP = 0x10,

    UART_LSR_DR = 0x01,
    UART_LSR_OE = 0x02,
    UART_LSR_PE = 0x04,
    UART_LSR_FE = 0x08,
    UART_LSR_BI = 0x10,
    UART_LSR_THRE = 0x20,
    UART_LSR_TEMT = 0x40,
    UART_LSR_FIFOE = 0x80,

    UART_MSR_DCTS = 0x01,
    UART_MSR_DDSR = 0x02,
    UART_MSR_TERI = 0x04,
    UART_MSR_DDCD = 0x08,
    UART_MSR_CTS = 0x10,
    UART_MSR_DSR = 0x20,
    UART_MSR_RI = 0x40,
    UART_MSR_DCD = 0x80,
};

typedef struct Serial16550State {
    MemoryRegion io;
    Chardev *chr; /* may be NULL: output discarded, no input */
    IRQLine irq;
    uint8_t ier, fcr, lcr, mcr, lsr, msr, scr;
    uint16_t divisor; /* DLM:DLL */
    uint8_t rx_fifo[SERIAL16550_FIFO_DEPTH];
    int rx_pos, rx_count;
    bool thr_ipending;     /* THRE interrupt pending (cleared by an IIR read that shows it) */
    bool timeout_ipending; /* character timeout indication (FIFO mode) */
    int irq_level;
} Serial16550State;

/* Sets up registers, the I/O region (8 ports) and, if chr, the chardev frontend. Main thread. */
void serial16550_init(Serial16550State *s, Chardev *chr, IRQLine irq);
/* Machine reset: datasheet table IV reset values; FIFOs emptied, IRQ low. */
void serial16550_reset(Serial16550State *s);

/* The chardev frontend callbacks (exposed for unit tests). Device lock held. */
int serial16550_can_receive(void *opaque);
void serial16550_receive(void *opaque, const uint8_t *buf, int len);

extern const MemoryRegionOps serial16550_ops;

#endif
