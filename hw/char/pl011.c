/*
 * pl011.c — ARM PrimeCell UART PL011 (TRM ARM DDI 0183, revision r1p5: 32-entry FIFOs).
 *
 * Transmission is instantaneous: a write to DR goes straight to the chardev, so the transmit
 * FIFO always reads as empty (FR.TXFE=1, TXFF=0, BUSY=0) and every DR write is a transition of
 * the TX FIFO to "at or below the trigger level", which raises TXRIS (TRM 2.8.2: the transmit
 * interrupt is edge-like, based on a transition through the level). As on QEMU, characters are
 * sent even if CR.UARTEN/TXE are clear, because bare-metal programs commonly never program the
 * UART. Receiving follows the TRM: bytes are accepted only while UARTEN and RXE are set; until
 * then they wait in the chardev back-end, not lost.
 * The receive timeout (RTRIS: "FIFO not empty and no data for 32 bit periods") is modelled as
 * expiring as soon as a burst of input has been delivered, because the back-end hands over
 * everything it has at once; without it Linux would not see a partial FIFO until it filled.
 * Every entry point runs with the device lock held.
 */
#include "hw/char/pl011.h"

#include <inttypes.h>
#include <string.h>

#include "system/log.h"

/* Peripheral and PrimeCell identification registers at 0xFE0..0xFFC (TRM 3.3.14-15). */
static const uint8_t pl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

enum {
    PL011_CR_UARTEN = 1 << 0,
    PL011_CR_TXE = 1 << 8,
    PL011_CR_RXE = 1 << 9,
    PL011_INT_OE = 1 << 10,
    PL011_INT_ALL = 0x7ff,
    PL011_DR_OE = 1 << 11,
    PL011_RSR_OE = 1 << 3,
};

static int pl011_fifo_depth(const PL011State *s)
{
    /* With FIFOs disabled each direction is a one-character holding register. */
    return (s->lcr_h & PL011_LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Receive trigger level in characters (IFLS.RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 full). */
static int pl011_rx_trigger(const PL011State *s)
{
    static const int eighths[8] = {1, 2, 4, 6, 7, 4, 4, 4}; /* reserved values act as 1/2 */
    if (!(s->lcr_h & PL011_LCR_H_FEN)) {
        return 1;
    }
    return PL011_FIFO_DEPTH * eighths[(s->ifls >> 3) & 7] / 8;
}

static void pl011_update_irq(PL011State *s)
{
    int level = (s->ris & s->imsc) != 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set_level(&s->irq, level);
    }
}

static void pl011_fifo_reset(PL011State *s)
{
    s->rx_pos = 0;
    s->rx_count = 0;
}

void pl011_reset(PL011State *s)
{
    /* Reset values: TRM table 3-1. */
    s->rsr = 0;
    s->ibrd = 0;
    s->fbrd = 0;
    s->lcr_h = 0;
    s->cr = PL011_CR_RXE | PL011_CR_TXE;
    s->ifls = 0x12; /* both trigger levels at 1/2 */
    s->imsc = 0;
    s->ris = 0;
    s->dmacr = 0;
    s->ilpr = 0;
    pl011_fifo_reset(s);
    pl011_update_irq(s);
}

/* ---- receive path (chardev frontend) ---- */

int pl011_can_receive(void *opaque)
{
    PL011State *s = opaque;
    if (!(s->cr & PL011_CR_UARTEN) || !(s->cr & PL011_CR_RXE)) {
        return 0;
    }
    return pl011_fifo_depth(s) - s->rx_count;
}

void pl011_receive(void *opaque, const uint8_t *buf, int len)
{
    PL011State *s = opaque;
    int depth = pl011_fifo_depth(s);
    for (int i = 0; i < len; i++) {
        if (s->rx_count >= depth) {
            /* TRM 3.3.2: on overrun the FIFO keeps its contents and the new byte is lost. */
            s->rsr |= PL011_RSR_OE;
            s->ris |= PL011_INT_OE;
            continue;
        }
        s->rx_fifo[(s->rx_pos + s->rx_count) % PL011_FIFO_DEPTH] = buf[i];
        s->rx_count++;
    }
    if (s->rx_count >= pl011_rx_trigger(s)) {
        s->ris |= PL011_INT_RX;
    }
    if (s->rx_count > 0) {
        s->ris |= PL011_INT_RT;
    }
    pl011_update_irq(s);
}

static uint32_t pl011_read_dr(PL011State *s)
{
    if (s->rx_count == 0) {
        return 0;
    }
    uint32_t c = s->rx_fifo[s->rx_pos];
    s->rx_pos = (s->rx_pos + 1) % PL011_FIFO_DEPTH;
    s->rx_count--;
    s->rsr = (c >> 8) & 0xf;
    if (s->rx_count < pl011_rx_trigger(s)) {
        s->ris &= ~PL011_INT_RX;
    }
    if (s->rx_count == 0) {
        s->ris &= ~PL011_INT_RT;
    }
    pl011_update_irq(s);
    return c;
}

static uint32_t pl011_read_fr(const PL011State *s)
{
    uint32_t fr = PL011_FR_TXFE;
    if (s->rx_count == 0) {
        fr |= PL011_FR_RXFE;
    }
    if (s->rx_count >= pl011_fifo_depth(s)) {
        fr |= PL011_FR_RXFF;
    }
    return fr;
}

/* ---- MMIO ---- */

static uint32_t pl011_read_reg(PL011State *s, uint64_t reg)
{
    if (reg >= PL011_PERIPH_ID0 && reg <= 0xffc) {
        return pl011_id[(reg - PL011_PERIPH_ID0) >> 2];
    }
    switch (reg) {
    case PL011_DR:
        return pl011_read_dr(s);
    case PL011_RSR:
        return s->rsr;
    case PL011_FR:
        return pl011_read_fr(s);
    case PL011_ILPR:
        return s->ilpr;
    case PL011_IBRD:
        return s->ibrd;
    case PL011_FBRD:
        return s->fbrd;
    case PL011_LCR_H:
        return s->lcr_h;
    case PL011_CR:
        return s->cr;
    case PL011_IFLS:
        return s->ifls;
    case PL011_IMSC:
        return s->imsc;
    case PL011_RIS:
        return s->ris;
    case PL011_MIS:
        return s->ris & s->imsc;
    case PL011_DMACR:
        return s->dmacr;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("pl011: read of unknown register 0x%03" PRIx64 "\n", reg);
        }
        return 0;
    }
}

static uint64_t pl011_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    PL011State *s = opaque;
    uint64_t reg = offset & ~3ull;
    uint32_t v = pl011_read_reg(s, reg);
    return v >> ((offset & 3) * 8);
}

static void pl011_write_dr(PL011State *s, uint32_t value)
{
    uint8_t c = (uint8_t)value;
    chardev_write(s->chr, &c, 1);
    s->ris |= PL011_INT_TX;
    pl011_update_irq(s);
}

static void pl011_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PL011State *s = opaque;
    uint32_t v = (uint32_t)value;
    if (offset & 3) {
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("pl011: unaligned %u-byte write at 0x%03" PRIx64 " ignored\n", size, offset);
        }
        return;
    }
    switch (offset) {
    case PL011_DR:
        pl011_write_dr(s, v);
        break;
    case PL011_RSR: /* ECR: any write clears the error flags */
        s->rsr = 0;
        break;
    case PL011_ILPR:
        s->ilpr = v & 0xff;
        break;
    case PL011_IBRD:
        s->ibrd = v & 0xffff;
        break;
    case PL011_FBRD:
        s->fbrd = v & 0x3f;
        break;
    case PL011_LCR_H:
        /* Switching the FIFOs on or off changes their depth: start from empty. */
        if ((v ^ s->lcr_h) & PL011_LCR_H_FEN) {
            pl011_fifo_reset(s);
            s->ris &= ~(PL011_INT_RX | PL011_INT_RT);
        }
        s->lcr_h = v & 0xff;
        pl011_update_irq(s);
        break;
    case PL011_CR:
        s->cr = v & 0xff87; /* bits 3..6 are reserved */
        break;
    case PL011_IFLS:
        s->ifls = v & 0x3f;
        break;
    case PL011_IMSC:
        s->imsc = v & PL011_INT_ALL;
        pl011_update_irq(s);
        break;
    case PL011_ICR:
        s->ris &= ~(v & PL011_INT_ALL);
        pl011_update_irq(s);
        break;
    case PL011_DMACR:
        s->dmacr = v & 7;
        if (v & 3 && log_enabled(LOG_UNIMP)) {
            tlog("pl011: DMA requested but not implemented\n");
        }
        break;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("pl011: write of 0x%x to read-only or unknown register 0x%03" PRIx64 "\n", v,
                 offset);
        }
        break;
    }
}

const MemoryRegionOps pl011_ops = {
    .read = pl011_mmio_read,
    .write = pl011_mmio_write,
    .min_access = 1,
    .max_access = 4,
};

void pl011_init(PL011State *s, Chardev *chr, IRQLine irq)
{
    memset(s, 0, sizeof(*s));
    s->chr = chr;
    s->irq = irq;
    memory_region_init_io(&s->iomem, "pl011", PL011_MMIO_SIZE, &pl011_ops, s);
    pl011_reset(s);
    if (chr) {
        ChardevFrontend fe = {
            .can_receive = pl011_can_receive,
            .receive = pl011_receive,
            .opaque = s,
        };
        chardev_set_frontend(chr, &fe);
    }
}
