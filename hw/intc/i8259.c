/*
 * i8259.c — the cascaded Intel 8259A pair of the PC (8259A datasheet, order 231468; PIIX
 * datasheet 290550 section 2.4.3 for the ELCR at 0x4D0/0x4D1).
 *
 * Each chip resolves priority between IRR & ~IMR and ISR, with rotation ("highest" is the IR
 * with the highest priority, 0 after initialisation). Edge-triggered inputs set IRR on a rising
 * edge (the edge-sense latch is edge_seen); level-triggered inputs (ELCR bit, or ICW1 LTIM)
 * make IRR follow the input. The slave's INT output drives master IR2 and is recomputed after
 * every change, so a slave request that is blocked by the slave's ISR drops the cascade line
 * and its EOI raises it again (a new edge for master IR2). Special fully nested mode lets a
 * slave request through while master IR2 is in service. INTR follows the master's output.
 * All functions run with the device lock held.
 */
#include "hw/intc/i8259.h"

#include <inttypes.h>
#include <string.h>

#include "system/log.h"

enum {
    I8259_ICW1 = 0x10, /* A0=0, D4=1 */
    I8259_ICW1_IC4 = 0x01,
    I8259_ICW1_SNGL = 0x02,
    I8259_ICW1_LTIM = 0x08,
    I8259_OCW3 = 0x08, /* A0=0, D4=0, D3=1 */
    I8259_OCW3_RIS = 0x01,
    I8259_OCW3_RR = 0x02,
    I8259_OCW3_P = 0x04,
    I8259_OCW3_SMM = 0x20,
    I8259_OCW3_ESMM = 0x40,
    I8259_ICW4_AEOI = 0x02,
    I8259_ICW4_SFNM = 0x10,
    I8259_CASCADE_IR = 2,
};

static uint8_t i8259_level_mask(const I8259Chip *c) {
    return c->ltim ? 0xff : c->elcr;
}

/* Priority rank (0 = highest) of the best request in mask, or 8 if mask is empty. */
static int i8259_best_rank(const I8259Chip *c, uint8_t mask) {
    for (int rank = 0; rank < 8; rank++) {
        if (mask & (1u << ((rank + c->highest) & 7))) {
            return rank;
        }
    }
    return 8;
}

static int i8259_rank_to_irq(const I8259Chip *c, int rank) {
    return (rank + c->highest) & 7;
}

/* The IR this chip would present on INTA, or -1: the best unmasked request that outranks
 * everything in service (datasheet "fully nested mode"; special mask mode ignores masked ISR
 * bits; special fully nested mode on the master ignores the cascade's ISR bit). */
static int i8259_chip_output(const I8259Chip *c, bool master) {
    int req = i8259_best_rank(c, c->irr & ~c->imr);
    if (req == 8) {
        return -1;
    }
    uint8_t in_service = c->isr;
    if (c->special_mask) {
        in_service &= ~c->imr;
    }
    if (master && c->special_fully_nested) {
        in_service &= ~(1u << I8259_CASCADE_IR);
    }
    if (req < i8259_best_rank(c, in_service)) {
        return i8259_rank_to_irq(c, req);
    }
    return -1;
}

static void i8259_chip_input(I8259Chip *c, int ir, int level) {
    uint8_t bit = (uint8_t)(1u << ir);
    if (level) {
        c->inputs |= bit;
        if ((i8259_level_mask(c) & bit) || !(c->edge_seen & bit)) {
            c->irr |= bit;
        }
        c->edge_seen |= bit;
    } else {
        c->inputs &= ~bit;
        c->edge_seen &= ~bit;
        if (i8259_level_mask(c) & bit) {
            c->irr &= ~bit; /* a level request goes away with its input */
        }
    }
}

/* Recomputes the cascade line and INTR. */
static void i8259_update(I8259State *s) {
    I8259Chip *m = &s->chip[0];
    int slave_out = i8259_chip_output(&s->chip[1], false) >= 0;
    if (slave_out != !!(m->inputs & (1u << I8259_CASCADE_IR))) {
        i8259_chip_input(m, I8259_CASCADE_IR, slave_out);
    }
    int level = i8259_chip_output(m, true) >= 0;
    if (level != s->intr_level) {
        s->intr_level = level;
        irq_set_level(&s->intr, level);
    }
}

void i8259_set_irq(void *opaque, int n, int level) {
    I8259State *s = opaque;
    if (n < 0 || n > 15) {
        return;
    }
    i8259_chip_input(&s->chip[n >> 3], n & 7, level);
    i8259_update(s);
}

IRQLine i8259_irq_line(I8259State *s, int n) {
    return (IRQLine){i8259_set_irq, s, n};
}

bool i8259_intr_pending(const I8259State *s) {
    return s->intr_level != 0;
}

/* The INTA pulses for ir on one chip: IRR -> ISR (or rotation with auto-EOI). */
static void i8259_chip_ack(I8259Chip *c, int ir) {
    uint8_t bit = (uint8_t)(1u << ir);
    if (c->auto_eoi) {
        if (c->rotate_auto_eoi) {
            c->highest = (uint8_t)((ir + 1) & 7);
        }
    } else {
        c->isr |= bit;
    }
    if (!(i8259_level_mask(c) & bit)) {
        c->irr &= ~bit; /* a level request stays while its input is high */
    }
}

uint8_t i8259_intack(I8259State *s) {
    I8259Chip *m = &s->chip[0], *sl = &s->chip[1];
    int ir = i8259_chip_output(m, true);
    uint8_t vector;
    if (ir < 0) {
        /* Datasheet: a request gone before INTA gives IR7's vector, ISR not set. */
        vector = (uint8_t)(m->vector_base | 7);
    } else if (ir == I8259_CASCADE_IR) {
        int sir = i8259_chip_output(sl, false);
        i8259_chip_ack(m, ir);
        if (sir < 0) {
            vector = (uint8_t)(sl->vector_base | 7); /* spurious IRQ 15 */
        } else {
            i8259_chip_ack(sl, sir);
            vector = (uint8_t)(sl->vector_base | sir);
        }
    } else {
        i8259_chip_ack(m, ir);
        vector = (uint8_t)(m->vector_base | ir);
    }
    i8259_update(s);
    return vector;
}

/* ---- programming ---- */

static void i8259_write_icw1(I8259Chip *c, uint8_t v) {
    /* Datasheet "Initialization command words": IMR cleared, IR7 lowest priority, special
     * mask mode cleared, status read set to IRR, edge-sense latches reset; ICW4 functions
     * zero unless IC4. */
    c->init_state = 1;
    c->icw4_needed = v & I8259_ICW1_IC4;
    c->single = v & I8259_ICW1_SNGL;
    c->ltim = v & I8259_ICW1_LTIM;
    c->imr = 0;
    c->isr = 0;
    c->irr = c->inputs & i8259_level_mask(c);
    c->edge_seen = c->inputs;
    c->highest = 0;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->auto_eoi = false;
    c->rotate_auto_eoi = false;
    c->special_fully_nested = false;
}

static void i8259_write_ocw2(I8259Chip *c, uint8_t v) {
    int cmd = v >> 5, level = v & 7;
    int rank;
    switch (cmd) {
    case 0: /* rotate in automatic EOI mode (clear) */ c->rotate_auto_eoi = false; break;
    case 4: /* rotate in automatic EOI mode (set) */ c->rotate_auto_eoi = true; break;
    case 1: /* non-specific EOI: the highest-priority in-service IR */
    case 5: /* rotate on non-specific EOI */
        rank = i8259_best_rank(c, c->isr);
        if (rank < 8) {
            int ir = i8259_rank_to_irq(c, rank);
            c->isr &= ~(1u << ir);
            if (cmd == 5) {
                c->highest = (uint8_t)((ir + 1) & 7);
            }
        }
        break;
    case 3: /* specific EOI */ c->isr &= ~(1u << level); break;
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1u << level);
        c->highest = (uint8_t)((level + 1) & 7);
        break;
    case 6: /* set priority: level becomes the lowest */
        c->highest = (uint8_t)((level + 1) & 7);
        break;
    default: /* 2: no operation */ break;
    }
}

static void i8259_write_ocw3(I8259Chip *c, uint8_t v) {
    if (v & I8259_OCW3_P) {
        c->poll = true;
    }
    if (v & I8259_OCW3_RR) {
        c->read_isr = v & I8259_OCW3_RIS;
    }
    if (v & I8259_OCW3_ESMM) {
        c->special_mask = (v & I8259_OCW3_SMM) != 0;
    }
}

static void i8259_write_data(I8259Chip *c, uint8_t v) {
    switch (c->init_state) {
    case 1: /* ICW2 */
        c->vector_base = v & 0xf8;
        c->init_state = c->single ? (c->icw4_needed ? 3 : 0) : 2;
        break;
    case 2: /* ICW3 */
        c->icw3 = v;
        c->init_state = c->icw4_needed ? 3 : 0;
        break;
    case 3: /* ICW4 (uPM, BUF and M/S are irrelevant here) */
        c->auto_eoi = v & I8259_ICW4_AEOI;
        c->special_fully_nested = v & I8259_ICW4_SFNM;
        c->init_state = 0;
        break;
    default: /* OCW1 */ c->imr = v; break;
    }
}

/* Poll command (datasheet "The Poll Command"): the next read is the INTA of the best
 * request, as 0x80 | IR, or 0 with none. */
static uint8_t i8259_poll_read(I8259State *s, int idx) {
    I8259Chip *c = &s->chip[idx];
    c->poll = false;
    int ir = i8259_chip_output(c, idx == 0);
    if (ir < 0) {
        return 0;
    }
    i8259_chip_ack(c, ir);
    i8259_update(s);
    return (uint8_t)(0x80 | ir);
}

static uint64_t i8259_chip_read(I8259State *s, int idx, uint64_t offset) {
    I8259Chip *c = &s->chip[idx];
    if (c->poll) {
        return i8259_poll_read(s, idx);
    }
    if (offset == 0) {
        return c->read_isr ? c->isr : c->irr;
    }
    return c->imr;
}

static void i8259_chip_write(I8259State *s, int idx, uint64_t offset, uint8_t v) {
    I8259Chip *c = &s->chip[idx];
    if (offset == 0) {
        if (v & I8259_ICW1) {
            i8259_write_icw1(c, v);
        } else if (v & I8259_OCW3) {
            i8259_write_ocw3(c, v);
        } else {
            i8259_write_ocw2(c, v);
        }
    } else {
        i8259_write_data(c, v);
    }
    i8259_update(s);
}

static uint64_t i8259_master_read(void *opaque, uint64_t offset, unsigned size) {
    return i8259_chip_read(opaque, 0, offset);
}

static uint64_t i8259_slave_read(void *opaque, uint64_t offset, unsigned size) {
    return i8259_chip_read(opaque, 1, offset);
}

static void i8259_master_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    i8259_chip_write(opaque, 0, offset, (uint8_t)value);
}

static void i8259_slave_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    i8259_chip_write(opaque, 1, offset, (uint8_t)value);
}

/* ---- ELCR (PIIX): bit n of 0x4D0 / 0x4D1 = IRQ n / n+8 level triggered ---- */

static uint64_t i8259_elcr_read(void *opaque, uint64_t offset, unsigned size) {
    I8259State *s = opaque;
    return s->chip[offset & 1].elcr;
}

static void i8259_elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size) {
    I8259State *s = opaque;
    I8259Chip *c = &s->chip[offset & 1];
    c->elcr = (uint8_t)value & c->elcr_mask;
    /* a line switched to level takes its current input as the request */
    c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->inputs & i8259_level_mask(c)));
    i8259_update(s);
}

const MemoryRegionOps i8259_master_ops = {
    .read = i8259_master_read,
    .write = i8259_master_write,
    .min_access = 1,
    .max_access = 1,
};

const MemoryRegionOps i8259_slave_ops = {
    .read = i8259_slave_read,
    .write = i8259_slave_write,
    .min_access = 1,
    .max_access = 1,
};

const MemoryRegionOps i8259_elcr_ops = {
    .read = i8259_elcr_read,
    .write = i8259_elcr_write,
    .min_access = 1,
    .max_access = 1,
};

void i8259_reset(I8259State *s) {
    for (int i = 0; i < 2; i++) {
        I8259Chip *c = &s->chip[i];
        uint8_t inputs = c->inputs, mask = c->elcr_mask;
        memset(c, 0, sizeof(*c));
        c->inputs = inputs;
        c->edge_seen = inputs;
        c->elcr_mask = mask;
    }
    i8259_update(s);
}

void i8259_init(I8259State *s, IRQLine intr) {
    memset(s, 0, sizeof(*s));
    s->intr = intr;
    /* PIIX: IRQ 0, 1, 2, 8 and 13 are always edge triggered (their ELCR bits read 0). */
    s->chip[0].elcr_mask = 0xf8;
    s->chip[1].elcr_mask = 0xde;
    memory_region_init_io(&s->io_master, "i8259-master", I8259_IO_SIZE, &i8259_master_ops, s);
    memory_region_init_io(&s->io_slave, "i8259-slave", I8259_IO_SIZE, &i8259_slave_ops, s);
    memory_region_init_io(&s->io_elcr, "i8259-elcr", I8259_ELCR_IO_SIZE, &i8259_elcr_ops, s);
    i8259_reset(s);
}
