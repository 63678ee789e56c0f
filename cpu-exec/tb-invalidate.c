/*
 * tb-invalidate.c — self-modifying code: which TBs cover each guest physical page, invalidating
 * them when the guest writes there, and the full flush.
 *
 * Every physical page that holds code has a PageDesc (two-level table, lock-free lookup, never
 * freed) with the list of TBs covering it (through tb->page_next[k], tagged with k) and the
 * code state that makes tlb_fill put TLB_CODE on write entries. Lists and states are protected
 * by striped page locks (hash of the page number). A translator holds the locks of its pages
 * from before it reads guest code until the TB is in the table and the page lists, so a store
 * that invalidates the page either waits for the new TB (and invalidates it) or happens before
 * the translator reads the bytes. The code state is set before translation for the same reason.
 *
 * A page becomes code in two steps (review finding 1: another vCPU must never keep a fast-path
 * write entry for a page it cannot see is code): MARKED, from which every TLB fill adds
 * TLB_CODE, then READY once every vCPU has dropped the write entries it filled before (a
 * synchronous broadcast, tlb_flush_phys_page_all, with the page locks released). Only a READY
 * page gets TBs, so from the moment a TB is published every store to its bytes, from any vCPU,
 * takes the slow path and invalidates it.
 *
 * An invalidated TB is marked invalid, removed from the table, the jump caches and every chain;
 * it stays in the list of its other page (if any) until that list is next walked. Nothing is
 * freed until tb_flush_all(), which runs as safe work (all vCPUs outside generated code).
 */
#include <glib.h>
#include <inttypes.h>
#include <stdatomic.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"

/* Physical page numbers up to 40 bits (52-bit physical addresses, the most either ARMv8 or
 * x86-64 defines). */
#define PD_L2_BITS 20
#define PD_L1_BITS 20
#define PD_L2_SIZE (1u << PD_L2_BITS)
#define PD_L1_SIZE (1u << PD_L1_BITS)

typedef struct PageDesc {
    uintptr_t first; /* TranslationBlock * | k: head of the list through page_next[k] */
    /* Which 64-byte chunks of the page the listed TBs cover (under the page lock): a store to
     * a data variable that shares a page with code (common in firmware) then skips the list. */
    uint64_t code_chunks;
    atomic_int code;   /* PAGE_CODE_* (written under the page lock, read lock-free) */
    uint32_t code_gen; /* counts NONE -> MARKED transitions (under the page lock) */
    bool listed;       /* in code_pages (under the page lock) */
} PageDesc;

enum { PAGE_CODE_NONE, PAGE_CODE_MARKED, PAGE_CODE_READY };

#define CHUNK_BITS (TARGET_PAGE_BITS - 6)
_Static_assert(TARGET_PAGE_SIZE >> CHUNK_BITS == 64, "64 chunks per page");

/* The chunks of a page that page-relative bytes [lo, hi) touch (hi > lo). */
static inline uint64_t chunk_mask(uint64_t lo, uint64_t hi)
{
    unsigned first = (unsigned)(lo >> CHUNK_BITS), last = (unsigned)((hi - 1) >> CHUNK_BITS);
    uint64_t upto_last = last >= 63 ? ~0ull : (2ull << last) - 1;
    return upto_last & ~((1ull << first) - 1);
}

static PageDesc *_Atomic pd_l1[PD_L1_SIZE];

/* Pages that were ever marked, so a flush visits only those. */
static GMutex code_pages_lock;
static GArray *code_pages; /* of uint64_t page numbers */

#define PAGE_LOCK_STRIPES 256
static GMutex page_locks[PAGE_LOCK_STRIPES];
static __thread TBPageLocks tls_held_locks;
/* The marking this thread was last told to broadcast (tb_page_mark_code returned true):
 * calling again for the same page and generation means the broadcast is done. */
static __thread struct {
    uint64_t page;
    uint32_t gen;
} tls_mark = {(uint64_t)-1, 0};

static atomic_uint flush_count;

/* ---- page descriptors ---- */

static PageDesc *page_find(uint64_t paddr, bool alloc)
{
    uint64_t pn = paddr >> TARGET_PAGE_BITS;
    if (pn >> (PD_L1_BITS + PD_L2_BITS)) {
        g_error("tb-invalidate: physical address 0x%" PRIx64 " beyond 52 bits", paddr);
    }
    PageDesc *l2 = atomic_load_explicit(&pd_l1[pn >> PD_L2_BITS], memory_order_acquire);
    if (!l2) {
        if (!alloc) {
            return NULL;
        }
        PageDesc *fresh = g_new0(PageDesc, PD_L2_SIZE);
        PageDesc *expected = NULL;
        if (atomic_compare_exchange_strong(&pd_l1[pn >> PD_L2_BITS], &expected, fresh)) {
            l2 = fresh;
        } else {
            g_free(fresh);
            l2 = expected;
        }
    }
    return &l2[pn & (PD_L2_SIZE - 1)];
}

static inline int page_stripe(uint64_t paddr)
{
    uint64_t pn = paddr >> TARGET_PAGE_BITS;
    return (int)((pn ^ (pn >> 8) ^ (pn >> 16)) & (PAGE_LOCK_STRIPES - 1));
}

static inline TranslationBlock *pd_entry_tb(uintptr_t e)
{
    return (TranslationBlock *)(e & ~(uintptr_t)1);
}
static inline int pd_entry_slot(uintptr_t e) { return (int)(e & 1); }

/* ---- page locks ---- */

void tb_page_lock_pair(TBPageLocks *pl, uint64_t paddr0, uint64_t paddr1)
{
    g_assert(tls_held_locks.n == 0);
    pl->n = 0;
    pl->stripe[pl->n++] = page_stripe(paddr0);
    if (paddr1 != (uint64_t)-1 && page_stripe(paddr1) != pl->stripe[0]) {
        pl->stripe[pl->n++] = page_stripe(paddr1);
        if (pl->stripe[1] < pl->stripe[0]) { /* ascending order: no lock cycles */
            int t = pl->stripe[0];
            pl->stripe[0] = pl->stripe[1];
            pl->stripe[1] = t;
        }
    }
    for (int i = 0; i < pl->n; i++) {
        sync_mutex_lock(&page_locks[pl->stripe[i]]);
    }
    tls_held_locks = *pl;
}

void tb_page_unlock_pair(TBPageLocks *pl)
{
    for (int i = pl->n; i-- > 0;) {
        sync_mutex_unlock(&page_locks[pl->stripe[i]]);
    }
    pl->n = 0;
    tls_held_locks.n = 0;
}

void tb_page_unlock_held(void)
{
    if (tls_held_locks.n) {
        TBPageLocks pl = tls_held_locks;
        tb_page_unlock_pair(&pl);
    }
}

/* ---- page lists ---- */

/* Guest physical bytes [lo, hi) that tb covers in its page k. */
static void tb_page_range(const TranslationBlock *tb, int k, uint64_t *lo, uint64_t *hi)
{
    uint64_t size = tb->size ? tb->size : 1;
    uint64_t page0_end = tb->page_addr[0] + TARGET_PAGE_SIZE;
    if (k == 0) {
        *lo = tb->phys_pc - tb->size_before;
        *hi = MIN(tb->phys_pc + size, page0_end);
    } else {
        *lo = tb->page_addr[1];
        *hi = tb->page_addr[1] + (tb->phys_pc + size - page0_end);
    }
}


/*
 * Under the page lock. Returns false once the page is READY (the caller may translate it).
 * Returns true while it is not: the page is now at least MARKED, and the caller must make every
 * vCPU drop its write entries for it (tlb_flush_phys_page_all; that waits for other vCPUs, so
 * the caller first releases its page locks) and then call again. That second call by the same
 * thread for the same marking (no flush or invalidation emptied the page in between) makes the
 * page READY. A thread that finds a page MARKED by another, whose broadcast may still be in
 * flight, does its own broadcast rather than wait for that one.
 */
bool tb_page_mark_code(uint64_t paddr)
{
    PageDesc *pd = page_find(paddr, true);
    uint64_t page = paddr & TARGET_PAGE_MASK;
    int state = atomic_load(&pd->code);
    if (state == PAGE_CODE_READY) {
        return false;
    }
    if (state == PAGE_CODE_NONE) {
        /* seq_cst store: a TLB fill that reads the state after this sees the page as code;
         * one that read it before is finished before the broadcast's flush runs. */
        atomic_store(&pd->code, PAGE_CODE_MARKED);
        pd->code_gen++;
        if (!pd->listed) {
            pd->listed = true;
            uint64_t pn = paddr >> TARGET_PAGE_BITS;
            sync_mutex_lock(&code_pages_lock);
            if (!code_pages) {
                code_pages = g_array_new(FALSE, FALSE, sizeof(uint64_t));
            }
            g_array_append_val(code_pages, pn);
            sync_mutex_unlock(&code_pages_lock);
        }
    } else if (tls_mark.page == page && tls_mark.gen == pd->code_gen) {
        atomic_store(&pd->code, PAGE_CODE_READY);
        tls_mark.page = (uint64_t)-1;
        return false;
    }
    tls_mark.page = page;
    tls_mark.gen = pd->code_gen;
    return true;
}

void tb_page_add(TranslationBlock *tb)
{
    for (int k = 0; k < 2; k++) {
        if (tb->page_addr[k] == (uint64_t)-1) {
            continue;
        }
        PageDesc *pd = page_find(tb->page_addr[k], true);
        /* tb_gen_code publishes only on READY pages; MARKED is enough for the lists. */
        g_assert(atomic_load(&pd->code) != PAGE_CODE_NONE);
        /* page_next[k] holds the successor as a tagged entry (TB pointer | its slot). */
        tb->page_next[k] = (TranslationBlock *)pd->first;
        pd->first = (uintptr_t)tb | (uintptr_t)k;
        uint64_t lo, hi;
        tb_page_range(tb, k, &lo, &hi);
        pd->code_chunks |= chunk_mask(lo - tb->page_addr[k], hi - tb->page_addr[k]);
    }
}

bool tb_page_has_code(uint64_t paddr)
{
    PageDesc *pd = page_find(paddr, false);
    return pd && atomic_load(&pd->code) != PAGE_CODE_NONE;
}

/* ---- invalidation ---- */

/* Makes tb unreachable: table, jump caches, chains. Idempotent; caller holds a page lock. */
static void tb_phys_invalidate(TranslationBlock *tb)
{
    if (atomic_exchange(&tb->invalid, true)) {
        return;
    }
    tb_cache_remove(tb);
    tb_jmp_cache_remove_all(tb);
    tb_unlink_all(tb);
}

/* Under the page lock of page: invalidates the TBs of the page overlapping [start, end) and
 * drops invalid TBs from the list; clears the code flag when the list becomes empty. */
static void tb_invalidate_page_locked(uint64_t page, uint64_t start, uint64_t end)
{
    PageDesc *pd = page_find(page, false);
    if (!pd || !(pd->code_chunks & chunk_mask(start - page, end - page))) {
        return;
    }
    uint64_t chunks = 0; /* of the TBs that stay */
    uintptr_t prev = 0;  /* entry before cur, 0 = the head */
    uintptr_t cur = pd->first;
    while (cur) {
        TranslationBlock *tb = pd_entry_tb(cur);
        int k = pd_entry_slot(cur);
        uintptr_t next = (uintptr_t)tb->page_next[k];
        uint64_t lo, hi;
        tb_page_range(tb, k, &lo, &hi);
        bool hit = lo < end && start < hi;
        if (hit || atomic_load(&tb->invalid)) {
            if (prev) {
                pd_entry_tb(prev)->page_next[pd_entry_slot(prev)] = (TranslationBlock *)next;
            } else {
                pd->first = next;
            }
            tb->page_next[k] = NULL;
            if (hit) {
                tb_phys_invalidate(tb);
            }
        } else {
            chunks |= chunk_mask(lo - page, hi - page);
            prev = cur;
        }
        cur = next;
    }
    pd->code_chunks = chunks;
    if (!pd->first) {
        atomic_store(&pd->code, PAGE_CODE_NONE);
    }
}

void tb_invalidate_phys_range(uint64_t start, uint64_t end)
{
    if (end <= start) {
        return;
    }
    for (uint64_t page = start & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        if (!tb_page_has_code(page)) {
            continue;
        }
        GMutex *lock = &page_locks[page_stripe(page)];
        sync_mutex_lock(lock);
        tb_invalidate_page_locked(page, MAX(start, page), MIN(end, page + TARGET_PAGE_SIZE));
        sync_mutex_unlock(lock);
        if (page + TARGET_PAGE_SIZE < page) {
            break; /* wrapped at the top of the address space */
        }
    }
}

/* ---- full flush ---- */

uint32_t tb_flush_count(void) { return atomic_load(&flush_count); }

void tb_flush_all(void)
{
    tb_cache_reset(tb_link_release);
    sync_mutex_lock(&code_pages_lock);
    for (guint i = 0; code_pages && i < code_pages->len; i++) {
        uint64_t paddr = g_array_index(code_pages, uint64_t, i) << TARGET_PAGE_BITS;
        GMutex *lock = &page_locks[page_stripe(paddr)];
        sync_mutex_lock(lock);
        PageDesc *pd = page_find(paddr, false);
        pd->first = 0;
        pd->code_chunks = 0;
        pd->listed = false;
        atomic_store(&pd->code, PAGE_CODE_NONE);
        sync_mutex_unlock(lock);
    }
    if (code_pages) {
        g_array_set_size(code_pages, 0);
    }
    sync_mutex_unlock(&code_pages_lock);
    for (int i = 0; i < vcpu_count(); i++) {
        tb_jmp_cache_clear(vcpu_get(i));
    }
    tb_gen_reset_regions();
    atomic_fetch_add(&flush_count, 1);
}

static void tb_flush_work(CPUState *cpu, void *arg)
{
    /* Several vCPUs may run out of code space at once; the first flush serves them all. */
    if (tb_flush_count() == (uint32_t)(uintptr_t)arg) {
        tb_flush_all();
    }
}

bool tb_flush_request(CPUState *cpu)
{
    if (vcpu_count() <= 1) {
        tb_flush_all();
        tb_gen_reset_region(cpu); /* also when cpu runs unregistered (unit tests) */
        return true;
    }
    async_safe_run_on_cpu(cpu, tb_flush_work, (void *)(uintptr_t)tb_flush_count());
    return false;
}
