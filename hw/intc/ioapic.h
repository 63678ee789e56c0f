/*
 * ioapic.h — the I/O APIC (Intel 82093AA datasheet, order 290566; version 0x20 as the ICH's
 * and QEMU's, with the EOI register at 0x40): 24 input pins, each routed by a redirection
 * entry to the local APICs as a message on the APICBus.
 *
 * The board maps s->iomem at IOAPIC_DEFAULT_BASE, connects device lines with ioapic_irq_line
 * and registers ioapic_eoi as the APICBus EOI handler (apic_bus_set_eoi_handler), so that a
 * local APIC's EOI of a level-triggered vector clears remote IRR.
 * Threads: every entry point runs with the device lock held (MMIO dispatch, IRQLine callers,
 * the local APIC's EOI path); ioapic_init/reset on the main thread.
 * Input levels are logical (1 = asserted): the polarity bit is stored but not applied, since
 * Tandem's device lines already carry assertion, not the electrical level (as QEMU).
 */
#ifndef TANDEM_HW_INTC_IOAPIC_H
#define TANDEM_HW_INTC_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/intc/apic.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_MMIO_SIZE 0x1000
#define IOAPIC_NUM_PINS 24
#define IOAPIC_VERSION 0x00170020u /* max redirection entry 23, version 0x20 */

/* Redirection entry bits (82093AA 3.2.4) */
#define IOAPIC_RTE_VECTOR_MASK 0xffull
#define IOAPIC_RTE_DM_SHIFT 8
#define IOAPIC_RTE_DEST_LOGICAL (1ull << 11)
#define IOAPIC_RTE_DELIVERY_STATUS (1ull << 12)
#define IOAPIC_RTE_POLARITY_LOW (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14)
#define IOAPIC_RTE_LEVEL (1ull << 15)
#define IOAPIC_RTE_MASKED (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56

typedef struct IOAPICState {
    MemoryRegion iomem;
    APICBus *bus;
    uint8_t id;     /* IOAPICID bits 27:24 */
    uint8_t ioregsel;
    uint64_t rte[IOAPIC_NUM_PINS];
    uint32_t irr;   /* input pin levels (bit per pin) */
} IOAPICState;

/* Sets up the region (opaque = s) and resets. Main thread. */
void ioapic_init(IOAPICState *s, APICBus *bus);
/* Machine reset: ID 0, every entry masked and edge (82093AA 3.2.4: mask bit set at reset). */
void ioapic_reset(IOAPICState *s);
/* IRQLine handler: opaque = IOAPICState, n = pin 0..23, level 1 = asserted. */
void ioapic_set_irq(void *opaque, int pin, int level);
IRQLine ioapic_irq_line(IOAPICState *s, int pin);
/* The APICBus EOI handler: clears remote IRR of the level entries with this vector and
 * delivers again those whose input is still asserted. */
void ioapic_eoi(void *opaque, int vector);

extern const MemoryRegionOps ioapic_mmio_ops;

#endif
