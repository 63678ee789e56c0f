/*
 * tb-gen.c — making a TB: guest code -> IR (the target's translate hook) -> optimizer -> host
 * code (the backend) -> publication in the global table and the page lists.
 *
 * Runs on the owner vCPU thread, into that vCPU's own code region, so translation takes no
 * global lock. The page locks of the TB's pages are held from before the first guest byte is
 * read until the TB is in the table and the page lists (see tb-invalidate.c); if the translator
 * raises (cpu_loop_exit on a fetch fault) cpu_exec releases them where it lands. Insertion is
 * where racing translators agree: the loser's TB is simply never used. Before a page's first
 * TB, every vCPU is made to send its stores to that page through the self-modifying-code check
 * (tb_gen_mark_page). A full code region flushes every TB (inline with one vCPU, else as safe
 * work after leaving the loop, tb_flush_request).
 */
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "system/log.h"
#include "tcg/opt.h"

static void tb_gen_log_ir(const char *title, IRFunc *f)
{
    FILE *out = log_file();
    log_lock();
    fprintf(out, "%s\n", title);
    ir_dump(f, out);
    fprintf(out, "\n");
    log_unlock();
}

static void tb_gen_log_out(const TranslationBlock *tb)
{
    const Backend *be = g_cpu_exec_backend;
    if (!be->dump_code) {
        return;
    }
    FILE *out = log_file();
    log_lock();
    fprintf(out, "OUT: [size=%u] pc 0x%016" PRIx64 "\n", tb->tc_size, tb->pc);
    be->dump_code(tb, out);
    fprintf(out, "\n");
    log_unlock();
}

/*
 * Makes the page of paddr safe to translate: every vCPU's stores there must take the
 * self-modifying-code path before a TB of it is published (review finding 1). Returns true
 * with the page locks still held once that holds. The first time (and again after the page
 * stopped holding code), the page is marked so that new TLB fills add TLB_CODE, and every vCPU
 * drops the write entries it filled before: inline when this is the only vCPU; otherwise the
 * others are asked and waited for (tlb_flush_phys_page_all), which must not happen under page
 * locks (a vCPU blocked on one would never run the request), so the locks are released and
 * false tells the caller to start again.
 */
static bool tb_gen_mark_page(CPUState *cpu, TBPageLocks *pl, uint64_t paddr)
{
    if (!tb_page_mark_code(paddr)) {
        return true;
    }
    if (vcpu_count() <= 1) {
        tlb_flush_phys_page(cpu, paddr); /* also when cpu is not the thread's registered vCPU */
        bool again = tb_page_mark_code(paddr); /* the broadcast is done: now READY */
        g_assert(!again);
        return true;
    }
    tb_page_unlock_pair(pl);
    tlb_flush_phys_page_all(cpu, paddr);
    return false;
}

/* Room for the TB descriptor in the region; flushes when full. NULL: the caller must leave
 * the execution loop (a flush is queued as safe work). */
static TranslationBlock *tb_gen_alloc(CPUState *cpu, TBPageLocks *pl, bool *retry)
{
    TranslationBlock *tb = (TranslationBlock *)code_region_alloc(cpu->code_region,
                                                                 sizeof(TranslationBlock), 16);
    *retry = false;
    if (!tb) {
        tb_page_unlock_pair(pl);
        if (!tb_flush_request(cpu)) {
            cpu_loop_exit(cpu);
        }
        *retry = true;
    }
    return tb;
}

TranslationBlock *tb_gen_code(CPUState *cpu, uint64_t pc, uint64_t cs_base, uint64_t phys_pc,
                              uint32_t flags, uint32_t cflags)
{
    const Backend *be = g_cpu_exec_backend;
    uint64_t page1_hint = (uint64_t)-1;
    int max_insns = (cflags & CF_COUNT_MASK) ? (int)(cflags & CF_COUNT_MASK) : TB_MAX_INSNS;
    if (cflags & CF_SINGLE_STEP) {
        max_insns = 1;
    }

    for (;;) {
        TBPageLocks pl;
        bool retry;
        tb_page_lock_pair(&pl, phys_pc & TARGET_PAGE_MASK, page1_hint);
        if (!tb_gen_mark_page(cpu, &pl, phys_pc) ||
            (page1_hint != (uint64_t)-1 && !tb_gen_mark_page(cpu, &pl, page1_hint))) {
            continue; /* page locks were released to wait for the other vCPUs */
        }
        TranslationBlock *tb = tb_gen_alloc(cpu, &pl, &retry);
        if (retry) {
            continue;
        }
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->phys_pc = phys_pc;
        tb->flags = flags;
        tb->cflags = cflags;
        tb->page_addr[0] = phys_pc & TARGET_PAGE_MASK;
        tb->page_addr[1] = (uint64_t)-1;
        for (int n = 0; n < 2; n++) {
            tb->jmp_reset_offset[n] = TB_JMP_NONE;
            tb->jmp_insn_offset[n] = TB_JMP_NONE;
        }

        IRFunc *f = cpu->ir;
        ir_func_reset(f);
        f->tb = tb;
        cpu->arch->translate(cpu, tb, f, max_insns);
        if (tb->phys_pc != phys_pc) {
            cpu_fatal(cpu, "translator fetched pc 0x%" PRIx64 " from physical 0x%" PRIx64
                      ", expected 0x%" PRIx64, pc, tb->phys_pc, phys_pc);
        }

        /* A TB reaching into a second page (x86) must hold that page's lock while reading it:
         * translate again with both pages locked from the start. */
        uint64_t last = pc + (tb->size ? tb->size - 1 : 0);
        if ((last & TARGET_PAGE_MASK) != (pc & TARGET_PAGE_MASK)) {
            uint64_t page1 = tlb_code_phys(cpu, last, cpu_exec_fetch_mmu_idx(cpu, flags)) &
                             TARGET_PAGE_MASK;
            if (page1 != page1_hint) {
                tb_page_unlock_pair(&pl);
                page1_hint = page1;
                continue;
            }
            tb->page_addr[1] = page1;
        }

        if (log_enabled(LOG_OP)) {
            tb_gen_log_ir("OP:", f);
        }
        ir_optimize(f);
        if (log_enabled(LOG_OP_OPT)) {
            tb_gen_log_ir("OP after optimization:", f);
        }
        if (!be->gen_code(cpu->code_region, tb, f)) {
            tb_page_unlock_pair(&pl);
            if (!tb_flush_request(cpu)) {
                cpu_loop_exit(cpu);
            }
            continue;
        }
        tb->hash = tb_hash_key(tb->phys_pc, tb->pc, tb->cs_base, tb->flags, tb->cflags);
        if (log_enabled(LOG_OUT_ASM)) {
            tb_gen_log_out(tb);
        }

        atomic_store_explicit(&tb->published, true, memory_order_release);
        TranslationBlock *found = tb_cache_insert(tb);
        if (found == tb) {
            tb_page_add(tb);
        }
        tb_page_unlock_pair(&pl);
        return found;
    }
}

void tb_gen_reset_region(CPUState *cpu)
{
    CodeRegion *r = cpu->code_region;
    if (r) {
        /* vCPU 0's region starts with the backend prologue, which stays. */
        r->used = cpu->cpu_index == 0 ? cpu_exec_prologue_size() : 0;
    }
}

void tb_gen_reset_regions(void)
{
    for (int i = 0; i < vcpu_count(); i++) {
        tb_gen_reset_region(vcpu_get(i));
    }
}
