/*
 * unassigned.h — a region for addresses no device claims: reads return all ones at the
 * access size (the value an ISA/PCI bus floats to, and QEMU's for unassigned I/O ports),
 * writes are dropped. Two uses:
 *  - the holes of an address space: address_space_set_fallback(as, &u.mr) (hw/core/memory.h)
 *    with a region as large as the space (0x10000 for the PC's I/O ports, UINT64_MAX for
 *    memory); the offset it sees is then the address itself. With log on, each address's
 *    first access is logged under -d guest_errors (at most UNASSIGNED_LOG_MAX addresses,
 *    then one line saying further ones are not logged).
 *  - quiet sinks for ports guests write for their side effects only: 0x80 (POST codes,
 *    Linux's I/O delay "outb %al, $0x80") and 0xED (an alternative delay port), log off.
 * The callbacks run with the device lock held, which protects the logged-address set.
 */
#ifndef TANDEM_HW_MISC_UNASSIGNED_H
#define TANDEM_HW_MISC_UNASSIGNED_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/memory.h"

#define UNASSIGNED_LOG_MAX 1024

struct _GHashTable;

typedef struct UnassignedRegion {
    MemoryRegion mr;
    const char *space; /* "I/O port" or "memory": words for the log line */
    uint64_t base;     /* added to the offset in log lines (0 for a fallback region) */
    uint64_t read_value;
    bool log;
    bool log_full; /* the "not logged any more" line was printed */
    struct _GHashTable *logged;
} UnassignedRegion;

/* size bytes named name; space is used in log lines; base = where the board maps it (0 for
 * a fallback). Main thread. */
void unassigned_init(UnassignedRegion *u, const char *name, const char *space, uint64_t base,
                     uint64_t size, bool log);
/* A quiet 1-port sink (0x80, 0xED): all-ones reads, writes dropped, nothing logged. */
void ioport_sink_init(UnassignedRegion *u, const char *name, uint16_t port);

extern const MemoryRegionOps unassigned_ops;

#endif
