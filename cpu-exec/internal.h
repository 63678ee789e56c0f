/*
 * internal.h — declarations shared by the files of cpu-exec/ only (TB cache, chaining, page
 * tracking for self-modifying code, TB generation, the exclusive section). Nothing outside
 * cpu-exec/ includes this; the public interface is exec.h, softmmu.h and vcpu.h.
 *
 * Locks, in the order they may be taken (never the reverse):
 *   page stripe locks (tb-invalidate.c, ascending stripe index)
 *     -> tb-cache insertion lock (tb-cache.c) / tb-link lock (tb-link.c)
 *     -> CPUState.lock (work queue, sleeping)
 *   the exclusive-section lock (exclusive.c) is never held while taking any of the above.
 */
#ifndef TANDEM_CPU_EXEC_INTERNAL_H
#define TANDEM_CPU_EXEC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/tb.h"
#include "tcg/backend.h"

/* ---- cpu-exec.c ---- */
/* The backend chosen by cpu_exec_init_all (NULL before). */
extern const Backend *g_cpu_exec_backend;
/* The MMU index used to fetch the code of a TB with these decode flags. */
int cpu_exec_fetch_mmu_idx(CPUState *cpu, uint32_t flags);
/* Bytes at the start of vCPU 0's code region that hold the backend prologue. */
size_t cpu_exec_prologue_size(void);

/* ---- tb-cache.c: global table (lock-free lookups) and per-vCPU jump caches ---- */
void tb_cache_init(void);
uint32_t tb_hash_key(uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t flags,
                     uint32_t cflags);
/* Lock-free; returns a valid TB with exactly this key, or NULL. Any thread. */
TranslationBlock *tb_cache_lookup(uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t flags,
                                  uint32_t cflags);
/* Publishes tb (tb->hash must be set). If a valid TB with the same key is already present,
 * nothing is inserted and that TB is returned; otherwise tb is returned. */
TranslationBlock *tb_cache_insert(TranslationBlock *tb);
/* Unpublishes tb (no-op if absent). Readers already walking past it still see its successor. */
void tb_cache_remove(TranslationBlock *tb);
/* Calls fn on every published TB, then empties the table. Only under safe work. */
void tb_cache_reset(void (*fn)(TranslationBlock *tb));
/* Number of TBs currently in the table. */
unsigned tb_cache_count(void);

static inline uint32_t tb_jmp_cache_hash(uint64_t pc)
{
    return (uint32_t)((pc >> 2) ^ (pc >> (TARGET_PAGE_BITS + 2))) & (TB_JMP_CACHE_SIZE - 1);
}
/* Owner thread: empties this vCPU's jump cache. */
void tb_jmp_cache_clear(CPUState *cpu);
/* Owner thread: stores tb in the jump cache slot for its pc; nonglobal: it was found through a
 * translation tlb_flush_nonglobal drops (a TB reaching into a second page counts as such). */
void tb_jmp_cache_set(CPUState *cpu, TranslationBlock *tb, bool nonglobal);
/* Owner thread: empties the slots tb_jmp_cache_set marked non-global. */
void tb_jmp_cache_clear_nonglobal(CPUState *cpu);
/* Owner thread: drops entries whose TB touches [first, last]. */
void tb_jmp_cache_clear_range(CPUState *cpu, uint64_t first, uint64_t last);
/* Owner thread: drops entries whose TB touches the virtual page of vaddr. */
void tb_jmp_cache_clear_page(CPUState *cpu, uint64_t vaddr);
/* Any thread: removes tb from every registered vCPU's jump cache. */
void tb_jmp_cache_remove_all(TranslationBlock *tb);

/* ---- tb-link.c: direct jumps between TBs ---- */
/* Chains exit slot n of src to dst if both are still valid. Any vCPU thread. */
void tb_add_jump(TranslationBlock *src, int n, TranslationBlock *dst);
/* Resets every jump into tb and every jump out of it (tb is being invalidated). */
void tb_unlink_all(TranslationBlock *tb);
/* Releases tb's link bookkeeping (flush; safe work). */
void tb_link_release(TranslationBlock *tb);

/* ---- tb-invalidate.c: per-physical-page TB lists and their locks ---- */
/* A set of page locks taken in a deadlock-free order. */
typedef struct TBPageLocks {
    int stripe[2];
    int n;
} TBPageLocks;
/* Takes the locks of the pages of paddr0 and paddr1 (-1 = none). The calling thread records
 * them so that tb_page_unlock_held() can release them after a longjmp. */
void tb_page_lock_pair(TBPageLocks *pl, uint64_t paddr0, uint64_t paddr1);
void tb_page_unlock_pair(TBPageLocks *pl);
/* Releases whatever this thread still holds (called where cpu_loop_exit lands). */
void tb_page_unlock_held(void);
/* Under the page lock: marks the page as holding code; true if it was not marked before
 * (the caller then makes every vCPU's TLB see TLB_CODE). */
bool tb_page_mark_code(uint64_t paddr);
/* Under the page locks of tb->page_addr[]: links tb into the lists of its pages. */
void tb_page_add(TranslationBlock *tb);
/* Lock-free: does the physical page hold (or is it about to hold) translated code? */
bool tb_page_has_code(uint64_t paddr);
/* Counts full flushes; a TB pointer obtained under another count is stale. */
uint32_t tb_flush_count(void);
/* Asks for a full flush from a vCPU whose code region is full: inline when it is the only
 * vCPU, else as safe work; returns true if the flush already happened (the caller retries),
 * false if the caller must leave the execution loop so the safe work can run. */
bool tb_flush_request(CPUState *cpu);

/* ---- tb-gen.c ---- */
/* Translates (or finds, if another thread won the race) the TB for this key. Owner thread. */
TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint64_t phys_pc,
                              uint32_t flags, uint32_t cflags);
/* Resets the code region of every registered vCPU / of one vCPU (flush; safe work). */
void tb_gen_reset_regions(void);
void tb_gen_reset_region(CPUState *cpu);

/* ---- softmmu.c ---- */
/* Empties a new vCPU's TLB and jump cache completely (tlb_flush clears only what was used). */
void tlb_init(CPUState *cpu);
/* Guest physical address of the code at vaddr (fills the TLB code entry; may raise). */
uint64_t tlb_code_phys(CPUState *cpu, uint64_t vaddr, int mmu_idx);
/* Same without filling or raising; false on a TLB miss. */
bool tlb_code_phys_probe(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr);
/* Whether the TLB entry just used for code at vaddr is non-global (after tlb_code_phys or a
 * successful probe). */
bool tlb_code_nonglobal(CPUState *cpu, uint64_t vaddr, int mmu_idx);
/* Owner thread: drops this vCPU's entries that map the physical page of paddr. */
void tlb_flush_phys_page(CPUState *cpu, uint64_t paddr);

/* ---- tlb-large.c: mappings larger than a page (owner thread) ---- */
/* The TLB now holds a page of the 2^lg-byte mapping around vaddr. */
void tlb_large_note(CPUState *cpu, uint64_t vaddr, unsigned lg);
/* The range to flush with vaddr: every recorded block that contains it, and the span of blocks
 * that found no slot if that does. Forgets them (the caller flushes the range). False: vaddr
 * lies in no larger mapping the TLB holds. */
bool tlb_large_take(CPUState *cpu, uint64_t vaddr, uint64_t *first, uint64_t *last);
/* Forgets everything (the TLB was emptied). */
void tlb_large_reset(CPUState *cpu);

/* ---- exclusive.c: the section in which no vCPU runs generated code ---- */
/* Around cpu_exec() on a vCPU thread: counts the thread as running; waits while an exclusive
 * section is pending or active. */
void exclusive_exec_enter(CPUState *cpu);
void exclusive_exec_leave(CPUState *cpu);
/* True if the calling thread is between exclusive_exec_enter and _leave. */
bool exclusive_in_exec(void);

/* ---- cpu-work.c ---- */
/* Owner thread: runs every queued work item (safe ones inside an exclusive section). */
void cpu_work_run_queued(CPUState *cpu);

/* ---- vcpu-thread.c ---- */
/* Set by vcpus_stop_and_join(): every vCPU thread leaves its loop. */
bool vcpu_threads_exiting(void);

#endif
