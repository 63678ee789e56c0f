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
 *
 * Single-thread mode (-accel tcg,thread=single, chosen before any thread starts): one host
 * thread runs vCPU 0, 1, ..., n-1 in turn, each for RR_QUANTUM guest instructions (generated
 * code leaves at a TB entry once insn_count reaches insn_limit), skipping idle vCPUs by the
 * same rules and running their work items; current_cpu() follows the vCPU being run. Timers
 * fire on this thread after each turn, on a clock made of executed instructions; when a round
 * finds every vCPU idle and one waits in WFI, the clock skips to the next timer deadline;
 * otherwise the thread sleeps on rr_cond until a kick (every cpu_kick bumps rr_kick_seq under
 * rr_lock). rr_parked (rr_lock) plays CPUState.parked's part for vcpus_pause_all: it is
 * cleared under rr_lock before a vCPU's turn re-reads its stop flag, so a pause that saw it set
 * knows no turn will start.
 */
#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/io-pending.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/vclock.h"
#include "system/runstate.h"
#include "tcg/ir.h"

#define MAX_VCPUS 512

static CPUState *vcpu_table[MAX_VCPUS];
static atomic_int vcpu_nb;
static atomic_bool vcpu_exiting;
static __thread CPUState *tls_current_cpu;

/* Guest instructions a vCPU runs per turn in single-thread mode. */
#define RR_QUANTUM 10000

static bool g_single_thread; /* set before any vCPU thread starts, read-only afterwards */
static GThread *rr_thread;
static GMutex rr_lock;
static GCond rr_cond;
static uint64_t rr_kick_seq; /* rr_lock */
static bool rr_parked;       /* rr_lock */

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
    g_cond_broadcast(&cpu->cond); /* io-pending waits and run_on_cpu waiters sleep here */
    sync_mutex_unlock(&cpu->lock);
    if (g_single_thread) {
        sync_mutex_lock(&rr_lock);
        rr_kick_seq++;
        g_cond_broadcast(&rr_cond);
        sync_mutex_unlock(&rr_lock);
    }
}

/* Under cpu->lock, on the owner thread. */
static bool cpu_vcpu_is_idle(CPUState *cpu)
{
    if (!g_queue_is_empty(&cpu->work)) {
        return false;
    }
    if (g_single_thread && cpu_io_waiting(cpu)) {
        return true; /* io-pending.c: its result's completion kicks */
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

/* One step of the owner's loop, shared by both threading modes: run the queued work, wake
 * from halt on an architectural event, then run guest code if the rules allow. Returns false
 * if the vCPU may not run. */
static bool vcpu_step(CPUState *cpu)
{
    tlb_flush_if_deferred(cpu);
    cpu_work_run_queued(cpu);
    if (cpu->halted && cpu->arch->has_work(cpu)) {
        cpu->halted = false; /* rule 3: only the owner clears halted */
    }
    if (!cpu_vcpu_may_run(cpu)) {
        return false;
    }
    exclusive_exec_enter(cpu);
    cpu_exec(cpu); /* EXCP_HALTED: the idle check puts the thread to sleep */
    exclusive_exec_leave(cpu);
    return true;
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
        vcpu_step(cpu);
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

/* ---- single-thread mode: every vCPU in turn on one host thread ---- */

bool vcpu_single_thread(void) { return g_single_thread; }

static int64_t vcpu_total_insns(void)
{
    uint64_t sum = 0;
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        sum += cpu_insn_count(vcpu_get(i));
    }
    return (int64_t)sum;
}

void vcpus_set_single_thread(void)
{
    g_assert(!rr_thread);
    g_single_thread = true;
    ir_set_insn_limit_offset(CPU_ENV_FIELD_OFFSET(insn_limit));
    vclock_set_insn_source(vcpu_total_insns);
}

void vcpu_single_run_work(CPUState *cpu)
{
    g_assert(g_single_thread);
    CPUState *self = tls_current_cpu;
    tls_current_cpu = cpu;
    cpu_work_run_queued(cpu);
    tls_current_cpu = self;
}

static bool rr_vcpu_idle(CPUState *cpu)
{
    sync_mutex_lock(&cpu->lock);
    bool idle = cpu_vcpu_is_idle(cpu);
    sync_mutex_unlock(&cpu->lock);
    return idle;
}

/* One turn of cpu: its work items, then up to a quantum of guest instructions (fewer if a
 * timer is due sooner). Returns false if it was idle and nothing ran. */
static bool rr_run_turn(CPUState *cpu)
{
    if (rr_vcpu_idle(cpu)) {
        return false;
    }
    /* Kicks so far are answered by the checks below; later ones end the turn. */
    atomic_store(&cpu->exit_request, 0);
    sync_mutex_lock(&rr_lock);
    rr_parked = false;
    sync_mutex_unlock(&rr_lock);

    tls_current_cpu = cpu;
    uint64_t budget = RR_QUANTUM;
    int64_t deadline = vclock_next_deadline();
    if (deadline != VCLOCK_NEVER) {
        int64_t until = deadline - vclock_get_ns();
        budget = until < 1 ? 1 : (uint64_t)until < budget ? (uint64_t)until : budget;
    }
    cpu->insn_limit = cpu->insn_count + budget;
    /* A vCPU left for a kick (interrupt, work, exclusive section) carries on with its turn. */
    while (vcpu_step(cpu) && !cpu->halted && cpu->insn_count < cpu->insn_limit &&
           !cpu_io_waiting(cpu)) {
    }
    tls_current_cpu = NULL;
    return true;
}

/* Every vCPU idle: may the clock skip ahead? Only when none is paused or stopping and at
 * least one waits for an interrupt (WFI) that a timer may bring; OFF and held vCPUs wait for
 * something outside the guest. */
static bool rr_may_warp(void)
{
    if (runstate_shutdown_requested() || vcpu_threads_exiting() || vclock_is_paused()) {
        return false;
    }
    bool waiting = false;
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if (atomic_load(&cpu->stop)) {
            return false;
        }
        if (cpu->halted && atomic_load(&cpu->power_state) == CPU_POWER_ON &&
            !atomic_load(&cpu->held)) {
            waiting = true;
        }
    }
    return waiting;
}

static gpointer rr_thread_main(gpointer opaque)
{
    int n = vcpu_count();
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        tls_current_cpu = cpu;
        cpu_exec_vcpu_init(cpu);
        atomic_store(&cpu->created, true);
    }
    tls_current_cpu = NULL;

    for (;;) {
        sync_mutex_lock(&rr_lock);
        uint64_t seq = rr_kick_seq;
        sync_mutex_unlock(&rr_lock);
        if (vcpu_threads_exiting()) {
            break;
        }
        bool ran = false;
        for (int i = 0; i < n; i++) {
            ran |= rr_run_turn(vcpu_get(i));
            vclock_run_timers();
        }
        if (ran) {
            continue;
        }
        if (rr_may_warp() && vclock_warp_to_next()) {
            vclock_run_timers();
            continue;
        }
        sync_mutex_lock(&rr_lock);
        if (!rr_parked) {
            rr_parked = true;
            g_cond_broadcast(&rr_cond); /* vcpus_pause_all may be waiting */
        }
        while (rr_kick_seq == seq && !vcpu_threads_exiting()) {
            sync_cond_wait(&rr_cond, &rr_lock);
        }
        sync_mutex_unlock(&rr_lock);
    }
    sync_mutex_lock(&rr_lock);
    rr_parked = true;
    g_cond_broadcast(&rr_cond);
    sync_mutex_unlock(&rr_lock);
    /* Work queued after the end would wait forever: run what is there. */
    for (int i = 0; i < n; i++) {
        vcpu_single_run_work(vcpu_get(i));
    }
    return NULL;
}

/* ---- starting threads ---- */

void vcpu_thread_start(CPUState *cpu)
{
    if (g_single_thread) {
        /* The first call starts the one thread, which runs every registered vCPU. */
        if (!rr_thread) {
            rr_thread = g_thread_new("vcpu-rr", rr_thread_main, NULL);
        }
        return;
    }
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
    if (g_single_thread) {
        sync_mutex_lock(&rr_lock);
        while (rr_thread && !rr_parked) {
            sync_cond_wait(&rr_cond, &rr_lock);
        }
        sync_mutex_unlock(&rr_lock);
        return;
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
    if (rr_thread) {
        g_thread_join(rr_thread);
        rr_thread = NULL;
    }
    for (int i = 0; i < n; i++) {
        CPUState *cpu = vcpu_get(i);
        if (cpu->thread) {
            g_thread_join(cpu->thread);
            cpu->thread = NULL;
        }
    }
}
