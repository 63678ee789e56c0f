/*
 * port92.h — System Control Port A at I/O 0x92 (the PS/2 "fast A20 and reset" port, kept by
 * the PIIX/ICH chipsets): bit 1 ALT_A20_GATE, bit 0 INIT_NOW (a 0 -> 1 transition resets
 * the machine through runstate_request_reset, as port 0xCF9 does). Both bits read back as
 * written; the others read 0.
 *
 * The A20 combiner lives here because the chipset that holds port 0x92 is where the
 * keyboard controller's A20GATE meets ALT_A20_GATE: Intel's ICH datasheets define A20M# as
 * asserted only while both are 0, so the CPU's A20 line is their OR (A20_COMBINE_OR, the
 * default). QEMU instead wires both to the CPU's A20 input, so the last write to either
 * wins (A20_COMBINE_LAST: pick it to match QEMU exactly, e.g. for a differential test of a
 * guest that turns A20 off through one gate only).
 * The board maps s->io (1 port) at 0x92, gives port92_a20_kbc_line(s) to the i8042 as its
 * A20 output and connects s->a20_out to the CPU. Everything runs with the device lock held.
 */
#ifndef TANDEM_HW_X86_PORT92_H
#define TANDEM_HW_X86_PORT92_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"

#define PORT92_PORT 0x92
#define PORT92_INIT_NOW (1u << 0)
#define PORT92_A20 (1u << 1)

typedef enum A20Combine {
    A20_COMBINE_OR,   /* chipset: A20 is enabled while either gate enables it */
    A20_COMBINE_LAST, /* QEMU: the last level written by either gate */
} A20Combine;

/* Gate inputs of the combiner (IRQLine numbers). */
enum { A20_IN_KBC = 0, A20_IN_PORT92 = 1 };

typedef struct Port92State {
    MemoryRegion io;
    uint8_t value;      /* bits 0..1 as written */
    A20Combine combine;
    bool in[2];         /* the two gates' levels */
    int a20_level;      /* last level driven on a20_out (-1 before the first) */
    IRQLine a20_out;    /* to the CPU: 1 = A20 enabled */
} Port92State;

/* Main thread. The state is as after a reset; a20_out is driven at once. */
void port92_init(Port92State *s, A20Combine combine, IRQLine a20_out);
/* Machine reset: value 0 (ALT_A20_GATE off, INIT_NOW clear). */
void port92_reset(Port92State *s);
/* IRQLine handler for the combiner inputs (n = A20_IN_KBC or A20_IN_PORT92). */
void port92_a20_set(void *opaque, int n, int level);
/* The line the keyboard controller drives its A20GATE output on. */
IRQLine port92_a20_kbc_line(Port92State *s);
/* The combined A20 level as last driven. */
bool port92_a20_enabled(const Port92State *s);

extern const MemoryRegionOps port92_ops;

#endif
