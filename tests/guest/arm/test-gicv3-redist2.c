/*
 * test-gicv3-redist2.c — the checks of smp-gicv3-body.h with 130 CPUs
 * (test-gicv3-redist2.args): more than the 123 redistributor frames of the first window, so
 * frames 123.. sit in the second region at 0x40_0000_0000 and frame 122 carries
 * GICR_TYPER.Last too. Not a test-smp-* name: too many threads for a quick ThreadSanitizer run.
 */
#define NCPUS 130
#include "smp-gicv3-body.h"
