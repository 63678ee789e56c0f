/*
 * test-mmu-64k.c — stage 1 translation with the 64 KiB granule and 42-bit VAs (T0SZ = T1SZ =
 * 22: the walk starts at level 2, ARM ARM D8.2.6), on -cpu cortex-a57. The test body is
 * test-mmu-granule.h. Single-threaded bare metal at EL1.
 */
#define GRAN_BITS 16
#define VA_BITS 42
#include "test-mmu-granule.h"
