/*
 * test-vclock.c — the virtual clock and its timer thread (hw/core/vclock.c): the clock is
 * monotonic and stands still while paused; timers fire in deadline order and never early;
 * deleted or re-armed timers do not fire their old deadline; callbacks run with the device lock
 * held (and a del under the device lock wins against a firing already under way); many timers
 * and several threads re-arming timers at once. Runs under ThreadSanitizer too, so everything
 * the callbacks share with the test thread is atomic.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdatomic.h>

#include "hw/core/memory.h"
#include "hw/core/vclock.h"

#define MS 1000000ll

static void setup(void)
{
    /* glib creates a GRecMutex's pthread mutex on first use, through atomics TSan cannot see:
     * take the device lock once before any other thread exists. */
    device_lock();
    device_unlock();
    vclock_init();
}
static void teardown(void) { vclock_shutdown(); }

/* Polls cond for up to 5 s of host time. */
static bool wait_for(atomic_int *v, int want)
{
    for (int i = 0; i < 5000; i++) {
        if (atomic_load(v) >= want) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/* ---- the clock ---- */

Test(vclock, monotonic_and_advancing)
{
    int64_t first = vclock_get_ns(), prev = first;
    cr_assert_geq(first, 0);
    for (int i = 0; i < 100000; i++) {
        int64_t now = vclock_get_ns();
        cr_assert_geq(now, prev);
        prev = now;
    }
    g_usleep(2000);
    cr_assert_geq(vclock_get_ns() - first, 2 * MS);
}

Test(vclock, pause_stops_the_clock)
{
    vclock_pause();
    cr_assert(vclock_is_paused());
    int64_t a = vclock_get_ns();
    g_usleep(5000);
    cr_assert_eq(vclock_get_ns(), a);
    vclock_pause(); /* no-op */
    vclock_resume();
    cr_assert_not(vclock_is_paused());
    int64_t b = vclock_get_ns();
    cr_assert_geq(b, a);
    cr_assert_lt(b - a, 4 * MS, "the paused 5 ms must not count (%lld)", (long long)(b - a));
    vclock_resume(); /* no-op */
}

/* ---- ordering ---- */

typedef struct Rec {
    atomic_int *counter;
    _Atomic int64_t deadline;
    _Atomic int64_t fired_at;
    atomic_int order; /* 1-based position in which it fired, 0 = not fired */
    atomic_int times;
} Rec;

static void rec_cb(void *opaque)
{
    Rec *r = opaque;
    atomic_store(&r->fired_at, vclock_get_ns());
    atomic_store(&r->order, atomic_fetch_add(r->counter, 1) + 1);
    atomic_fetch_add(&r->times, 1);
}

static void rec_arm(VTimer *t, Rec *r, int64_t deadline)
{
    atomic_store(&r->deadline, deadline);
    vtimer_mod_ns(t, deadline);
}

Test(vclock, fires_in_deadline_order_never_early, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec r[3] = {{.counter = &n}, {.counter = &n}, {.counter = &n}};
    VTimer *t[3];
    for (int i = 0; i < 3; i++) {
        t[i] = vtimer_new(rec_cb, &r[i]);
        cr_assert_not(vtimer_pending(t[i]));
    }
    int64_t now = vclock_get_ns();
    rec_arm(t[0], &r[0], now + 30 * MS);
    rec_arm(t[1], &r[1], now + 10 * MS);
    rec_arm(t[2], &r[2], now + 20 * MS);
    cr_assert(vtimer_pending(t[0]));
    cr_assert_eq(vtimer_deadline_ns(t[1]), now + 10 * MS);
    cr_assert(wait_for(&n, 3));
    cr_assert_eq(atomic_load(&r[1].order), 1);
    cr_assert_eq(atomic_load(&r[2].order), 2);
    cr_assert_eq(atomic_load(&r[0].order), 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_geq(atomic_load(&r[i].fired_at), atomic_load(&r[i].deadline));
        cr_assert_not(vtimer_pending(t[i]));
        cr_assert_eq(vtimer_deadline_ns(t[i]), VCLOCK_NEVER);
    }
    device_lock();
    for (int i = 0; i < 3; i++) {
        vtimer_free(t[i]);
    }
    device_unlock();
}

Test(vclock, past_deadline_fires_at_once, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec r = {.counter = &n};
    VTimer *t = vtimer_new(rec_cb, &r);
    vtimer_mod_ns(t, 0);
    cr_assert(wait_for(&n, 1));
    cr_assert_eq(atomic_load(&r.times), 1);
}

/* ---- cancellation ---- */

Test(vclock, del_and_rearm_cancel_the_old_deadline, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec a = {.counter = &n}, b = {.counter = &n};
    VTimer *ta = vtimer_new(rec_cb, &a), *tb = vtimer_new(rec_cb, &b);
    int64_t now = vclock_get_ns();
    vtimer_mod_ns(ta, now + 10 * MS);
    vtimer_mod_ns(tb, now + 10 * MS);
    vtimer_del(ta);
    cr_assert_not(vtimer_pending(ta));
    vtimer_mod_ns(tb, now + 40 * MS); /* re-arm later: the 10 ms deadline is gone */
    g_usleep(25000);
    cr_assert_eq(atomic_load(&n), 0);
    cr_assert(vtimer_pending(tb));
    cr_assert(wait_for(&n, 1));
    cr_assert_geq(atomic_load(&b.fired_at), now + 40 * MS);
    g_usleep(20000);
    cr_assert_eq(atomic_load(&a.times), 0);
    cr_assert_eq(atomic_load(&b.times), 1);
}

/* ---- callbacks run under the device lock ---- */

/* Takes the device lock, arms a timer for now and gives the timer thread 20 ms to reach it. */
static VTimer *arm_now_holding_device_lock(Rec *r)
{
    VTimer *t = vtimer_new(rec_cb, r);
    device_lock();
    vtimer_mod_ns(t, vclock_get_ns());
    g_usleep(20000);
    return t;
}

Test(vclock, callback_waits_for_the_device_lock, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec r = {.counter = &n};
    arm_now_holding_device_lock(&r);
    cr_assert_eq(atomic_load(&n), 0, "a callback ran without the device lock");
    device_unlock();
    cr_assert(wait_for(&n, 1));
}

Test(vclock, del_under_device_lock_beats_a_firing_under_way, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec r = {.counter = &n};
    /* the timer thread has unlinked t and waits for the device lock */
    VTimer *t = arm_now_holding_device_lock(&r);
    cr_assert(vtimer_pending(t));
    vtimer_del(t);
    cr_assert_not(vtimer_pending(t));
    device_unlock();
    g_usleep(20000);
    cr_assert_eq(atomic_load(&n), 0);
    /* and a callback may re-arm or delete timers itself (device lock -> list lock) */
    vtimer_mod_ns(t, vclock_get_ns() + MS);
    cr_assert(wait_for(&n, 1));
}

static void rearm_cb(void *opaque);
typedef struct Rearm {
    VTimer *t;
    atomic_int count;
} Rearm;

static void rearm_cb(void *opaque)
{
    Rearm *r = opaque;
    if (atomic_fetch_add(&r->count, 1) + 1 < 5) {
        vtimer_mod_ns(r->t, vclock_get_ns() + MS);
    }
}

Test(vclock, callback_rearms_itself, .init = setup, .fini = teardown)
{
    Rearm r = {0};
    r.t = vtimer_new(rearm_cb, &r);
    vtimer_mod_ns(r.t, vclock_get_ns() + MS);
    cr_assert(wait_for(&r.count, 5));
    g_usleep(10000);
    cr_assert_eq(atomic_load(&r.count), 5);
    cr_assert_not(vtimer_pending(r.t));
}

/* ---- pausing holds timers ---- */

Test(vclock, paused_clock_holds_timers, .init = setup, .fini = teardown)
{
    atomic_int n = 0;
    Rec r = {.counter = &n};
    VTimer *t = vtimer_new(rec_cb, &r);
    vclock_pause();
    int64_t frozen = vclock_get_ns();
    vtimer_mod_ns(t, frozen + 5 * MS);
    g_usleep(30000);
    cr_assert_eq(atomic_load(&n), 0);
    vclock_resume();
    cr_assert(wait_for(&n, 1));
    cr_assert_geq(atomic_load(&r.fired_at), frozen + 5 * MS);
}

/* ---- many timers ---- */

#define MANY 1000

Test(vclock, many_timers_all_fire_in_order, .init = setup, .fini = teardown)
{
    static Rec r[MANY];
    static VTimer *t[MANY];
    atomic_int n = 0;
    GRand *rand = g_rand_new_with_seed(42);
    vclock_pause(); /* arm them all before any fires, however slow arming is (TSan) */
    int64_t now = vclock_get_ns();
    for (int i = 0; i < MANY; i++) {
        r[i] = (Rec){.counter = &n};
        t[i] = vtimer_new(rec_cb, &r[i]);
        rec_arm(t[i], &r[i], now + g_rand_int_range(rand, 0, 50) * MS);
    }
    vclock_resume();
    cr_assert(wait_for(&n, MANY));
    for (int i = 0; i < MANY; i++) {
        cr_assert_eq(atomic_load(&r[i].times), 1);
        cr_assert_geq(atomic_load(&r[i].fired_at), atomic_load(&r[i].deadline));
        for (int j = 0; j < MANY; j += 37) {
            if (atomic_load(&r[j].deadline) < atomic_load(&r[i].deadline)) {
                cr_assert_lt(atomic_load(&r[j].order), atomic_load(&r[i].order));
            }
        }
    }
    g_rand_free(rand);
}

/* ---- several threads re-arming the same timers ---- */

#define THREADS 4
#define SHARED 16

typedef struct Stress {
    VTimer **timers;
    Rec *recs;
    int seed;
} Stress;

static gpointer stress_thread(gpointer arg)
{
    Stress *s = arg;
    GRand *rand = g_rand_new_with_seed((guint32)s->seed);
    for (int i = 0; i < 3000; i++) {
        int k = g_rand_int_range(rand, 0, SHARED);
        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:
            vtimer_del(s->timers[k]);
            break;
        case 1: /* some callers hold the device lock, as vCPUs in MMIO do */
            device_lock();
            vtimer_mod_ns(s->timers[k], vclock_get_ns() + g_rand_int_range(rand, 0, 200000));
            device_unlock();
            break;
        default:
            vtimer_mod_ns(s->timers[k], vclock_get_ns() + g_rand_int_range(rand, 0, 200000));
            (void)vtimer_pending(s->timers[k]);
            break;
        }
    }
    g_rand_free(rand);
    return NULL;
}

Test(vclock, mod_from_several_threads, .init = setup, .fini = teardown, .timeout = 60)
{
    static VTimer *timers[SHARED];
    static Rec recs[SHARED];
    atomic_int n = 0;
    for (int i = 0; i < SHARED; i++) {
        recs[i] = (Rec){.counter = &n};
        timers[i] = vtimer_new(rec_cb, &recs[i]);
    }
    Stress s[THREADS];
    GThread *th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        s[i] = (Stress){timers, recs, i + 1};
        th[i] = g_thread_new("stress", stress_thread, &s[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        g_thread_join(th[i]);
    }
    /* Whatever is still armed fires exactly once more; then nothing stays pending. */
    int before, armed = 0;
    device_lock(); /* no callback runs while we count */
    before = atomic_load(&n);
    int fired_before[SHARED];
    for (int i = 0; i < SHARED; i++) {
        armed += vtimer_pending(timers[i]);
        fired_before[i] = atomic_load(&recs[i].times);
    }
    device_unlock();
    cr_assert(wait_for(&n, before + armed));
    g_usleep(5000);
    cr_assert_eq(atomic_load(&n), before + armed);
    for (int i = 0; i < SHARED; i++) {
        cr_assert_not(vtimer_pending(timers[i]));
        cr_assert_leq(atomic_load(&recs[i].times) - fired_before[i], 1);
    }
}
