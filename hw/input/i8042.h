/*
 * i8042.h — the PC/AT keyboard controller (Intel 8042 running the IBM keyboard-controller
 * firmware) with a PS/2 keyboard on its first port and a minimal PS/2 mouse on the second.
 * No host input is wired: the keyboard and the mouse only answer commands, so Linux's
 * i8042 and atkbd/psmouse probes find a controller, a keyboard (ID 0xAB 0x83) and a plain
 * PS/2 mouse (ID 0x00), then wait quietly.
 *
 * Two 1-port regions: s->data at I/O 0x60 and s->cmd (status on read, command on write) at
 * 0x64; port 0x61 belongs to the i8254 (port B), so the two ports cannot be one region.
 * Outputs: irq_kbd (ISA IRQ 1) and irq_aux (IRQ 12) follow "output buffer full with that
 * source's interrupt enabled in the command byte" as levels (an edge-triggered 8259 sees a
 * new edge for each byte); a20 is the output port's bit 1 (a level, set on every write of
 * the output port, so a combiner may treat it as "last writer wins"); a reset request
 * (output port bit 0 driven low) calls runstate_request_reset(), as port 0xCF9 does.
 * Every entry point runs with the device lock held (I/O dispatch).
 */
#ifndef TANDEM_HW_INPUT_I8042_H
#define TANDEM_HW_INPUT_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

/* Status register (port 0x64 read). */
#define I8042_STR_OBF (1u << 0)    /* output buffer full: port 0x60 has a byte */
#define I8042_STR_IBF (1u << 1)    /* input buffer full (always 0: writes are taken at once) */
#define I8042_STR_SYS (1u << 2)    /* system flag (command byte bit 2) */
#define I8042_STR_CMD (1u << 3)    /* last write went to port 0x64 (1) or 0x60 (0) */
#define I8042_STR_UNLOCK (1u << 4) /* keyboard lock switch: 1 = not inhibited */
#define I8042_STR_AUXOBF (1u << 5) /* the byte in the output buffer is from the aux port */

/* Command byte (controller RAM byte 0; read with 0x20, written with 0x60). */
#define I8042_CTR_KBDINT (1u << 0) /* IRQ 1 when keyboard data is in the output buffer */
#define I8042_CTR_AUXINT (1u << 1) /* IRQ 12 for aux data */
#define I8042_CTR_SYS (1u << 2)
#define I8042_CTR_KBDDIS (1u << 4) /* keyboard clock disabled */
#define I8042_CTR_AUXDIS (1u << 5)
#define I8042_CTR_XLATE (1u << 6) /* translate set 2 to set 1 */

/* Output port (0xD0 read, 0xD1 write). */
#define I8042_OUT_RESET (1u << 0) /* 0 = hold the CPU in reset */
#define I8042_OUT_A20 (1u << 1)
#define I8042_OUT_AUXOBF (1u << 5) /* IRQ 12 line */
#define I8042_OUT_KBDOBF (1u << 4) /* IRQ 1 line */
#define I8042_OUT_LINES 0xcc       /* aux/kbd clock and data lines, idle high */

#define I8042_QUEUE_SIZE 16

/* A FIFO of bytes on their way to the output buffer; bit 8 of an entry marks aux data. */
#define I8042_QUEUE_AUX 0x100
typedef struct I8042Queue {
    uint16_t data[I8042_QUEUE_SIZE];
    unsigned head, count;
} I8042Queue;

/* A PS/2 device's command state: a command waiting for its argument byte (0 = none). */
typedef struct I8042Kbd {
    uint8_t pending_cmd;
    uint8_t scancode_set; /* 1..3, reported by 0xF0 0x00 */
    bool scanning;        /* 0xF4 / 0xF5 */
    uint8_t leds, typematic;
    uint8_t last; /* last byte sent, for 0xFE resend */
} I8042Kbd;

typedef struct I8042Aux {
    uint8_t pending_cmd;
    bool streaming, remote, wrap;
    uint8_t sample_rate, resolution, scaling21;
} I8042Aux;

typedef struct I8042State {
    MemoryRegion data, cmd;
    IRQLine irq_kbd, irq_aux, a20;

    uint8_t ctr;        /* command byte */
    uint8_t outport;    /* output port bits 0..1 (the others are computed) */
    uint8_t status_cmd; /* I8042_STR_CMD as last set */
    bool status_sys;    /* I8042_STR_SYS: set by self test, copied from command byte bit 2 */
    uint8_t ram[32];    /* controller RAM bytes 1..31 (0x21-0x3F / 0x61-0x7F); [0] unused */
    uint8_t pending;    /* controller command waiting for a data byte (0x60, 0xD1..0xD4) */
    uint8_t obuf;       /* the output buffer */
    bool obuf_full, obuf_aux;
    I8042Queue ctrl_q;             /* controller replies, 0xD2/0xD3 loopback (aux-tagged) */
    I8042Queue kbd_q, aux_q;       /* device replies, gated by the disable bits */
    int irq_kbd_level, irq_aux_level;
    I8042Kbd kbd;
    I8042Aux aux;
    uint32_t unknown_logged[8]; /* unknown controller commands already logged (a bitmap) */
} I8042State;

/* Sets up the regions and the outputs; the state is as after a machine reset. Main thread. */
void i8042_init(I8042State *s, IRQLine irq_kbd, IRQLine irq_aux, IRQLine a20);
/* Machine reset: command byte 0x03 (both interrupts on, no translation, as QEMU's reset),
 * output port with reset high and A20 enabled (a20 is driven to 1), buffers empty. */
void i8042_reset(I8042State *s);

extern const MemoryRegionOps i8042_data_ops, i8042_cmd_ops;

#endif
