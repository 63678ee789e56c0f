/*
 * options.h — Tandem's command line, spelled like qemu-system-aarch64's (single-dash options).
 * Parsed once on the main thread at start-up.
 */
#ifndef TANDEM_SYSTEM_OPTIONS_H
#define TANDEM_SYSTEM_OPTIONS_H

#include <stdbool.h>

#include "hw/core/machine.h"

typedef struct TandemOptions {
    const char *machine; /* -M name (options after the comma go to cfg) */
    MachineConfig cfg;
    const char *backend; /* "jit" or "interp" */
    bool single_thread;  /* -accel tcg,thread=single: all vCPUs round-robin on one thread */
    bool no_reboot;
    unsigned log_mask;
    const char *log_path; /* -D */
    const char *monitor;  /* -monitor stdio|unix:PATH,...; NULL = none */
} TandemOptions;

typedef enum OptionsResult {
    OPTIONS_RUN,  /* start the machine */
    OPTIONS_EXIT, /* help/version/list printed: exit 0 */
    OPTIONS_ERROR /* one message printed: exit 1 */
} OptionsResult;

OptionsResult options_parse(int argc, char **argv, TandemOptions *o);

#endif
