/*
 * test-smp-gicv3.c — 64 vCPUs on a GICv3 (test-smp-gicv3.args): MPIDR clusters of 16,
 * redistributor GICR_TYPER values, SGIs by affinity across clusters, an IRM = 1 broadcast,
 * SPIs routed by GICD_IROUTER (to one CPU and 1-of-N). The checks are in smp-gicv3-body.h.
 * Named test-smp-* so it runs under ThreadSanitizer as well.
 */
#define NCPUS 64
#include "smp-gicv3-body.h"
