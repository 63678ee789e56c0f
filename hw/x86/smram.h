/*
 * smram.h — SMRAM for Tandem's pc board: the legacy 128 KiB window 0xA0000-0xBFFFF and a
 * 1 MiB TSEG at the top of low RAM, seen by a CPU in SMM and hidden from everyone else unless
 * opened; controlled by two 8-bit registers with the i440FX/Q35 SMRAM (SMRAMC) and Q35
 * ESMRAMC semantics at I/O ports 0x5F0/0x5F1 (Tandem's pc has no PCI host bridge, so the
 * registers that live in the bridge's config space on real chipsets get ports of their own:
 * docs/smram.md). Also the APM ports 0xB2 (APMC: a write raises an SMI on the writing CPU)
 * and 0xB3 (APMS: a plain scratch byte), as the PIIX/ICH chipsets have them.
 *
 * Threads: register callbacks run with the device lock held (any vCPU thread); the decoder
 * (address_space_find on the system space or the SMM view) runs lock-free on any thread and
 * reads the two registers with relaxed atomics; every change of what the decoder answers is
 * followed by a TLB flush on every vCPU (the writer's at once, the others' as work items).
 */
#ifndef TANDEM_HW_X86_SMRAM_H
#define TANDEM_HW_X86_SMRAM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/core/memory.h"

struct Machine;

#define SMRAM_IO_BASE 0x5f0 /* +0 SMRAMC, +1 ESMRAMC */
#define APM_IO_BASE 0xb2    /* +0 APMC, +1 APMS */

#define SMRAM_ASEG_BASE 0xa0000ull
#define SMRAM_ASEG_SIZE 0x20000ull
#define SMRAM_TSEG_SIZE (1ull << 20) /* ESMRAMC.TSEG_SZ = 00: 1 MiB */

/* SMRAMC (i440FX config 0x72, Q35 0x9D) */
#define SMRAMC_C_BASE_SEG 0x02u /* bits 2:0 = 010: the window is at 0xA0000 (read-only) */
#define SMRAMC_G_SMRAME (1u << 3)
#define SMRAMC_D_LCK (1u << 4)
#define SMRAMC_D_CLS (1u << 5)
#define SMRAMC_D_OPEN (1u << 6)
/* ESMRAMC (Q35 config 0x9E) */
#define ESMRAMC_T_EN (1u << 0)
#define ESMRAMC_FIXED 0x38u /* SM_L2, SM_L1, SM_CACHE read 1 (Q35 reset value), TSEG_SZ 00 */

typedef struct SMRAMState {
    MemoryRegion io_ctl;   /* 2 ports at SMRAM_IO_BASE */
    MemoryRegion io_apm;   /* 2 ports at APM_IO_BASE */
    MemoryRegion closed;   /* closed SMRAM seen from outside SMM: all ones, writes dropped */
    AddressSpace smm_as;   /* the SMM view of the system space (cpu->mmu_as[X86_MMU_SMM]) */
    AddressSpace *sys;
    uint64_t tseg_base;
    _Atomic uint8_t smramc, esmramc; /* written under the device lock, read by the decoder */
    uint8_t apms;
    struct Machine *machine; /* NULL in unit tests: no vCPUs to flush or interrupt */
    unsigned smi_count;      /* APMC writes that raised an SMI (unit tests, -d) */
} SMRAMState;

/* Main thread, while the board is built (after its RAM is mapped): installs the decoder on
 * sys and creates the SMM view. low_ram_end = end of RAM below 4 GiB (TSEG ends there; at
 * least 2 MiB). */
void smram_init(SMRAMState *s, AddressSpace *sys, uint64_t low_ram_end, struct Machine *m);
/* Machine reset (device lock held): SMRAMC 0x02, ESMRAMC 0x38, unlocked, APMS 0. */
void smram_reset(SMRAMState *s);
/* Whether SMRAM at addr is hidden from a non-SMM access (for tests and -d). */
bool smram_is_closed(SMRAMState *s, uint64_t addr);

#endif
