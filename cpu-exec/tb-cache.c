/*
 * tb-cache.c — where translated blocks are found: the global hash table keyed by (physical pc,
 * virtual pc, flags, cflags). The per-vCPU jump cache in front of it is tb-jmp-cache.c.
 *
 * Global table: a fixed array of buckets, each a singly-linked list through tb->hash_next,
 * published with release stores and walked with acquire loads, so lookups take no lock and may
 * run on any thread. Insertion and removal serialize on tb_cache_lock. A removed TB keeps its
 * hash_next, so a reader standing on it still reaches the rest of the bucket; TB memory is only
 * reused after tb_flush_all(), which runs as safe work when no reader can exist.

 */
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"

#define TB_HASH_BITS 15
#define TB_HASH_SIZE (1u << TB_HASH_BITS)

static TranslationBlock *_Atomic tb_hash_buckets[TB_HASH_SIZE];
static GMutex tb_cache_lock;
static atomic_uint tb_cache_nb;

void tb_cache_init(void)
{
    for (unsigned i = 0; i < TB_HASH_SIZE; i++) {
        atomic_store_explicit(&tb_hash_buckets[i], NULL, memory_order_relaxed);
    }
    atomic_store(&tb_cache_nb, 0);
}

/* ---- hashing ---- */

static inline uint64_t tb_hash_mix(uint64_t h)
{
    /* splitmix64 finalizer: every input bit affects every output bit. */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

uint32_t tb_hash_key(uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t flags,
                     uint32_t cflags)
{
    uint64_t h = tb_hash_mix(phys_pc ^ 0x9e3779b97f4a7c15ull);
    h = tb_hash_mix(h ^ pc ^ (cs_base << 1));
    h = tb_hash_mix(h ^ (((uint64_t)flags << 32) | cflags));
    return (uint32_t)h;
}

static inline bool tb_key_equal(const TranslationBlock *tb, uint64_t phys_pc, uint64_t pc,
                                uint64_t cs_base, uint32_t flags, uint32_t cflags)
{
    return tb->phys_pc == phys_pc && tb->pc == pc && tb->cs_base == cs_base &&
           tb->flags == flags && tb->cflags == cflags;
}

/* ---- global table ---- */

TranslationBlock *tb_cache_lookup(uint64_t phys_pc, uint64_t pc, uint64_t cs_base, uint32_t flags,
                                  uint32_t cflags)
{
    uint32_t h = tb_hash_key(phys_pc, pc, cs_base, flags, cflags);
    TranslationBlock *tb =
        atomic_load_explicit(&tb_hash_buckets[h & (TB_HASH_SIZE - 1)], memory_order_acquire);
    while (tb) {
        if (tb->hash == h && tb_key_equal(tb, phys_pc, pc, cs_base, flags, cflags) &&
            !atomic_load_explicit(&tb->invalid, memory_order_acquire)) {
            return tb;
        }
        tb = atomic_load_explicit(&tb->hash_next, memory_order_acquire);
    }
    return NULL;
}

TranslationBlock *tb_cache_insert(TranslationBlock *tb)
{
    TranslationBlock *_Atomic *head = &tb_hash_buckets[tb->hash & (TB_HASH_SIZE - 1)];
    sync_mutex_lock(&tb_cache_lock);
    for (TranslationBlock *p = atomic_load_explicit(head, memory_order_relaxed); p;
         p = atomic_load_explicit(&p->hash_next, memory_order_relaxed)) {
        if (p->hash == tb->hash && tb_key_equal(p, tb->phys_pc, tb->pc, tb->cs_base, tb->flags, tb->cflags) &&
            !atomic_load(&p->invalid)) {
            sync_mutex_unlock(&tb_cache_lock);
            return p;
        }
    }
    atomic_store_explicit(&tb->hash_next, atomic_load_explicit(head, memory_order_relaxed),
                          memory_order_relaxed);
    /* Release: a reader that sees tb also sees every field the translator wrote. */
    atomic_store_explicit(head, tb, memory_order_release);
    atomic_fetch_add(&tb_cache_nb, 1);
    sync_mutex_unlock(&tb_cache_lock);
    return tb;
}

void tb_cache_remove(TranslationBlock *tb)
{
    TranslationBlock *_Atomic *link = &tb_hash_buckets[tb->hash & (TB_HASH_SIZE - 1)];
    sync_mutex_lock(&tb_cache_lock);
    for (TranslationBlock *p; (p = atomic_load_explicit(link, memory_order_relaxed));
         link = &p->hash_next) {
        if (p == tb) {
            /* tb->hash_next stays as it is: readers on tb continue down the bucket. */
            atomic_store_explicit(link, atomic_load_explicit(&tb->hash_next, memory_order_relaxed),
                                  memory_order_release);
            atomic_fetch_sub(&tb_cache_nb, 1);
            break;
        }
    }
    sync_mutex_unlock(&tb_cache_lock);
}

void tb_cache_reset(void (*fn)(TranslationBlock *tb))
{
    sync_mutex_lock(&tb_cache_lock);
    for (unsigned i = 0; i < TB_HASH_SIZE; i++) {
        TranslationBlock *tb = atomic_load_explicit(&tb_hash_buckets[i], memory_order_relaxed);
        while (tb) {
            TranslationBlock *next = atomic_load_explicit(&tb->hash_next, memory_order_relaxed);
            if (fn) {
                fn(tb);
            }
            tb = next;
        }
        atomic_store_explicit(&tb_hash_buckets[i], NULL, memory_order_release);
    }
    atomic_store(&tb_cache_nb, 0);
    sync_mutex_unlock(&tb_cache_lock);
}

unsigned tb_cache_count(void) { return atomic_load(&tb_cache_nb); }
