/*
 * serial16550.c — PC16550D UART (datasheet: National Semiconductor PC16550D, June 1995).
 *
 * Transmission is instantaneous: a THR write goes straight to the chardev (or, in loopback,
 * to the receive FIFO), so LSR.THRE and LSR.TEMT read 1 at all times and every THR write is
 * followed at once by a new "THR empty" interrupt (datasheet table IV: set by THRE, cleared by
 * an IIR read that shows it or by a THR write). Enabling ETBEI while THRE is set raises it too:
 * Linux's serial8250_do_startup checks exactly that and otherwise falls back to a poll timer.
 * Receive follows the datasheet: a one-byte holding register without FIFOs (a new byte
 * overwrites it and sets OE), a 16-byte FIFO with FCR bit 0 (a byte arriving on a full FIFO is
 * lost and sets OE). The character timeout (4 character times without FIFO activity) is
 * modelled as expiring as soon as a burst from the back-end has been delivered, as on the
 * PL011 model, since the back-end hands over everything it has at once.
 * Like QEMU, the IRQ output is not gated by MCR.OUT2 and MSR reads DCD|DSR|CTS outside
 * loopback (a terminal is "connected"). Every entry point runs with the device lock held.
 */
#include "hw/char/serial16550.h"

#include <inttypes.h>
#include <string.h>

#include "system/log.h"

/* MSR outside loopback: carrier, data set ready, clear to send. */
#define SERIAL16550_MSR_LINES (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)
#define SERIAL16550_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

static bool serial16550_fifo_enabled(const Serial16550State *s) {
    return (s->fcr & UART_FCR_ENABLE) != 0;
}

/* Receiver FIFO trigger level, FCR bits 7:6 (datasheet 8.5): 1, 4, 8 or 14 bytes. */
static int serial16550_rx_trigger(const Serial16550State *s) {
    static const int level[4] = {1, 4, 8, 14};
    return serial16550_fifo_enabled(s) ? level[s->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt as IIR bits 3:0 (datasheet table IV). */
static uint8_t serial16550_pending(const Serial16550State *s) {
    if ((s->ier & UART_IER_ELSI) && (s->lsr & SERIAL16550_LSR_ERRORS)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_ERBFI) && s->rx_count >= serial16550_rx_trigger(s)) {
        return UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_ERBFI) && s->timeout_ipending) {
        return UART_IIR_CTI;
    }
    if ((s->ier & UART_IER_ETBEI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_EDSSI) && (s->msr & 0x0f)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void serial16550_update_irq(Serial16550State *s) {
    int level = serial16550_pending(s) != UART_IIR_NO_INT;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set_level(&s->irq, level);
    }
}

static void serial16550_rx_clear(Serial16550State *s) {
    s->rx_pos = 0;
    s->rx_count = 0;
    s->timeout_ipending = false;
    s->lsr &= ~UART_LSR_DR;
}

void serial16550_reset(Serial16550State *s) {
    /* Datasheet table IV (reset state). The divisor is not reset by the chip; 12 = 9600 baud
     * from the PC's 1.8432 MHz crystal is what firmware leaves behind. */
    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = SERIAL16550_MSR_LINES;
    s->scr = 0;
    s->divisor = 12;
    s->thr_ipending = false;
    serial16550_rx_clear(s);
    serial16550_update_irq(s);
}

/* ---- receive path ---- */

static void serial16550_push_rx(Serial16550State *s, uint8_t c) {
    int depth = serial16550_fifo_enabled(s) ? SERIAL16550_FIFO_DEPTH : 1;
    if (s->rx_count >= depth) {
        s->lsr |= UART_LSR_OE;
        if (!serial16550_fifo_enabled(s)) {
            /* 8.6.3: without FIFOs the new character overwrites the holding register */
            s->rx_fifo[s->rx_pos] = c;
        }
        return;
    }
    s->rx_fifo[(s->rx_pos + s->rx_count) % SERIAL16550_FIFO_DEPTH] = c;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

int serial16550_can_receive(void *opaque) {
    Serial16550State *s = opaque;
    if (s->mcr & UART_MCR_LOOP) {
        return 0; /* 8.7: in loopback the serial input is disconnected */
    }
    if (!serial16550_fifo_enabled(s)) {
        return s->rx_count ? 0 : 1;
    }
    return SERIAL16550_FIFO_DEPTH - s->rx_count;
}

void serial16550_receive(void *opaque, const uint8_t *buf, int len) {
    Serial16550State *s = opaque;
    for (int i = 0; i < len; i++) {
        serial16550_push_rx(s, buf[i]);
    }
    s->timeout_ipending = serial16550_fifo_enabled(s) && s->rx_count > 0;
    serial16550_update_irq(s);
}

static uint8_t serial16550_read_rbr(Serial16550State *s) {
    if (s->rx_count == 0) {
        return s->rx_fifo[s->rx_pos]; /* an empty RBR reads the last character again */
    }
    uint8_t c = s->rx_fifo[s->rx_pos];
    s->rx_count--;
    if (s->rx_count) {
        s->rx_pos = (s->rx_pos + 1) % SERIAL16550_FIFO_DEPTH;
    } else {
        s->lsr &= ~UART_LSR_DR;
    }
    /* 8.6.4: a read resets the timeout; what is left times out again without new input */
    s->timeout_ipending = serial16550_fifo_enabled(s) && s->rx_count > 0;
    serial16550_update_irq(s);
    return c;
}

/* ---- modem control and status ---- */

/* Sets MSR bits 7:4 to lines, recording deltas in bits 3:0 (datasheet 8.10). */
static void serial16550_set_msr_lines(Serial16550State *s, uint8_t lines) {
    uint8_t old = s->msr;
    uint8_t changed = (uint8_t)(old ^ lines);
    uint8_t delta = s->msr & 0x0f;
    if (changed & UART_MSR_CTS) {
        delta |= UART_MSR_DCTS;
    }
    if (changed & UART_MSR_DSR) {
        delta |= UART_MSR_DDSR;
    }
    if ((old & UART_MSR_RI) && !(lines & UART_MSR_RI)) {
        delta |= UART_MSR_TERI; /* trailing edge of ring indicator only */
    }
    if (changed & UART_MSR_DCD) {
        delta |= UART_MSR_DDCD;
    }
    s->msr = (uint8_t)((lines & 0xf0) | delta);
}

static void serial16550_write_mcr(Serial16550State *s, uint8_t v) {
    s->mcr = v & 0x1f;
    if (s->mcr & UART_MCR_LOOP) {
        /* 8.7: loopback ties RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD */
        uint8_t lines = 0;
        lines |= (s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0;
        lines |= (s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0;
        lines |= (s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0;
        lines |= (s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
        serial16550_set_msr_lines(s, lines);
    } else {
        serial16550_set_msr_lines(s, SERIAL16550_MSR_LINES);
    }
    serial16550_update_irq(s);
}

/* ---- register access ---- */

static void serial16550_write_thr(Serial16550State *s, uint8_t c) {
    if (s->mcr & UART_MCR_LOOP) {
        serial16550_receive(s, &c, 1);
    } else {
        chardev_write(s->chr, &c, 1);
    }
    /* the byte left at once: THR (and the shift register) empty again, a new THRE interrupt */
    s->thr_ipending = true;
    serial16550_update_irq(s);
}

static void serial16550_write_fcr(Serial16550State *s, uint8_t v) {
    /* 8.5: bit 0 must be set for the other bits to be written; changing it clears both FIFOs */
    uint8_t nv = (v & UART_FCR_ENABLE) ? (uint8_t)(v & 0xc9) : 0;
    if ((nv ^ s->fcr) & UART_FCR_ENABLE) {
        serial16550_rx_clear(s);
    } else if ((v & UART_FCR_ENABLE) && (v & UART_FCR_CLEAR_RX)) {
        serial16550_rx_clear(s);
    }
    s->fcr = nv;
    serial16550_update_irq(s);
}

static uint64_t serial16550_io_read(void *opaque, uint64_t offset, unsigned size) {
    Serial16550State *s = opaque;
    bool dlab = (s->lcr & UART_LCR_DLAB) != 0;
    uint8_t v;
    switch (offset) {
    case UART_RBR: return dlab ? (s->divisor & 0xff) : serial16550_read_rbr(s);
    case UART_IER: return dlab ? (s->divisor >> 8) : s->ier;
    case UART_IIR:
        v = serial16550_pending(s);
        if (v == UART_IIR_THRI) {
            s->thr_ipending = false; /* table IV: reading IIR (if source) resets THRE */
            serial16550_update_irq(s);
        }
        return v | (serial16550_fifo_enabled(s) ? UART_IIR_FIFO : 0);
    case UART_LCR: return s->lcr;
    case UART_MCR: return s->mcr;
    case UART_LSR:
        v = s->lsr;
        s->lsr &= ~SERIAL16550_LSR_ERRORS; /* 8.6.3: error bits reset on LSR read */
        serial16550_update_irq(s);
        return v;
    case UART_MSR:
        v = s->msr;
        s->msr &= 0xf0; /* deltas reset on MSR read */
        serial16550_update_irq(s);
        return v;
    case UART_SCR: return s->scr;
    default: return 0xff;
    }
}

static void serial16550_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    Serial16550State *s = opaque;
    uint8_t v = (uint8_t)value;
    bool dlab = (s->lcr & UART_LCR_DLAB) != 0;
    switch (offset) {
    case UART_RBR:
        if (dlab) {
            s->divisor = (uint16_t)((s->divisor & 0xff00) | v);
        } else {
            serial16550_write_thr(s, v);
        }
        break;
    case UART_IER:
        if (dlab) {
            s->divisor = (uint16_t)((s->divisor & 0x00ff) | (v << 8));
            break;
        }
        /* enabling ETBEI while THR is empty raises the THRE interrupt at once */
        if ((v & UART_IER_ETBEI) && !(s->ier & UART_IER_ETBEI) && (s->lsr & UART_LSR_THRE)) {
            s->thr_ipending = true;
        }
        s->ier = v & 0x0f;
        serial16550_update_irq(s);
        break;
    case UART_IIR: serial16550_write_fcr(s, v); break;
    case UART_LCR: s->lcr = v; break;
    case UART_MCR: serial16550_write_mcr(s, v); break;
    case UART_SCR: s->scr = v; break;
    default: /* LSR and MSR are read-only (factory test writes have no effect here) */
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("serial16550: write of 0x%02x to read-only register %" PRIu64 "\n", v, offset);
        }
        break;
    }
}

const MemoryRegionOps serial16550_ops = {
    .read = serial16550_io_read,
    .write = serial16550_io_write,
    .min_access = 1,
    .max_access = 1,
};

void serial16550_init(Serial16550State *s, Chardev *chr, IRQLine irq) {
    memset(s, 0, sizeof(*s));
    s->chr = chr;
    s->irq = irq;
    memory_region_init_io(&s->io, "serial16550", SERIAL16550_IO_SIZE, &serial16550_ops, s);
    serial16550_reset(s);
    if (chr) {
        ChardevFrontend fe = {
            .can_receive = serial16550_can_receive,
            .receive = serial16550_receive,
            .opaque = s,
        };
        chardev_set_frontend(chr, &fe);
    }
}
