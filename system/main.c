/*
 * main.c — Tandem's entry point: options, logging, the translator, the machine, the vCPU
 * threads, and the main loop that serves runstate requests (DESIGN.md rule 8).
 *
 * Start-up order: options -> log -> machine (the board first registers its target's IR
 * globals, then RAM, devices, CPUs, images, DTB, boot state) -> cpu_exec_init_all -> one thread per vCPU (or, with -accel
 * tcg,thread=single, one thread for all) -> main loop.
 * The main loop is the only thread that resets the machine: it pauses every vCPU at a TB
 * boundary, resets devices and reloads the images, resets each CPU on that CPU's own thread
 * (waiting for all of them), flushes all translations (safe: no vCPU is in generated code) and resumes.
 */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/chardev.h"
#include "hw/core/machine.h"
#include "system/log.h"
#include "system/monitor.h"
#include "system/options.h"
#include "system/runstate.h"
#include "tcg/backend.h"
#include "hw/core/vclock.h"

static void main_reset_cpu_work(CPUState *cpu, void *arg)
{
    cpu->arch->reset(cpu);
}

static void main_reset_machine(Machine *m)
{
    vcpus_pause_all();
    vclock_pause();
    machine_reset(m);
    /* Each CPU resets on its own thread, and every reset is done before any CPU resumes:
     * otherwise a CPU that resumes first could see another still in its old power state
     * (PSCI CPU_ON answering ALREADY_ON for a secondary that is about to be reset OFF). */
    for (int i = 0; i < m->ncpus; i++) {
        run_on_cpu(m->cpus[i], main_reset_cpu_work, NULL);
    }
    /* The guest's code was just overwritten by the reloaded images. */
    tb_flush_all();
    vclock_resume();
    vcpus_resume_all();
}

static int main_loop(Machine *m)
{
    for (;;) {
        int status;
        if (runstate_wait_request(&status) == RUNSTATE_REQ_SHUTDOWN) {
            return status;
        }
        main_reset_machine(m);
    }
}

int main(int argc, char **argv)
{
    TandemOptions opts;
    switch (options_parse(argc, argv, &opts)) {
    case OPTIONS_EXIT:
        return 0;
    case OPTIONS_ERROR:
        return 1;
    case OPTIONS_RUN:
        break;
    }
    /* A closed stdout must not kill the emulator; writes report EPIPE instead. */
    signal(SIGPIPE, SIG_IGN);

    g_log_mask = opts.log_mask;
    if (!log_set_file(opts.log_path)) {
        return 1;
    }
    runstate_set_no_reboot(opts.no_reboot);

    if (opts.single_thread) {
        vcpus_set_single_thread(); /* before anything is translated and before vclock_init */
    }
    Machine *m = machine_create(machine_class_find(opts.machine), &opts.cfg);
    if (!m) {
        chardev_cleanup_all();
        return 1;
    }

    const Backend *backend = strcmp(opts.backend, "interp") == 0 ? &backend_interp : &backend_jit;
    if (!cpu_exec_init_all(backend, m->ncpus)) {
        chardev_cleanup_all();
        return 1;
    }
    for (int i = 0; i < m->ncpus; i++) {
        vcpu_register(m->cpus[i]);
    }
    if (opts.monitor && !monitor_start(opts.monitor, m)) {
        chardev_cleanup_all();
        return 1;
    }
    vclock_init();
    for (int i = 0; i < m->ncpus; i++) {
        vcpu_thread_start(m->cpus[i]);
    }

    int status = main_loop(m);
    vcpus_stop_and_join();
    vclock_shutdown();
    chardev_join_input_threads();
    chardev_cleanup_all();
    fflush(log_file());
    return status;
}
