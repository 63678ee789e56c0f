/*
 * memory.c — guest physical address spaces: RAM and MMIO regions, lookup and dispatch.
 *
 * Invariants: an AddressSpace's sections are sorted by base and never overlap; they are built
 * on the main thread before any vCPU starts and are read-only afterwards, so
 * address_space_find() is a lock-free binary search. RAM is anonymous mmap'ed memory with
 * MAP_NORESERVE, so a large -m costs nothing until the guest touches a page.
 * MMIO callbacks run with the device lock held; the dispatcher takes it (it is recursive so a
 * device callback may itself do DMA through address_space_read/write).
 */
#include "hw/core/memory.h"

#include "cpu-exec/sync.h"

#include <glib.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "system/log.h"

static GRecMutex device_mutex;

/* Initialised before main() so no two threads race to create it lazily (glib's lazy
 * initialisation is invisible to ThreadSanitizer), and annotated like cpu-exec/sync.h locks. */
static void __attribute__((constructor)) device_mutex_init(void) { g_rec_mutex_init(&device_mutex); }

void device_lock(void)
{
    g_rec_mutex_lock(&device_mutex);
    sync_tsan_acquire(&device_mutex);
}

void device_unlock(void)
{
    sync_tsan_release(&device_mutex);
    g_rec_mutex_unlock(&device_mutex);
}

/* ---- regions ---- */

void memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = name;
    mr->size = size;
    /* MAP_NORESERVE: the host commits pages only when the guest writes them. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        error_report("cannot allocate %" PRIu64 " MiB of guest RAM for %s: %s", size >> 20, name,
                     g_strerror(errno));
        exit(1);
    }
    mr->ram = p;
}

void memory_region_init_io(MemoryRegion *mr, const char *name, uint64_t size,
                           const MemoryRegionOps *ops, void *opaque)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = name;
    mr->size = size;
    mr->ops = ops;
    mr->opaque = opaque;
}

/* ---- address spaces ---- */

void address_space_init(AddressSpace *as, const char *name)
{
    as->name = name;
    as->sections = NULL;
    as->nb_sections = 0;
    as->fallback = NULL;
    as->decode = NULL;
    as->decode_opaque = NULL;
    as->view_of = NULL;
}

void address_space_init_view(AddressSpace *view, const char *name, AddressSpace *base)
{
    address_space_init(view, name);
    view->view_of = base->view_of ? base->view_of : base;
}

void address_space_set_decoder(AddressSpace *as,
                               MemoryRegion *(*decode)(void *opaque, const AddressSpace *as,
                                                       uint64_t addr, uint64_t *offset),
                               void *opaque)
{
    g_assert(!as->view_of);
    as->decode = decode;
    as->decode_opaque = opaque;
}

/* The space that holds as's sections (itself unless as is a view). */
static inline AddressSpace *address_space_source(AddressSpace *as)
{
    return as->view_of ? as->view_of : as;
}

void address_space_set_fallback(AddressSpace *as, MemoryRegion *mr)
{
    g_assert(mr->ops && !mr->ram);
    as->fallback = mr;
}

/* The fallback region for addr (offset = addr), or NULL. */
static MemoryRegion *address_space_fallback(AddressSpace *as, uint64_t addr, uint64_t *offset)
{
    if (!as->fallback || addr >= as->fallback->size) {
        return NULL;
    }
    if (offset) {
        *offset = addr;
    }
    return as->fallback;
}

/* Bytes from addr (which no section holds) to the next section's start, at most len. */
static uint64_t address_space_gap(AddressSpace *as, uint64_t addr, uint64_t len)
{
    for (int i = 0; i < as->nb_sections; i++) {
        if (as->sections[i].base > addr) {
            return MIN(len, as->sections[i].base - addr);
        }
    }
    return len;
}

void address_space_map(AddressSpace *as, uint64_t base, MemoryRegion *mr)
{
    g_assert(mr->size != 0);
    uint64_t last = base + mr->size - 1;
    if (last < base) {
        error_report("board bug: region %s at 0x%" PRIx64 " wraps the address space", mr->name,
                     base);
        abort();
    }
    int pos = 0;
    while (pos < as->nb_sections && as->sections[pos].base < base) {
        pos++;
    }
    /* Neighbours on both sides must end before / start after the new region. */
    if (pos > 0) {
        const MemorySection *prev = &as->sections[pos - 1];
        if (prev->base + prev->mr->size - 1 >= base) {
            error_report("board bug: region %s at 0x%" PRIx64 " overlaps %s at 0x%" PRIx64,
                         mr->name, base, prev->mr->name, prev->base);
            abort();
        }
    }
    if (pos < as->nb_sections && as->sections[pos].base <= last) {
        error_report("board bug: region %s at 0x%" PRIx64 " overlaps %s at 0x%" PRIx64, mr->name,
                     base, as->sections[pos].mr->name, as->sections[pos].base);
        abort();
    }
    as->sections = g_renew(MemorySection, as->sections, as->nb_sections + 1);
    memmove(&as->sections[pos + 1], &as->sections[pos],
            (size_t)(as->nb_sections - pos) * sizeof(MemorySection));
    as->sections[pos].base = base;
    as->sections[pos].mr = mr;
    as->nb_sections++;
}

MemoryRegion *address_space_find(AddressSpace *view, uint64_t addr, uint64_t *offset)
{
    AddressSpace *as = address_space_source(view);
    if (as->decode) {
        MemoryRegion *mr = as->decode(as->decode_opaque, view, addr, offset);
        if (mr) {
            return mr;
        }
    }
    int lo = 0, hi = as->nb_sections - 1;
    /* Find the last section whose base <= addr. */
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (as->sections[mid].base <= addr) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    if (hi < 0) {
        return address_space_fallback(as, addr, offset);
    }
    const MemorySection *s = &as->sections[hi];
    uint64_t off = addr - s->base;
    if (off >= s->mr->size) {
        return address_space_fallback(as, addr, offset);
    }
    if (offset) {
        *offset = off;
    }
    return s->mr;
}

void *address_space_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len)
{
    uint64_t off;
    MemoryRegion *mr = address_space_find(as, addr, &off);
    if (!mr || !mr->ram || len > mr->size - off) {
        return NULL;
    }
    return mr->ram + off;
}

/* ---- MMIO dispatch ---- */

static bool memory_region_access_ok(MemoryRegion *mr, uint64_t offset, unsigned size,
                                    const char *what)
{
    const MemoryRegionOps *ops = mr->ops;
    bool ok = (size == 1 || size == 2 || size == 4 || size == 8) && offset < mr->size &&
              size <= mr->size - offset;
    if (ok && ops->min_access && size < ops->min_access) {
        ok = false;
    }
    if (ok && ops->max_access && size > ops->max_access) {
        ok = false;
    }
    if (!ok && log_enabled(LOG_GUEST_ERRORS)) {
        tlog("%s: invalid %u-byte %s at offset 0x%" PRIx64 "\n", mr->name, size, what, offset);
    }
    return ok;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, uint64_t offset, uint64_t *value,
                                        unsigned size)
{
    *value = 0;
    if (!mr->ops || !memory_region_access_ok(mr, offset, size, "read")) {
        return MEMTX_ERROR;
    }
    if (!mr->ops->read) {
        return MEMTX_ERROR;
    }
    device_lock();
    *value = mr->ops->read(mr->opaque, offset, size);
    device_unlock();
    if (size < 8) {
        *value &= (1ull << (size * 8)) - 1;
    }
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_read_deferred(MemoryRegion *mr, uint64_t offset,
                                                 uint64_t *value, unsigned size,
                                                 struct IOPending *p)
{
    *value = 0;
    if (!mr->ops || !mr->ops->read_deferred ||
        !memory_region_access_ok(mr, offset, size, "read")) {
        return MEMTX_ERROR;
    }
    device_lock();
    bool now = mr->ops->read_deferred(mr->opaque, offset, size, value, p);
    device_unlock();
    if (!now) {
        return MEMTX_PENDING;
    }
    if (size < 8) {
        *value &= (1ull << (size * 8)) - 1;
    }
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, uint64_t offset, uint64_t value,
                                         unsigned size)
{
    if (!mr->ops || !memory_region_access_ok(mr, offset, size, "write")) {
        return MEMTX_ERROR;
    }
    if (!mr->ops->write) {
        return MEMTX_ERROR;
    }
    if (size < 8) {
        value &= (1ull << (size * 8)) - 1;
    }
    device_lock();
    mr->ops->write(mr->opaque, offset, value, size);
    device_unlock();
    return MEMTX_OK;
}

/* Largest access size the device takes that is aligned at offset and fits in len. */
static unsigned mmio_chunk_size(const MemoryRegion *mr, uint64_t offset, uint64_t len)
{
    unsigned max = mr->ops->max_access ? mr->ops->max_access : 8;
    unsigned min = mr->ops->min_access ? mr->ops->min_access : 1;
    for (unsigned size = 8; size >= 1; size >>= 1) {
        if (size <= max && size >= min && size <= len && (offset & (size - 1)) == 0) {
            return size;
        }
    }
    return 0;
}

/* ---- byte-granular access (loaders, DMA) ---- */

static MemTxResult address_space_rw(AddressSpace *as, uint64_t addr, uint8_t *buf, uint64_t len,
                                    bool is_write)
{
    AddressSpace *src = address_space_source(as);
    while (len > 0) {
        uint64_t off;
        MemoryRegion *mr = address_space_find(as, addr, &off);
        if (!mr) {
            return MEMTX_DECODE_ERROR;
        }
        uint64_t chunk = MIN(len, mr->size - off);
        if (mr == src->fallback) {
            chunk = address_space_gap(src, addr, chunk); /* stop where a section begins */
        }
        if (mr->ram) {
            if (is_write) {
                if (!mr->readonly) {
                    memcpy(mr->ram + off, buf, chunk);
                }
            } else {
                memcpy(buf, mr->ram + off, chunk);
            }
        } else {
            unsigned size = mmio_chunk_size(mr, off, chunk);
            if (size == 0) {
                return MEMTX_ERROR;
            }
            chunk = size;
            uint64_t v = 0;
            MemTxResult r;
            if (is_write) {
                memcpy(&v, buf, size); /* little-endian host and guest */
                r = memory_region_dispatch_write(mr, off, v, size);
            } else {
                r = memory_region_dispatch_read(mr, off, &v, size);
                memcpy(buf, &v, size);
            }
            if (r != MEMTX_OK) {
                return r;
            }
        }
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return MEMTX_OK;
}

MemTxResult address_space_read(AddressSpace *as, uint64_t addr, void *buf, uint64_t len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, uint64_t addr, const void *buf, uint64_t len)
{
    return address_space_rw(as, addr, (uint8_t *)buf, len, true);
}
