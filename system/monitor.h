/*
 * monitor.h — the human monitor (docs/monitor.md). Started once by main after the machine is
 * built and before the vCPU threads start; it then runs on its own thread until exit.
 */
#ifndef TANDEM_SYSTEM_MONITOR_H
#define TANDEM_SYSTEM_MONITOR_H

#include <stdbool.h>

#include "hw/core/machine.h"

/* spec: "stdio" or "unix:PATH[,server=on][,wait=off]". false after an error message. */
bool monitor_start(const char *spec, Machine *m);

#endif
