/*
 * testdev.h — Tandem's test device (-device tandem-testdev; docs/testdev.md), for guest
 * tests of the vCPU life cycle: a register whose read completes only when another CPU (or
 * the monitor) releases it, standing in for a device backed by another process; the same
 * wait behind a vendor hypercall; kicks of any vCPU; and scratch registers that survive a
 * machine reset, so a test can count its own resets.
 * The board owns the state and maps s->iomem; accesses run with the device lock held.
 */
#ifndef TANDEM_HW_MISC_TESTDEV_H
#define TANDEM_HW_MISC_TESTDEV_H

#include <glib.h>
#include <stdint.h>

#include "cpu-exec/io-pending.h"
#include "hw/core/memory.h"

#define TESTDEV_MMIO_SIZE 0x1000
#define TESTDEV_ID_VALUE 0x54544456u /* "TTDV" */
#define TESTDEV_SCRATCH_REGS 8
/* What an operation left behind by a machine reset is completed with, late: a result that
 * must never reach a register. */
#define TESTDEV_POISON 0xdeadbeefdeadbeefull

/* Register offsets (docs/testdev.md). */
enum {
    TESTDEV_ID = 0x00,
    TESTDEV_BLOCK = 0x08,
    TESTDEV_RELEASE = 0x10,
    TESTDEV_PENDING = 0x18,
    TESTDEV_KICK = 0x20,
    TESTDEV_STALE = 0x28,
    TESTDEV_ARG = 0x30,
    TESTDEV_SCRATCH = 0x40,
};

/* The I/O port window (x86 -M pc: ports 0x5e0-0x5ef), 32-bit registers: the same device
 * seen through IN/OUT, so port reads can be left in flight too (docs/testdev.md). */
#define TESTDEV_PORT_SIZE 0x10
enum {
    TESTDEV_PORT_ID = 0x0,      /* R: TESTDEV_ID_VALUE; W: KICK (vCPU index) */
    TESTDEV_PORT_BLOCK = 0x4,   /* R: waits for RELEASE, returns the low 32 bits */
    TESTDEV_PORT_RELEASE = 0x8, /* W: RELEASE with the value zero-extended */
    TESTDEV_PORT_PENDING = 0xc, /* R: PENDING */
};

typedef struct TestDevState {
    MemoryRegion iomem;
    MemoryRegion ioport; /* the port window, mapped by boards with port I/O (pc) */
    GPtrArray *pending; /* of IOPending: reads and hypercalls waiting for RELEASE */
    GPtrArray *stale;   /* left behind by a machine reset; completed late with the poison */
    uint64_t stale_total;
    uint64_t arg; /* -device tandem-testdev,arg=N: a number for the test (e.g. a count) */
    uint64_t scratch[TESTDEV_SCRATCH_REGS];
} TestDevState;

void testdev_init(TestDevState *s, uint64_t arg);
/* Machine reset: scratch registers keep their values; waiting operations become stale. */
void testdev_reset(TestDevState *s);
/* The device's release, shared with the monitor (any thread; takes the device lock). */
void testdev_release(TestDevState *s, uint64_t value);
/* The vendor hypercall that waits like a BLOCK read (target-arm/psci.c); NULL if the board
 * has no test device. Takes the device lock. */
TestDevState *testdev_instance(void);
bool testdev_hypercall_start(void *opaque, IOPending *p, uint64_t *value);

#endif
