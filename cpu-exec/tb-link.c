/*
 * tb-link.c — chaining: patching a TB's direct exit (GOTO_TB slot n) to jump straight into the
 * next TB, and undoing it when either end is invalidated.
 *
 * Every edge src --n--> dst is recorded twice: src->jmp_dest[n] and an entry in dst->incoming.
 * Both, and the backend patch (Backend.set_jmp_target, one atomic store in the code), change
 * only under tb_link_lock. tb_add_jump checks validity under that lock and invalidation sets
 * tb->invalid before taking it, so an edge to or from an invalid TB is never left behind.
 * The translator only emits GOTO_TB for targets in the same guest page, so a change of
 * address translation never requires unchaining.
 */
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"

static GMutex tb_link_lock;

static void tb_incoming_add(TranslationBlock *dst, TranslationBlock *src, int n)
{
    if (dst->nb_incoming == dst->cap_incoming) {
        dst->cap_incoming = dst->cap_incoming ? dst->cap_incoming * 2 : 4;
        dst->incoming = g_renew(TBJmpIncoming, dst->incoming, dst->cap_incoming);
    }
    dst->incoming[dst->nb_incoming++] = (TBJmpIncoming){.src = src, .n = n};
}

static void tb_incoming_del(TranslationBlock *dst, TranslationBlock *src, int n)
{
    for (uint32_t i = 0; i < dst->nb_incoming; i++) {
        if (dst->incoming[i].src == src && dst->incoming[i].n == n) {
            dst->incoming[i] = dst->incoming[--dst->nb_incoming];
            return;
        }
    }
}

void tb_add_jump(TranslationBlock *src, int n, TranslationBlock *dst)
{
    g_assert(n == 0 || n == 1);
    if (src->jmp_insn_offset[n] == TB_JMP_NONE) {
        return; /* the backend emitted no patchable jump for this slot */
    }
    sync_mutex_lock(&tb_link_lock);
    if (!atomic_load(&src->invalid) && !atomic_load(&dst->invalid) &&
        atomic_load_explicit(&src->jmp_dest[n], memory_order_relaxed) == NULL) {
        tb_incoming_add(dst, src, n);
        atomic_store_explicit(&src->jmp_dest[n], dst, memory_order_relaxed);
        g_cpu_exec_backend->set_jmp_target(src, n, dst);
    }
    sync_mutex_unlock(&tb_link_lock);
}

void tb_unlink_all(TranslationBlock *tb)
{
    sync_mutex_lock(&tb_link_lock);
    /* Jumps into tb go back to their exit path: executors return to cpu_exec and look up. */
    for (uint32_t i = 0; i < tb->nb_incoming; i++) {
        TranslationBlock *src = tb->incoming[i].src;
        int n = tb->incoming[i].n;
        atomic_store_explicit(&src->jmp_dest[n], NULL, memory_order_relaxed);
        g_cpu_exec_backend->set_jmp_target(src, n, NULL);
    }
    tb->nb_incoming = 0;
    /* Jumps out of tb: forget the edges so the targets' lists stay exact. */
    for (int n = 0; n < 2; n++) {
        TranslationBlock *dst = atomic_load_explicit(&tb->jmp_dest[n], memory_order_relaxed);
        if (dst) {
            tb_incoming_del(dst, tb, n);
            atomic_store_explicit(&tb->jmp_dest[n], NULL, memory_order_relaxed);
            g_cpu_exec_backend->set_jmp_target(tb, n, NULL);
        }
    }
    g_free(tb->incoming);
    tb->incoming = NULL;
    tb->cap_incoming = 0;
    sync_mutex_unlock(&tb_link_lock);
}

void tb_link_release(TranslationBlock *tb)
{
    sync_mutex_lock(&tb_link_lock);
    g_free(tb->incoming);
    tb->incoming = NULL;
    tb->nb_incoming = tb->cap_incoming = 0;
    sync_mutex_unlock(&tb_link_lock);
}
