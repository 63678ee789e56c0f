/*
 * memory.h — the guest physical address space: RAM and MMIO regions placed at addresses.
 *
 * A device exposes its registers as a MemoryRegion with read/write callbacks and an opaque
 * pointer; it never sees CPU internals. Regions are added while the board is built (main
 * thread, before vCPUs start) and are read-only afterwards, so lookups take no lock. MMIO
 * callbacks run with the device lock held (device_lock()), taken by the dispatcher.
 */
#ifndef TANDEM_HW_CORE_MEMORY_H
#define TANDEM_HW_CORE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct IOPending;

typedef struct MemoryRegionOps {
    /* offset is relative to the region start; size is 1, 2, 4 or 8 bytes */
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    /* Optional, instead of read: a read the device may answer later (DESIGN.md rule 5, a
     * device backed by another thread or process). Returns true with *value, or false after
     * taking a reference on p (io_pending_ref, cpu-exec/io-pending.h) that some thread
     * completes later with io_pending_complete. Called with the device lock held. */
    bool (*read_deferred)(void *opaque, uint64_t offset, unsigned size, uint64_t *value,
                          struct IOPending *p);
    /* Access sizes the device accepts; others are a bus error (guest_errors log). 0 = any. */
    unsigned min_access, max_access;
} MemoryRegionOps;

typedef struct MemoryRegion {
    const char *name;
    uint64_t size;
    uint8_t *ram;               /* RAM/ROM: host backing, else NULL */
    bool readonly;              /* ROM: guest writes are ignored */
    const MemoryRegionOps *ops; /* MMIO */
    void *opaque;
} MemoryRegion;

typedef struct MemorySection {
    uint64_t base; /* guest physical address */
    MemoryRegion *mr;
} MemorySection;

typedef struct AddressSpace {
    const char *name;
    MemorySection *sections; /* sorted by base, non-overlapping */
    int nb_sections;
    /* Answers addresses no section holds (NULL: they are MEMTX_DECODE_ERROR, a bus error for
     * the CPU). Its callbacks get the address itself as the offset (see
     * address_space_set_fallback). */
    MemoryRegion *fallback;
    /* Optional chipset decoder consulted before the sections (hw/x86/smram.c: closed SMRAM):
     * returns the region that answers addr for a lookup in space as (setting *offset when
     * offset is not NULL), or NULL for the normal lookup. Lock-free; called on TLB fills and
     * slow-path accesses only (never on the RAM fast path). */
    MemoryRegion *(*decode)(void *opaque, const struct AddressSpace *as, uint64_t addr,
                            uint64_t *offset);
    void *decode_opaque;
    /* A view (address_space_init_view) shares this space's sections, fallback and decoder;
     * only the decoder tells the views apart. NULL: the space is its own. */
    struct AddressSpace *view_of;
} AddressSpace;

/* Result of a transaction on a physical address. */
typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_DECODE_ERROR, /* nothing mapped there */
    MEMTX_ERROR,        /* the device refused the access */
    MEMTX_PENDING,      /* deferred read: the result comes through the IOPending */
} MemTxResult;

void memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size);
void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque);

void address_space_init(AddressSpace *as, const char *name);
/* A second view of base (main thread): the same regions, told apart only by base's decoder
 * (e.g. the SMM view of memory, which sees SMRAM). */
void address_space_init_view(AddressSpace *view, const char *name, AddressSpace *base);
/* Installs base's decoder (main thread, while the board is built). */
void address_space_set_decoder(AddressSpace *as,
                               MemoryRegion *(*decode)(void *opaque, const AddressSpace *as,
                                                       uint64_t addr, uint64_t *offset),
                               void *opaque);
/* Places mr at base; aborts with a message if it overlaps another region (board bug). */
void address_space_map(AddressSpace *as, uint64_t base, MemoryRegion *mr);
/* The PC's buses answer every address (unclaimed I/O ports read all ones): the board gives
 * such a space a fallback MMIO region (hw/misc/unassigned.h) that serves every address
 * below fallback->size that no section holds, with offset = the address. Main thread, while
 * the board is built. */
void address_space_set_fallback(AddressSpace *as, MemoryRegion *mr);
/* Finds the region holding addr; sets *offset. The fallback region if none does and there
 * is one; NULL if unmapped. Lock-free. */
MemoryRegion *address_space_find(AddressSpace *as, uint64_t addr, uint64_t *offset);
/* Host pointer for RAM at [addr, addr+len) if it lies in one RAM region, else NULL. */
void *address_space_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len);

/* Byte-granular access for loaders and DMA; MMIO goes through the device callbacks with the
 * device lock taken. */
MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf, uint64_t len);
MemTxResult address_space_write(AddressSpace *as, uint64_t addr, const void *buf, uint64_t len);
/* One MMIO access of size bytes to mr (used by the softmmu slow path). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t offset, uint64_t *value,
                                        unsigned size);
/* A read of a region with read_deferred: MEMTX_OK with *value, MEMTX_PENDING (p is owed a
 * result), or an error. */
MemTxResult memory_region_dispatch_read_deferred(MemoryRegion *mr, uint64_t offset,
                                                 uint64_t *value, unsigned size,
                                                 struct IOPending *p);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t offset, uint64_t value,
                                         unsigned size);

/* The device lock (DESIGN.md: one lock for device state, taken on MMIO dispatch). */
void device_lock(void);
void device_unlock(void);

#endif
