/*
 * smram.c — SMRAM decoding, its control registers, and the APM SMI ports for the pc board.
 *
 * Design: low RAM stays one RAM region ("pc.ram"); SMRAM is the same host memory. A decoder
 * installed on the system address space runs whenever the softmmu fills a TLB entry or takes
 * a slow path (address_space_find), never on the RAM fast path:
 *   - SMM view (cpu->mmu_as[X86_MMU_SMM], an address_space_init_view of the system space):
 *     SMRAM is RAM, whatever the registers say (D_CLS is stored but not modelled: it would
 *     send SMM data accesses to a VGA frame buffer, which Tandem's pc does not have).
 *   - ordinary view: the A-segment window is hidden while G_SMRAME = 1 and D_OPEN = 0; TSEG is
 *     hidden while G_SMRAME = 1 and T_EN = 1 (D_OPEN does not open it, as on Q35). Hidden
 *     SMRAM answers all ones and drops writes (what the chipsets do; the A-segment would go to
 *     VGA on a real PC). Otherwise both windows are plain RAM (Tandem's pc has no VGA, so the
 *     A-segment was RAM before SMM existed, and Linux uses the TSEG megabyte while T_EN = 0).
 * Because a TLB may cache the previous answer, every register write that changes it flushes
 * the TLB of every vCPU (the writer's inline, the others' through a work item, which they run
 * before their next TB). Byte-granular loader/DMA copies that start below a window and run into
 * it are not clipped at the window (Tandem's pc has no DMA-capable device).
 * Register semantics: docs/smram.md (Intel 440FX datasheet 3.2.20 SMRAM; Q35 MCH datasheet
 * (3 Series Chipset) 5.1.19 SMRAM, 5.1.20 ESMRAMC). Threads and locks: smram.h.
 */
#include "hw/x86/smram.h"

#include <inttypes.h>
#include <string.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/machine.h"
#include "system/log.h"

static uint8_t smram_ld(_Atomic uint8_t *p) { return atomic_load_explicit(p, memory_order_relaxed); }

static bool smram_aseg_hidden(uint8_t smramc)
{
    return (smramc & SMRAMC_G_SMRAME) && !(smramc & SMRAMC_D_OPEN);
}

static bool smram_tseg_hidden(uint8_t smramc, uint8_t esmramc)
{
    return (smramc & SMRAMC_G_SMRAME) && (esmramc & ESMRAMC_T_EN);
}

bool smram_is_closed(SMRAMState *s, uint64_t addr)
{
    uint8_t c = smram_ld(&s->smramc), e = smram_ld(&s->esmramc);
    if (addr - SMRAM_ASEG_BASE < SMRAM_ASEG_SIZE) {
        return smram_aseg_hidden(c);
    }
    if (addr - s->tseg_base < SMRAM_TSEG_SIZE) {
        return smram_tseg_hidden(c, e);
    }
    return false;
}

/* The system space's decoder: only hidden SMRAM in the ordinary view differs from the
 * sections (RAM). */
static MemoryRegion *smram_decode(void *opaque, const AddressSpace *as, uint64_t addr,
                                  uint64_t *offset)
{
    SMRAMState *s = opaque;
    if (as == &s->smm_as || !smram_is_closed(s, addr)) {
        return NULL;
    }
    if (offset) {
        *offset = addr; /* the closed region spans the whole address range */
    }
    return &s->closed;
}

static uint64_t smram_closed_read(void *opaque, uint64_t offset, unsigned size)
{
    SMRAMState *s = opaque;
    (void)s;
    if (log_enabled(LOG_GUEST_ERRORS)) {
        tlog("smram: %u-byte read of closed SMRAM at 0x%" PRIx64 " outside SMM: all ones\n", size,
             offset);
    }
    return ~0ull;
}

static void smram_closed_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    (void)opaque;
    if (log_enabled(LOG_GUEST_ERRORS)) {
        tlog("smram: %u-byte write 0x%" PRIx64 " to closed SMRAM at 0x%" PRIx64
             " outside SMM: dropped\n", size, value, offset);
    }
}

static const MemoryRegionOps smram_closed_ops = {
    .read = smram_closed_read,
    .write = smram_closed_write,
};

/* ---- TLB flush on every vCPU after the decoder's answer changed ---- */

static void smram_flush_work(CPUState *cpu, void *arg)
{
    (void)arg;
    tlb_flush(cpu);
}

static void smram_flush_all(SMRAMState *s)
{
    Machine *m = s->machine;
    if (!m) {
        return;
    }
    CPUState *self = current_cpu();
    for (int i = 0; i < m->ncpus; i++) {
        CPUState *cpu = m->cpus[i];
        if (cpu == self || !atomic_load(&cpu->created)) {
            tlb_flush(cpu); /* own thread, or not started yet (board init) */
        } else {
            /* Not run_on_other_cpus: we hold the device lock, which a vCPU waiting on the
             * lock would never let us get back. The work runs before its next TB. */
            async_run_on_cpu(cpu, smram_flush_work, NULL);
        }
    }
}

/* ---- SMRAMC / ESMRAMC at SMRAM_IO_BASE ---- */

static uint64_t smram_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    SMRAMState *s = opaque;
    (void)size;
    return offset == 0 ? smram_ld(&s->smramc) : smram_ld(&s->esmramc);
}

static void smram_ctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SMRAMState *s = opaque;
    (void)size;
    uint8_t c = smram_ld(&s->smramc), e = smram_ld(&s->esmramc);
    if (c & SMRAMC_D_LCK) {
        /* D_LCK: both registers are read-only until machine reset. */
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("smram: write 0x%02x to %s while D_LCK is set: ignored\n", (unsigned)value & 0xff,
                 offset == 0 ? "SMRAMC" : "ESMRAMC");
        }
        return;
    }
    uint8_t nc = c, ne = e;
    if (offset == 0) {
        nc = (uint8_t)((value & (SMRAMC_G_SMRAME | SMRAMC_D_LCK | SMRAMC_D_CLS | SMRAMC_D_OPEN)) |
                       SMRAMC_C_BASE_SEG);
        if (nc & SMRAMC_D_LCK) {
            nc &= (uint8_t)~SMRAMC_D_OPEN; /* setting D_LCK closes the window */
        }
    } else {
        ne = (uint8_t)((value & ESMRAMC_T_EN) | ESMRAMC_FIXED);
    }
    bool changed = smram_aseg_hidden(nc) != smram_aseg_hidden(c) ||
                   smram_tseg_hidden(nc, ne) != smram_tseg_hidden(c, e);
    atomic_store_explicit(&s->smramc, nc, memory_order_relaxed);
    atomic_store_explicit(&s->esmramc, ne, memory_order_relaxed);
    if (log_enabled(LOG_GUEST_ERRORS) && (nc != c || ne != e)) {
        tlog("smram: SMRAMC 0x%02x ESMRAMC 0x%02x\n", nc, ne);
    }
    if (changed) {
        smram_flush_all(s);
    }
}

static const MemoryRegionOps smram_ctl_ops = {
    .read = smram_ctl_read,
    .write = smram_ctl_write,
    .min_access = 1,
    .max_access = 1,
};

/* ---- APM: 0xB2 APMC (write raises an SMI on the writer), 0xB3 APMS (scratch) ---- */

static uint64_t apm_read(void *opaque, uint64_t offset, unsigned size)
{
    SMRAMState *s = opaque;
    (void)size;
    return offset == 0 ? 0 : s->apms; /* APMC reads back 0 on Tandem (docs/smram.md) */
}

static void apm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    SMRAMState *s = opaque;
    (void)size;
    if (offset == 1) {
        s->apms = (uint8_t)value;
        return;
    }
    s->smi_count++;
    CPUState *cpu = current_cpu();
    if (log_enabled(LOG_INT)) {
        tlog("apm: APMC write 0x%02x: SMI to vCPU %d\n", (unsigned)value & 0xff,
             cpu ? cpu->cpu_index : -1);
    }
    if (cpu && s->machine) {
        /* Taken at the next instruction boundary the CPU checks (after this TB). */
        atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_SMI);
        cpu_kick(cpu);
    }
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .min_access = 1,
    .max_access = 1,
};

void smram_init(SMRAMState *s, AddressSpace *sys, uint64_t low_ram_end, Machine *m)
{
    memset(s, 0, sizeof(*s));
    g_assert(low_ram_end >= 2 * SMRAM_TSEG_SIZE);
    s->sys = sys;
    s->machine = m;
    s->tseg_base = low_ram_end - SMRAM_TSEG_SIZE;
    memory_region_init_io(&s->closed, "smram-closed", ~0ull, &smram_closed_ops, s);
    memory_region_init_io(&s->io_ctl, "smram-ctl", 2, &smram_ctl_ops, s);
    memory_region_init_io(&s->io_apm, "apm", 2, &apm_ops, s);
    address_space_init_view(&s->smm_as, "smm", sys);
    address_space_set_decoder(sys, smram_decode, s);
    smram_reset(s);
}

void smram_reset(SMRAMState *s)
{
    atomic_store_explicit(&s->smramc, SMRAMC_C_BASE_SEG, memory_order_relaxed);
    atomic_store_explicit(&s->esmramc, ESMRAMC_FIXED, memory_order_relaxed);
    s->apms = 0;
}
