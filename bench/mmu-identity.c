/*
 * mmu-identity.c — turns the MMU and caches on for the bare-metal benchmark (make bench's
 * "MMU on" run, as issue 4 asks): an identity map of the first 2 GiB with the 4 KiB granule
 * and two level-1 blocks (ARM ARM D8.3): 0-1 GiB Device-nGnRnE, execute-never (the UART),
 * 1-2 GiB Normal write-back (RAM, where the program runs). A 39-bit VA (T0SZ = 25) starts
 * the walk at level 1; TTBR1 walks are disabled (EPD1). Runs once on the single CPU at EL1
 * before the workload starts.
 */
#include <stdint.h>

#include "bench.h"

#define MAIR_DEVICE_NGNRNE 0x00ull /* attr 0 */
#define MAIR_NORMAL_WB 0xffull     /* attr 1: inner/outer write-back, read/write-allocate */

#define DESC_BLOCK 0x1ull
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)

static uint64_t level1[512] __attribute__((aligned(4096)));

void bench_mmu_enable(void)
{
    level1[0] = 0x00000000ull | DESC_BLOCK | DESC_ATTR(0) | DESC_AF | DESC_PXN | DESC_UXN;
    level1[1] = 0x40000000ull | DESC_BLOCK | DESC_ATTR(1) | DESC_SH_INNER | DESC_AF;
    uint64_t mair = MAIR_DEVICE_NGNRNE | MAIR_NORMAL_WB << 8;
    /* T0SZ 25, IRGN0/ORGN0 write-back (01), SH0 inner, TG0 4K, EPD1, IPS 40 bits (010). */
    uint64_t tcr = 25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32;
    uint64_t sctlr;
    __asm__ volatile("msr mair_el1, %0\n"
                     "msr tcr_el1, %1\n"
                     "msr ttbr0_el1, %2\n"
                     "dsb ish\n"
                     "tlbi vmalle1\n"
                     "dsb ish\n"
                     "isb\n"
                     : : "r"(mair), "r"(tcr), "r"((uint64_t)(uintptr_t)level1) : "memory");
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1ull << 0 | 1ull << 2 | 1ull << 12; /* M, C, I */
    __asm__ volatile("msr sctlr_el1, %0\n"
                     "isb\n" : : "r"(sctlr) : "memory");
}
