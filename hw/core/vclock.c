/*
 * vclock.c — the virtual clock (DESIGN.md "Time") and the timer thread (see vclock.h).
 *
 * Clock: virtual ns = host CLOCK_MONOTONIC ns - clock_bias while running, clock_frozen while
 * paused. Readers take no lock: the three fields sit behind a sequence counter (odd while a
 * writer changes them) and a reader retries if the counter moved. Writers (pause/resume) are
 * serialised by vclock_lock. Resume sets bias = host_now - frozen, so time continues from
 * where it stopped and never runs backwards.
 *
 * Timers: one list sorted by deadline (equal deadlines fire in arming order), protected by
 * vclock_lock together with timer_firing and the thread's state. The timer thread sleeps on
 * vclock_cond with a timed wait until the earliest deadline (g_cond_wait_until uses the same
 * host monotonic clock); arming a new earliest timer or resuming the clock signals it.
 * Firing a timer: unlink it under vclock_lock and note it in timer_firing; drop vclock_lock;
 * take the device lock; retake vclock_lock and run the callback only if timer_firing still
 * names it (a mod/del in between clears timer_firing). Lock order: device lock -> vclock_lock.
 *
 * Instruction-driven mode (-accel tcg,thread=single): virtual ns = executed guest instructions
 * of all vCPUs (1 ns each) + insn_warp, there is no timer thread, and the one thread running
 * the vCPUs fires due timers between quanta (vclock_run_timers) and, when every vCPU waits for
 * an interrupt, skips the clock to the next deadline (vclock_warp_to_next). Both depend only on
 * guest execution, so two runs of the same guest see the same times.
 */
#include "hw/core/vclock.h"

#include <glib.h>
#include <stdatomic.h>
#include <time.h>

#include "cpu-exec/sync.h"
#include "hw/core/memory.h"

struct VTimer {
    VTimerCallback cb; /* immutable after vtimer_new */
    void *opaque;
    int64_t deadline;  /* VCLOCK_NEVER when not in the list (vclock_lock) */
    VTimer *next;      /* list link (vclock_lock) */
};

/* ---- the clock ---- */

static atomic_uint clock_seq;
static _Atomic int64_t clock_bias;
static _Atomic int64_t clock_frozen;
static atomic_bool clock_paused;

static int64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The guest's time starts near zero when the process starts. */
__attribute__((constructor)) static void vclock_start(void)
{
    atomic_store(&clock_bias, host_ns());
}

/* ---- instruction-driven mode (deterministic single-thread mode) ---- */

/* Set once before vCPUs run (main thread); read-only afterwards. */
static int64_t (*insn_source)(void);
/* Virtual ns added to the instruction count: idle skips to timer deadlines (RR thread). */
static _Atomic int64_t insn_warp;

void vclock_set_insn_source(int64_t (*insns)(void))
{
    insn_source = insns;
}

bool vclock_insn_mode(void) { return insn_source != NULL; }

int64_t vclock_get_ns(void)
{
    if (insn_source) {
        /* 1 ns per executed guest instruction; pausing needs nothing: no vCPU runs then. */
        return insn_source() + atomic_load_explicit(&insn_warp, memory_order_relaxed);
    }
    for (;;) {
        unsigned s = atomic_load(&clock_seq);
        if (s & 1) {
            continue; /* a writer is between its two increments: a few stores */
        }
        bool paused = atomic_load_explicit(&clock_paused, memory_order_relaxed);
        int64_t frozen = atomic_load_explicit(&clock_frozen, memory_order_relaxed);
        int64_t bias = atomic_load_explicit(&clock_bias, memory_order_relaxed);
        /* Read the host clock before re-checking: a pause that started after this check
         * freezes at a later host time than ours, so no later reader sees a smaller value. */
        int64_t now = host_ns();
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load(&clock_seq) == s) {
            return paused ? frozen : now - bias;
        }
    }
}

/* ---- timer list and thread state (vclock_lock) ---- */

static GMutex vclock_lock;
static GCond vclock_cond;
static VTimer *timer_head;
static VTimer *timer_firing; /* unlinked for firing, callback not yet committed */
static GThread *timer_thread;
static bool timer_stop;

/* vclock_lock held. */
static void clock_write(bool paused, int64_t frozen, int64_t bias)
{
    atomic_fetch_add(&clock_seq, 1);
    atomic_store_explicit(&clock_paused, paused, memory_order_relaxed);
    atomic_store_explicit(&clock_frozen, frozen, memory_order_relaxed);
    atomic_store_explicit(&clock_bias, bias, memory_order_relaxed);
    atomic_fetch_add(&clock_seq, 1);
}

void vclock_pause(void)
{
    sync_mutex_lock(&vclock_lock);
    if (insn_source) {
        atomic_store(&clock_paused, true); /* timers do not fire while paused */
    } else if (!atomic_load(&clock_paused)) {
        int64_t bias = atomic_load(&clock_bias);
        /* The seq counter is odd before host_ns() is read: see vclock_get_ns. */
        atomic_fetch_add(&clock_seq, 1);
        int64_t frozen = host_ns() - bias;
        atomic_store_explicit(&clock_frozen, frozen, memory_order_relaxed);
        atomic_store_explicit(&clock_paused, true, memory_order_relaxed);
        atomic_fetch_add(&clock_seq, 1);
    }
    sync_mutex_unlock(&vclock_lock);
}

void vclock_resume(void)
{
    sync_mutex_lock(&vclock_lock);
    if (insn_source) {
        atomic_store(&clock_paused, false);
    } else if (atomic_load(&clock_paused)) {
        int64_t frozen = atomic_load(&clock_frozen);
        clock_write(false, frozen, host_ns() - frozen);
        g_cond_broadcast(&vclock_cond); /* deadlines count again */
    }
    sync_mutex_unlock(&vclock_lock);
}

bool vclock_is_paused(void) { return atomic_load(&clock_paused); }

/* ---- timers ---- */

VTimer *vtimer_new(VTimerCallback cb, void *opaque)
{
    g_assert(cb);
    VTimer *t = g_new0(VTimer, 1);
    t->cb = cb;
    t->opaque = opaque;
    t->deadline = VCLOCK_NEVER;
    return t;
}

/* vclock_lock held. Unlinks t if armed and cancels a firing not yet committed. */
static void timer_unlink(VTimer *t)
{
    if (timer_firing == t) {
        timer_firing = NULL;
    }
    if (t->deadline == VCLOCK_NEVER) {
        return;
    }
    for (VTimer **p = &timer_head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->deadline = VCLOCK_NEVER;
}

void vtimer_mod_ns(VTimer *t, int64_t deadline_ns)
{
    sync_mutex_lock(&vclock_lock);
    timer_unlink(t);
    if (deadline_ns != VCLOCK_NEVER) {
        VTimer **p = &timer_head;
        while (*p && (*p)->deadline <= deadline_ns) {
            p = &(*p)->next;
        }
        t->deadline = deadline_ns;
        t->next = *p;
        *p = t;
        if (timer_head == t) {
            g_cond_signal(&vclock_cond); /* a new earliest deadline */
        }
    }
    sync_mutex_unlock(&vclock_lock);
}

void vtimer_del(VTimer *t) { vtimer_mod_ns(t, VCLOCK_NEVER); }

bool vtimer_pending(VTimer *t)
{
    sync_mutex_lock(&vclock_lock);
    bool pending = t->deadline != VCLOCK_NEVER || timer_firing == t;
    sync_mutex_unlock(&vclock_lock);
    return pending;
}

int64_t vtimer_deadline_ns(VTimer *t)
{
    sync_mutex_lock(&vclock_lock);
    int64_t d = t->deadline;
    sync_mutex_unlock(&vclock_lock);
    return d;
}

void vtimer_free(VTimer *t)
{
    if (t) {
        vtimer_del(t);
        g_free(t);
    }
}

/* ---- timers fired by the caller (instruction-driven mode) ---- */

int64_t vclock_next_deadline(void)
{
    sync_mutex_lock(&vclock_lock);
    int64_t d = timer_head && !atomic_load(&clock_paused) ? timer_head->deadline : VCLOCK_NEVER;
    sync_mutex_unlock(&vclock_lock);
    return d;
}

/* Fires t, already unlinked and recorded in timer_firing; called and returns with vclock_lock
 * held, drops it meanwhile (lock order: device lock -> vclock_lock). */
static void timer_fire(VTimer *t)
{
    sync_mutex_unlock(&vclock_lock);
    device_lock();
    sync_mutex_lock(&vclock_lock);
    bool run = timer_firing == t;
    timer_firing = NULL;
    sync_mutex_unlock(&vclock_lock);
    if (run) {
        /* t cannot be freed now: vtimer_free needs the device lock, which we hold. */
        t->cb(t->opaque);
    }
    device_unlock();
    sync_mutex_lock(&vclock_lock);
}

/* vclock_lock held: unlinks the earliest timer if it is due, or returns NULL. */
static VTimer *timer_take_due(int64_t now)
{
    VTimer *t = timer_head;
    if (!t || atomic_load(&clock_paused) || t->deadline > now) {
        return NULL;
    }
    timer_head = t->next;
    t->next = NULL;
    t->deadline = VCLOCK_NEVER;
    timer_firing = t;
    return t;
}

void vclock_run_timers(void)
{
    g_assert(insn_source);
    sync_mutex_lock(&vclock_lock);
    for (;;) {
        VTimer *t = timer_take_due(vclock_get_ns());
        if (!t) {
            break;
        }
        timer_fire(t);
    }
    sync_mutex_unlock(&vclock_lock);
}

bool vclock_warp_to_next(void)
{
    g_assert(insn_source);
    int64_t d = vclock_next_deadline();
    if (d == VCLOCK_NEVER) {
        return false;
    }
    int64_t now = vclock_get_ns();
    if (d > now) {
        atomic_fetch_add(&insn_warp, d - now);
    }
    return true;
}

/* ---- the timer thread ---- */

/* vclock_lock held. Sleeps until the earliest deadline, a signal, or (paused / no timer) a
 * signal only. Returns the timer to fire, unlinked and recorded in timer_firing, or NULL. */
static VTimer *timer_thread_next(void)
{
    VTimer *t = timer_head;
    if (!t || atomic_load(&clock_paused)) {
        sync_cond_wait(&vclock_cond, &vclock_lock);
        return NULL;
    }
    int64_t delta = t->deadline - vclock_get_ns();
    if (delta > 0) {
        /* Round up to whole microseconds; cap long sleeps (the loop simply waits again). */
        const int64_t cap_ns = 3600ll * 1000000000;
        int64_t us = (delta > cap_ns ? cap_ns : delta + 999) / 1000;
        sync_cond_wait_until(&vclock_cond, &vclock_lock, g_get_monotonic_time() + us);
        return NULL;
    }
    timer_head = t->next;
    t->next = NULL;
    t->deadline = VCLOCK_NEVER;
    timer_firing = t;
    return t;
}

static gpointer timer_thread_main(gpointer arg)
{
    sync_mutex_lock(&vclock_lock);
    while (!timer_stop) {
        VTimer *t = timer_thread_next();
        if (!t) {
            continue;
        }
        timer_fire(t);
    }
    sync_mutex_unlock(&vclock_lock);
    return NULL;
}

void vclock_init(void)
{
    sync_mutex_lock(&vclock_lock);
    g_assert(!timer_thread);
    timer_stop = false;
    if (insn_source) {
        /* Timers fire on the thread that runs the vCPUs (vclock_run_timers). */
        sync_mutex_unlock(&vclock_lock);
        return;
    }
    timer_thread = g_thread_new("vclock-timer", timer_thread_main, NULL);
    sync_mutex_unlock(&vclock_lock);
}

void vclock_shutdown(void)
{
    sync_mutex_lock(&vclock_lock);
    GThread *th = timer_thread;
    timer_stop = true;
    g_cond_broadcast(&vclock_cond);
    sync_mutex_unlock(&vclock_lock);
    if (th) {
        g_thread_join(th);
    }
    sync_mutex_lock(&vclock_lock);
    timer_thread = NULL;
    timer_stop = false;
    sync_mutex_unlock(&vclock_lock);
}
