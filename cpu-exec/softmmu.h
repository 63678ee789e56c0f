/*
 * softmmu.h — guest memory access through the per-vCPU TLB: the slow paths called by generated
 * code, the accessors used by helpers and the translator, and TLB maintenance.
 * Everything here runs on the owner vCPU thread; tlb_flush_phys_page_all also makes the other
 * vCPUs act, on their own threads, and waits for them.
 */
#ifndef TANDEM_CPU_EXEC_SOFTMMU_H
#define TANDEM_CPU_EXEC_SOFTMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"
#include "tcg/ir.h"

/* Operation info passed to slow paths: memop | mmu_idx << 8 (also the insn's pc is in env). */
static inline uint32_t make_memop_idx(MemOp mop, int mmu_idx) { return (uint32_t)mop | ((uint32_t)mmu_idx << 8); }

/* Slow paths (registered as IR helpers; the JIT calls them from out-of-line stubs). */
uint64_t helper_ld_slow(void *env, uint64_t vaddr, uint32_t oi);
void helper_st_slow(void *env, uint64_t vaddr, uint64_t val, uint32_t oi);
uint64_t helper_atomic_cmpxchg(void *env, uint64_t vaddr, uint64_t cmp, uint64_t newv, uint32_t oi);
extern int g_helper_ld_slow, g_helper_st_slow, g_helper_atomic_cmpxchg;
/* helper_atomic_cmpxchg: vaddr need not be aligned unless mop has MO_ALIGN (then a misaligned
 * one takes the arch's alignment fault): misaligned, page-crossing and device targets stay
 * atomic against the other vCPUs (softmmu.c). Always a write access for faults. Returns the
 * old value (sign-extended if MO_SIGN). */

/*
 * 16-byte compare-and-swap (x86 CMPXCHG16B) at vaddr, which must be 16-byte aligned (the
 * caller raises the guest's alignment fault first). Translated as a write (faults as a store).
 * cmp, newv and old are {low, high} quadwords. True if memory held cmp and now holds newv;
 * old receives what memory held. Atomic against the other vCPUs: a host lock cmpxchg16b on
 * RAM, an exclusive section on a device. A successful write to a page with code invalidates
 * its TBs. Owner vCPU thread only.
 */
bool cpu_atomic_cmpxchg16(CPUState *cpu, uint64_t vaddr, const uint64_t cmp[2],
                          const uint64_t newv[2], int mmu_idx, uint64_t old[2]);

/* What an atomic read-modify-write stores, computed from the value read (zero-extended):
 * returns false when nothing is written (a CAS whose comparison fails). No side effects: on
 * MMIO it runs with the device lock held. */
typedef bool AtomicRMWFn(void *opaque, uint64_t old, uint64_t *newv);

/*
 * For helpers of atomic instructions (LSE), after their alignment check: translates vaddr for a
 * read, then for a write (so a fault a read would raise comes first, ARM ARM D17.2.40 WnR).
 * Plain RAM page: returns false and the caller does its host atomic (its TLB lookups now hit).
 * Otherwise performs the whole operation and returns true with *old (zero-extended):
 *   MMIO: device read, fn, device write of *newv if fn says so, all under the device lock, so
 *     no other vCPU's access to any device comes in between. A read the device defers
 *     (MEMTX_PENDING) is waited for as a load's is (cpu_io_wait, DESIGN.md rule 5), but the lock
 *     cannot be held across that wait: the atomic then ends in a synchronous external abort,
 *     with the read done and nothing written.
 *   ROM: the read, and a write that is ignored (as a store's is); RAM smaller than a page:
 *     host compare-and-swap.
 * A refused read or write (nothing mapped, MEMTX_ERROR) is the data abort a load (read side)
 * or store (write side) would take; nothing is written after a refused read.
 */
bool cpu_atomic_rmw_io_slow(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx,
                            AtomicRMWFn *fn, void *opaque, uint64_t *old);

/* The TLB slot of vaddr's page (every MMU index has one direct-mapped table). */
static inline unsigned tlb_index(uint64_t vaddr)
{
    return (unsigned)(vaddr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
}

/* Inline part: a page the TLB already maps as RAM for reading and writing (TLB_CODE allowed)
 * needs nothing here, so RAM atomics pay two tag compares and no call. */
static inline bool cpu_atomic_rmw_io(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx,
                                     AtomicRMWFn *fn, void *opaque, uint64_t *old)
{
    const CPUTLBEntry *e = &cpu->tlb[mmu_idx][tlb_index(vaddr)];
    uint64_t page = vaddr & TARGET_PAGE_MASK, bits = TARGET_PAGE_MASK | TLB_INVALID | TLB_MMIO;
    if ((e->addr_read & bits) == page && (e->addr_write & bits) == page) {
        return false;
    }
    return cpu_atomic_rmw_io_slow(cpu, vaddr, mop, mmu_idx, fn, opaque, old);
}

/* Full accessors (TLB lookup + slow path) for helpers and the interpreter. */
uint64_t cpu_ld_data(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx);
/* A read of mr, whose device may answer later (MemoryRegionOps.read_deferred), waited for
 * through cpu_io_wait as operation kind/key (io-pending.h): the value, with *res the device's
 * answer (MEMTX_OK once it completed). Owner thread; may leave through cpu_loop_exit. */
uint64_t cpu_io_read_deferred(CPUState *cpu, int kind, uint64_t key, MemoryRegion *mr,
                              uint64_t offset, unsigned size, MemTxResult *res);
void cpu_st_data(CPUState *cpu, uint64_t vaddr, uint64_t val, MemOp mop, int mmu_idx);
/* Instruction fetch for the translator: 32 bits at vaddr; *paddr = guest physical address. */
uint32_t cpu_ldl_code(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr);
uint8_t cpu_ldub_code(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr);

void tlb_flush(CPUState *cpu);
/* An address-space switch (new ASID or table base): drops the translations filled with
 * PAGE_NONGLOBAL and the jump cache entries found through them; global ones stay, as on a
 * TLB tagged with ASIDs. */
void tlb_flush_nonglobal(CPUState *cpu);
/* Drops the translations of vaddr's page, and all of a larger mapping (PAGE_LG) holding it. */
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
/* Every vCPU drops its write entries for this physical page (the next store there refills
 * and sees TLB_CODE); returns once all have. cpu (the caller's vCPU) flushes inline, the others
 * run it on their threads while the caller waits: never call it holding a page lock. */
void tlb_flush_phys_page_all(CPUState *cpu, uint64_t paddr);
/* For run_on_other_cpus: a vCPU asleep in its idle loop misses a broadcast TLB flush; it
 * flushes its whole TLB before it next runs (tlb_flush_if_deferred, on its thread). An idle
 * vCPU has a cold TLB to lose, and Linux issues TLBI ... IS by the ten thousand while the
 * other CPUs sleep. */
void tlb_defer_flush(CPUState *cpu, void *arg);
void tlb_flush_if_deferred(CPUState *cpu);

#endif
