/*
 * softmmu.c — guest virtual memory through the per-vCPU TLB: filling entries from the target's
 * address translation and the physical memory map, the load/store/cmpxchg slow paths that
 * generated code calls on a TLB miss or a flagged page, accessors for helpers and the
 * translator, atomic read-modify-writes on devices (held under the device lock from the read
 * to the write), and TLB maintenance.
 *
 * The TLB belongs to its vCPU: only the owner thread reads or writes it. Other threads that
 * need an entry gone (a page became code, broadcast invalidation) run work on the owner and
 * wait for it (run_on_cpu), so the entry is gone before they go on.
 * Guest RAM is read and written with relaxed host atomics (acquire/release when the guest op
 * asks for it) so that ThreadSanitizer reports only races in Tandem's own data. A store that
 * hits a page holding translated code (TLB_CODE) is performed first and then invalidates the
 * TBs covering the written bytes: a translator reading the page after the store sees the new
 * bytes, and one that read them before holds the page lock until its TB can be found.
 * Compare-and-swap (guest atomics): a host lock cmpxchg on the RAM bytes when they lie in one
 * host cache line (misaligned ones too: x86 allows split locks, SDM vol. 3A 9.1.2.2, and a
 * misaligned lock cmpxchg inside a line is atomic and no split lock on the host), 16 bytes with
 * lock cmpxchg16b; anything else (crossing a line or a page, devices, ROM) inside an exclusive
 * section (vcpu.h), so no other vCPU runs between the read and the write. The host is x86-64.
 */
#include <glib.h>
#include <inttypes.h>
#include <setjmp.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/internal.h"
#include "cpu-exec/io-pending.h"
#include "cpu-exec/softmmu.h"
#include "cpu-exec/vcpu.h"
#include "hw/core/memory.h"
#include "system/log.h"

static const char *const access_names[] = {"load", "store", "fetch"};

/* ---- entries ---- */

static inline uint64_t tlb_tag(const CPUTLBEntry *e, int access)
{
    switch (access) {
    case ACCESS_LOAD: return e->addr_read;
    case ACCESS_STORE: return e->addr_write;
    default: return e->addr_code;
    }
}

/* The tag maps vaddr's page and is not empty (TLB_MMIO / TLB_CODE may be set). */
static inline bool tlb_tag_hit(uint64_t tag, uint64_t vaddr)
{
    return (tag & (TARGET_PAGE_MASK | TLB_INVALID)) == (vaddr & TARGET_PAGE_MASK);
}

static inline void tlb_entry_clear(CPUTLBEntry *e)
{
    e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
    e->addend = 0;
}

static void tlb_check_mmu_idx(CPUState *cpu, int mmu_idx)
{
    if (mmu_idx < 0 || mmu_idx >= NB_MMU_MODES) {
        cpu_fatal(cpu, "softmmu: MMU index %d out of range", mmu_idx);
    }
}

/*
 * Fills the entry for vaddr from the target's translation (which raises the guest fault if
 * the access is not allowed) and the physical map. Pages that are not entirely one RAM region
 * get TLB_MMIO so that every access resolves its own physical address.
 */
static CPUTLBEntry *tlb_fill_entry(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx)
{
    uint64_t paddr;
    int prot;
    if (!cpu->arch->tlb_fill(cpu, vaddr, access, mmu_idx, &paddr, &prot, false)) {
        cpu_fatal(cpu, "softmmu: %s tlb_fill failed for 0x%" PRIx64 " without raising a fault",
                  cpu->arch->name, vaddr);
    }
    uint64_t page = vaddr & TARGET_PAGE_MASK;
    paddr &= TARGET_PAGE_MASK;
    uint64_t offset;
    MemoryRegion *mr = address_space_find(cpu_mmu_as(cpu, mmu_idx), paddr, &offset);
    bool ram = mr && mr->ram && offset + TARGET_PAGE_SIZE <= mr->size;
    uint64_t io = ram ? 0 : TLB_MMIO;

    unsigned idx = tlb_index(vaddr);
    CPUTLBEntry *e = &cpu->tlb[mmu_idx][idx];
    e->addr_read = (prot & PAGE_READ) ? page | io : TLB_INVALID;
    e->addr_code = (prot & PAGE_EXEC) ? page | io : TLB_INVALID;
    if (prot & PAGE_WRITE) {
        e->addr_write = page | ((ram && !mr->readonly) ? 0 : TLB_MMIO);
        if (ram && tb_page_has_code(paddr)) {
            e->addr_write |= TLB_CODE;
        }
    } else {
        e->addr_write = TLB_INVALID;
    }
    e->addend = ram ? (uintptr_t)(mr->ram + offset) - (uintptr_t)page : 0;
    cpu->tlb_full[mmu_idx][idx] = (CPUTLBEntryFull){
        .paddr = paddr, .mr = ram ? mr : NULL, .nonglobal = (prot & PAGE_NONGLOBAL) != 0};
    cpu->tlb_used[mmu_idx][idx / 64] |= 1ull << (idx % 64);
    if (PAGE_LG_OF(prot) > TARGET_PAGE_BITS) {
        tlb_large_note(cpu, vaddr, PAGE_LG_OF(prot));
    }
    if (log_enabled(LOG_MMU)) {
        tlog("tlb_fill cpu %d idx %d: 0x%016" PRIx64 " -> 0x%016" PRIx64 " prot %d%s\n",
             cpu->cpu_index, mmu_idx, page, paddr, prot, ram ? "" : " (mmio)");
    }
    return e;
}

/* The entry for vaddr with a tag that allows the access; fills on a miss. */
static CPUTLBEntry *tlb_lookup(CPUState *cpu, uint64_t vaddr, int access, int mmu_idx,
                               uint64_t *tag)
{
    tlb_check_mmu_idx(cpu, mmu_idx);
    CPUTLBEntry *e = &cpu->tlb[mmu_idx][tlb_index(vaddr)];
    if (!tlb_tag_hit(tlb_tag(e, access), vaddr)) {
        e = tlb_fill_entry(cpu, vaddr, access, mmu_idx);
        if (!tlb_tag_hit(tlb_tag(e, access), vaddr)) {
            /* The target must raise a permission fault instead of returning. */
            cpu_fatal(cpu, "softmmu: %s tlb_fill granted no %s access to 0x%" PRIx64
                      " and raised no fault", cpu->arch->name, access_names[access], vaddr);
        }
    }
    *tag = tlb_tag(e, access);
    return e;
}

static inline uint64_t tlb_phys(CPUState *cpu, int mmu_idx, uint64_t vaddr)
{
    return cpu->tlb_full[mmu_idx][tlb_index(vaddr)].paddr | (vaddr & ~TARGET_PAGE_MASK);
}

/* ---- guest RAM ---- */

static uint64_t ram_load(const void *host, unsigned size, MemOp mop)
{
    if (((uintptr_t)host & (size - 1)) == 0) {
        bool acq = (mop & MO_ACQ) != 0;
        switch (size) {
        case 1: return acq ? __atomic_load_n((const uint8_t *)host, __ATOMIC_ACQUIRE)
                           : __atomic_load_n((const uint8_t *)host, __ATOMIC_RELAXED);
        case 2: return acq ? __atomic_load_n((const uint16_t *)host, __ATOMIC_ACQUIRE)
                           : __atomic_load_n((const uint16_t *)host, __ATOMIC_RELAXED);
        case 4: return acq ? __atomic_load_n((const uint32_t *)host, __ATOMIC_ACQUIRE)
                           : __atomic_load_n((const uint32_t *)host, __ATOMIC_RELAXED);
        default: return acq ? __atomic_load_n((const uint64_t *)host, __ATOMIC_ACQUIRE)
                            : __atomic_load_n((const uint64_t *)host, __ATOMIC_RELAXED);
        }
    }
    /* Unaligned within a page: byte by byte, little-endian (guest and host); each byte
     * carries the ordering (ThreadSanitizer does not model fences). */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        const uint8_t *p = (const uint8_t *)host + i;
        uint8_t b = (mop & MO_ACQ) ? __atomic_load_n(p, __ATOMIC_ACQUIRE)
                                   : __atomic_load_n(p, __ATOMIC_RELAXED);
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void ram_store(void *host, unsigned size, uint64_t val, MemOp mop)
{
    if (((uintptr_t)host & (size - 1)) == 0) {
        bool rel = (mop & MO_REL) != 0;
        switch (size) {
        case 1:
            rel ? __atomic_store_n((uint8_t *)host, (uint8_t)val, __ATOMIC_RELEASE)
                : __atomic_store_n((uint8_t *)host, (uint8_t)val, __ATOMIC_RELAXED);
            return;
        case 2:
            rel ? __atomic_store_n((uint16_t *)host, (uint16_t)val, __ATOMIC_RELEASE)
                : __atomic_store_n((uint16_t *)host, (uint16_t)val, __ATOMIC_RELAXED);
            return;
        case 4:
            rel ? __atomic_store_n((uint32_t *)host, (uint32_t)val, __ATOMIC_RELEASE)
                : __atomic_store_n((uint32_t *)host, (uint32_t)val, __ATOMIC_RELAXED);
            return;
        default:
            rel ? __atomic_store_n((uint64_t *)host, val, __ATOMIC_RELEASE)
                : __atomic_store_n((uint64_t *)host, val, __ATOMIC_RELAXED);
            return;
        }
    }
    for (unsigned i = 0; i < size; i++) {
        uint8_t *p = (uint8_t *)host + i;
        if (mop & MO_REL) {
            __atomic_store_n(p, (uint8_t)(val >> (8 * i)), __ATOMIC_RELEASE);
        } else {
            __atomic_store_n(p, (uint8_t)(val >> (8 * i)), __ATOMIC_RELAXED);
        }
    }
}

/* Host compare-and-swap of size bytes at host (naturally aligned): true if *expected was
 * there and newv is now; *expected receives what was there (zero-extended). Sequentially
 * consistent (a lock-prefixed instruction on x86-64). */
static inline bool ram_cmpxchg(void *host, unsigned size, uint64_t *expected, uint64_t newv)
{
    bool ok;
    switch (size) {
    case 1: {
        uint8_t x = (uint8_t)*expected;
        ok = __atomic_compare_exchange_n((uint8_t *)host, &x, (uint8_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = x;
        return ok;
    }
    case 2: {
        uint16_t x = (uint16_t)*expected;
        ok = __atomic_compare_exchange_n((uint16_t *)host, &x, (uint16_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = x;
        return ok;
    }
    case 4: {
        uint32_t x = (uint32_t)*expected;
        ok = __atomic_compare_exchange_n((uint32_t *)host, &x, (uint32_t)newv, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        *expected = x;
        return ok;
    }
    default:
        return __atomic_compare_exchange_n((uint64_t *)host, expected, newv, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
}

/* Host lock cmpxchg of size (2, 4, 8) bytes at a misaligned host address that stays within one
 * 64-byte host cache line (so no split lock, which hosts may trap: SDM vol. 3A 9.1.2.2 and
 * split-lock detection). Same contract as ram_cmpxchg. Inline assembly: C atomics require
 * natural alignment. */
static inline bool ram_cmpxchg_unaligned(void *host, unsigned size, uint64_t *expected,
                                         uint64_t newv)
{
    bool ok;
    switch (size) {
    case 2: {
        uint16_t x = (uint16_t)*expected;
        __asm__ volatile("lock cmpxchgw %3, %1"
                         : "=@ccz"(ok), "+m"(*(uint16_t *)host), "+a"(x)
                         : "r"((uint16_t)newv)
                         : "memory");
        *expected = x;
        return ok;
    }
    case 4: {
        uint32_t x = (uint32_t)*expected;
        __asm__ volatile("lock cmpxchgl %3, %1"
                         : "=@ccz"(ok), "+m"(*(uint32_t *)host), "+a"(x)
                         : "r"((uint32_t)newv)
                         : "memory");
        *expected = x;
        return ok;
    }
    default:
        __asm__ volatile("lock cmpxchgq %3, %1"
                         : "=@ccz"(ok), "+m"(*(uint64_t *)host), "+a"(*expected)
                         : "r"(newv)
                         : "memory");
        return ok;
    }
}

/* Host lock cmpxchg16b on 16 naturally aligned bytes (little-endian halves [0] low, [1] high):
 * true if expected was there and newv is now; expected receives what was there. On failure the
 * host writes the old value back (SDM vol. 2 CMPXCHG8B/CMPXCHG16B), as the guest must. */
static inline bool ram_cmpxchg16(void *host, uint64_t expected[2], const uint64_t newv[2])
{
    bool ok;
    __asm__ volatile("lock cmpxchg16b %1"
                     : "=@ccz"(ok), "+m"(*(unsigned __int128 *)host), "+a"(expected[0]),
                       "+d"(expected[1])
                     : "b"(newv[0]), "c"(newv[1])
                     : "memory");
    return ok;
}

#define HOST_CACHE_LINE 64u

/* ---- physical accesses outside plain RAM pages ---- */

/* A deferred MMIO read as cpu_io_wait starts it; the result code stays for the caller. */
typedef struct DeferredRead {
    MemoryRegion *mr;
    uint64_t offset;
    unsigned size;
    MemTxResult res;
} DeferredRead;

static bool phys_load_deferred_start(void *opaque, IOPending *p, uint64_t *value)
{
    DeferredRead *d = opaque;
    d->res = memory_region_dispatch_read_deferred(d->mr, d->offset, value, d->size, p);
    return d->res != MEMTX_PENDING;
}

uint64_t cpu_io_read_deferred(CPUState *cpu, int kind, uint64_t key, MemoryRegion *mr,
                              uint64_t offset, unsigned size, MemTxResult *res)
{
    DeferredRead d = {.mr = mr, .offset = offset, .size = size, .res = MEMTX_OK};
    uint64_t val = cpu_io_wait(cpu, kind, key, phys_load_deferred_start, &d);
    *res = d.res == MEMTX_PENDING ? MEMTX_OK : d.res;
    return val;
}

static uint64_t phys_load_slow(CPUState *cpu, int mmu_idx, uint64_t vaddr, uint64_t paddr,
                               unsigned size, MemOp mop)
{
    uint64_t offset, val;
    MemoryRegion *mr = address_space_find(cpu_mmu_as(cpu, mmu_idx), paddr, &offset);
    if (!mr) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
    }
    if (mr->ram) { /* RAM region smaller than a page, or not page aligned */
        if (offset + size > mr->size) {
            cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
        }
        return ram_load(mr->ram + offset, size, mop);
    }
    if (mr->ops && mr->ops->read_deferred) {
        MemTxResult res;
        val = cpu_io_read_deferred(cpu, IO_PENDING_MMIO_READ, paddr << 4 | size, mr, offset,
                                   size, &res);
        if (res != MEMTX_OK) {
            cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
        }
        return val;
    }
    if (memory_region_dispatch_read(mr, offset, &val, size) != MEMTX_OK) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
    }
    return val;
}

static void phys_store_slow(CPUState *cpu, int mmu_idx, uint64_t vaddr, uint64_t paddr,
                            unsigned size, uint64_t val, MemOp mop)
{
    uint64_t offset;
    MemoryRegion *mr = address_space_find(cpu_mmu_as(cpu, mmu_idx), paddr, &offset);
    if (!mr) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_STORE);
    }
    if (mr->ram) {
        if (offset + size > mr->size) {
            cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_STORE);
        }
        if (mr->readonly) {
            if (log_enabled(LOG_GUEST_ERRORS)) {
                tlog("write of %u bytes to ROM %s at 0x%" PRIx64 " ignored\n", size, mr->name,
                     paddr);
            }
            return;
        }
        ram_store(mr->ram + offset, size, val, mop);
        tb_invalidate_phys_range(paddr, paddr + size);
        return;
    }
    if (memory_region_dispatch_write(mr, offset, val, size) != MEMTX_OK) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_STORE);
    }
}

/* A store hit a page holding code: the bytes are written; now drop the TBs they covered and,
 * once the page holds no code, let later stores take the fast path again. */
static void softmmu_code_written(CPUState *cpu, uint64_t vaddr, uint64_t paddr, unsigned size,
                                 int mmu_idx)
{
    tb_invalidate_phys_range(paddr, paddr + size);
    if (!tb_page_has_code(paddr)) {
        tlb_entry_clear(&cpu->tlb[mmu_idx][tlb_index(vaddr)]);
    }
}

/* ---- loads and stores ---- */

static void softmmu_check_align(CPUState *cpu, uint64_t vaddr, unsigned size, MemOp mop,
                                int access, int mmu_idx)
{
    if ((mop & MO_ALIGN) && (vaddr & (size - 1))) {
        if (cpu->arch->unaligned_access) {
            cpu->arch->unaligned_access(cpu, vaddr, access, mmu_idx);
        }
        cpu_fatal(cpu, "unaligned %u-byte %s at 0x%" PRIx64 " requires alignment", size,
                  access_names[access], vaddr);
    }
}

static inline uint64_t softmmu_sign(uint64_t v, MemOp mop)
{
    unsigned bits = 8u << (mop & MO_SIZE);
    if ((mop & MO_SIGN) && bits < 64) {
        return (uint64_t)(((int64_t)(v << (64 - bits))) >> (64 - bits));
    }
    return v;
}

static uint64_t softmmu_load(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx, int access)
{
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t tag, v;
    softmmu_check_align(cpu, vaddr, size, mop, access, mmu_idx);
    if ((vaddr & ~TARGET_PAGE_MASK) + size > TARGET_PAGE_SIZE) {
        /* Crosses a page: bytes, each translated on its own, little-endian. */
        v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= softmmu_load(cpu, vaddr + i, MO_8, mmu_idx, access) << (8 * i);
        }
        return softmmu_sign(v, mop);
    }
    CPUTLBEntry *e = tlb_lookup(cpu, vaddr, access, mmu_idx, &tag);
    if (!(tag & TLB_MMIO)) {
        v = ram_load((void *)(uintptr_t)(vaddr + e->addend), size, mop);
    } else {
        v = phys_load_slow(cpu, mmu_idx, vaddr, tlb_phys(cpu, mmu_idx, vaddr), size, mop);
    }
    return softmmu_sign(v, mop);
}

static void softmmu_store(CPUState *cpu, uint64_t vaddr, uint64_t val, MemOp mop, int mmu_idx)
{
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t tag;
    softmmu_check_align(cpu, vaddr, size, mop, ACCESS_STORE, mmu_idx);
    if ((vaddr & ~TARGET_PAGE_MASK) + size > TARGET_PAGE_SIZE) {
        /* Translate both pages first so a fault on the second leaves memory untouched. */
        tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &tag);
        tlb_lookup(cpu, vaddr + size - 1, ACCESS_STORE, mmu_idx, &tag);
        for (unsigned i = 0; i < size; i++) {
            softmmu_store(cpu, vaddr + i, val >> (8 * i), MO_8, mmu_idx);
        }
        return;
    }
    CPUTLBEntry *e = tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &tag);
    if (tag & TLB_MMIO) {
        phys_store_slow(cpu, mmu_idx, vaddr, tlb_phys(cpu, mmu_idx, vaddr), size, val, mop);
        return;
    }
    ram_store((void *)(uintptr_t)(vaddr + e->addend), size, val, mop);
    if (tag & TLB_CODE) {
        softmmu_code_written(cpu, vaddr, tlb_phys(cpu, mmu_idx, vaddr), size, mmu_idx);
    }
}

uint64_t helper_ld_slow(void *env, uint64_t vaddr, uint32_t oi)
{
    return softmmu_load(cpu_from_env(env), vaddr, (MemOp)(oi & 0xff), (int)(oi >> 8),
                        ACCESS_LOAD);
}

void helper_st_slow(void *env, uint64_t vaddr, uint64_t val, uint32_t oi)
{
    softmmu_store(cpu_from_env(env), vaddr, val, (MemOp)(oi & 0xff), (int)(oi >> 8));
}

/* The compare-and-swap inside the section: the TLB maps every byte (atomic_cmpxchg_exclusive
 * translated them), so only a device refusing an access can leave. */
static bool atomic_cmpxchg_locked(CPUState *cpu, uint64_t vaddr, unsigned size,
                                  const uint64_t cmp[2], const uint64_t newv[2], int mmu_idx,
                                  uint64_t old[2])
{
    if (size == 16) {
        old[0] = softmmu_load(cpu, vaddr, MO_64, mmu_idx, ACCESS_LOAD);
        old[1] = softmmu_load(cpu, vaddr + 8, MO_64, mmu_idx, ACCESS_LOAD);
        if (old[0] != cmp[0] || old[1] != cmp[1]) {
            return false;
        }
        softmmu_store(cpu, vaddr, newv[0], MO_64, mmu_idx);
        softmmu_store(cpu, vaddr + 8, newv[1], MO_64, mmu_idx);
        return true;
    }
    MemOp mop = (MemOp)__builtin_ctz(size);
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    old[0] = softmmu_load(cpu, vaddr, mop, mmu_idx, ACCESS_LOAD);
    old[1] = 0;
    if ((old[0] ^ cmp[0]) & mask) {
        return false;
    }
    softmmu_store(cpu, vaddr, newv[0], mop, mmu_idx);
    return true;
}

/*
 * A compare-and-swap of size (1..8 or 16) bytes that no host atomic can do: crossing a host
 * cache line or a page, or not plain RAM (a device, ROM). Done inside an exclusive section, so
 * no other vCPU runs guest code between the read and the write (x86 split locks are atomic,
 * SDM vol. 3A 9.1.2.2). Every page is translated for writing (then reading) first, so guest
 * faults are taken before the section, with nothing written. Only a successful comparison
 * writes: on RAM x86's write-back of the unchanged value is invisible, and a device is not sent
 * a second write. Device threads are not stopped: one may act between the two accesses of a
 * 16-byte device operation. A device refusing an access (bus error) ends the section before
 * the exception leaves. Single-thread mode needs no section: no other vCPU runs meanwhile.
 */
static bool atomic_cmpxchg_exclusive(CPUState *cpu, uint64_t vaddr, unsigned size,
                                     const uint64_t cmp[2], const uint64_t newv[2], int mmu_idx,
                                     uint64_t old[2])
{
    uint64_t tag, last = vaddr + size - 1;
    tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &tag);
    tlb_lookup(cpu, last, ACCESS_STORE, mmu_idx, &tag);
    tlb_lookup(cpu, vaddr, ACCESS_LOAD, mmu_idx, &tag);
    tlb_lookup(cpu, last, ACCESS_LOAD, mmu_idx, &tag);

    const bool section = !vcpu_single_thread();
    const bool in_exec = section && cpu_exclusive_start_in_exec(cpu);
    sigjmp_buf outer;
    memcpy(outer, cpu->jmp_env, sizeof(sigjmp_buf));
    if (sigsetjmp(cpu->jmp_env, 0) != 0) {
        memcpy(cpu->jmp_env, outer, sizeof(sigjmp_buf));
        if (section) {
            cpu_exclusive_end_in_exec(cpu, in_exec);
        }
        cpu_loop_exit(cpu);
    }
    bool ok = atomic_cmpxchg_locked(cpu, vaddr, size, cmp, newv, mmu_idx, old);
    memcpy(cpu->jmp_env, outer, sizeof(sigjmp_buf));
    if (section) {
        cpu_exclusive_end_in_exec(cpu, in_exec);
    }
    return ok;
}

uint64_t helper_atomic_cmpxchg(void *env, uint64_t vaddr, uint64_t cmp, uint64_t newv,
                               uint32_t oi)
{
    CPUState *cpu = cpu_from_env(env);
    MemOp mop = (MemOp)(oi & 0xff);
    int mmu_idx = (int)(oi >> 8);
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t tag;
    bool misaligned = (vaddr & (size - 1)) != 0;
    if (misaligned && (mop & MO_ALIGN)) {
        /* ARM ARM B2.5.2: exclusives and atomics are alignment-checked. */
        if (cpu->arch->unaligned_access) {
            cpu->arch->unaligned_access(cpu, vaddr, ACCESS_STORE, mmu_idx);
        }
        cpu_fatal(cpu, "unaligned %u-byte atomic at 0x%" PRIx64, size, vaddr);
    }
    if ((vaddr & ~TARGET_PAGE_MASK) + size <= TARGET_PAGE_SIZE) {
        tlb_check_mmu_idx(cpu, mmu_idx);
        CPUTLBEntry *e = tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &tag);
        void *host = (void *)(uintptr_t)(vaddr + e->addend);
        unsigned line_off = (unsigned)((uintptr_t)host & (HOST_CACHE_LINE - 1));
        if (!(tag & TLB_MMIO) && (!misaligned || line_off + size <= HOST_CACHE_LINE)) {
            uint64_t old = cmp;
            bool ok = ((uintptr_t)host & (size - 1)) == 0 ? ram_cmpxchg(host, size, &old, newv)
                                                           : ram_cmpxchg_unaligned(host, size, &old,
                                                                                   newv);
            if (ok && (tag & TLB_CODE)) {
                softmmu_code_written(cpu, vaddr, tlb_phys(cpu, mmu_idx, vaddr), size, mmu_idx);
            }
            return softmmu_sign(old, mop);
        }
    }
    uint64_t c[2] = {cmp, 0}, n[2] = {newv, 0}, old[2];
    atomic_cmpxchg_exclusive(cpu, vaddr, size, c, n, mmu_idx, old);
    return softmmu_sign(old[0], mop);
}

bool cpu_atomic_cmpxchg16(CPUState *cpu, uint64_t vaddr, const uint64_t cmp[2],
                          const uint64_t newv[2], int mmu_idx, uint64_t old[2])
{
    uint64_t tag;
    if (vaddr & 15) {
        cpu_fatal(cpu, "16-byte compare-and-swap at 0x%" PRIx64 " is not 16-byte aligned",
                  vaddr);
    }
    tlb_check_mmu_idx(cpu, mmu_idx);
    CPUTLBEntry *e = tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &tag);
    void *host = (void *)(uintptr_t)(vaddr + e->addend);
    if ((tag & TLB_MMIO) || ((uintptr_t)host & 15)) {
        return atomic_cmpxchg_exclusive(cpu, vaddr, 16, cmp, newv, mmu_idx, old);
    }
    old[0] = cmp[0];
    old[1] = cmp[1];
    bool ok = ram_cmpxchg16(host, old, newv);
    if (ok && (tag & TLB_CODE)) {
        softmmu_code_written(cpu, vaddr, tlb_phys(cpu, mmu_idx, vaddr), 16, mmu_idx);
    }
    return ok;
}

/* ---- atomic read-modify-write outside plain RAM (LSE atomics on devices) ---- */

/* One atomic on a device region; cpu_io_wait starts it when the device may defer reads. */
typedef struct AtomicIO {
    MemoryRegion *mr;
    uint64_t offset;
    unsigned size;
    AtomicRMWFn *fn;
    void *opaque;
    MemTxResult rres, wres; /* of the device read and write */
    bool performed;         /* read, fn and write done within one hold of the device lock */
} AtomicIO;

/* The device read gave old; the device lock is held (it is recursive: the dispatcher takes it
 * again around the write). */
static void atomic_io_finish(AtomicIO *a, uint64_t old)
{
    uint64_t newv;
    if (a->fn(a->opaque, old, &newv)) {
        a->wres = memory_region_dispatch_write(a->mr, a->offset, newv, a->size);
    }
    a->performed = true;
}

static bool atomic_io_deferred_start(void *opaque, IOPending *p, uint64_t *value)
{
    AtomicIO *a = opaque;
    device_lock();
    a->rres = memory_region_dispatch_read_deferred(a->mr, a->offset, value, a->size, p);
    if (a->rres == MEMTX_OK) {
        atomic_io_finish(a, *value);
    }
    device_unlock();
    return a->rres != MEMTX_PENDING;
}

/* ROM, or RAM smaller than a page (every access takes the slow path): a host compare-and-swap
 * loop; a write to ROM is ignored, as a store's is. */
static uint64_t atomic_rmw_ram_region(CPUState *cpu, uint64_t vaddr, uint64_t paddr,
                                      MemoryRegion *mr, uint64_t offset, unsigned size,
                                      AtomicRMWFn *fn, void *opaque)
{
    void *host = mr->ram + offset;
    if (offset + size > mr->size || ((uintptr_t)host & (size - 1))) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
    }
    uint64_t old = ram_load(host, size, 0), newv;
    for (;;) {
        if (!fn(opaque, old, &newv)) {
            return old;
        }
        if (mr->readonly) {
            if (log_enabled(LOG_GUEST_ERRORS)) {
                tlog("atomic write of %u bytes to ROM %s at 0x%" PRIx64 " ignored\n", size,
                     mr->name, paddr);
            }
            return old;
        }
        uint64_t seen = old;
        if (ram_cmpxchg(host, size, &seen, newv)) {
            tb_invalidate_phys_range(paddr, paddr + size);
            return old;
        }
        old = seen; /* changed in between: recompute from what is there */
    }
}

bool cpu_atomic_rmw_io_slow(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx,
                            AtomicRMWFn *fn, void *opaque, uint64_t *old)
{
    unsigned size = 1u << (mop & MO_SIZE);
    uint64_t rtag, wtag, offset;
    tlb_lookup(cpu, vaddr, ACCESS_LOAD, mmu_idx, &rtag);
    tlb_lookup(cpu, vaddr, ACCESS_STORE, mmu_idx, &wtag);
    if (!((rtag | wtag) & TLB_MMIO)) {
        return false; /* plain RAM: the caller's host atomic */
    }
    uint64_t paddr = tlb_phys(cpu, mmu_idx, vaddr);
    MemoryRegion *mr = address_space_find(cpu_mmu_as(cpu, mmu_idx), paddr, &offset);
    if (!mr) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
    }
    if (mr->ram) {
        *old = atomic_rmw_ram_region(cpu, vaddr, paddr, mr, offset, size, fn, opaque);
        return true;
    }
    AtomicIO a = {.mr = mr, .offset = offset, .size = size, .fn = fn, .opaque = opaque,
                  .rres = MEMTX_OK, .wres = MEMTX_OK};
    if (mr->ops && mr->ops->read_deferred) {
        /* Same operation key as a load of these bytes: an attempt that had to leave while the
         * read was owed finds it again when the instruction is retried. */
        *old = cpu_io_wait(cpu, IO_PENDING_MMIO_READ, paddr << 4 | size,
                           atomic_io_deferred_start, &a);
    } else {
        device_lock();
        a.rres = memory_region_dispatch_read(mr, offset, old, size);
        if (a.rres == MEMTX_OK) {
            atomic_io_finish(&a, *old);
        }
        device_unlock();
    }
    if (a.rres != MEMTX_OK && a.rres != MEMTX_PENDING) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_LOAD);
    }
    if (!a.performed) {
        /* The device deferred the read: its answer came after the device lock was dropped, so
         * a write now would not be atomic. Atomics to Device memory may abort (ARM ARM B2.2.6):
         * a synchronous external abort on the write, the read done, nothing written. */
        if (log_enabled(LOG_GUEST_ERRORS)) {
            tlog("%s: atomic on a deferred read at 0x%" PRIx64 ": external abort\n", mr->name,
                 paddr);
        }
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_STORE);
    }
    if (a.wres != MEMTX_OK) {
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_STORE);
    }
    return true;
}

uint64_t cpu_ld_data(CPUState *cpu, uint64_t vaddr, MemOp mop, int mmu_idx)
{
    return softmmu_load(cpu, vaddr, mop, mmu_idx, ACCESS_LOAD);
}

void cpu_st_data(CPUState *cpu, uint64_t vaddr, uint64_t val, MemOp mop, int mmu_idx)
{
    softmmu_store(cpu, vaddr, val, mop, mmu_idx);
}

/* ---- instruction fetch ---- */

uint64_t tlb_code_phys(CPUState *cpu, uint64_t vaddr, int mmu_idx)
{
    uint64_t tag;
    tlb_lookup(cpu, vaddr, ACCESS_FETCH, mmu_idx, &tag);
    uint64_t paddr = tlb_phys(cpu, mmu_idx, vaddr);
    if (tag & TLB_MMIO) {
        /* Code runs from RAM (or ROM) only: a device cannot be made to hold TBs. */
        cpu->arch->bus_error(cpu, vaddr, paddr, ACCESS_FETCH);
    }
    return paddr;
}

bool tlb_code_phys_probe(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr)
{
    const CPUTLBEntry *e = &cpu->tlb[mmu_idx][tlb_index(vaddr)];
    if (!tlb_tag_hit(e->addr_code, vaddr) || (e->addr_code & TLB_MMIO)) {
        return false;
    }
    *paddr = tlb_phys(cpu, mmu_idx, vaddr);
    return true;
}

uint8_t cpu_ldub_code(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr)
{
    *paddr = tlb_code_phys(cpu, vaddr, mmu_idx);
    const CPUTLBEntry *e = &cpu->tlb[mmu_idx][tlb_index(vaddr)];
    return (uint8_t)ram_load((void *)(uintptr_t)(vaddr + e->addend), 1, 0);
}

uint32_t cpu_ldl_code(CPUState *cpu, uint64_t vaddr, int mmu_idx, uint64_t *paddr)
{
    if ((vaddr & ~TARGET_PAGE_MASK) + 4 > TARGET_PAGE_SIZE) {
        uint64_t p;
        uint32_t v = cpu_ldub_code(cpu, vaddr, mmu_idx, paddr);
        for (unsigned i = 1; i < 4; i++) {
            v |= (uint32_t)cpu_ldub_code(cpu, vaddr + i, mmu_idx, &p) << (8 * i);
        }
        return v;
    }
    *paddr = tlb_code_phys(cpu, vaddr, mmu_idx);
    const CPUTLBEntry *e = &cpu->tlb[mmu_idx][tlb_index(vaddr)];
    return (uint32_t)ram_load((void *)(uintptr_t)(vaddr + e->addend), 4, 0);
}

/* ---- maintenance ---- */

/* Why an entry goes: the caller's test, given the entry's MMU index and slot. */
typedef bool TLBDropTest(CPUState *cpu, int mmu_idx, unsigned i, const void *arg);

/* Clears the entries filled since the last flush that drop() picks; only those keep their
 * "used" bit, so every flush costs what was filled, not the table. */
static void tlb_drop_used(CPUState *cpu, TLBDropTest *drop, const void *arg)
{
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (unsigned w = 0; w < CPU_TLB_SIZE / 64; w++) {
            uint64_t used = cpu->tlb_used[m][w], kept = 0;
            for (uint64_t left = used; left; left &= left - 1) {
                unsigned i = w * 64 + (unsigned)__builtin_ctzll(left);
                if (drop(cpu, m, i, arg)) {
                    tlb_entry_clear(&cpu->tlb[m][i]);
                } else {
                    kept |= 1ull << (i % 64);
                }
            }
            cpu->tlb_used[m][w] = kept;
        }
    }
}

static bool drop_any(CPUState *cpu, int m, unsigned i, const void *arg) { return true; }

static bool drop_nonglobal(CPUState *cpu, int m, unsigned i, const void *arg)
{
    return cpu->tlb_full[m][i].nonglobal;
}

void tlb_init(CPUState *cpu)
{
    /* Every entry, not only the used ones: a zeroed entry would map virtual page 0. */
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (unsigned i = 0; i < CPU_TLB_SIZE; i++) {
            tlb_entry_clear(&cpu->tlb[m][i]);
        }
    }
    memset(cpu->tlb_used, 0, sizeof(cpu->tlb_used));
    tlb_large_reset(cpu);
    tb_jmp_cache_clear(cpu);
}

void tlb_flush(CPUState *cpu)
{
    tlb_drop_used(cpu, drop_any, NULL);
    tlb_large_reset(cpu);
    /* Jump cache entries were found through the old translations (DESIGN: flushed together). */
    tb_jmp_cache_clear(cpu);
}

void tlb_flush_nonglobal(CPUState *cpu)
{
    tlb_drop_used(cpu, drop_nonglobal, NULL);
    tb_jmp_cache_clear_nonglobal(cpu);
}

bool tlb_code_nonglobal(CPUState *cpu, uint64_t vaddr, int mmu_idx)
{
    return cpu->tlb_full[mmu_idx][tlb_index(vaddr)].nonglobal;
}

/* Entries for a virtual page in [range[0], range[1]] (a larger mapping being invalidated). */
static bool drop_in_range(CPUState *cpu, int m, unsigned i, const void *arg)
{
    const uint64_t *range = arg;
    const CPUTLBEntry *e = &cpu->tlb[m][i];
    uint64_t tag = !(e->addr_read & TLB_INVALID)    ? e->addr_read
                   : !(e->addr_write & TLB_INVALID) ? e->addr_write
                                                    : e->addr_code;
    uint64_t page = tag & TARGET_PAGE_MASK;
    return !(tag & TLB_INVALID) && page >= (range[0] & TARGET_PAGE_MASK) && page <= range[1];
}

void tlb_flush_page(CPUState *cpu, uint64_t vaddr)
{
    uint64_t page = vaddr & TARGET_PAGE_MASK, range[2];
    if (tlb_large_take(cpu, vaddr, &range[0], &range[1])) {
        tlb_drop_used(cpu, drop_in_range, range);
        tb_jmp_cache_clear_range(cpu, range[0], range[1]);
    }
    for (int m = 0; m < NB_MMU_MODES; m++) {
        CPUTLBEntry *e = &cpu->tlb[m][tlb_index(vaddr)];
        if (tlb_tag_hit(e->addr_read, page) || tlb_tag_hit(e->addr_write, page) ||
            tlb_tag_hit(e->addr_code, page)) {
            tlb_entry_clear(e);
        }
    }
    tb_jmp_cache_clear_page(cpu, vaddr);
}

/* Entries whose write tag maps the physical page *arg. */
static bool drop_phys_page(CPUState *cpu, int m, unsigned i, const void *arg)
{
    return !(cpu->tlb[m][i].addr_write & TLB_INVALID) &&
           cpu->tlb_full[m][i].paddr == *(const uint64_t *)arg;
}

void tlb_flush_phys_page(CPUState *cpu, uint64_t paddr)
{
    uint64_t page = paddr & TARGET_PAGE_MASK;
    tlb_drop_used(cpu, drop_phys_page, &page);
}

static void tlb_flush_phys_page_work(CPUState *cpu, void *arg)
{
    tlb_flush_phys_page(cpu, *(const uint64_t *)arg);
}

void tlb_defer_flush(CPUState *cpu, void *arg)
{
    atomic_store(&cpu->tlb_flush_deferred, true);
}

void tlb_flush_if_deferred(CPUState *cpu)
{
    if (atomic_load_explicit(&cpu->tlb_flush_deferred, memory_order_relaxed) &&
        atomic_exchange(&cpu->tlb_flush_deferred, false)) {
        tlb_flush(cpu);
    }
}

/* A page is becoming code (tb-gen.c): no vCPU may keep a fast-path store entry for it. */
void tlb_flush_phys_page_all(CPUState *cpu, uint64_t paddr)
{
    uint64_t page = paddr & TARGET_PAGE_MASK;
    CPUState *self = current_cpu();
    tlb_flush_phys_page(cpu, page);
    if (self && self != cpu) {
        tlb_flush_phys_page(self, page);
    }
    run_on_other_cpus(cpu, tlb_flush_phys_page_work, &page, tlb_defer_flush);
}
