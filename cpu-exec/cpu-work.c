/*
 * cpu-work.c — cross-thread requests to a vCPU as work items (DESIGN.md rule 4): run_on_cpu
 * waits for the item, async_run_on_cpu does not, async_safe_run_on_cpu runs it on the target's
 * thread inside an exclusive section (no vCPU in generated code).
 *
 * The queue (CPUState.work) is protected by CPUState.lock; queuing kicks the target, whose
 * thread wakes (a non-empty queue is never idle) or leaves generated code, and runs the items
 * in order on its own thread. Completion of a waited-for item is signalled under the lock of
 * the waiting vCPU (which keeps running its own work items meanwhile, so two vCPUs waiting on
 * each other cannot deadlock) or under work_done_lock for a non-vCPU waiter. Nothing here
 * holds a lock while calling a work function.
 * In single-thread mode every vCPU lives on one thread: run_on_cpu from a vCPU to another runs
 * the target's queue at once on the calling thread (vcpu_single_run_work).
 */
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"

typedef struct CPUWorkItem {
    CPUWorkFunc fn;
    void *arg;
    bool safe;       /* run inside an exclusive section */
    bool free_after; /* async: the item is heap-allocated and nobody waits */
    bool done;       /* under the waiter's lock (waiter's CPUState.lock or work_done_lock) */
    CPUState *waiter;
} CPUWorkItem;

static GMutex work_done_lock;
static GCond work_done_cond;

static void cpu_work_queue(CPUState *cpu, CPUWorkItem *wi)
{
    sync_mutex_lock(&cpu->lock);
    g_queue_push_tail(&cpu->work, wi);
    sync_mutex_unlock(&cpu->lock);
    cpu_kick(cpu);
}

static void cpu_work_complete(CPUWorkItem *wi)
{
    if (wi->free_after) {
        g_free(wi);
        return;
    }
    /* After done is set and the lock released, wi (on the waiter's stack) may vanish. */
    if (wi->waiter) {
        CPUState *w = wi->waiter;
        sync_mutex_lock(&w->lock);
        wi->done = true;
        g_cond_broadcast(&w->cond);
        sync_mutex_unlock(&w->lock);
    } else {
        sync_mutex_lock(&work_done_lock);
        wi->done = true;
        g_cond_broadcast(&work_done_cond);
        sync_mutex_unlock(&work_done_lock);
    }
}

void cpu_work_run_queued(CPUState *cpu)
{
    for (;;) {
        sync_mutex_lock(&cpu->lock);
        CPUWorkItem *wi = g_queue_pop_head(&cpu->work);
        sync_mutex_unlock(&cpu->lock);
        if (!wi) {
            return;
        }
        if (wi->safe) {
            cpu_exclusive_start();
            wi->fn(cpu, wi->arg);
            cpu_exclusive_end();
        } else {
            wi->fn(cpu, wi->arg);
        }
        cpu_work_complete(wi);
    }
}

/* A vCPU thread waits for wi while running the items queued on itself. */
static void cpu_work_wait_as_vcpu(CPUState *self, CPUWorkItem *wi)
{
    sync_mutex_lock(&self->lock);
    while (!wi->done) {
        if (!g_queue_is_empty(&self->work)) {
            sync_mutex_unlock(&self->lock);
            cpu_work_run_queued(self);
            sync_mutex_lock(&self->lock);
            continue;
        }
        sync_cond_wait(&self->cond, &self->lock);
    }
    sync_mutex_unlock(&self->lock);
}

/*
 * A vCPU about to wait for others (or run their work) from a helper inside cpu_exec counts as
 * outside generated code meanwhile, so an exclusive section requested in between (possibly by
 * a vCPU it waits for) can proceed. If that section flushed the TBs, the code it would return
 * to is gone: exec_resume leaves the loop instead; the guest pc is precise at helper calls.
 */
typedef struct ExecPause {
    bool in_exec;
    uint32_t flushes;
} ExecPause;

static ExecPause exec_pause(CPUState *self)
{
    ExecPause p = {.in_exec = exclusive_in_exec(), .flushes = tb_flush_count()};
    if (p.in_exec) {
        exclusive_exec_leave(self);
    }
    return p;
}

static void exec_resume(CPUState *self, ExecPause p)
{
    if (p.in_exec) {
        exclusive_exec_enter(self);
        if (tb_flush_count() != p.flushes) {
            cpu_loop_exit(self);
        }
    }
}

/* The calling thread (self, or a non-vCPU thread if NULL) waits until every item is done. */
static void cpu_work_wait_all(CPUState *self, CPUWorkItem *items, int n)
{
    if (!self) {
        sync_mutex_lock(&work_done_lock);
        for (int i = 0; i < n; i++) {
            while (!items[i].done) {
                sync_cond_wait(&work_done_cond, &work_done_lock);
            }
        }
        sync_mutex_unlock(&work_done_lock);
        return;
    }
    ExecPause p = exec_pause(self);
    for (int i = 0; i < n; i++) {
        cpu_work_wait_as_vcpu(self, &items[i]);
    }
    exec_resume(self, p);
}

void run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg)
{
    CPUState *self = current_cpu();
    if (self == cpu) {
        fn(cpu, arg);
        return;
    }
    CPUWorkItem wi = {.fn = fn, .arg = arg, .waiter = self};
    cpu_work_queue(cpu, &wi);
    if (self && vcpu_single_thread()) {
        /* cpu lives on this very thread and is not running: run its queue (ours last) here,
         * as cpu, instead of waiting for a turn that could never come. */
        ExecPause p = exec_pause(self);
        vcpu_single_run_work(cpu);
        g_assert(wi.done);
        exec_resume(self, p);
        return;
    }
    cpu_work_wait_all(self, &wi, 1);
}

void run_on_other_cpus(CPUState *skip, CPUWorkFunc fn, void *arg, CPUWorkFunc parked_fn)
{
    CPUState *self = current_cpu();
    bool single = self && vcpu_single_thread(); /* every vCPU lives on this thread */
    int n = vcpu_count();
    CPUWorkItem *items = g_new0(CPUWorkItem, n);
    int queued = 0;
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        /* A vCPU whose thread has not initialised yet has nothing cached from before the
         * caller's change; a thread that is ending runs no more work. */
        if (cpu == self || cpu == skip || !atomic_load(&cpu->created) ||
            vcpu_threads_exiting()) {
            continue;
        }
        if (single) {
            run_on_cpu(cpu, fn, arg); /* runs its queue here at once */
            continue;
        }
        CPUWorkItem *wi = &items[queued];
        *wi = (CPUWorkItem){.fn = fn, .arg = arg, .waiter = self};
        sync_mutex_lock(&cpu->lock);
        bool parked = cpu->parked;
        if (parked) {
            /* Its thread sleeps in the idle loop, outside guest code, and leaves it only
             * under this lock: what parked_fn records is seen before it runs again. */
            parked_fn(cpu, arg);
        } else {
            g_queue_push_tail(&cpu->work, wi);
        }
        sync_mutex_unlock(&cpu->lock);
        if (!parked) {
            cpu_kick(cpu);
            queued++;
        }
    }
    if (!single) {
        cpu_work_wait_all(self, items, queued);
    }
    g_free(items);
}

void async_run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg)
{
    CPUWorkItem *wi = g_new0(CPUWorkItem, 1);
    wi->fn = fn;
    wi->arg = arg;
    wi->free_after = true;
    cpu_work_queue(cpu, wi);
}

void async_safe_run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg)
{
    CPUWorkItem *wi = g_new0(CPUWorkItem, 1);
    wi->fn = fn;
    wi->arg = arg;
    wi->safe = true;
    wi->free_after = true;
    cpu_work_queue(cpu, wi);
}
