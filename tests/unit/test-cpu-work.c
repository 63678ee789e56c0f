/*
 * test-cpu-work.c — the vCPU life-cycle rules on real vCPU threads driven by test doubles:
 * work items run on the owner thread in order, kicks never run a halted vCPU, a work item or
 * an interrupt request wakes it, run_on_cpu between two vCPUs does not deadlock, safe work runs
 * with every vCPU out of generated code, the main loop can pause and resume all vCPUs, and a
 * broadcast (run_on_other_cpus) waits for running vCPUs but leaves sleeping ones asleep.
 * Runs under ThreadSanitizer too, so everything shared is an atomic or behind a lock.
 */
#include "tests/unit/fake-cpu.h"

#include "cpu-exec/internal.h"
#include "cpu-exec/sync.h"

#define NCPUS 4

static FakeCPU *cpus[NCPUS];

static void start_vcpus(int n, bool halted)
{
    fake_machine_init(n);
    for (int i = 0; i < n; i++) {
        cpus[i] = fake_cpu_new(i, halted);
        vcpu_register(&cpus[i]->parent);
    }
    for (int i = 0; i < n; i++) {
        vcpu_thread_start(&cpus[i]->parent);
    }
}

static void stop_vcpus(void) { vcpus_stop_and_join(); }

/* A broadcast skips a vCPU whose thread has not started (its TLB is still empty). */
static bool all_created(int n)
{
    for (int i = 0; i < n; i++) {
        if (!atomic_load(&cpus[i]->parent.created)) {
            return false;
        }
    }
    return true;
}

/* TB bodies */
static uintptr_t halt_body(CPUState *cpu, TranslationBlock *tb) { cpu_halt(cpu); }

static uintptr_t spin_body(CPUState *cpu, TranslationBlock *tb)
{
    return (uintptr_t)tb | TB_EXIT_IDX0; /* loop on the same pc, chained to itself */
}

/* ---- work items run on the owner thread, in order ---- */

typedef struct OrderLog {
    int next; /* only touched by the owner vCPU thread */
    int seen[64];
    atomic_bool wrong_thread;
} OrderLog;

static OrderLog order_log;

static void record_item(CPUState *cpu, void *arg)
{
    if (!qemu_cpu_is_self(cpu) || current_cpu() != cpu) {
        atomic_store(&order_log.wrong_thread, true);
    }
    order_log.seen[order_log.next++] = (int)(uintptr_t)arg;
}

Test(cpu_work, items_run_on_owner_thread_in_order, .timeout = 30)
{
    start_vcpus(2, true);
    CPUState *cpu = &cpus[1]->parent;
    for (int i = 0; i < 40; i++) {
        async_run_on_cpu(cpu, record_item, (void *)(uintptr_t)i);
    }
    run_on_cpu(cpu, record_item, (void *)(uintptr_t)40); /* waits: everything before ran */
    cr_assert_not(atomic_load(&order_log.wrong_thread));
    cr_assert_eq(order_log.next, 41);
    for (int i = 0; i <= 40; i++) {
        cr_assert_eq(order_log.seen[i], i);
    }
    cr_assert_eq(atomic_load(&fake_get_key_calls), 0, "halted vCPUs without work never ran");
    stop_vcpus();
}

/* ---- kicks versus halted ---- */

static void clear_halted(CPUState *cpu, void *arg) { cpu->halted = false; }

Test(cpu_work, kick_does_not_run_halted_vcpu, .timeout = 30)
{
    fake_tb_body = halt_body;
    start_vcpus(1, true);
    CPUState *cpu = &cpus[0]->parent;
    cr_assert(FAKE_WAIT_FOR(atomic_load(&cpu->created)));
    for (int i = 0; i < 2000; i++) {
        cpu_kick(cpu);
    }
    g_usleep(50 * 1000);
    cr_assert_eq(atomic_load(&fake_get_key_calls), 0, "a kick ran a halted vCPU");
    cr_assert_eq(atomic_load(&fake_exec_calls), 0);
    /* Each kick may wake the thread for one look at its wake rules, no more; without kicks
     * it does not loop at all. */
    int looks = atomic_load(&fake_has_work_calls);
    cr_assert_leq(looks, 2 * 2000 + 4, "the halted thread spins (%d idle checks)", looks);
    g_usleep(50 * 1000);
    cr_assert_eq(atomic_load(&fake_has_work_calls), looks, "the halted thread spins");

    /* A work item that clears halted wakes it: it runs one TB, which halts again. */
    run_on_cpu(cpu, clear_halted, NULL);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) == 1));
    g_usleep(20 * 1000);
    for (int i = 0; i < 2000; i++) {
        cpu_kick(cpu);
    }
    g_usleep(50 * 1000);
    cr_assert_eq(atomic_load(&fake_exec_calls), 1, "halted again: kicks must not run it");
    stop_vcpus();
}

Test(cpu_work, interrupt_request_wakes_halted_vcpu, .timeout = 30)
{
    fake_tb_body = halt_body;
    start_vcpus(1, true);
    CPUState *cpu = &cpus[0]->parent;
    cr_assert(FAKE_WAIT_FOR(atomic_load(&cpu->created)));
    /* A request bit the arch does not count as a wake event (has_work false) changes nothing. */
    atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_SIPI);
    cpu_kick(cpu);
    g_usleep(50 * 1000);
    cr_assert_eq(atomic_load(&fake_exec_calls), 0);

    atomic_fetch_or(&cpu->interrupt_request, CPU_INTERRUPT_HARD);
    cpu_kick(cpu);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) >= 3), "IRQ must wake the vCPU");
    atomic_fetch_and(&cpu->interrupt_request, ~(uint32_t)CPU_INTERRUPT_HARD);
    g_usleep(20 * 1000);
    int settled = atomic_load(&fake_exec_calls);
    g_usleep(50 * 1000);
    cr_assert_eq(atomic_load(&fake_exec_calls), settled, "no wake event left: it must sleep");
    stop_vcpus();
}

/* ---- run_on_cpu between vCPUs ---- */

static atomic_int cross_done;

static void cross_inner(CPUState *cpu, void *arg) { atomic_fetch_add(&cross_done, 1); }

/* Runs on vCPU a, waits for an item on vCPU b, which at the same time waits for one on a. */
static void cross_outer(CPUState *cpu, void *arg)
{
    CPUState *other = arg;
    run_on_cpu(other, cross_inner, NULL);
    atomic_fetch_add(&cross_done, 1);
}

Test(cpu_work, mutual_run_on_cpu_does_not_deadlock, .timeout = 30)
{
    start_vcpus(2, true);
    CPUState *a = &cpus[0]->parent, *b = &cpus[1]->parent;
    for (int i = 0; i < 50; i++) {
        async_run_on_cpu(a, cross_outer, b);
        async_run_on_cpu(b, cross_outer, a);
    }
    cr_assert(FAKE_WAIT_FOR(atomic_load(&cross_done) == 200), "only %d of 200 items ran",
              atomic_load(&cross_done));
    stop_vcpus();
}

/* ---- broadcasts: run_on_other_cpus ---- */

static atomic_int bcast_ran[NCPUS], bcast_deferred[NCPUS];
static atomic_bool bcast_wrong_thread;

static void bcast_item(CPUState *cpu, void *arg)
{
    if (current_cpu() != cpu) {
        atomic_store(&bcast_wrong_thread, true);
    }
    atomic_fetch_add(&bcast_ran[cpu->cpu_index], 1);
}

static void bcast_parked(CPUState *cpu, void *arg)
{
    atomic_fetch_add(&bcast_deferred[cpu->cpu_index], 1);
}

/* vCPU 3 halts at once; the others spin in generated code. */
static uintptr_t spin_or_halt_body(CPUState *cpu, TranslationBlock *tb)
{
    if (cpu->cpu_index == 3) {
        cpu_halt(cpu);
    }
    return (uintptr_t)tb | TB_EXIT_IDX0;
}

static bool cpu_parked(CPUState *cpu)
{
    sync_mutex_lock(&cpu->lock); /* annotated for TSan, as cpu-exec takes it */
    bool parked = cpu->parked;
    sync_mutex_unlock(&cpu->lock);
    return parked;
}

Test(cpu_work, broadcast_waits_for_running_and_spares_sleeping, .timeout = 30)
{
    fake_tb_body = spin_or_halt_body;
    start_vcpus(NCPUS, false);
    CPUState *sleeper = &cpus[3]->parent;
    cr_assert(FAKE_WAIT_FOR(all_created(NCPUS) && cpu_parked(sleeper)),
              "vCPU 3 should halt and sleep");
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > 1000), "vCPUs should be running");
    int looks = atomic_load(&fake_has_work_calls);
    for (int round = 1; round <= 50; round++) {
        /* From the main thread, skipping vCPU 0: 1 and 2 run the item before this returns. */
        run_on_other_cpus(&cpus[0]->parent, bcast_item, NULL, bcast_parked);
        cr_assert_eq(atomic_load(&bcast_ran[1]), round);
        cr_assert_eq(atomic_load(&bcast_ran[2]), round);
        cr_assert_eq(atomic_load(&bcast_ran[0]), 0, "the skipped vCPU ran it");
        cr_assert_eq(atomic_load(&bcast_ran[3]), 0, "the sleeping vCPU was made to run it");
        cr_assert_eq(atomic_load(&bcast_deferred[3]), round);
    }
    cr_assert_not(atomic_load(&bcast_wrong_thread));
    cr_assert_eq(atomic_load(&fake_has_work_calls), looks, "the sleeping vCPU was woken");
    stop_vcpus();
}

/* Runs on a vCPU: a broadcast from inside, while another vCPU broadcasts too. */
static void bcast_from_vcpu(CPUState *cpu, void *arg)
{
    run_on_other_cpus(NULL, bcast_item, NULL, bcast_parked);
}

Test(cpu_work, concurrent_broadcasts_do_not_deadlock, .timeout = 60)
{
    fake_tb_body = spin_body;
    start_vcpus(NCPUS, false);
    cr_assert(FAKE_WAIT_FOR(all_created(NCPUS) && atomic_load(&fake_exec_calls) > 1000),
              "vCPUs should be running");
    for (int i = 0; i < 40; i++) {
        for (int c = 0; c < NCPUS; c++) {
            async_run_on_cpu(&cpus[c]->parent, bcast_from_vcpu, NULL);
        }
    }
    /* Each of the 160 broadcasts reaches the 3 other vCPUs. */
    int want = 40 * (NCPUS - 1);
    for (int c = 0; c < NCPUS; c++) {
        cr_assert(FAKE_WAIT_FOR(atomic_load(&bcast_ran[c]) == want), "vCPU %d ran %d of %d", c,
                  atomic_load(&bcast_ran[c]), want);
    }
    cr_assert_not(atomic_load(&bcast_wrong_thread));
    stop_vcpus();
}

/* ---- safe work ---- */

static atomic_int safe_runs, safe_violations;

static void safe_item(CPUState *cpu, void *arg)
{
    if (atomic_load(&fake_in_exec) != 0) {
        atomic_fetch_add(&safe_violations, 1);
    }
    int before = atomic_load(&fake_exec_calls);
    g_usleep(5 * 1000);
    if (atomic_load(&fake_exec_calls) != before || atomic_load(&fake_in_exec) != 0) {
        atomic_fetch_add(&safe_violations, 1); /* someone ran guest code meanwhile */
    }
    atomic_fetch_add(&safe_runs, 1);
}

Test(cpu_work, safe_work_runs_with_all_vcpus_parked, .timeout = 60)
{
    fake_tb_body = spin_body;
    start_vcpus(NCPUS, false);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > 1000), "vCPUs should be running");
    for (int i = 0; i < 20; i++) {
        async_safe_run_on_cpu(&cpus[i % NCPUS]->parent, safe_item, NULL);
    }
    cr_assert(FAKE_WAIT_FOR(atomic_load(&safe_runs) == 20));
    cr_assert_eq(atomic_load(&safe_violations), 0);
    int now = atomic_load(&fake_exec_calls);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > now + 1000),
              "vCPUs must resume after safe work");
    stop_vcpus();
}

static void flush_item(CPUState *cpu, void *arg) { tb_flush_all(); }

Test(cpu_work, tb_flush_as_safe_work_while_running, .timeout = 60)
{
    fake_tb_body = spin_body;
    start_vcpus(NCPUS, false);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > 1000));
    int translations = atomic_load(&fake_translations);
    for (int i = 0; i < 10; i++) {
        async_safe_run_on_cpu(&cpus[i % NCPUS]->parent, flush_item, NULL);
    }
    cr_assert(FAKE_WAIT_FOR(tb_flush_count() == 10));
    /* Every vCPU retranslates its loop after the flushes and keeps running. */
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_translations) >= translations + NCPUS));
    int now = atomic_load(&fake_exec_calls);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > now + 1000));
    stop_vcpus();
}

/* ---- pause / resume ---- */

Test(cpu_work, pause_stops_and_resume_restarts, .timeout = 60)
{
    fake_tb_body = spin_body;
    start_vcpus(NCPUS, false);
    cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > 1000));
    for (int round = 0; round < 5; round++) {
        vcpus_pause_all();
        cr_assert_eq(atomic_load(&fake_in_exec), 0);
        int frozen = atomic_load(&fake_exec_calls);
        g_usleep(20 * 1000);
        cr_assert_eq(atomic_load(&fake_exec_calls), frozen, "a paused vCPU ran");
        /* Work queued while paused still runs (machine reset queues CPU resets like this). */
        run_on_cpu(&cpus[round % NCPUS]->parent, record_item, (void *)(uintptr_t)round);
        cr_assert_eq(order_log.seen[round], round);
        vcpus_resume_all();
        cr_assert(FAKE_WAIT_FOR(atomic_load(&fake_exec_calls) > frozen + 1000));
    }
    stop_vcpus();
}
