/*
 * unassigned.c — all-ones reads and dropped writes for unclaimed addresses, logged once per
 * address under -d guest_errors (see unassigned.h). The logged set is a GHashTable keyed by
 * address, bounded by UNASSIGNED_LOG_MAX; it is touched only with the device lock held.
 */
#include "hw/misc/unassigned.h"

#include <glib.h>
#include <inttypes.h>

#include "system/log.h"

static void unassigned_note(UnassignedRegion *u, uint64_t off, unsigned size, const char *what,
                            uint64_t value)
{
    if (!u->log || !log_enabled(LOG_GUEST_ERRORS)) {
        return;
    }
    uint64_t addr = u->base + off;
    if (!u->logged) {
        u->logged = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    }
    if (g_hash_table_contains(u->logged, &addr)) {
        return;
    }
    if (g_hash_table_size(u->logged) >= UNASSIGNED_LOG_MAX) {
        if (!u->log_full) {
            u->log_full = true;
            tlog("%s: more than %d unassigned %s addresses accessed; no longer logged\n",
                 u->mr.name, UNASSIGNED_LOG_MAX, u->space);
        }
        return;
    }
    g_hash_table_add(u->logged, g_memdup2(&addr, sizeof(addr)));
    if (what[0] == 'w') {
        tlog("%s: %u-byte write of 0x%" PRIx64 " to unassigned %s 0x%" PRIx64
             " ignored (logged once per address)\n", u->mr.name, size, value, u->space, addr);
    } else {
        tlog("%s: %u-byte read of unassigned %s 0x%" PRIx64
             " returns all ones (logged once per address)\n", u->mr.name, size, u->space, addr);
    }
}

static uint64_t unassigned_read(void *opaque, uint64_t off, unsigned size)
{
    UnassignedRegion *u = opaque;
    unassigned_note(u, off, size, "read", 0);
    return u->read_value; /* the dispatcher keeps the low size bytes */
}

static void unassigned_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    unassigned_note(opaque, off, size, "write", value);
}

const MemoryRegionOps unassigned_ops = {
    .read = unassigned_read,
    .write = unassigned_write,
};

void unassigned_init(UnassignedRegion *u, const char *name, const char *space, uint64_t base,
                     uint64_t size, bool log)
{
    *u = (UnassignedRegion){.space = space, .base = base, .read_value = ~0ull, .log = log};
    memory_region_init_io(&u->mr, name, size, &unassigned_ops, u);
}

void ioport_sink_init(UnassignedRegion *u, const char *name, uint16_t port)
{
    unassigned_init(u, name, "I/O port", port, 1, false);
}
