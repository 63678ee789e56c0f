/*
 * exclusive.c — the exclusive section: a stretch of time in which no vCPU is inside cpu_exec,
 * so nobody runs generated code, walks TB chains or touches its TLB. Used for safe work (TB
 * flush, changing code memory, broadcast TLB maintenance) and for guest atomics that cannot
 * be done with host atomics.
 *
 * State (all under excl_lock): excl_running counts vCPU threads between exclusive_exec_enter
 * and exclusive_exec_leave; excl_pending is set from the moment a section is requested until
 * it ends. A requester sets excl_pending, kicks every vCPU (each leaves generated code at the
 * next TB entry) and waits until excl_running drops to zero; vCPUs reaching their loop top wait
 * in exclusive_exec_enter while excl_pending is set. The requester must not itself be counted
 * as running (it calls from work items or a non-vCPU thread), otherwise it would wait forever.
 * A helper inside cpu_exec uses cpu_exclusive_start_in_exec/_end_in_exec instead: they stop
 * and resume counting the caller, the resume in the same hold of excl_lock as the end, so no
 * other section (a TB flush) can come between the end and the return to generated code.
 */
#include <glib.h>

#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"

static GMutex excl_lock;
static GCond excl_idle_cond;   /* excl_running reached zero */
static GCond excl_resume_cond; /* excl_pending cleared */
static int excl_running;
static bool excl_pending;
static __thread bool tls_in_exec;

bool exclusive_in_exec(void) { return tls_in_exec; }

void exclusive_exec_enter(CPUState *cpu)
{
    g_assert(!tls_in_exec);
    sync_mutex_lock(&excl_lock);
    while (excl_pending) {
        sync_cond_wait(&excl_resume_cond, &excl_lock);
    }
    excl_running++;
    sync_mutex_unlock(&excl_lock);
    tls_in_exec = true;
}

void exclusive_exec_leave(CPUState *cpu)
{
    g_assert(tls_in_exec);
    tls_in_exec = false;
    sync_mutex_lock(&excl_lock);
    excl_running--;
    if (excl_pending && excl_running == 0) {
        g_cond_broadcast(&excl_idle_cond);
    }
    sync_mutex_unlock(&excl_lock);
}

void cpu_exclusive_start(void)
{
    g_assert(!tls_in_exec);
    sync_mutex_lock(&excl_lock);
    while (excl_pending) { /* one section at a time */
        sync_cond_wait(&excl_resume_cond, &excl_lock);
    }
    excl_pending = true;
    sync_mutex_unlock(&excl_lock);

    /* Kicks take each vCPU's own lock: not while holding excl_lock. */
    for (int i = 0; i < vcpu_count(); i++) {
        cpu_kick(vcpu_get(i));
    }

    sync_mutex_lock(&excl_lock);
    while (excl_running > 0) {
        sync_cond_wait(&excl_idle_cond, &excl_lock);
    }
    sync_mutex_unlock(&excl_lock);
}

/* Ends the section; resume_exec counts the caller as inside cpu_exec again in the same hold
 * of excl_lock (cpu_exclusive_end_in_exec). */
static void exclusive_end(bool resume_exec)
{
    sync_mutex_lock(&excl_lock);
    g_assert(excl_pending);
    excl_pending = false;
    if (resume_exec) {
        excl_running++;
        tls_in_exec = true;
    }
    g_cond_broadcast(&excl_resume_cond);
    sync_mutex_unlock(&excl_lock);
}

void cpu_exclusive_end(void) { exclusive_end(false); }

bool cpu_exclusive_start_in_exec(CPUState *cpu)
{
    bool in_exec = exclusive_in_exec();
    uint32_t flushes = tb_flush_count();
    if (in_exec) {
        exclusive_exec_leave(cpu);
    }
    cpu_exclusive_start();
    if (in_exec && tb_flush_count() != flushes) {
        /* A section requested while we waited flushed the TBs: the code the helper would
         * return to is gone. Nothing done yet: leave, the instruction is retried. */
        cpu_exclusive_end_in_exec(cpu, true);
        cpu_loop_exit(cpu);
    }
    return in_exec;
}

void cpu_exclusive_end_in_exec(CPUState *cpu, bool in_exec) { exclusive_end(in_exec); }
