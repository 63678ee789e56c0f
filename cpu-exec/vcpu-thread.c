/*
 * vcpu-thread.c — one host thread per vCPU and its life cycle (DESIGN.md rules 1-4): the
 * registry of vCPUs, the thread loop (sleep while idle, run work, wake from halt, execute),
 * kicks, pausing and resuming all vCPUs for the main loop, and shutdown.
 *
 * The thread sleeps on CPUState.cond while cpu_vcpu_is_idle(), evaluated under CPUState.lock;
 * everyone who may end the idleness (cpu_kick, queuing work, a stop/resume, shutdown) changes
 * the state first and then signals under that lock, so no wake-up is lost. A kick never runs
 * a vCPU: a powered-off vCPU, or a halted one without an architectural wake event
 * (arch->has_work), goes back to sleep however often it is kicked. Only the owner thread
 * writes `halted`.
 *
 * The registry is filled on the main thread before any vCPU thread starts and is read-only
 * afterwards (vcpu_count is atomic so that late readers are well-defined).
 */
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"
#include "system/runstate.h"

#define MAX_VCPUS 512

static CPUState *vcpu_table[MAX_VCPUS];
static atomic_int vcpu_nb;
static atomic_bool vcpu_exiting;
static __thread CPUState *tls_current_cpu;

/* ---- registry ---- */

void vcpu_register(CPUState *cpu)
{
    int n = atomic_load(&vcpu_nb);
    if (n >= MAX_VCPUS) {
        g_error("tandem: more than %d vCPUs", MAX_VCPUS);
    }
    vcpu_table[n] = cpu;
    atomic_store(&vcpu_nb, n + 1);
}

int vcpu_count(void) { return atomic_load(&vcpu_nb); }

CPUState *vcpu_get(int index)
{
    g_assert(index >= 0 && index < vcpu_count());
    return vcpu_table[index];
}

CPUState *current_cpu(void) { return tls_current_cpu; }

bool qemu_cpu_is_self(CPUState *cpu) { return tls_current_cpu == cpu; }

bool vcpu_threads_exiting(void) { return atomic_load(&vcpu_exiting); }

/* ---- kicks and sleeping ---- */

void cpu_kick(CPUState *cpu)
{
    atomic_store(&cpu->exit_request, 1);
    sync_mutex_lock(&cpu->lock);
    g_cond_broadcast(&cpu->cond);
    sync_mutex_unlock(&cpu->lock);
}

/* Under cpu->lock, on the owner thread. */
static bool cpu_vcpu_is_idle(CPUState *cpu)
{
    if (!g_queue_is_empty(&cpu->work)) {
        return false;
    }
    if (atomic_load(&cpu->stop) || runstate_shutdown_requested() ||
        atomic_load(&cpu->power_state) != CPU_POWER_ON || atomic_load(&cpu->held)) {
        return true;
    }
    return cpu->halted && !cpu->arch->has_work(cpu);
}

static bool cpu_vcpu_may_run(CPUState *cpu)
{
    return !cpu->halted && atomic_load(&cpu->power_state) == CPU_POWER_ON &&
           !atomic_load(&cpu->held) &&
           !atomic_load(&cpu->stop) && !runstate_shutdown_requested() && !vcpu_threads_exiting();
}

static gpointer vcpu_thread_main(gpointer opaque)
{
    CPUState *cpu = opaque;
    tls_current_cpu = cpu;
    cpu_exec_vcpu_init(cpu);
    atomic_store(&cpu->created, true);

    sync_mutex_lock(&cpu->lock);
    for (;;) {
        while (!vcpu_threads_exiting() && cpu_vcpu_is_idle(cpu)) {
            if (!cpu->parked) {
                cpu->parked = true;
                g_cond_broadcast(&cpu->cond); /* vcpus_pause_all may be waiting */
            }
            sync_cond_wait(&cpu->cond, &cpu->lock);
        }
        cpu->parked = false;
        if (vcpu_threads_exiting()) {
            break;
        }
        sync_mutex_unlock(&cpu->lock);

        cpu_work_run_queued(cpu);
        if (cpu->halted && cpu->arch->has_work(cpu)) {
            cpu->halted = false; /* rule 3: only the owner clears halted */
        }
        if (cpu_vcpu_may_run(cpu)) {
            exclusive_exec_enter(cpu);
            cpu_exec(cpu); /* EXCP_HALTED: the idle check above puts us to sleep */
            exclusive_exec_leave(cpu);
        }

        sync_mutex_lock(&cpu->lock);
    }
    cpu->parked = true;
    g_cond_broadcast(&cpu->cond);
    sync_mutex_unlock(&cpu->lock);
    /* Work queued after the end would wait forever: run what is there. */
    cpu_work_run_queued(cpu);
    tls_current_cpu = NULL;
    return NULL;
}

void vcpu_thread_start(CPUState *cpu)
{
    char name[32];
    g_snprintf(name, sizeof(name), "vcpu-%d", cpu->cpu_index);
    cpu->thread = g_thread_new(name, vcpu_thread_main, cpu);
}

/* ---- pause / resume / shutdown (main loop) ---- */

void vcpus_pause_all(void)
{
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        atomic_store(&cpu->stop, true);
        cpu_kick(cpu);
    }
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if (!cpu->thread) {
            continue; /* never started: nothing runs */
        }
        sync_mutex_lock(&cpu->lock);
        while (!cpu->parked) {
            sync_cond_wait(&cpu->cond, &cpu->lock);
        }
        sync_mutex_unlock(&cpu->lock);
    }
}

void vcpus_resume_all(void)
{
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        atomic_store(&cpu->stop, false);
        cpu_kick(cpu);
    }
}

void vcpus_stop_and_join(void)
{
    atomic_store(&vcpu_exiting, true);
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        cpu_kick(vcpu_get(i));
    }
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if (cpu->thread) {
            g_thread_join(cpu->thread);
            cpu->thread = NULL;
        }
    }
}
