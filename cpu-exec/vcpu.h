/*
 * vcpu.h — vCPU threads and cross-thread work (DESIGN.md rules 1 and 4).
 *
 * Each vCPU runs on its own host thread created by vcpu_thread_start(). Other threads never
 * write a vCPU's state: they queue work that runs on the owner thread (run_on_cpu waits for it,
 * async_run_on_cpu does not, async_safe_run_on_cpu runs it while every vCPU is outside
 * generated code). Kicks only make a vCPU leave generated code and re-check its wake rules.
 */
#ifndef TANDEM_CPU_EXEC_VCPU_H
#define TANDEM_CPU_EXEC_VCPU_H

#include <stdbool.h>

#include "cpu-exec/cpu.h"

typedef void (*CPUWorkFunc)(CPUState *cpu, void *arg);

/* All vCPUs of the machine (registered before their threads start). */
void vcpu_register(CPUState *cpu);
int vcpu_count(void);
CPUState *vcpu_get(int index);

/*
 * Single-thread mode (-accel tcg,thread=single): called once on the main thread before
 * anything is translated and before vclock_init; vcpu_thread_start then starts one thread
 * that runs every vCPU in turn, a quantum of instructions each, with the virtual clock counting
 * executed instructions (deterministic: vcpu-thread.c).
 */
void vcpus_set_single_thread(void);
bool vcpu_single_thread(void);
/* Single-thread mode, on that thread: run cpu's queued work items as cpu (current_cpu() is
 * cpu meanwhile). cpu is not running: the thread runs one vCPU at a time. */
void vcpu_single_run_work(CPUState *cpu);

void vcpu_thread_start(CPUState *cpu);
/* Main loop: stop every vCPU at a TB boundary and wait until all are parked; resume them. */
void vcpus_pause_all(void);
void vcpus_resume_all(void);
/* Ends every vCPU thread (shutdown) and joins them. */
void vcpus_stop_and_join(void);

void run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg);
void async_run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg);
/*
 * Broadcast maintenance that must be complete on every vCPU before the caller goes on (TLBI
 * ... IS, a page becoming code): runs fn(target, arg) on the thread of every vCPU except the
 * caller's and skip (may be NULL), queued on all at once, and returns once each has run it.
 * A vCPU asleep in its idle loop is neither woken nor waited for: parked_fn(target, arg) runs
 * instead, on the calling thread under the target's lock, and records (without blocking) what
 * the target must do before it next runs guest code. The caller keeps running its own work
 * items while it waits, so two vCPUs broadcasting at once cannot deadlock. Never call it
 * holding a page lock or the device lock.
 */
void run_on_other_cpus(CPUState *skip, CPUWorkFunc fn, void *arg, CPUWorkFunc parked_fn);
void async_safe_run_on_cpu(CPUState *cpu, CPUWorkFunc fn, void *arg);

/*
 * An exclusive section: returns once no other vCPU is inside cpu_exec (each is parked at its
 * loop top, asleep, or running work); they stay out until cpu_exclusive_end(). For a vCPU
 * thread outside cpu_exec (work items) or a non-vCPU thread; never nested. Code inside must
 * not wait for other vCPUs.
 */
void cpu_exclusive_start(void);
void cpu_exclusive_end(void);
/*
 * The same for a helper called from generated code (one guest instruction done while no other
 * vCPU runs, e.g. an atomic that host atomics cannot do): the caller stops counting as inside
 * cpu_exec while it waits. If the TBs were flushed meanwhile, leaves with cpu_loop_exit (the
 * helper must not have changed guest state yet: the instruction is retried). Returns what
 * cpu_exclusive_end_in_exec needs: whether the caller was inside cpu_exec. The end resumes
 * counting it in the same step, so no section can come between and flush the code it returns
 * to. Called outside cpu_exec (tests, work items), they are cpu_exclusive_start/end. Nothing
 * may leave by cpu_loop_exit between the two (the caller catches it and ends first).
 */
bool cpu_exclusive_start_in_exec(CPUState *cpu);
void cpu_exclusive_end_in_exec(CPUState *cpu, bool in_exec);

/* True if the calling thread is cpu's owner thread. */
bool qemu_cpu_is_self(CPUState *cpu);
/* The vCPU owned by the calling thread, or NULL. */
CPUState *current_cpu(void);

#endif
