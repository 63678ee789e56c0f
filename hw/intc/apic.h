/*
 * apic.h — the x86 local APIC (Intel SDM vol. 3A chapter 10/11 "Advanced Programmable Interrupt
 * Controller") and the APICBus that joins the local APICs of a machine (IPIs, IOAPIC and MSI
 * messages). The device knows nothing of the CPU: it signals the CPU through an APICCpuLink
 * (request bits CPU_INTERRUPT_HARD/NMI/SMI/INIT/SIPI from cpu-exec/cpu.h) and the CPU reads the
 * vector back with apic_get_interrupt.
 *
 * Threads and locking: the device lock (device_lock(), recursive) protects every APICBus and
 * X86LocalAPIC field. MMIO callbacks run with it held; the vclock timer callback runs with it
 * held; every other entry point below takes it itself, so it may be called from any thread,
 * with or without the lock (the CPU-side functions are meant for the owner vCPU thread).
 * APICCpuLink.request is called with the device lock held, from any thread (MMIO of another
 * vCPU, the timer thread, an IOAPIC input): it must only set/clear request bits and kick.
 *
 * Clocks: the APIC bus clock is 1 GHz (1 ns per tick before the divider, as QEMU); the TSC of
 * the TSC-deadline mode ticks once per virtual-clock ns (x86 contract: TSC = vclock + offset).
 */
#ifndef TANDEM_HW_INTC_APIC_H
#define TANDEM_HW_INTC_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/memory.h"

#define APIC_DEFAULT_BASE 0xfee00000u
#define APIC_MMIO_SIZE 0x1000
#define APIC_MAX_CPUS 256

/* IA32_APIC_BASE (MSR 0x1b) bits, SDM vol. 3A 10.4.4 */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)   /* global (hardware) enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

/* Delivery modes (ICR, LVT, IOAPIC redirection entries, MSI data), SDM 10.6.1 */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

/* apic_get_interrupt: the interrupt comes from the 8259 (ExtINT): do its INTA (i8259_intack). */
#define APIC_EXTINT (-1)

/* x2APIC MSR range (SDM 10.12.1.2) and the TSC-deadline MSR. */
#define APIC_MSR_X2APIC_FIRST 0x800
#define APIC_MSR_X2APIC_LAST 0x8ff

typedef struct X86LocalAPIC X86LocalAPIC;

typedef struct APICCpuLink {
    void *opaque;
    /* bits: CPU_INTERRUPT_*. NMI/SMI/INIT/SIPI are edges: always level = true (the CPU clears
     * the bit when it takes the event). HARD is a level: true while a fixed interrupt is
     * deliverable (apic_has_interrupt) or the ExtINT path (8259 INTR, IOAPIC ExtINT) is up. */
    void (*request)(void *opaque, uint32_t bits, bool level);
    /* Guest TSC now (TSC-deadline mode). NULL: the virtual clock in ns is used. */
    uint64_t (*get_tsc)(void *opaque);
} APICCpuLink;

typedef struct APICBus {
    X86LocalAPIC *apics[APIC_MAX_CPUS]; /* by CPU index */
    int nb_apics;                       /* highest index + 1 */
    int (*current_cpu_index)(void);     /* NULL: current_cpu()->cpu_index, else 0 */
    /* Level-triggered EOI broadcast (SDM 10.8.5), to the IOAPIC(s). */
    void (*eoi)(void *opaque, int vector);
    void *eoi_opaque;
    MemoryRegion mmio; /* 4 KiB at APIC_DEFAULT_BASE, shared by all CPUs */
} APICBus;

/* ---- machine side (main thread, board init) ---- */
void apic_bus_init(APICBus *bus, int (*current_cpu_index)(void));
void apic_bus_set_eoi_handler(APICBus *bus, void (*eoi)(void *opaque, int vector), void *opaque);
/* Creates the APIC of CPU index with its initial APIC ID, in the power-on state (apic_reset);
 * index 0 is the BSP. The link is copied. */
X86LocalAPIC *apic_new(APICBus *bus, int index, uint32_t apic_id, const APICCpuLink *link);
void apic_free(X86LocalAPIC *s);
/* A message on the bus in xAPIC format (IOAPIC redirection entry, MSI): dest is the 8-bit
 * destination (0xff broadcast), dest_mode 0 physical / 1 logical. Returns how many APICs
 * accepted it (for the IOAPIC's remote IRR). Takes the device lock. */
int apic_bus_deliver(APICBus *bus, uint32_t dest, int dest_mode, int delivery_mode, int vector,
                     bool trigger_level);

/* ---- CPU side (owner vCPU thread) ---- */
/* Power-on / RESET state (SDM 10.4.7.1); BSP's LINT0 in ExtINT mode, as the BIOS leaves it
 * (QEMU does the same: the 8259 reaches the BSP without APIC programming). */
void apic_reset(X86LocalAPIC *s);
/* INIT (SDM 10.4.7.3): as reset but the APIC ID and IA32_APIC_BASE are kept. */
void apic_init_reset(X86LocalAPIC *s);
/* A fixed interrupt is deliverable: highest IRR priority class > PPR class (SDM 10.8.3.1). */
bool apic_has_interrupt(X86LocalAPIC *s);
/* INTA: the highest IRR vector moves to ISR (PPR updated) and is returned; APIC_EXTINT when the
 * interrupt comes from the 8259 (then call i8259_intack); the spurious vector (SVR[7:0]) when
 * nothing is deliverable any more (SDM 10.9). */
int apic_get_interrupt(X86LocalAPIC *s);
/* The vector of the last STARTUP IPI. */
int apic_get_sipi_vector(X86LocalAPIC *s);
/* LINT0 (8259 INTR in virtual wire mode) and LINT1 (usually NMI) input levels. */
void apic_set_lint0(X86LocalAPIC *s, int level);
void apic_set_lint1(X86LocalAPIC *s, int level);
/* IRQLine handler form: opaque = X86LocalAPIC, n = 0 (LINT0) or 1 (LINT1). */
void apic_set_lint(void *opaque, int n, int level);
/* TPR (CR8 = TPR[7:4], SDM 10.8.6.1). */
uint8_t apic_get_tpr(X86LocalAPIC *s);
void apic_set_tpr(X86LocalAPIC *s, uint8_t tpr);

/* IA32_APIC_BASE. set returns false for #GP: reserved bits, EXTD without EN, x2APIC -> xAPIC
 * directly (SDM 10.12.5 state transitions). Clearing EN resets the APIC (SDM 10.4.3). A base
 * other than 0xFEE00000 is logged (guest_errors) and ignored. */
uint64_t apic_get_base(X86LocalAPIC *s);
bool apic_set_base(X86LocalAPIC *s, uint64_t value);
bool apic_is_x2apic(X86LocalAPIC *s);

/* x2APIC MSRs 0x800-0x8ff (SDM 10.12.1.2): false = #GP (x2APIC off, no such register,
 * read of a write-only / write of a read-only register, reserved bits set). */
bool apic_msr_read(X86LocalAPIC *s, uint32_t msr, uint64_t *value);
bool apic_msr_write(X86LocalAPIC *s, uint32_t msr, uint64_t value);
/* IA32_TSC_DEADLINE (MSR 0x6e0, SDM 10.5.4.1): outside TSC-deadline mode writes are ignored
 * and reads return 0. A non-zero value arms the timer; it clears itself when it fires. */
uint64_t apic_get_tsc_deadline(X86LocalAPIC *s);
void apic_set_tsc_deadline(X86LocalAPIC *s, uint64_t value);

/* MMIO ops (opaque = APICBus); the board maps bus->mmio itself. */
extern const MemoryRegionOps apic_mmio_ops;

#endif
