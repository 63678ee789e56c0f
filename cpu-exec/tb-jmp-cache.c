/*
 * tb-jmp-cache.c — the per-vCPU jump cache: a direct-mapped table from virtual pc to TB in front
 * of the global hash table (tb-cache.c), and its invalidation when translations change.
 *
 * CPUState.tb_jmp_cache is read and filled by the owner vCPU; any thread removes a TB from every
 * vCPU's cache with compare-and-swap. Readers also check tb->invalid, because an owner may store
 * a TB it looked up just before another thread invalidated it.
 *
 * Three owner-only bitmaps over the slots make invalidation cost what was used rather than the
 * whole table (Linux switches address space on every context switch, and patches kernel text
 * through a fixmap page some 47,000 times at boot, each followed by a TLBI): slots filled since
 * the last clear, slots whose TB was found through a non-global translation, and slots whose TB
 * reaches into a second page. A bit may stay set for a slot another thread emptied; that only
 * costs a store. A fourth bitmap filters pages: invalidating a page no cached TB was ever in
 * costs one test.
 */
#include <glib.h>
#include <stdatomic.h>
#include <string.h>

#include "cpu-exec/internal.h"
#include "cpu-exec/vcpu.h"

#define JMP_WORDS (TB_JMP_CACHE_SIZE / 64)
/* Slots of the pcs of one page (tb_jmp_cache_hash keeps pc bits 2..11 in the low bits). */
#define JMP_PAGE_SLOTS (TARGET_PAGE_SIZE >> 2)
_Static_assert(TB_JMP_CACHE_BITS >= TARGET_PAGE_BITS - 2, "a page must fit one jump cache block");

static inline void slot_clear(CPUState *cpu, unsigned i)
{
    atomic_store_explicit(&cpu->tb_jmp_cache[i], NULL, memory_order_relaxed);
}

static inline uint64_t tb_last_byte(const TranslationBlock *tb)
{
    return tb->pc + (tb->size ? tb->size - 1 : 0);
}

void tb_jmp_cache_clear(CPUState *cpu)
{
    for (unsigned w = 0; w < JMP_WORDS; w++) {
        for (uint64_t m = cpu->tb_jmp_used[w]; m; m &= m - 1) {
            slot_clear(cpu, w * 64 + (unsigned)__builtin_ctzll(m));
        }
    }
    memset(cpu->tb_jmp_used, 0, sizeof(cpu->tb_jmp_used));
    memset(cpu->tb_jmp_nonglobal, 0, sizeof(cpu->tb_jmp_nonglobal));
    memset(cpu->tb_jmp_span, 0, sizeof(cpu->tb_jmp_span));
    memset(cpu->tb_jmp_pages, 0, sizeof(cpu->tb_jmp_pages));
}

static inline unsigned page_filter_bit(uint64_t vaddr)
{
    uint64_t page = vaddr >> TARGET_PAGE_BITS;
    return (unsigned)((page * 0x9e3779b97f4a7c15ull) >> 52) % TB_JMP_PAGE_FILTER_BITS;
}

static inline void page_filter_add(CPUState *cpu, uint64_t vaddr)
{
    unsigned b = page_filter_bit(vaddr);
    cpu->tb_jmp_pages[b / 64] |= 1ull << (b % 64);
}

static inline bool page_filter_has(const CPUState *cpu, uint64_t vaddr)
{
    unsigned b = page_filter_bit(vaddr);
    return (cpu->tb_jmp_pages[b / 64] >> (b % 64)) & 1;
}

static inline void bit_assign(uint64_t *map, unsigned i, bool on)
{
    uint64_t bit = 1ull << (i % 64);
    map[i / 64] = on ? map[i / 64] | bit : map[i / 64] & ~bit;
}

void tb_jmp_cache_set(CPUState *cpu, TranslationBlock *tb, bool nonglobal)
{
    uint32_t idx = tb_jmp_cache_hash(tb->pc);
    bool span = ((tb_last_byte(tb) ^ tb->pc) & TARGET_PAGE_MASK) != 0;
    cpu->tb_jmp_used[idx / 64] |= 1ull << (idx % 64);
    /* The second page's translation was not looked at: count it as non-global. */
    bit_assign(cpu->tb_jmp_nonglobal, idx, nonglobal || span);
    bit_assign(cpu->tb_jmp_span, idx, span);
    page_filter_add(cpu, tb->pc);
    page_filter_add(cpu, tb_last_byte(tb));
    atomic_store_explicit(&cpu->tb_jmp_cache[idx], tb, memory_order_release);
}

void tb_jmp_cache_clear_nonglobal(CPUState *cpu)
{
    for (unsigned w = 0; w < JMP_WORDS; w++) {
        for (uint64_t m = cpu->tb_jmp_nonglobal[w]; m; m &= m - 1) {
            slot_clear(cpu, w * 64 + (unsigned)__builtin_ctzll(m));
        }
        cpu->tb_jmp_used[w] &= ~cpu->tb_jmp_nonglobal[w];
        cpu->tb_jmp_nonglobal[w] = 0;
    }
}

/* Clears the slots in map[first .. first + n) (whole words) whose TB touches [lo, hi]. */
static void clear_touching(CPUState *cpu, const uint64_t *map, unsigned first, unsigned n,
                           uint64_t lo, uint64_t hi)
{
    for (unsigned w = first / 64; w < (first + n) / 64; w++) {
        for (uint64_t m = map[w]; m; m &= m - 1) {
            unsigned i = w * 64 + (unsigned)__builtin_ctzll(m);
            TranslationBlock *tb =
                atomic_load_explicit(&cpu->tb_jmp_cache[i], memory_order_relaxed);
            if (tb && tb->pc - tb->size_before <= hi && tb_last_byte(tb) >= lo) {
                slot_clear(cpu, i);
            }
        }
    }
}

void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr)
{
    uint64_t page = vaddr & TARGET_PAGE_MASK, last = page + TARGET_PAGE_SIZE - 1;
    if (!page_filter_has(cpu, page)) {
        return;
    }
    unsigned block = tb_jmp_cache_hash(page) & ~(JMP_PAGE_SLOTS - 1);
    clear_touching(cpu, cpu->tb_jmp_used, block, JMP_PAGE_SLOTS, page, last);
    /* TBs that start in the page before and reach into this one. */
    unsigned prev = tb_jmp_cache_hash(page - TARGET_PAGE_SIZE) & ~(JMP_PAGE_SLOTS - 1);
    clear_touching(cpu, cpu->tb_jmp_span, prev, JMP_PAGE_SLOTS, page, last);
}

void tb_jmp_cache_clear_range(CPUState *cpu, uint64_t first, uint64_t last)
{
    clear_touching(cpu, cpu->tb_jmp_used, 0, TB_JMP_CACHE_SIZE, first, last);
}

void tb_jmp_cache_remove_all(TranslationBlock *tb)
{
    uint32_t idx = tb_jmp_cache_hash(tb->pc);
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        TranslationBlock *expected = tb;
        atomic_compare_exchange_strong(&cpu->tb_jmp_cache[idx], &expected, NULL);
    }
}
