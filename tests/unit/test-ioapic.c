/*
 * test-ioapic.c — the I/O APIC (hw/intc/ioapic.c) in front of two real local APICs on an
 * APICBus with fake CPU links: ID/version/arbitration registers through IOREGSEL/IOWIN,
 * redirection entry read/write masks and reset state, edge inputs (one message per rising
 * edge, lost while masked), level inputs (remote IRR, EOI from the local APIC re-delivering a
 * still-asserted input, unmask delivering), the EOI register, logical and NMI entries.
 */
#include <criterion/criterion.h>
#include <glib.h>

#include "cpu-exec/cpu.h"
#include "hw/core/memory.h"
#include "hw/intc/apic.h"
#include "hw/intc/ioapic.h"

#define NCPU 2

static APICBus bus;
static X86LocalAPIC *apic[NCPU];
static IOAPICState io;
static int cur_cpu;
static int nmi_count[NCPU];

static void fake_request(void *opaque, uint32_t bits, bool level)
{
    if (bits & CPU_INTERRUPT_NMI) {
        nmi_count[(intptr_t)opaque]++;
    }
}

static int fake_current(void) { return cur_cpu; }

static uint32_t io_rd(uint8_t reg)
{
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_write(&io.iomem, 0x00, reg, 4), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_read(&io.iomem, 0x10, &v, 4), MEMTX_OK);
    return (uint32_t)v;
}

static void io_wr(uint8_t reg, uint32_t value)
{
    cr_assert_eq(memory_region_dispatch_write(&io.iomem, 0x00, reg, 4), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_write(&io.iomem, 0x10, value, 4), MEMTX_OK);
}

static void set_rte(int pin, uint64_t e)
{
    io_wr(0x11 + 2 * pin, (uint32_t)(e >> 32));
    io_wr(0x10 + 2 * pin, (uint32_t)e);
}

static uint64_t get_rte(int pin)
{
    return ((uint64_t)io_rd(0x11 + 2 * pin) << 32) | io_rd(0x10 + 2 * pin);
}

static void apic_wr(int cpu, uint32_t off, uint32_t v)
{
    cur_cpu = cpu;
    cr_assert_eq(memory_region_dispatch_write(&bus.mmio, off, v, 4), MEMTX_OK);
}

static bool irr_has(int cpu, int v)
{
    uint64_t r;
    cur_cpu = cpu;
    cr_assert_eq(memory_region_dispatch_read(&bus.mmio, 0x200 + (v >> 5) * 0x10, &r, 4), MEMTX_OK);
    return (r >> (v & 31)) & 1;
}

static void pin(int n, int level)
{
    device_lock(); /* IRQLine callers hold the device lock */
    ioapic_set_irq(&io, n, level);
    device_unlock();
}

/* Takes the interrupt the CPU would take: the vector, or -1 if none is deliverable. */
static int take(int cpu)
{
    return apic_has_interrupt(apic[cpu]) ? apic_get_interrupt(apic[cpu]) : -1;
}

static void eoi(int cpu) { apic_wr(cpu, 0xb0, 0); }

static void setup(void)
{
    device_lock();
    device_unlock();
    memset(nmi_count, 0, sizeof(nmi_count));
    apic_bus_init(&bus, fake_current);
    for (int i = 0; i < NCPU; i++) {
        APICCpuLink link = {.opaque = (void *)(intptr_t)i, .request = fake_request};
        apic[i] = apic_new(&bus, i, i, &link);
        apic_wr(i, 0xf0, 0x1ff);
    }
    ioapic_init(&io, &bus);
    apic_bus_set_eoi_handler(&bus, ioapic_eoi, &io);
}

static void teardown(void)
{
    for (int i = 0; i < NCPU; i++) {
        apic_free(apic[i]);
    }
}

TestSuite(ioapic, .init = setup, .fini = teardown);

Test(ioapic, id_version_arbitration)
{
    cr_assert_eq(io_rd(0x01), 0x00170020u, "24 entries, version 0x20");
    cr_assert_eq(io_rd(0x00), 0);
    io_wr(0x00, 0xffffffffu);
    cr_assert_eq(io_rd(0x00), 0x0f000000u, "ID bits 27:24");
    cr_assert_eq(io_rd(0x02), 0x0f000000u, "arbitration ID");
    io_wr(0x01, 0);
    cr_assert_eq(io_rd(0x01), 0x00170020u, "version read-only");
    uint64_t sel;
    memory_region_dispatch_write(&io.iomem, 0x00, 0x12, 4);
    memory_region_dispatch_read(&io.iomem, 0x00, &sel, 4);
    cr_assert_eq(sel, 0x12, "IOREGSEL reads back");
}

Test(ioapic, redirection_entry_masks_and_reset)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        cr_assert_eq(get_rte(i), IOAPIC_RTE_MASKED, "pin %d masked at reset", i);
    }
    set_rte(5, 0xffffffffffffffffull);
    cr_assert_eq(get_rte(5), 0xff00000000000000ull | 0x1afffull,
                 "reserved 55:17, delivery status and remote IRR read-only");
    io_wr(0x10 + 2 * 24, 0x1234); /* beyond the last entry */
    cr_assert_eq(io_rd(0x10 + 2 * 24), 0);
}

Test(ioapic, edge_delivers_once_per_rising_edge)
{
    set_rte(2, (1ull << 56) | 0x30); /* fixed, physical APIC 1, edge, high */
    pin(2, 1);
    cr_assert_eq(take(1), 0x30);
    cr_assert_eq(take(0), -1);
    eoi(1);
    pin(2, 1);
    cr_assert_eq(take(1), -1, "no edge: nothing new");
    pin(2, 0);
    pin(2, 1);
    cr_assert_eq(take(1), 0x30);
    eoi(1);
    cr_assert_eq(get_rte(2) & IOAPIC_RTE_REMOTE_IRR, 0, "edge entries keep remote IRR 0");
}

Test(ioapic, masked_edge_is_lost)
{
    set_rte(3, IOAPIC_RTE_MASKED | 0x31);
    pin(3, 1);
    pin(3, 0);
    set_rte(3, 0x31);
    cr_assert_eq(take(0), -1);
    pin(3, 1);
    cr_assert_eq(take(0), 0x31);
}

Test(ioapic, level_remote_irr_and_eoi_redelivery)
{
    set_rte(9, IOAPIC_RTE_LEVEL | 0x41); /* fixed, APIC 0, level */
    pin(9, 1);
    cr_assert(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    cr_assert_eq(take(0), 0x41);
    pin(9, 1);
    cr_assert_not(irr_has(0, 0x41), "remote IRR holds further messages");
    cr_assert_eq(take(0), -1);
    eoi(0); /* still asserted: delivered again */
    cr_assert(get_rte(9) & IOAPIC_RTE_REMOTE_IRR);
    cr_assert_eq(take(0), 0x41);
    pin(9, 0);
    eoi(0);
    cr_assert_eq(get_rte(9) & IOAPIC_RTE_REMOTE_IRR, 0);
    cr_assert_eq(take(0), -1, "deasserted: no new message");
}

Test(ioapic, unmasking_an_asserted_level_input_delivers)
{
    set_rte(10, IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED | 0x42);
    pin(10, 1);
    cr_assert_eq(take(0), -1);
    set_rte(10, IOAPIC_RTE_LEVEL | 0x42);
    cr_assert_eq(take(0), 0x42);
}

Test(ioapic, eoi_register_clears_remote_irr)
{
    set_rte(11, IOAPIC_RTE_LEVEL | 0x43);
    pin(11, 1);
    cr_assert_eq(take(0), 0x43);
    cr_assert(get_rte(11) & IOAPIC_RTE_REMOTE_IRR);
    pin(11, 0);
    memory_region_dispatch_write(&io.iomem, 0x40, 0x43, 4);
    cr_assert_eq(get_rte(11) & IOAPIC_RTE_REMOTE_IRR, 0);
}

Test(ioapic, level_to_disabled_apic_sets_no_remote_irr)
{
    apic_wr(1, 0xf0, 0xff); /* APIC 1 software-disabled */
    set_rte(12, (1ull << 56) | IOAPIC_RTE_LEVEL | 0x44);
    pin(12, 1);
    cr_assert_eq(get_rte(12) & IOAPIC_RTE_REMOTE_IRR, 0, "nobody accepted it");
    apic_wr(1, 0xf0, 0x1ff);
    set_rte(12, (1ull << 56) | IOAPIC_RTE_LEVEL | 0x44); /* rewrite retries */
    cr_assert_eq(take(1), 0x44);
}

Test(ioapic, logical_and_nmi_entries)
{
    apic_wr(0, 0xd0, 0x01000000u);
    apic_wr(1, 0xd0, 0x02000000u);
    set_rte(4, (0x02ull << 56) | IOAPIC_RTE_DEST_LOGICAL | 0x50);
    pin(4, 1);
    cr_assert_eq(take(1), 0x50);
    cr_assert_eq(take(0), -1);
    set_rte(6, (0xffull << 56) | ((uint64_t)APIC_DM_NMI << 8));
    pin(6, 1);
    cr_assert_eq(nmi_count[0], 1);
    cr_assert_eq(nmi_count[1], 1);
}

Test(ioapic, irq_line_helper)
{
    IRQLine l = ioapic_irq_line(&io, 7);
    set_rte(7, 0x51);
    device_lock();
    irq_set_level(&l, 1);
    device_unlock();
    cr_assert_eq(take(0), 0x51);
}
