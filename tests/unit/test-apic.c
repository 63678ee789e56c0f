/*
 * test-apic.c — the x86 local APIC (hw/intc/apic*.c) on an APICBus of four APICs with fake
 * CPU links (recording the HARD level and counting NMI/SMI/INIT/SIPI edges) and a fake
 * "current CPU" for MMIO: reset values, register semantics, TPR/PPR and INTA/EOI order, IPIs in
 * every delivery mode, physical/logical flat/cluster destinations and shorthands, lowest
 * priority, software/hardware-disabled rules, level EOI broadcast, ExtINT virtual wire, the
 * timer (one-shot, periodic, TSC-deadline) on the virtual clock, x2APIC MSRs and APIC_BASE.
 * The timer thread calls the fake links, so what they record is atomic.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/cpu.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"
#include "hw/intc/apic.h"

#define NCPU 4

typedef struct FakeCpu {
    atomic_int hard;
    atomic_int nmi, smi, init, sipi;
    atomic_int sipi_pending; /* the SIPI request bit as the CPU would see it */
} FakeCpu;

static FakeCpu fake[NCPU];
static APICBus bus;
static X86LocalAPIC *apic[NCPU];
static int cur_cpu;
static int eoi_vectors[16], nb_eoi;

static void fake_request(void *opaque, uint32_t bits, bool level)
{
    FakeCpu *c = opaque;
    if (bits & CPU_INTERRUPT_HARD) {
        atomic_store(&c->hard, level);
    }
    if (bits & CPU_INTERRUPT_SIPI) {
        atomic_store(&c->sipi_pending, level);
    }
    if (!level) {
        return; /* a cleared request bit: nothing delivered */
    }
    if (bits & CPU_INTERRUPT_NMI) {
        atomic_fetch_add(&c->nmi, 1);
    }
    if (bits & CPU_INTERRUPT_SMI) {
        atomic_fetch_add(&c->smi, 1);
    }
    if (bits & CPU_INTERRUPT_INIT) {
        atomic_fetch_add(&c->init, 1);
    }
    if (bits & CPU_INTERRUPT_SIPI) {
        atomic_fetch_add(&c->sipi, 1);
    }
}

static int fake_current(void) { return cur_cpu; }

static void fake_eoi(void *opaque, int vector)
{
    if (nb_eoi < 16) {
        eoi_vectors[nb_eoi++] = vector;
    }
}

static uint32_t rd(int cpu, uint32_t off)
{
    uint64_t v = 0;
    cur_cpu = cpu;
    cr_assert_eq(memory_region_dispatch_read(&bus.mmio, off, &v, 4), MEMTX_OK);
    return (uint32_t)v;
}

static void wr(int cpu, uint32_t off, uint32_t v)
{
    cur_cpu = cpu;
    cr_assert_eq(memory_region_dispatch_write(&bus.mmio, off, v, 4), MEMTX_OK);
}

static bool irr_has(int cpu, int v) { return (rd(cpu, 0x200 + (v >> 5) * 0x10) >> (v & 31)) & 1; }
static bool isr_has(int cpu, int v) { return (rd(cpu, 0x100 + (v >> 5) * 0x10) >> (v & 31)) & 1; }
static bool tmr_has(int cpu, int v) { return (rd(cpu, 0x180 + (v >> 5) * 0x10) >> (v & 31)) & 1; }

static void enable_all(void)
{
    for (int i = 0; i < NCPU; i++) {
        wr(i, 0xf0, 0x1ff); /* SVR: software enable, spurious vector 0xff */
    }
}

static void setup(void)
{
    device_lock(); /* glib creates the GRecMutex on first use: before other threads exist */
    device_unlock();
    memset(fake, 0, sizeof(fake));
    nb_eoi = 0;
    cur_cpu = 0;
    apic_bus_init(&bus, fake_current);
    apic_bus_set_eoi_handler(&bus, fake_eoi, NULL);
    for (int i = 0; i < NCPU; i++) {
        APICCpuLink link = {.opaque = &fake[i], .request = fake_request};
        apic[i] = apic_new(&bus, i, i, &link);
    }
}

static void teardown(void)
{
    for (int i = 0; i < NCPU; i++) {
        if (apic[i]) {
            apic_free(apic[i]);
            apic[i] = NULL;
        }
    }
}

static void setup_clock(void)
{
    setup();
    vclock_init();
}

static void teardown_clock(void)
{
    vclock_shutdown();
    teardown();
}

/* ---- reset and registers ---- */

Test(apic, power_on_values, .init = setup, .fini = teardown)
{
    cr_assert_eq(rd(2, 0x20), 2u << 24, "ID");
    cr_assert_eq(rd(2, 0x30), 0x00050014u, "version: 6 LVTs");
    cr_assert_eq(rd(2, 0xe0), 0xffffffffu, "DFR flat");
    cr_assert_eq(rd(2, 0xf0), 0xffu, "SVR: software-disabled, vector 0xff");
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(rd(2, 0x320 + 0x10 * i), 0x10000u, "LVT %d masked", i);
    }
    cr_assert_eq(rd(0, 0x350), 0x700u, "BSP LINT0 in ExtINT mode (virtual wire)");
    cr_assert_eq(apic_get_base(apic[0]), 0xfee00900ull, "BSP");
    cr_assert_eq(apic_get_base(apic[1]), 0xfee00800ull);
    cr_assert_eq(rd(1, 0x80) | rd(1, 0xd0) | rd(1, 0x300) | rd(1, 0x380) | rd(1, 0x3e0), 0);
}

Test(apic, register_write_masks, .init = setup, .fini = teardown)
{
    wr(1, 0x20, 0x07abcdefu);
    cr_assert_eq(rd(1, 0x20), 0x07000000u, "ID: bits 31:24");
    wr(1, 0x30, 0);
    cr_assert_eq(rd(1, 0x30), 0x00050014u, "version is read-only");
    wr(1, 0xd0, 0x12345678u);
    cr_assert_eq(rd(1, 0xd0), 0x12000000u);
    wr(1, 0xe0, 0x0u);
    cr_assert_eq(rd(1, 0xe0), 0x0fffffffu, "DFR: model bits only");
    wr(1, 0x310, 0xffffffffu);
    cr_assert_eq(rd(1, 0x310), 0xff000000u);
    wr(1, 0x3e0, 0xffu);
    cr_assert_eq(rd(1, 0x3e0), 0xbu, "divide: bits 3,1,0");
}

Test(apic, software_disabled_forces_lvt_masks, .init = setup, .fini = teardown)
{
    wr(1, 0x350, 0x30); /* unmask while disabled: stays masked */
    cr_assert_eq(rd(1, 0x350), 0x10030u);
    enable_all();
    wr(1, 0x350, 0x30);
    cr_assert_eq(rd(1, 0x350), 0x30u);
    wr(1, 0xf0, 0xff); /* disabling masks every LVT */
    cr_assert_eq(rd(1, 0x350), 0x10030u);
}

Test(apic, illegal_register_and_esr_latching, .init = setup, .fini = teardown)
{
    enable_all();
    rd(1, 0x2f0); /* CMCI: not implemented (6 LVTs) */
    cr_assert_eq(rd(1, 0x280), 0, "ESR shows nothing before a write");
    wr(1, 0x280, 0);
    cr_assert_eq(rd(1, 0x280), 0x80u, "illegal register address");
    wr(1, 0x280, 0);
    cr_assert_eq(rd(1, 0x280), 0, "a write clears the errors");
}

/* ---- priorities, INTA, EOI ---- */

Test(apic, tpr_ppr_and_inta_order, .init = setup, .fini = teardown)
{
    enable_all();
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x45); /* fixed, physical, to APIC 1 */
    cr_assert(irr_has(1, 0x45));
    cr_assert(atomic_load(&fake[1].hard));
    cr_assert_not(atomic_load(&fake[0].hard));
    wr(1, 0x80, 0x50);
    cr_assert_not(apic_has_interrupt(apic[1]), "class 4 <= TPR class 5");
    cr_assert_not(atomic_load(&fake[1].hard));
    cr_assert_eq(apic_get_interrupt(apic[1]), 0xff, "spurious vector when nothing remains");
    wr(0, 0x300, 0x61);
    cr_assert(apic_has_interrupt(apic[1]));
    cr_assert_eq(rd(1, 0xa0), 0x50u, "PPR = TPR");
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x61);
    cr_assert(isr_has(1, 0x61));
    cr_assert_not(irr_has(1, 0x61));
    cr_assert_eq(rd(1, 0xa0), 0x60u, "PPR = ISR class");
    wr(1, 0x80, 0x00);
    cr_assert_not(apic_has_interrupt(apic[1]), "0x45 below in-service 0x61");
    wr(0, 0x300, 0x80);
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x80, "higher class preempts");
    wr(1, 0xb0, 0);
    cr_assert_not(isr_has(1, 0x80), "EOI clears the highest ISR bit first");
    cr_assert(isr_has(1, 0x61));
    wr(1, 0xb0, 0);
    cr_assert_not(isr_has(1, 0x61));
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x45);
    wr(1, 0xb0, 0);
    cr_assert_eq(rd(1, 0xa0), 0);
    cr_assert_eq(nb_eoi, 0, "edge interrupts: no EOI broadcast");
}

Test(apic, apr_and_tpr_via_cr8_path, .init = setup, .fini = teardown)
{
    enable_all();
    apic_set_tpr(apic[2], 0x30);
    cr_assert_eq(rd(2, 0x80), 0x30u);
    cr_assert_eq(apic_get_tpr(apic[2]), 0x30);
    cr_assert_eq(rd(2, 0x90), 0x30u, "APR = TPR when nothing is pending");
    wr(2, 0x300, (1u << 18) | 0x91); /* self IPI */
    cr_assert_eq(rd(2, 0x90), 0x90u, "APR = IRR class when above TPR");
}

Test(apic, level_triggered_eoi_is_broadcast, .init = setup, .fini = teardown)
{
    enable_all();
    cr_assert_eq(apic_bus_deliver(&bus, 2, 0, APIC_DM_FIXED, 0x38, true), 1);
    cr_assert(tmr_has(2, 0x38));
    cr_assert_eq(apic_get_interrupt(apic[2]), 0x38);
    wr(2, 0xb0, 0);
    cr_assert_eq(nb_eoi, 1);
    cr_assert_eq(eoi_vectors[0], 0x38);
    apic_bus_deliver(&bus, 2, 0, APIC_DM_FIXED, 0x38, false);
    cr_assert_not(tmr_has(2, 0x38), "an edge message clears TMR");
}

/* ---- IPIs ---- */

Test(apic, ipi_delivery_modes, .init = setup, .fini = teardown)
{
    enable_all();
    wr(0, 0x310, 3u << 24);
    wr(0, 0x300, 0x4000 | (APIC_DM_NMI << 8));
    wr(0, 0x300, 0x4000 | (APIC_DM_SMI << 8));
    wr(0, 0x300, 0xc000 | (APIC_DM_INIT << 8));
    wr(0, 0x300, 0x8000 | (APIC_DM_INIT << 8)); /* INIT level de-assert: no INIT */
    wr(0, 0x300, 0x4000 | (APIC_DM_STARTUP << 8) | 0x9a);
    cr_assert_eq(atomic_load(&fake[3].nmi), 1);
    cr_assert_eq(atomic_load(&fake[3].smi), 1);
    cr_assert_eq(atomic_load(&fake[3].init), 1);
    cr_assert_eq(atomic_load(&fake[3].sipi), 1);
    cr_assert_eq(apic_get_sipi_vector(apic[3]), 0x9a);
    cr_assert_eq(atomic_load(&fake[1].nmi) + atomic_load(&fake[2].init), 0);
    cr_assert_eq(rd(0, 0x300) & (1u << 12), 0, "delivery status reads idle");
}

Test(apic, shorthands, .init = setup, .fini = teardown)
{
    enable_all();
    wr(1, 0x300, (1u << 18) | 0x50);
    cr_assert(irr_has(1, 0x50));
    cr_assert_not(irr_has(0, 0x50));
    wr(1, 0x300, (2u << 18) | 0x51); /* all including self */
    for (int i = 0; i < NCPU; i++) {
        cr_assert(irr_has(i, 0x51), "cpu %d", i);
    }
    wr(1, 0x300, (3u << 18) | 0x52); /* all excluding self */
    cr_assert_not(irr_has(1, 0x52));
    cr_assert(irr_has(0, 0x52) && irr_has(2, 0x52) && irr_has(3, 0x52));
}

Test(apic, physical_broadcast_and_send_illegal_vector, .init = setup, .fini = teardown)
{
    enable_all();
    wr(2, 0x310, 0xffu << 24);
    wr(2, 0x300, 0x66);
    for (int i = 0; i < NCPU; i++) {
        cr_assert(irr_has(i, 0x66));
    }
    wr(2, 0x310, 1u << 24);
    wr(2, 0x300, 0x0f); /* vector < 16 */
    cr_assert_not(irr_has(1, 0x0f));
    wr(2, 0x280, 0);
    cr_assert_eq(rd(2, 0x280), 0x20u, "send illegal vector");
}

Test(apic, logical_flat_and_cluster, .init = setup, .fini = teardown)
{
    enable_all();
    for (int i = 0; i < NCPU; i++) {
        wr(i, 0xd0, (1u << i) << 24); /* flat: one bit per CPU */
    }
    wr(0, 0x310, 0x0au << 24);
    wr(0, 0x300, 0x800 | 0x70); /* logical */
    cr_assert(irr_has(1, 0x70) && irr_has(3, 0x70));
    cr_assert_not(irr_has(0, 0x70) || irr_has(2, 0x70));
    /* cluster model: cluster in LDR[31:28], member bits in [27:24] */
    for (int i = 0; i < NCPU; i++) {
        wr(i, 0xe0, 0x0fffffffu);
        wr(i, 0xd0, ((uint32_t)(i / 2) << 28) | ((1u << (i % 2)) << 24));
    }
    wr(0, 0x310, 0x12u << 24); /* cluster 1, member bit 1: CPU 3 */
    wr(0, 0x300, 0x800 | 0x71);
    cr_assert(irr_has(3, 0x71));
    cr_assert_not(irr_has(0, 0x71) || irr_has(1, 0x71) || irr_has(2, 0x71));
    wr(0, 0x310, 0xf1u << 24); /* every cluster, member bit 0: CPUs 0 and 2 */
    wr(0, 0x300, 0x800 | 0x72);
    cr_assert(irr_has(0, 0x72) && irr_has(2, 0x72));
    cr_assert_not(irr_has(1, 0x72) || irr_has(3, 0x72));
}

Test(apic, lowest_priority_picks_lowest_apr, .init = setup, .fini = teardown)
{
    enable_all();
    for (int i = 0; i < NCPU; i++) {
        wr(i, 0xd0, 0x01000000u << i);
        wr(i, 0x80, 0x40);
    }
    wr(2, 0x80, 0x10);
    wr(0, 0x310, 0x0fu << 24);
    wr(0, 0x300, 0x800 | (APIC_DM_LOWEST << 8) | 0x60);
    for (int i = 0; i < NCPU; i++) {
        cr_assert_eq(irr_has(i, 0x60), i == 2, "cpu %d", i);
    }
    cr_assert_eq(apic_bus_deliver(&bus, 0x0f, 1, APIC_DM_LOWEST, 0x61, false), 1);
}

Test(apic, software_disabled_takes_only_nmi_smi_init_sipi, .init = setup, .fini = teardown)
{
    /* APIC 1 stays software-disabled (power-on SVR) */
    wr(0, 0xf0, 0x1ff);
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x40);
    cr_assert_not(irr_has(1, 0x40));
    cr_assert_eq(apic_bus_deliver(&bus, 1, 0, APIC_DM_FIXED, 0x41, false), 0);
    wr(0, 0x300, 0x4000 | (APIC_DM_NMI << 8));
    wr(0, 0x300, 0x4000 | (APIC_DM_SMI << 8));
    wr(0, 0x300, 0xc000 | (APIC_DM_INIT << 8));
    wr(0, 0x300, 0x4000 | (APIC_DM_STARTUP << 8) | 0x10);
    cr_assert_eq(atomic_load(&fake[1].nmi), 1);
    cr_assert_eq(atomic_load(&fake[1].smi), 1);
    cr_assert_eq(atomic_load(&fake[1].init), 1);
    cr_assert_eq(atomic_load(&fake[1].sipi), 1);
    cr_assert_not(atomic_load(&fake[1].hard));
}

/* A SIPI latched before an INIT reached a CPU not waiting for SIPI (else it would have been
 * taken): the INIT drops it, so only a SIPI sent after the INIT starts the CPU (SDM 8.4.4.1). */
Test(apic, init_drops_earlier_sipi_keeps_later, .init = setup, .fini = teardown)
{
    enable_all();
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x4000 | (APIC_DM_STARTUP << 8) | 0x08);
    cr_assert(atomic_load(&fake[1].sipi_pending));
    wr(0, 0x300, 0x4000 | (APIC_DM_INIT << 8));
    cr_assert_not(atomic_load(&fake[1].sipi_pending), "SIPI from before the INIT survived");
    cr_assert_eq(atomic_load(&fake[1].init), 1);
    wr(0, 0x300, 0x4000 | (APIC_DM_STARTUP << 8) | 0x09);
    cr_assert(atomic_load(&fake[1].sipi_pending));
    apic_init_reset(apic[1]);
    cr_assert_eq(apic_get_sipi_vector(apic[1]), 0x09);
}

Test(apic, hardware_disabled_takes_nothing, .init = setup, .fini = teardown)
{
    enable_all();
    cr_assert(apic_set_base(apic[1], 0xfee00000ull));
    cr_assert_eq(rd(1, 0x30), 0, "MMIO off");
    wr(0, 0x310, 1u << 24);
    wr(0, 0x300, 0x40);
    wr(0, 0x300, 0x4000 | (APIC_DM_NMI << 8));
    wr(0, 0x300, 0xc000 | (APIC_DM_INIT << 8));
    cr_assert_eq(atomic_load(&fake[1].nmi) + atomic_load(&fake[1].init), 0);
    cr_assert(apic_set_base(apic[1], 0xfee00800ull));
    cr_assert_eq(rd(1, 0xf0), 0xffu, "re-enabled in the power-up state");
    cr_assert_eq(rd(1, 0x20), 1u << 24);
    cr_assert_not(irr_has(1, 0x40));
}

Test(apic, init_reset_keeps_id_and_base, .init = setup, .fini = teardown)
{
    enable_all();
    wr(1, 0x20, 0x09000000u);
    wr(1, 0x80, 0x20);
    apic_init_reset(apic[1]);
    cr_assert_eq(rd(1, 0x20), 0x09000000u);
    cr_assert_eq(rd(1, 0x80), 0);
    cr_assert_eq(rd(1, 0xf0), 0xffu);
    cr_assert_eq(apic_get_base(apic[1]), 0xfee00800ull);
}

/* ---- LINT0/LINT1 and ExtINT ---- */

Test(apic, extint_virtual_wire, .init = setup, .fini = teardown)
{
    apic_set_lint0(apic[0], 1);
    cr_assert(atomic_load(&fake[0].hard), "BSP LINT0 ExtINT passes the 8259 INTR");
    cr_assert_eq(apic_get_interrupt(apic[0]), APIC_EXTINT);
    apic_set_lint0(apic[0], 0);
    cr_assert_not(atomic_load(&fake[0].hard));
    apic_set_lint0(apic[1], 1);
    cr_assert_not(atomic_load(&fake[1].hard), "AP: LINT0 masked");
    cr_assert(apic_set_base(apic[1], 0xfee00000ull));
    cr_assert(atomic_load(&fake[1].hard), "hardware-disabled APIC: the 8259 goes straight to INTR");
    cr_assert_eq(apic_get_interrupt(apic[1]), APIC_EXTINT);
    cr_assert_eq(apic_bus_deliver(&bus, 2, 0, APIC_DM_EXTINT, 0, false), 0,
                 "a software-disabled APIC refuses an ExtINT message");
    enable_all();
    cr_assert_eq(apic_bus_deliver(&bus, 2, 0, APIC_DM_EXTINT, 0, false), 1);
    cr_assert(atomic_load(&fake[2].hard));
    cr_assert_eq(apic_get_interrupt(apic[2]), APIC_EXTINT);
    cr_assert_not(atomic_load(&fake[2].hard), "taken once");
}

Test(apic, lint1_nmi, .init = setup, .fini = teardown)
{
    enable_all();
    wr(0, 0x360, APIC_DM_NMI << 8);
    apic_set_lint1(apic[0], 1);
    apic_set_lint1(apic[0], 1);
    cr_assert_eq(atomic_load(&fake[0].nmi), 1, "edge: one NMI per rising edge");
    apic_set_lint1(apic[0], 0);
    apic_set_lint1(apic[0], 1);
    cr_assert_eq(atomic_load(&fake[0].nmi), 2);
}

/* ---- APIC_BASE and x2APIC ---- */

Test(apic, apic_base_transitions, .init = setup, .fini = teardown)
{
    cr_assert_not(apic_set_base(apic[1], 0xfee00400ull), "EXTD without EN");
    cr_assert_not(apic_set_base(apic[1], 0xfee00801ull), "reserved bit");
    cr_assert(apic_set_base(apic[1], 0xfee00c00ull), "xAPIC -> x2APIC");
    cr_assert(apic_is_x2apic(apic[1]));
    cr_assert_not(apic_set_base(apic[1], 0xfee00800ull), "x2APIC -> xAPIC directly");
    cr_assert(apic_set_base(apic[1], 0xfee00000ull));
    cr_assert_not(apic_set_base(apic[1], 0xfee00c00ull), "disabled -> x2APIC directly");
    cr_assert(apic_set_base(apic[1], 0x12340800ull), "relocation is ignored");
    cr_assert_eq(apic_get_base(apic[1]), 0xfee00800ull);
    cr_assert(apic_set_base(apic[0], 0xfee00800ull));
    cr_assert_eq(apic_get_base(apic[0]), 0xfee00900ull, "BSP bit is read-only");
}

Test(apic, x2apic_msrs, .init = setup, .fini = teardown)
{
    uint64_t v;
    cr_assert_not(apic_msr_read(apic[1], 0x802, &v), "#GP in xAPIC mode");
    cr_assert(apic_set_base(apic[1], 0xfee00c00ull));
    cr_assert_eq(rd(1, 0x30), 0, "MMIO off in x2APIC mode");
    cr_assert(apic_msr_read(apic[1], 0x802, &v));
    cr_assert_eq(v, 1, "ID is the full x2APIC ID");
    cr_assert(apic_msr_read(apic[1], 0x80d, &v));
    cr_assert_eq(v, 0x2u, "LDR: cluster 0, bit 1");
    cr_assert(apic_msr_read(apic[1], 0x803, &v));
    cr_assert_eq(v, 0x00050014u);
    cr_assert_not(apic_msr_write(apic[1], 0x802, 5), "ID read-only");
    cr_assert_not(apic_msr_write(apic[1], 0x80d, 5), "LDR read-only");
    cr_assert_not(apic_msr_read(apic[1], 0x80b, &v), "EOI write-only");
    cr_assert_not(apic_msr_read(apic[1], 0x80e, &v), "no DFR");
    cr_assert_not(apic_msr_read(apic[1], 0x831, &v), "no ICR high");
    cr_assert_not(apic_msr_read(apic[1], 0x83f, &v), "SELF_IPI write-only");
    cr_assert_not(apic_msr_write(apic[1], 0x808, 0x100), "TPR reserved bits");
    cr_assert_not(apic_msr_write(apic[1], 0x80b, 1), "EOI non-zero");
    cr_assert_not(apic_msr_write(apic[1], 0x828, 1), "ESR non-zero");
    cr_assert_not(apic_msr_write(apic[1], 0x810, 0), "ISR read-only");
    cr_assert(apic_msr_write(apic[1], 0x80f, 0x1ff));
    cr_assert(apic_msr_write(apic[1], 0x83f, 0x44));
    cr_assert(apic_has_interrupt(apic[1]), "SELF_IPI");
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x44);
    cr_assert(apic_msr_write(apic[1], 0x80b, 0));
    cr_assert(apic_msr_read(apic[1], 0x80a, &v));
    cr_assert_eq(v, 0, "PPR after EOI");
}

Test(apic, x2apic_icr_ipis, .init = setup, .fini = teardown)
{
    enable_all();
    for (int i = 0; i < NCPU; i++) {
        cr_assert(apic_set_base(apic[i], 0xfee00c00ull | (i == 0 ? 0x100 : 0)));
    }
    cr_assert(apic_msr_write(apic[0], 0x830, (3ull << 32) | 0x55));
    cr_assert(apic_has_interrupt(apic[3]), "physical to x2APIC ID 3");
    cr_assert_not(apic_has_interrupt(apic[2]));
    uint64_t v;
    cr_assert(apic_msr_read(apic[0], 0x830, &v));
    cr_assert_eq(v, (3ull << 32) | 0x55);
    /* logical: cluster 0, bits 1 and 2 */
    cr_assert(apic_msr_write(apic[0], 0x830, (0x6ull << 32) | 0x800 | 0x56));
    cr_assert(apic_has_interrupt(apic[1]) && apic_has_interrupt(apic[2]));
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x56);
    cr_assert(apic_msr_write(apic[0], 0x830, (0xffffffffull << 32) | 0x4000 | (APIC_DM_NMI << 8)));
    for (int i = 0; i < NCPU; i++) {
        cr_assert_eq(atomic_load(&fake[i].nmi), 1, "broadcast NMI cpu %d", i);
    }
}

/* ---- timer ---- */

static bool wait_irr(int cpu, int vector, int ms)
{
    for (int i = 0; i < ms; i++) {
        if (irr_has(cpu, vector)) {
            return true;
        }
        g_usleep(1000);
    }
    return irr_has(cpu, vector);
}

Test(apic_timer, timer_one_shot, .init = setup_clock, .fini = teardown_clock)
{
    enable_all();
    wr(1, 0x320, 0x31);    /* one-shot, vector 0x31 */
    wr(1, 0x3e0, 0xb);     /* divide by 1: 1 ns per count */
    wr(1, 0x380, 2000000); /* 2 ms */
    uint32_t c0 = rd(1, 0x390);
    cr_assert_leq(c0, 2000000u);
    g_usleep(200);
    cr_assert_lt(rd(1, 0x390), c0, "the count goes down");
    cr_assert(wait_irr(1, 0x31, 2000));
    cr_assert_eq(rd(1, 0x390), 0, "stays 0 after expiry");
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x31);
    wr(1, 0xb0, 0);
    g_usleep(5000);
    cr_assert_not(irr_has(1, 0x31), "one shot");
}

Test(apic_timer, timer_divider_and_stop, .init = setup_clock, .fini = teardown_clock)
{
    enable_all();
    wr(1, 0x320, 0x31);
    wr(1, 0x3e0, 0xa);             /* divide by 128 */
    wr(1, 0x380, 100000000);       /* 12.8 s */
    g_usleep(10000);
    uint32_t c = rd(1, 0x390);
    cr_assert_gt(c, 100000000u - 10000000u / 64, "about 1/128 count per ns");
    wr(1, 0x380, 0);
    cr_assert_eq(rd(1, 0x390), 0, "a write of 0 stops it");
}

Test(apic_timer, timer_periodic_and_masked, .init = setup_clock, .fini = teardown_clock)
{
    enable_all();
    wr(2, 0x320, (1u << 17) | 0x32); /* periodic */
    wr(2, 0x3e0, 0xb);
    wr(2, 0x380, 1000000);           /* 1 ms */
    for (int n = 0; n < 3; n++) {
        cr_assert(wait_irr(2, 0x32, 2000), "period %d", n);
        cr_assert_eq(apic_get_interrupt(apic[2]), 0x32);
        wr(2, 0xb0, 0);
    }
    uint32_t c = rd(2, 0x390);
    cr_assert(c > 0 && c <= 1000000u, "reloads");
    wr(2, 0x320, (1u << 17) | 0x10032); /* masked: counts but does not interrupt */
    g_usleep(5000);
    while (apic_has_interrupt(apic[2])) { /* one may have landed before the mask */
        apic_get_interrupt(apic[2]);
        wr(2, 0xb0, 0);
    }
    g_usleep(5000);
    cr_assert_not(irr_has(2, 0x32));
    cr_assert_gt(rd(2, 0x390), 0u);
}

Test(apic_timer, timer_tsc_deadline, .init = setup_clock, .fini = teardown_clock)
{
    enable_all();
    apic_set_tsc_deadline(apic[3], vclock_get_ns() + 1000);
    cr_assert_eq(apic_get_tsc_deadline(apic[3]), 0, "ignored outside TSC-deadline mode");
    wr(3, 0x320, (2u << 17) | 0x33);
    wr(3, 0x380, 1000);
    cr_assert_eq(rd(3, 0x380), 0, "initial count writes ignored");
    uint64_t dl = (uint64_t)vclock_get_ns() + 2000000;
    apic_set_tsc_deadline(apic[3], dl);
    cr_assert_eq(apic_get_tsc_deadline(apic[3]), dl);
    cr_assert_eq(rd(3, 0x390), 0, "current count reads 0");
    cr_assert(wait_irr(3, 0x33, 2000));
    cr_assert_geq((uint64_t)vclock_get_ns(), dl);
    cr_assert_eq(apic_get_tsc_deadline(apic[3]), 0, "cleared when it fires");
    apic_set_tsc_deadline(apic[3], (uint64_t)vclock_get_ns() + 1000000);
    wr(3, 0x320, 0x33); /* mode change disarms */
    cr_assert_eq(apic_get_tsc_deadline(apic[3]), 0);
    apic_get_interrupt(apic[3]);
    wr(3, 0xb0, 0);
    g_usleep(3000);
    cr_assert_not(irr_has(3, 0x33));
}
