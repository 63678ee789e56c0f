/*
 * test-mmu-16k.c — stage 1 translation with the 16 KiB granule and 47-bit VAs (T0SZ = T1SZ =
 * 17: the walk starts at level 1, ARM ARM D8.2.6) and PSTATE.PAN. Needs -cpu max (Cortex-A57
 * has neither the 16K granule nor PAN): see test-mmu-16k.args. The test body is
 * test-mmu-granule.h. Single-threaded bare metal at EL1.
 */
#define GRAN_BITS 14
#define VA_BITS 47
#define TEST_PAN
#include "test-mmu-granule.h"
