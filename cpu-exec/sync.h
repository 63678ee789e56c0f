/*
 * sync.h — GMutex/GCond wrappers that ThreadSanitizer can see.
 *
 * On Linux, glib implements GMutex and GCond with raw futex system calls, which TSan does not
 * intercept: every access protected by a GMutex then looks like a data race. These wrappers
 * tell TSan about the happens-before edges (unlock -> next lock of the same mutex, including
 * the unlock/relock inside a condition wait) and compile to the plain glib calls otherwise.
 * Use them for any lock that protects data shared between threads.
 */
#ifndef TANDEM_CPU_EXEC_SYNC_H
#define TANDEM_CPU_EXEC_SYNC_H

#include <glib.h>
#include <stdbool.h>

#if defined(__SANITIZE_THREAD__)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
static inline void sync_tsan_acquire(void *p) { __tsan_acquire(p); }
static inline void sync_tsan_release(void *p) { __tsan_release(p); }
#else
static inline void sync_tsan_acquire(void *p) { (void)p; }
static inline void sync_tsan_release(void *p) { (void)p; }
#endif

static inline void sync_mutex_lock(GMutex *m)
{
    g_mutex_lock(m);
    sync_tsan_acquire(m);
}

static inline void sync_mutex_unlock(GMutex *m)
{
    sync_tsan_release(m);
    g_mutex_unlock(m);
}

static inline void sync_cond_wait(GCond *c, GMutex *m)
{
    sync_tsan_release(m);
    g_cond_wait(c, m);
    sync_tsan_acquire(m);
}

/* Waits until end_time (g_get_monotonic_time() clock); false on timeout. */
static inline bool sync_cond_wait_until(GCond *c, GMutex *m, gint64 end_time)
{
    sync_tsan_release(m);
    bool ok = g_cond_wait_until(c, m, end_time);
    sync_tsan_acquire(m);
    return ok;
}

#endif
