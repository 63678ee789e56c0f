/*
 * runstate.h — machine-wide requests handled by the main loop (DESIGN.md rule 8): shutdown with
 * an exit status, and reset. Any thread may request; the main loop pauses every vCPU at a TB
 * boundary before acting, so no guest state is changed by a thread other than its owner.
 */
#ifndef TANDEM_SYSTEM_RUNSTATE_H
#define TANDEM_SYSTEM_RUNSTATE_H

#include <stdbool.h>

/* Power the machine off; the process exits with status (PSCI SYSTEM_OFF: 0, semihosting
 * SYS_EXIT: the guest's code). The first request wins. Kicks every vCPU. */
void runstate_request_shutdown(int status);
/* Reset the machine (PSCI SYSTEM_RESET); with -no-reboot this becomes a shutdown with status 0. */
void runstate_request_reset(void);
/* True once a shutdown was requested (vCPU loops stop running guest code). */
bool runstate_shutdown_requested(void);
void runstate_set_no_reboot(bool no_reboot);

/* Main loop only: blocks until a request is pending and consumes it. For a shutdown, *status
 * is the exit status; a shutdown stays pending (it is final). */
typedef enum RunstateRequest {
    RUNSTATE_REQ_SHUTDOWN,
    RUNSTATE_REQ_RESET,
} RunstateRequest;
RunstateRequest runstate_wait_request(int *status);

#endif
