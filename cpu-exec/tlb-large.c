/*
 * tlb-large.c — which mappings larger than a page the TLB holds. The TLB caches a 2 MiB block
 * (or any mapping over 4 KiB) as page entries filled one by one, so an invalidation of any
 * address in the block must drop all of them. This file remembers the blocks, so that
 * tlb_flush_page flushes a block only when the address lies in one: a single span around every
 * block would also cover what lies between them (on Linux the fixmap page it patches kernel
 * text through sits between the 2 MiB blocks of the kernel image and of vmemmap).
 *
 * An open-addressed set of (base, size) in CPUState, probed a few slots; a block that finds no
 * free slot widens a fallback span instead. Owner vCPU thread only, like the TLB.
 */
#include <string.h>

#include "cpu-exec/internal.h"

#define PROBES 8

static unsigned slot_hash(uint64_t base, unsigned lg)
{
    uint64_t k = (base >> lg) ^ ((uint64_t)lg << 56);
    return (unsigned)((k * 0x9e3779b97f4a7c15ull) >> (64 - TLB_LARGE_BITS));
}

static inline uint64_t block_base(uint64_t vaddr, unsigned lg)
{
    return vaddr & ~((1ull << lg) - 1);
}

void tlb_large_note(CPUState *cpu, uint64_t vaddr, unsigned lg)
{
    uint64_t base = block_base(vaddr, lg);
    unsigned h = slot_hash(base, lg);
    TLBLargeBlock *free_slot = NULL;
    for (unsigned p = 0; p < PROBES; p++) {
        TLBLargeBlock *b = &cpu->tlb_large[(h + p) & (TLB_LARGE_SLOTS - 1)];
        if (b->lg == lg && b->base == base) {
            return;
        }
        if (b->lg == 0 || b->lg == TLB_LARGE_GONE) {
            free_slot = free_slot ? free_slot : b;
            if (b->lg == 0) {
                break; /* the end of the probe chain: the block is not further on */
            }
        }
    }
    if (free_slot) {
        *free_slot = (TLBLargeBlock){.base = base, .lg = (uint8_t)lg};
        cpu->tlb_large_sizes |= 1ull << lg;
        return;
    }
    uint64_t end = base + (1ull << lg);
    if (cpu->tlb_large_hi == cpu->tlb_large_lo) {
        cpu->tlb_large_lo = base;
        cpu->tlb_large_hi = end;
    } else {
        cpu->tlb_large_lo = base < cpu->tlb_large_lo ? base : cpu->tlb_large_lo;
        cpu->tlb_large_hi = end > cpu->tlb_large_hi ? end : cpu->tlb_large_hi;
    }
}

bool tlb_large_take(CPUState *cpu, uint64_t vaddr, uint64_t *first, uint64_t *last)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint64_t sizes = cpu->tlb_large_sizes; sizes; sizes &= sizes - 1) {
        unsigned lg = (unsigned)__builtin_ctzll(sizes);
        uint64_t b0 = block_base(vaddr, lg);
        unsigned h = slot_hash(b0, lg);
        for (unsigned p = 0; p < PROBES; p++) {
            TLBLargeBlock *b = &cpu->tlb_large[(h + p) & (TLB_LARGE_SLOTS - 1)];
            if (b->lg == 0) {
                break;
            }
            if (b->lg == lg && b->base == b0) {
                b->lg = TLB_LARGE_GONE; /* keeps the probe chains of the others intact */
                lo = b0 < lo ? b0 : lo;
                hi = b0 + (1ull << lg) - 1 > hi ? b0 + (1ull << lg) - 1 : hi;
                break;
            }
        }
    }
    if (vaddr >= cpu->tlb_large_lo && vaddr < cpu->tlb_large_hi) {
        lo = cpu->tlb_large_lo < lo ? cpu->tlb_large_lo : lo;
        hi = cpu->tlb_large_hi - 1 > hi ? cpu->tlb_large_hi - 1 : hi;
        cpu->tlb_large_lo = cpu->tlb_large_hi = 0;
    }
    if (lo > hi) {
        return false;
    }
    *first = lo;
    *last = hi;
    return true;
}

void tlb_large_reset(CPUState *cpu)
{
    memset(cpu->tlb_large, 0, sizeof(cpu->tlb_large));
    cpu->tlb_large_sizes = 0;
    cpu->tlb_large_lo = cpu->tlb_large_hi = 0;
}
