/*
 * i8042.c — the PC/AT keyboard controller, its PS/2 keyboard and a minimal PS/2 mouse.
 *
 * Facts: IBM PC AT Technical Reference (keyboard controller commands, status register,
 * command byte, input/output port), IBM PS/2 Hardware Interface Technical Reference
 * (keyboard and auxiliary device commands). Model: a write is handled at once (IBF never
 * reads 1); replies go to FIFOs and move one at a time into the single output buffer:
 * controller replies first, then keyboard bytes unless the keyboard is disabled (command
 * byte bit 4), then aux bytes unless the aux port is disabled (bit 5). Reading port 0x60
 * empties the buffer and the next byte moves in at once. With translation on (bit 6) the
 * only set-2 byte the keyboard ever sends, the ID byte 0x83, becomes its set-1 code 0x41.
 * Unknown controller commands are ignored (logged once each under -d guest_errors).
 * Runs with the device lock held (I/O dispatch).
 */
#include "hw/input/i8042.h"

#include <string.h>

#include "system/log.h"
#include "system/runstate.h"

/* ---- FIFOs ---- */

static void queue_clear(I8042Queue *q) { q->head = q->count = 0; }

static void queue_push(I8042Queue *q, uint16_t v)
{
    if (q->count == I8042_QUEUE_SIZE) {
        return; /* a full device buffer drops further bytes, as a PS/2 device would */
    }
    q->data[(q->head + q->count) % I8042_QUEUE_SIZE] = v;
    q->count++;
}

static uint16_t queue_pop(I8042Queue *q)
{
    uint16_t v = q->data[q->head];
    q->head = (q->head + 1) % I8042_QUEUE_SIZE;
    q->count--;
    return v;
}

/* ---- output buffer and interrupts ---- */

static void i8042_update_irqs(I8042State *s)
{
    int kbd = s->obuf_full && !s->obuf_aux && (s->ctr & I8042_CTR_KBDINT);
    int aux = s->obuf_full && s->obuf_aux && (s->ctr & I8042_CTR_AUXINT);
    if (kbd != s->irq_kbd_level) {
        s->irq_kbd_level = kbd;
        irq_set_level(&s->irq_kbd, kbd);
    }
    if (aux != s->irq_aux_level) {
        s->irq_aux_level = aux;
        irq_set_level(&s->irq_aux, aux);
    }
}

/* Moves the next byte into an empty output buffer, then updates IRQ 1 and IRQ 12. */
static void i8042_fill(I8042State *s)
{
    if (!s->obuf_full) {
        uint16_t v = 0;
        bool got = true;
        if (s->ctrl_q.count) {
            v = queue_pop(&s->ctrl_q);
        } else if (s->kbd_q.count && !(s->ctr & I8042_CTR_KBDDIS)) {
            v = queue_pop(&s->kbd_q);
            if ((s->ctr & I8042_CTR_XLATE) && v == 0x83) {
                v = 0x41; /* set 2 -> set 1 translation of the keyboard ID's second byte */
            }
        } else if (s->aux_q.count && !(s->ctr & I8042_CTR_AUXDIS)) {
            v = queue_pop(&s->aux_q) | I8042_QUEUE_AUX;
        } else {
            got = false;
        }
        if (got) {
            s->obuf = (uint8_t)v;
            s->obuf_aux = (v & I8042_QUEUE_AUX) != 0;
            s->obuf_full = true;
        }
    }
    i8042_update_irqs(s);
}

static void ctrl_reply(I8042State *s, uint8_t v) { queue_push(&s->ctrl_q, v); }

/* ---- output port: reset and A20 ---- */

static uint8_t i8042_outport_read(I8042State *s)
{
    uint8_t v = (uint8_t)(s->outport | I8042_OUT_LINES);
    if (s->obuf_full && !s->obuf_aux) {
        v |= I8042_OUT_KBDOBF;
    }
    if (s->obuf_full && s->obuf_aux) {
        v |= I8042_OUT_AUXOBF;
    }
    return v;
}

static void i8042_set_a20(I8042State *s, bool on)
{
    s->outport = (uint8_t)((s->outport & ~I8042_OUT_A20) | (on ? I8042_OUT_A20 : 0));
    irq_set_level(&s->a20, on);
}

static void i8042_outport_write(I8042State *s, uint8_t v)
{
    i8042_set_a20(s, (v & I8042_OUT_A20) != 0);
    if (!(v & I8042_OUT_RESET)) {
        /* The CPU's RESET line is driven: a machine reset (i8042_reset raises it again). */
        runstate_request_reset();
    } else {
        s->outport |= I8042_OUT_RESET;
    }
}

/* ---- the PS/2 keyboard ---- */

static void kbd_send(I8042State *s, uint8_t v)
{
    s->kbd.last = v;
    queue_push(&s->kbd_q, v);
}

static void kbd_defaults(I8042State *s)
{
    s->kbd.scancode_set = 2;
    s->kbd.typematic = 0x2b; /* 10.9 characters/s, 500 ms delay: the power-on default */
    s->kbd.leds = 0;
    s->kbd.pending_cmd = 0;
}

static void kbd_write(I8042State *s, uint8_t v)
{
    I8042Kbd *k = &s->kbd;
    if (k->pending_cmd) {
        uint8_t cmd = k->pending_cmd;
        k->pending_cmd = 0;
        if (cmd == 0xed) {
            k->leds = v & 7;
        } else if (cmd == 0xf3) {
            k->typematic = v & 0x7f;
        } else if (v == 0) { /* 0xF0 0x00: report the current set */
            kbd_send(s, 0xfa);
            kbd_send(s, k->scancode_set);
            return;
        } else if (v <= 3) {
            k->scancode_set = v;
        } else {
            kbd_send(s, 0xfe);
            return;
        }
        kbd_send(s, 0xfa);
        return;
    }
    switch (v) {
    case 0xed: /* set LEDs */
    case 0xf3: /* set typematic rate/delay */
    case 0xf0: /* select scan code set */
        k->pending_cmd = v;
        kbd_send(s, 0xfa);
        break;
    case 0xee: /* echo: answered with 0xEE, no ACK */
        kbd_send(s, 0xee);
        break;
    case 0xf2: /* identify: an MF2 keyboard */
        kbd_send(s, 0xfa);
        kbd_send(s, 0xab);
        kbd_send(s, 0x83);
        break;
    case 0xf4:
        k->scanning = true;
        kbd_send(s, 0xfa);
        break;
    case 0xf5: /* default and disable */
        kbd_defaults(s);
        k->scanning = false;
        kbd_send(s, 0xfa);
        break;
    case 0xf6: /* set default */
        kbd_defaults(s);
        kbd_send(s, 0xfa);
        break;
    case 0xf7: case 0xf8: case 0xf9: case 0xfa: case 0xfb: case 0xfc: case 0xfd:
        /* scan code set 3 key attributes: accepted (no keys are ever sent) */
        kbd_send(s, 0xfa);
        break;
    case 0xfe: /* resend */
        queue_push(&s->kbd_q, k->last);
        break;
    case 0xff: /* reset: buffer cleared, BAT passed */
        queue_clear(&s->kbd_q);
        kbd_defaults(s);
        k->scanning = true;
        kbd_send(s, 0xfa);
        kbd_send(s, 0xaa);
        break;
    default:
        kbd_send(s, 0xfe);
        break;
    }
}

/* ---- the PS/2 mouse (aux port) ---- */

static void aux_defaults(I8042State *s)
{
    s->aux.sample_rate = 100;
    s->aux.resolution = 2; /* 4 counts/mm */
    s->aux.scaling21 = 0;
    s->aux.streaming = false;
    s->aux.remote = false;
    s->aux.pending_cmd = 0;
}

static void aux_send(I8042State *s, uint8_t v) { queue_push(&s->aux_q, v); }

static void aux_write(I8042State *s, uint8_t v)
{
    I8042Aux *a = &s->aux;
    if (a->wrap && v != 0xec && v != 0xff) {
        aux_send(s, v); /* wrap mode echoes everything but "reset wrap" and "reset" */
        return;
    }
    if (a->pending_cmd) {
        if (a->pending_cmd == 0xf3) {
            a->sample_rate = v;
        } else {
            a->resolution = v & 3;
        }
        a->pending_cmd = 0;
        aux_send(s, 0xfa);
        return;
    }
    switch (v) {
    case 0xe6:
    case 0xe7:
        a->scaling21 = v == 0xe7;
        aux_send(s, 0xfa);
        break;
    case 0xe8: /* set resolution */
    case 0xf3: /* set sample rate */
        a->pending_cmd = v;
        aux_send(s, 0xfa);
        break;
    case 0xe9: /* status request: flags, resolution, sample rate */
        aux_send(s, 0xfa);
        aux_send(s, (uint8_t)((a->remote ? 0x40 : 0) | (a->streaming ? 0x20 : 0) |
                              (a->scaling21 ? 0x10 : 0)));
        aux_send(s, a->resolution);
        aux_send(s, a->sample_rate);
        break;
    case 0xea:
    case 0xf0:
        a->remote = v == 0xf0;
        aux_send(s, 0xfa);
        break;
    case 0xeb: /* read data: no movement, no buttons (bit 3 is always 1) */
        aux_send(s, 0xfa);
        aux_send(s, 0x08);
        aux_send(s, 0x00);
        aux_send(s, 0x00);
        break;
    case 0xec:
    case 0xee:
        a->wrap = v == 0xee;
        aux_send(s, 0xfa);
        break;
    case 0xf2: /* get device ID: a standard PS/2 mouse */
        aux_send(s, 0xfa);
        aux_send(s, 0x00);
        break;
    case 0xf4:
    case 0xf5:
        a->streaming = v == 0xf4;
        aux_send(s, 0xfa);
        break;
    case 0xf6:
        aux_defaults(s);
        aux_send(s, 0xfa);
        break;
    case 0xff: /* reset: ACK, BAT passed, ID */
        queue_clear(&s->aux_q);
        aux_defaults(s);
        a->wrap = false;
        aux_send(s, 0xfa);
        aux_send(s, 0xaa);
        aux_send(s, 0x00);
        break;
    default:
        aux_send(s, 0xfe);
        break;
    }
}

/* ---- controller ---- */

static void i8042_set_ctr(I8042State *s, uint8_t v)
{
    s->ctr = v;
    s->status_sys = (v & I8042_CTR_SYS) != 0;
}

static void i8042_command(I8042State *s, uint8_t cmd)
{
    if (cmd >= 0x20 && cmd <= 0x3f) { /* read controller RAM (0x20: the command byte) */
        ctrl_reply(s, cmd == 0x20 ? s->ctr : s->ram[cmd & 0x1f]);
        return;
    }
    if ((cmd >= 0x60 && cmd <= 0x7f) || (cmd >= 0xd1 && cmd <= 0xd4)) {
        s->pending = cmd; /* the next byte written to port 0x60 is the argument */
        return;
    }
    if (cmd >= 0xf0) {
        /* Pulse output port bits 0..3 low where the command's bit is 0: bit 0 is RESET. */
        if (!(cmd & 1)) {
            runstate_request_reset();
        }
        return;
    }
    switch (cmd) {
    case 0xa7:
        s->ctr |= I8042_CTR_AUXDIS;
        break;
    case 0xa8:
        s->ctr &= ~I8042_CTR_AUXDIS;
        break;
    case 0xa9: /* aux interface test: no error */
    case 0xab: /* keyboard interface test: no error */
        ctrl_reply(s, 0x00);
        break;
    case 0xaa: /* self test passed; the system flag is set */
        s->status_sys = true;
        ctrl_reply(s, 0x55);
        break;
    case 0xad:
        s->ctr |= I8042_CTR_KBDDIS;
        break;
    case 0xae:
        s->ctr &= ~I8042_CTR_KBDDIS;
        break;
    case 0xc0: /* input port: keyboard not inhibited (7), no manufacturing jumper (5) */
        ctrl_reply(s, 0xa0);
        break;
    case 0xd0:
        ctrl_reply(s, i8042_outport_read(s));
        break;
    case 0xdd: /* A20 off / on (the HP Vectra commands QEMU also accepts) */
    case 0xdf:
        i8042_set_a20(s, cmd == 0xdf);
        break;
    case 0xe0: /* test inputs T0/T1 (keyboard clock and data) */
        ctrl_reply(s, 0x00);
        break;
    default:
        if (!(s->unknown_logged[cmd / 32] & (1u << (cmd % 32)))) {
            s->unknown_logged[cmd / 32] |= 1u << (cmd % 32);
            if (log_enabled(LOG_GUEST_ERRORS)) {
                tlog("i8042: unknown controller command 0x%02x ignored\n", cmd);
            }
        }
        break;
    }
}

static void i8042_data_write(I8042State *s, uint8_t v)
{
    uint8_t pending = s->pending;
    s->pending = 0;
    if (pending == 0x60) {
        i8042_set_ctr(s, v);
    } else if (pending > 0x60 && pending <= 0x7f) {
        s->ram[pending & 0x1f] = v;
    } else if (pending == 0xd1) {
        i8042_outport_write(s, v);
    } else if (pending == 0xd2) { /* as if the keyboard had sent v */
        ctrl_reply(s, v);
    } else if (pending == 0xd3) { /* as if the mouse had sent v */
        queue_push(&s->ctrl_q, v | I8042_QUEUE_AUX);
    } else if (pending == 0xd4) {
        aux_write(s, v);
    } else {
        /* Data for the keyboard; sending to it enables the keyboard interface again. */
        s->ctr &= ~I8042_CTR_KBDDIS;
        kbd_write(s, v);
    }
}

static uint64_t i8042_data_read(void *opaque, uint64_t off, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = s->obuf; /* an empty buffer reads its last byte again */
    s->obuf_full = false;
    /* The IRQ line drops when the buffer empties and rises again when the next byte moves
     * in: without the drop, an edge-triggered 8259/IOAPIC input never sees the second byte
     * of a reply (the keyboard ID 0xAB 0x83), and Linux's atkbd/psmouse wait for timeouts. */
    i8042_update_irqs(s);
    i8042_fill(s);
    return v;
}

static void i8042_data_port_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    I8042State *s = opaque;
    s->status_cmd = 0;
    i8042_data_write(s, (uint8_t)value);
    i8042_fill(s);
}

static uint64_t i8042_status_read(void *opaque, uint64_t off, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = I8042_STR_UNLOCK | s->status_cmd;
    if (s->status_sys) {
        v |= I8042_STR_SYS;
    }
    if (s->obuf_full) {
        v |= I8042_STR_OBF | (s->obuf_aux ? I8042_STR_AUXOBF : 0);
    }
    return v;
}

static void i8042_cmd_port_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    I8042State *s = opaque;
    s->status_cmd = I8042_STR_CMD;
    s->pending = 0; /* a new command abandons one still waiting for its data byte */
    i8042_command(s, (uint8_t)value);
    i8042_fill(s);
}

const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_port_write,
    .min_access = 1,
    .max_access = 1,
};

const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_port_write,
    .min_access = 1,
    .max_access = 1,
};

void i8042_reset(I8042State *s)
{
    s->ctr = I8042_CTR_KBDINT | I8042_CTR_AUXINT;
    s->status_cmd = I8042_STR_CMD;
    s->status_sys = false;
    memset(s->ram, 0, sizeof(s->ram));
    s->pending = 0;
    s->obuf = 0;
    s->obuf_full = s->obuf_aux = false;
    queue_clear(&s->ctrl_q);
    queue_clear(&s->kbd_q);
    queue_clear(&s->aux_q);
    kbd_defaults(s);
    s->kbd.scanning = true;
    s->kbd.last = 0;
    aux_defaults(s);
    s->aux.wrap = false;
    s->outport = I8042_OUT_RESET;
    i8042_set_a20(s, true);
    i8042_update_irqs(s);
}

void i8042_init(I8042State *s, IRQLine irq_kbd, IRQLine irq_aux, IRQLine a20)
{
    memset(s, 0, sizeof(*s));
    s->irq_kbd = irq_kbd;
    s->irq_aux = irq_aux;
    s->a20 = a20;
    memory_region_init_io(&s->data, "i8042-data", 1, &i8042_data_ops, s);
    memory_region_init_io(&s->cmd, "i8042-cmd", 1, &i8042_cmd_ops, s);
    i8042_reset(s);
}
