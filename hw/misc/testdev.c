/*
 * testdev.c — the test device's registers (docs/testdev.md). Waiting operations hold a
 * reference to their IOPending; RELEASE completes them. A machine reset moves them to the
 * stale list, and the next access to the device completes those with TESTDEV_POISON: that is
 * a result arriving after the reset, which the vCPU must drop (DESIGN.md rule 5). Runs with
 * the device lock held; s->pending and s->stale are protected by it.
 */
#include "hw/misc/testdev.h"

#include <inttypes.h>

#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"
#include "system/log.h"

static TestDevState *testdev_the_instance;

TestDevState *testdev_instance(void) { return testdev_the_instance; }

/* Completes every operation a reset left behind, with the poison (device lock held). */
static void testdev_flush_stale(TestDevState *s)
{
    for (guint i = 0; i < s->stale->len; i++) {
        io_pending_complete(g_ptr_array_index(s->stale, i), TESTDEV_POISON);
    }
    g_ptr_array_set_size(s->stale, 0);
}

/* The scratch register at offset, or NULL if offset names none. */
static uint64_t *testdev_scratch_reg(TestDevState *s, uint64_t offset)
{
    if (offset < TESTDEV_SCRATCH || offset >= TESTDEV_SCRATCH + 8 * TESTDEV_SCRATCH_REGS ||
        (offset & 7)) {
        return NULL;
    }
    return &s->scratch[(offset - TESTDEV_SCRATCH) / 8];
}

static void testdev_release_locked(TestDevState *s, uint64_t value)
{
    for (guint i = 0; i < s->pending->len; i++) {
        io_pending_complete(g_ptr_array_index(s->pending, i), value);
    }
    g_ptr_array_set_size(s->pending, 0);
}

void testdev_release(TestDevState *s, uint64_t value)
{
    device_lock();
    testdev_flush_stale(s);
    testdev_release_locked(s, value);
    device_unlock();
}

static void testdev_wait(TestDevState *s, IOPending *p)
{
    g_ptr_array_add(s->pending, io_pending_ref(p));
}

bool testdev_hypercall_start(void *opaque, IOPending *p, uint64_t *value)
{
    TestDevState *s = opaque;
    device_lock();
    testdev_flush_stale(s);
    testdev_wait(s, p);
    device_unlock();
    return false;
}

static bool testdev_read_deferred(void *opaque, uint64_t offset, unsigned size, uint64_t *value,
                                  IOPending *p)
{
    TestDevState *s = opaque;
    testdev_flush_stale(s);
    if (offset == TESTDEV_BLOCK && size == 8) {
        testdev_wait(s, p);
        return false;
    }
    uint64_t *scratch = testdev_scratch_reg(s, offset);
    if (scratch) {
        *value = *scratch;
        return true;
    }
    switch (offset) {
    case TESTDEV_ID: *value = TESTDEV_ID_VALUE; return true;
    case TESTDEV_PENDING: *value = s->pending->len; return true;
    case TESTDEV_STALE: *value = s->stale_total; return true;
    case TESTDEV_ARG: *value = s->arg; return true;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("testdev: read of unknown register 0x%" PRIx64 "\n", offset);
        }
        *value = 0;
        return true;
    }
}

static void testdev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    TestDevState *s = opaque;
    testdev_flush_stale(s);
    uint64_t *scratch = testdev_scratch_reg(s, offset);
    if (scratch) {
        *scratch = value;
        return;
    }
    switch (offset) {
    case TESTDEV_RELEASE: testdev_release_locked(s, value); return;
    case TESTDEV_KICK:
        /* A kick is no event: the target must not run because of it (DESIGN.md rule 1). */
        if (value < (uint64_t)vcpu_count()) {
            cpu_kick(vcpu_get((int)value));
        }
        return;
    default:
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("testdev: write of 0x%" PRIx64 " to unknown register 0x%" PRIx64 "\n", value,
                 offset);
        }
        return;
    }
}

/* The port window maps its four registers onto the MMIO ones (32-bit accesses only). */
static bool testdev_port_read_deferred(void *opaque, uint64_t offset, unsigned size,
                                       uint64_t *value, IOPending *p)
{
    TestDevState *s = opaque;
    switch (offset) {
    case TESTDEV_PORT_BLOCK: return testdev_read_deferred(s, TESTDEV_BLOCK, 8, value, p);
    case TESTDEV_PORT_ID: return testdev_read_deferred(s, TESTDEV_ID, 8, value, p);
    case TESTDEV_PORT_PENDING: return testdev_read_deferred(s, TESTDEV_PENDING, 8, value, p);
    default: return testdev_read_deferred(s, offset | 0x1000, 8, value, p); /* logs, reads 0 */
    }
}

static void testdev_port_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    TestDevState *s = opaque;
    switch (offset) {
    case TESTDEV_PORT_ID: testdev_write(s, TESTDEV_KICK, value, 8); return;
    case TESTDEV_PORT_RELEASE: testdev_write(s, TESTDEV_RELEASE, value, 8); return;
    default: testdev_write(s, offset | 0x1000, value, 8); return; /* logs, ignored */
    }
}

static const MemoryRegionOps testdev_port_ops = {
    .read_deferred = testdev_port_read_deferred,
    .write = testdev_port_write,
    .min_access = 4,
    .max_access = 4,
};

static const MemoryRegionOps testdev_ops = {
    .read_deferred = testdev_read_deferred,
    .write = testdev_write,
    .min_access = 4,
    .max_access = 8,
};

void testdev_init(TestDevState *s, uint64_t arg)
{
    memory_region_init_io(&s->iomem, "tandem-testdev", TESTDEV_MMIO_SIZE, &testdev_ops, s);
    memory_region_init_io(&s->ioport, "tandem-testdev-io", TESTDEV_PORT_SIZE, &testdev_port_ops,
                          s);
    s->pending = g_ptr_array_new();
    s->stale = g_ptr_array_new();
    s->arg = arg;
    testdev_the_instance = s;
}

void testdev_reset(TestDevState *s)
{
    for (guint i = 0; i < s->pending->len; i++) {
        g_ptr_array_add(s->stale, g_ptr_array_index(s->pending, i));
    }
    s->stale_total += s->pending->len;
    g_ptr_array_set_size(s->pending, 0);
}
