/*
 * runstate.c — shutdown and reset requests (DESIGN.md rule 8).
 *
 * Any thread (vCPU helpers for PSCI and semihosting, the chardev input thread for Ctrl-A x,
 * signal-free code paths) posts a request; only the main loop consumes them, in
 * runstate_wait_request(). A shutdown, once requested, is final and the first status wins;
 * a reset request is consumed by the main loop, which pauses every vCPU before acting.
 * The pending state is protected by runstate_mutex; the "shutdown requested" flag is also an
 * atomic so vCPU loops can poll it without taking the lock.
 */
#include "system/runstate.h"

#include <glib.h>
#include <stdatomic.h>

#include "cpu-exec/cpu.h"
#include "cpu-exec/sync.h"
#include "cpu-exec/vcpu.h"

static GMutex runstate_mutex;
static GCond runstate_cond;
static atomic_bool shutdown_requested;
static int shutdown_status;
static bool reset_pending;
static atomic_bool no_reboot;

static void runstate_kick_all(void)
{
    for (int i = 0; i < vcpu_count(); i++) {
        cpu_kick(vcpu_get(i));
    }
}

void runstate_request_shutdown(int status)
{
    bool first;
    sync_mutex_lock(&runstate_mutex);
    first = !atomic_load(&shutdown_requested);
    if (first) {
        shutdown_status = status;
        atomic_store(&shutdown_requested, true);
        g_cond_broadcast(&runstate_cond);
    }
    sync_mutex_unlock(&runstate_mutex);
    if (first) {
        runstate_kick_all();
    }
}

void runstate_request_reset(void)
{
    if (atomic_load(&no_reboot)) {
        runstate_request_shutdown(0);
        return;
    }
    sync_mutex_lock(&runstate_mutex);
    reset_pending = true;
    g_cond_broadcast(&runstate_cond);
    sync_mutex_unlock(&runstate_mutex);
    /* The vCPU that asked must leave its TB so the main loop can pause it. */
    runstate_kick_all();
}

bool runstate_shutdown_requested(void) { return atomic_load(&shutdown_requested); }

void runstate_set_no_reboot(bool value) { atomic_store(&no_reboot, value); }

RunstateRequest runstate_wait_request(int *status)
{
    RunstateRequest req;
    sync_mutex_lock(&runstate_mutex);
    while (!atomic_load(&shutdown_requested) && !reset_pending) {
        sync_cond_wait(&runstate_cond, &runstate_mutex);
    }
    if (atomic_load(&shutdown_requested)) {
        /* Shutdown wins over a reset requested at the same time. */
        req = RUNSTATE_REQ_SHUTDOWN;
        *status = shutdown_status;
    } else {
        req = RUNSTATE_REQ_RESET;
        reset_pending = false;
        *status = 0;
    }
    sync_mutex_unlock(&runstate_mutex);
    return req;
}
