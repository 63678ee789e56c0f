/*
 * test-tlb-flush.c — TLB and jump-cache maintenance: a full flush empties what was filled, an
 * address-space switch (tlb_flush_nonglobal) drops exactly the non-global translations and the
 * TBs found through them, a page flush inside a larger mapping drops every page of that mapping
 * and nothing around it (also when the set of recorded blocks overflows), and a page flush drops
 * the TBs that start in or reach into the page. Single-threaded: the owner vCPU's view.
 */
#include "tests/unit/fake-cpu.h"

#include "cpu-exec/internal.h"

/* Test address layout (translated onto the 4 MiB of fake RAM):
 *   0x1000_0000 + n * 2 MiB: 2 MiB blocks (PAGE_LG(21)), n < 512
 *   0x8000_0000 ...        : non-global 4 KiB pages
 *   anything else           : global 4 KiB pages */
#define BLOCKS 0x10000000ull
#define NONGLOBAL 0x80000000ull

static int layout_hook(uint64_t vaddr, uint64_t *paddr)
{
    *paddr = FAKE_RAM_BASE + (vaddr & (FAKE_RAM_SIZE - 1) & TARGET_PAGE_MASK);
    if (vaddr >= BLOCKS && vaddr < BLOCKS + (512ull << 21)) {
        return PAGE_LG(21);
    }
    return vaddr >= NONGLOBAL ? PAGE_NONGLOBAL : 0;
}

static CPUState *setup(void)
{
    static bool machine;
    if (!machine) {
        fake_machine_init(1);
        machine = true;
    }
    fake_fill_hook = layout_hook;
    FakeCPU *fc = fake_cpu_new(0, false);
    CPUState *cpu = &fc->parent;
    cpu_exec_vcpu_init(cpu);
    return cpu;
}

static void touch(CPUState *cpu, uint64_t vaddr) { (void)cpu_ld_data(cpu, vaddr, MO_32, 0); }

static bool cached(CPUState *cpu, uint64_t vaddr)
{
    const CPUTLBEntry *e = &cpu->tlb[0][(vaddr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
    return (e->addr_read & (TARGET_PAGE_MASK | TLB_INVALID)) == (vaddr & TARGET_PAGE_MASK);
}

static TranslationBlock *tb_at(uint64_t pc, uint32_t size)
{
    TranslationBlock *tb = g_new0(TranslationBlock, 1);
    tb->pc = pc;
    tb->size = size;
    return tb;
}

static bool in_jmp_cache(CPUState *cpu, TranslationBlock *tb)
{
    return atomic_load(&cpu->tb_jmp_cache[tb_jmp_cache_hash(tb->pc)]) == tb;
}

Test(tlb_flush, full_flush_empties_and_refills)
{
    CPUState *cpu = setup();
    for (uint64_t a = 0x100000; a < 0x100000 + 64 * TARGET_PAGE_SIZE; a += TARGET_PAGE_SIZE) {
        touch(cpu, a);
    }
    TranslationBlock *tb = tb_at(0x100000, 8);
    tb_jmp_cache_set(cpu, tb, false);
    cr_assert(cached(cpu, 0x100000) && cached(cpu, 0x100000 + 63 * TARGET_PAGE_SIZE));
    tlb_flush(cpu);
    for (uint64_t a = 0x100000; a < 0x100000 + 64 * TARGET_PAGE_SIZE; a += TARGET_PAGE_SIZE) {
        cr_assert_not(cached(cpu, a), "0x%llx survived a full flush", (unsigned long long)a);
    }
    cr_assert_not(in_jmp_cache(cpu, tb));
    touch(cpu, 0x100000);
    cr_assert(cached(cpu, 0x100000));
    tlb_flush(cpu);
    cr_assert_not(cached(cpu, 0x100000), "an entry filled after a flush is flushed again");
}

Test(tlb_flush, address_space_switch_keeps_only_global)
{
    CPUState *cpu = setup();
    uint64_t g = 0x200000, ng = NONGLOBAL + 0x3000;
    touch(cpu, g);
    touch(cpu, ng);
    TranslationBlock *tg = tb_at(g + 0x10, 4), *tng = tb_at(ng + 0x20, 4);
    TranslationBlock *tspan = tb_at(g + 0x2ffe, 6); /* global start, reaches the next page */
    tb_jmp_cache_set(cpu, tg, false);
    tb_jmp_cache_set(cpu, tng, true);
    tb_jmp_cache_set(cpu, tspan, false);
    tlb_flush_nonglobal(cpu);
    cr_assert(cached(cpu, g));
    cr_assert_not(cached(cpu, ng));
    cr_assert(in_jmp_cache(cpu, tg));
    cr_assert_not(in_jmp_cache(cpu, tng));
    cr_assert_not(in_jmp_cache(cpu, tspan), "the second page of a TB may be non-global");
    /* The kept entries are still flushed by a full flush. */
    tlb_flush(cpu);
    cr_assert_not(cached(cpu, g));
    cr_assert_not(in_jmp_cache(cpu, tg));
}

Test(tlb_flush, page_in_block_drops_whole_block_only)
{
    CPUState *cpu = setup();
    uint64_t b0 = BLOCKS + (3ull << 21), b1 = BLOCKS + (4ull << 21);
    touch(cpu, b0 + 0x1000);
    touch(cpu, b0 + 0x1ff000);
    touch(cpu, b1 + 0x5000);       /* the next block */
    touch(cpu, b0 - 0x1000);       /* just below: a 4 KiB page */
    tlb_flush_page(cpu, b0 + 0x80000);
    cr_assert_not(cached(cpu, b0 + 0x1000));
    cr_assert_not(cached(cpu, b0 + 0x1ff000));
    cr_assert(cached(cpu, b1 + 0x5000), "another block must stay");
    cr_assert(cached(cpu, b0 - 0x1000), "a page outside the block must stay");
    /* A page between blocks flushes no block. */
    touch(cpu, b0 + 0x1000);
    tlb_flush_page(cpu, b0 - 0x1000);
    cr_assert_not(cached(cpu, b0 - 0x1000));
    cr_assert(cached(cpu, b0 + 0x1000));
    cr_assert(cached(cpu, b1 + 0x5000));
}

Test(tlb_flush, block_flush_after_many_blocks)
{
    CPUState *cpu = setup();
    /* More blocks than the set has slots: some land in the fallback span. Page n of block n
     * has TLB index 513 * n mod 1024, so no two of them evict each other. */
    for (uint64_t n = 0; n < 400; n++) {
        touch(cpu, BLOCKS + (n << 21) + (n << 12));
    }
    for (uint64_t n = 0; n < 400; n += 37) {
        uint64_t page = BLOCKS + (n << 21) + (n << 12);
        touch(cpu, page); /* an earlier flush of the fallback span may have dropped it */
        cr_assert(cached(cpu, page));
        tlb_flush_page(cpu, BLOCKS + (n << 21) + 0x1ff000);
        cr_assert_not(cached(cpu, page), "block %llu kept a page", (unsigned long long)n);
    }
}

Test(tlb_flush, page_flush_drops_tbs_touching_the_page)
{
    CPUState *cpu = setup();
    uint64_t p = 0x300000;
    TranslationBlock *in = tb_at(p + 0x40, 16);
    TranslationBlock *into = tb_at(p - 4, 12);          /* starts before, reaches in */
    TranslationBlock *before = tb_at(p - 0x100, 16);    /* the page before only */
    TranslationBlock *other = tb_at(p + 0x4000 + 0x80, 8); /* another page */
    tb_jmp_cache_set(cpu, in, false);
    tb_jmp_cache_set(cpu, into, false);
    tb_jmp_cache_set(cpu, before, false);
    tb_jmp_cache_set(cpu, other, false);
    tlb_flush_page(cpu, p + 0x123);
    cr_assert_not(in_jmp_cache(cpu, in));
    cr_assert_not(in_jmp_cache(cpu, into));
    cr_assert(in_jmp_cache(cpu, before));
    cr_assert(in_jmp_cache(cpu, other));
    /* A page no TB was ever cached in leaves the cache alone. */
    tlb_flush_page(cpu, 0x7000000);
    cr_assert(in_jmp_cache(cpu, before) && in_jmp_cache(cpu, other));
}

Test(tlb_flush, new_vcpu_maps_nothing)
{
    CPUState *cpu = setup();
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (unsigned i = 0; i < CPU_TLB_SIZE; i++) {
            const CPUTLBEntry *e = &cpu->tlb[m][i];
            cr_assert(e->addr_read & e->addr_write & e->addr_code & TLB_INVALID,
                      "entry %d/%u of a new vCPU looks valid", m, i);
        }
    }
}
