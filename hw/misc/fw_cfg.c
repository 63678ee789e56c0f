/*
 * fw_cfg.c — QEMU's firmware configuration device, PC I/O port flavour (QEMU
 * docs/specs/fw_cfg.rst). Facts followed from the spec:
 *  - writing the selector resets the data offset; each byte read from the data port returns the
 *    next byte of the item, 0 past its end or for an unknown key;
 *  - data port writes are ignored (QEMU >= 2.4); only the DMA interface writes, and only to
 *    items marked writable;
 *  - the DMA register is big-endian: writing its low half (or all 8 bytes) starts the transfer
 *    described by the FWCfgDmaAccess at that guest address (be32 control, be32 length, be64
 *    address); the device writes control back as 0, or with only the error bit set;
 *  - reading the DMA register returns "QEMU CFG"; FILE_DIR is a be32 count then 64-byte entries.
 * Runs with the device lock held (I/O dispatch) or on the main thread before vCPUs run.
 */
#include "hw/misc/fw_cfg.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

/* ---- items ---- */

static void fw_cfg_entry_set(FWCfgEntry *e, const void *data, size_t len, bool allow_write)
{
    g_free(e->data);
    e->data = len ? g_memdup2(data, len) : NULL;
    e->len = (uint32_t)len;
    e->allow_write = allow_write;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    g_assert(key < FW_CFG_NUM_KEYS && key != FW_CFG_FILE_DIR);
    fw_cfg_entry_set(&s->keys[key], data, len, false);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2] = {value, value >> 8};
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);
    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);
    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str)
{
    fw_cfg_add_bytes(s, key, str, strlen(str) + 1);
}

/* FILE_DIR: be32 count, then per file be32 size, be16 select, u16 reserved, name[56]. */
static void fw_cfg_rebuild_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nb_files * FW_CFG_FILE_ENTRY_SIZE;
    uint8_t *dir = g_malloc0(len);
    uint32_t count = GUINT32_TO_BE((uint32_t)s->nb_files);
    memcpy(dir, &count, 4);
    for (int i = 0; i < s->nb_files; i++) {
        uint8_t *ent = dir + 4 + (size_t)i * FW_CFG_FILE_ENTRY_SIZE;
        uint32_t size = GUINT32_TO_BE(s->files[i].entry.len);
        uint16_t select = GUINT16_TO_BE((uint16_t)(FW_CFG_FILE_FIRST + i));
        memcpy(ent, &size, 4);
        memcpy(ent + 4, &select, 2);
        memcpy(ent + 8, s->files[i].name, FW_CFG_MAX_FILE_PATH);
    }
    fw_cfg_entry_set(&s->keys[FW_CFG_FILE_DIR], dir, len, false);
    g_free(dir);
}

static int fw_cfg_add_file_common(FWCfgState *s, const char *name, const void *data, size_t len,
                                  bool allow_write)
{
    int pos = 0;
    if (strlen(name) >= FW_CFG_MAX_FILE_PATH) {
        return -ENAMETOOLONG;
    }
    /* Keys 0x20.. are in name order (strcmp), as QEMU lists them: find the insertion point. */
    while (pos < s->nb_files) {
        int c = strcmp(name, s->files[pos].name);
        if (c == 0) {
            return -EEXIST;
        }
        if (c < 0) {
            break;
        }
        pos++;
    }
    g_assert(s->nb_files < 0x4000 - FW_CFG_FILE_FIRST);
    s->files = g_renew(FWCfgFile, s->files, s->nb_files + 1);
    memmove(&s->files[pos + 1], &s->files[pos], (size_t)(s->nb_files - pos) * sizeof(FWCfgFile));
    s->files[pos] = (FWCfgFile){0};
    g_strlcpy(s->files[pos].name, name, FW_CFG_MAX_FILE_PATH);
    fw_cfg_entry_set(&s->files[pos].entry, data, len, allow_write);
    s->nb_files++;
    fw_cfg_rebuild_dir(s);
    return 0;
}

int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len)
{
    return fw_cfg_add_file_common(s, name, data, len, false);
}

int fw_cfg_add_file_writable(FWCfgState *s, const char *name, const void *data, size_t len)
{
    return fw_cfg_add_file_common(s, name, data, len, true);
}

int fw_cfg_file_key(const FWCfgState *s, const char *name)
{
    for (int i = 0; i < s->nb_files; i++) {
        if (strcmp(s->files[i].name, name) == 0) {
            return FW_CFG_FILE_FIRST + i;
        }
    }
    return -1;
}

const uint8_t *fw_cfg_file_data(const FWCfgState *s, const char *name, uint32_t *len)
{
    int key = fw_cfg_file_key(s, name);
    if (key < 0) {
        return NULL;
    }
    *len = s->files[key - FW_CFG_FILE_FIRST].entry.len;
    return s->files[key - FW_CFG_FILE_FIRST].entry.data;
}

void fw_cfg_set_machine(FWCfgState *s, uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus)
{
    fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, ram_size);
    fw_cfg_add_i16(s, FW_CFG_NB_CPUS, nb_cpus);
    fw_cfg_add_i16(s, FW_CFG_MAX_CPUS, max_cpus);
}

/* The item a selector value names; NULL for none (reads return 0). The write-channel bit only
 * asked for legacy writes, which are ignored, so it does not change the item. No arch-local
 * (bit 15) items exist here. */
static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    uint16_t k = key & (uint16_t)~FW_CFG_WRITE_CHANNEL;
    if (k < FW_CFG_NUM_KEYS) {
        return s->keys[k].len ? &s->keys[k] : NULL;
    }
    if (k >= FW_CFG_FILE_FIRST && k < FW_CFG_FILE_FIRST + s->nb_files) {
        return &s->files[k - FW_CFG_FILE_FIRST].entry;
    }
    return NULL;
}

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_key = key;
    s->cur_offset = 0;
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    if (!e || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/* ---- I/O ports 0x510 (selector) and 0x511 (data) ---- */

static uint64_t fw_cfg_io_read(void *opaque, uint64_t off, unsigned size)
{
    FWCfgState *s = opaque;
    uint64_t v = 0;
    if (off != 1) {
        return 0; /* the selector is write-only */
    }
    /* Wider reads of the byte-wide data port return successive bytes, lowest address first. */
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)fw_cfg_read_byte(s) << (8 * i);
    }
    return v;
}

static void fw_cfg_io_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    FWCfgState *s = opaque;
    if (off == 0) {
        fw_cfg_select(s, (uint16_t)value);
    }
    /* data port writes: ignored since QEMU 2.4 (fw_cfg.rst) */
}

const MemoryRegionOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read,
    .write = fw_cfg_io_write,
    .min_access = 1,
    .max_access = 2,
};

/* ---- DMA ---- */

static bool fw_cfg_dma_read_guest(FWCfgState *s, uint64_t addr, void *buf, uint64_t len)
{
    return s->dma_as && address_space_read(s->dma_as, addr, buf, len) == MEMTX_OK;
}

static bool fw_cfg_dma_write_guest(FWCfgState *s, uint64_t addr, const void *buf, uint64_t len)
{
    return s->dma_as && address_space_write(s->dma_as, addr, buf, len) == MEMTX_OK;
}

/* Copies the current item to guest memory, zeros past its end; the offset stops at the end. */
static bool fw_cfg_dma_to_guest(FWCfgState *s, uint64_t addr, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint32_t avail = (e && s->cur_offset < e->len) ? e->len - s->cur_offset : 0;
    uint32_t n = MIN(avail, len);
    bool ok = true;
    if (n) {
        ok = fw_cfg_dma_write_guest(s, addr, e->data + s->cur_offset, n);
        s->cur_offset += n;
    }
    if (ok && len > n) {
        uint8_t *zeros = g_malloc0(len - n);
        ok = fw_cfg_dma_write_guest(s, addr + n, zeros, len - n);
        g_free(zeros);
    }
    return ok;
}

/* Overwrites the current item from guest memory; the item must be writable and long enough. */
static bool fw_cfg_dma_from_guest(FWCfgState *s, uint64_t addr, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    if (!e || !e->allow_write || s->cur_offset > e->len || len > e->len - s->cur_offset) {
        return false;
    }
    if (!fw_cfg_dma_read_guest(s, addr, e->data + s->cur_offset, len)) {
        return false;
    }
    s->cur_offset += len;
    return true;
}

static void fw_cfg_dma_skip(FWCfgState *s, uint32_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_key);
    uint32_t end = e ? e->len : 0;
    s->cur_offset = (uint64_t)s->cur_offset + len > end ? MAX(end, s->cur_offset)
                                                        : s->cur_offset + len;
}

/* Runs the FWCfgDmaAccess at desc_addr. A descriptor that cannot be read is dropped (there is
 * nowhere to report the error), as a real DMA engine would fault silently. */
static void fw_cfg_dma_run(FWCfgState *s, uint64_t desc_addr)
{
    uint8_t desc[16];
    uint32_t control, len, result;
    uint64_t addr;
    bool ok = true;

    if (!fw_cfg_dma_read_guest(s, desc_addr, desc, sizeof(desc))) {
        return;
    }
    memcpy(&control, desc, 4);
    memcpy(&len, desc + 4, 4);
    memcpy(&addr, desc + 8, 8);
    control = GUINT32_FROM_BE(control);
    len = GUINT32_FROM_BE(len);
    addr = GUINT64_FROM_BE(addr);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, (uint16_t)(control >> 16));
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        ok = fw_cfg_dma_to_guest(s, addr, len);
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        ok = fw_cfg_dma_from_guest(s, addr, len);
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        fw_cfg_dma_skip(s, len);
    }
    result = GUINT32_TO_BE(ok ? 0 : FW_CFG_DMA_CTL_ERROR);
    fw_cfg_dma_write_guest(s, desc_addr, &result, 4);
}

static uint64_t fw_cfg_dma_io_read(void *opaque, uint64_t off, unsigned size)
{
    static const char sig[8] = "QEMU CFG";
    uint64_t v = 0;
    for (unsigned i = 0; i < size && off + i < 8; i++) {
        v |= (uint64_t)(uint8_t)sig[off + i] << (8 * i);
    }
    return v;
}

/* The register is big-endian: the byte at 0x514 is the most significant. A port write of
 * `size` bytes at `off` stores the value's bytes at off.. in address order. */
static void fw_cfg_dma_io_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    FWCfgState *s = opaque;
    for (unsigned i = 0; i < size && off + i < 8; i++) {
        unsigned shift = 8 * (7 - (unsigned)(off + i));
        s->dma_addr &= ~(0xffull << shift);
        s->dma_addr |= ((value >> (8 * i)) & 0xff) << shift;
    }
    if (off + size == 8) {
        /* The write that completes the low half starts the transfer (fw_cfg.rst). */
        uint64_t addr = s->dma_addr;
        s->dma_addr = 0;
        fw_cfg_dma_run(s, addr);
    }
}

const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_io_read,
    .write = fw_cfg_dma_io_write,
    .min_access = 1,
    .max_access = 8,
};

/* ---- life cycle ---- */

void fw_cfg_reset(FWCfgState *s)
{
    fw_cfg_select(s, 0);
    s->dma_addr = 0;
}

void fw_cfg_init(FWCfgState *s, AddressSpace *dma_as)
{
    *s = (FWCfgState){.dma_as = dma_as};
    memory_region_init_io(&s->io, "fw_cfg", FW_CFG_IO_SIZE, &fw_cfg_io_ops, s);
    memory_region_init_io(&s->dma_io, "fw_cfg.dma", FW_CFG_DMA_IO_SIZE, &fw_cfg_dma_ops, s);
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, 0);
    fw_cfg_add_i32(s, FW_CFG_MACHINE_ID, 0);
    fw_cfg_rebuild_dir(s);
}

void fw_cfg_destroy(FWCfgState *s)
{
    for (int i = 0; i < FW_CFG_NUM_KEYS; i++) {
        g_free(s->keys[i].data);
    }
    for (int i = 0; i < s->nb_files; i++) {
        g_free(s->files[i].entry.data);
    }
    g_free(s->files);
    *s = (FWCfgState){0};
}
