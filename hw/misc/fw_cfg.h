/*
 * fw_cfg.h — QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.rst) as the x86 PC
 * exposes it: a 16-bit selector at I/O port 0x510, a byte-wide data port at 0x511 and the DMA
 * address register at 0x514. Items are numbered keys (SIGNATURE, ID, RAM_SIZE, ...) and named
 * files listed in the FILE_DIR item, sorted by name; a file's key is 0x20 + its place in that
 * order, so adding a file renumbers the ones after it (as QEMU does), and files are added while
 * the board is built (main thread, before vCPUs run). Port accesses and DMA run with the device
 * lock held (I/O dispatch); DMA reads and writes guest memory through s->dma_as.
 * The board maps s->io (2 ports) at 0x510 and s->dma_io (8 ports) at 0x514 in its "io" space.
 */
#ifndef TANDEM_HW_MISC_FW_CFG_H
#define TANDEM_HW_MISC_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/core/memory.h"

#define FW_CFG_IO_BASE 0x510  /* selector; data is at +1 */
#define FW_CFG_DMA_IO_BASE 0x514
#define FW_CFG_IO_SIZE 2
#define FW_CFG_DMA_IO_SIZE 8

/* Item keys (fw_cfg.rst "Selector Reg. Value" table; the x86 loader's kernel items). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000, /* selector bit 14: legacy write mode (ignored, QEMU >= 2.4) */
    FW_CFG_ARCH_LOCAL = 0x8000,    /* selector bit 15: architecture-specific items */
};

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* FWCfgDmaAccess.control bits (fw_cfg.rst "DMA interface"); the key is in bits 31:16. */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10

#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull /* "QEMU CFG", read from 0x514 */
#define FW_CFG_MAX_FILE_PATH 56
#define FW_CFG_FILE_ENTRY_SIZE 64 /* be32 size, be16 select, u16 reserved, char name[56] */
#define FW_CFG_NUM_KEYS 0x20      /* numbered (non-file) items */

typedef struct FWCfgEntry {
    uint8_t *data; /* owned copy */
    uint32_t len;
    bool allow_write; /* DMA writes may change the bytes in place */
} FWCfgEntry;

typedef struct FWCfgFile {
    char name[FW_CFG_MAX_FILE_PATH];
    FWCfgEntry entry;
} FWCfgFile;

typedef struct FWCfgState {
    MemoryRegion io;     /* 0x510: selector (16-bit write at +0), data (byte read at +1) */
    MemoryRegion dma_io; /* 0x514: DMA address register, big-endian, 8 bytes */
    AddressSpace *dma_as;
    FWCfgEntry keys[FW_CFG_NUM_KEYS];
    FWCfgFile *files; /* sorted by name */
    int nb_files;
    uint16_t cur_key;
    uint32_t cur_offset;
    uint64_t dma_addr; /* DMA address register as written so far */
} FWCfgState;

/* Sets up the device with SIGNATURE, ID (traditional + DMA), an empty FILE_DIR and the
 * fixed items (MACHINE_ID 0, NOGRAPHIC 0). Main thread. */
void fw_cfg_init(FWCfgState *s, AddressSpace *dma_as);
/* Frees every item (unit tests; a board lives as long as the process). */
void fw_cfg_destroy(FWCfgState *s);
/* Selector and data offset back to 0 (machine reset); items are kept. */
void fw_cfg_reset(FWCfgState *s);

/* Numbered items. The integer forms store little-endian values of the width QEMU uses for
 * that key (RAM_SIZE 64-bit, NB_CPUS/MAX_CPUS/NOGRAPHIC 16-bit, the KERNEL, INITRD, CMDLINE and SETUP addresses and sizes 32-bit). */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/* A NUL-terminated string item (KERNEL_CMDLINE and CMDLINE_DATA include the NUL, as QEMU). */
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *str);

/* Named files: returns 0, or -EEXIST / -ENAMETOOLONG (host errors the board reports).
 * The _writable form accepts DMA writes (within the current size). */
int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len);
int fw_cfg_add_file_writable(FWCfgState *s, const char *name, const void *data, size_t len);
/* The key a file has now (0x20 + its index in name order), or -1. */
int fw_cfg_file_key(const FWCfgState *s, const char *name);
/* The current bytes of a file (after guest DMA writes), or NULL. */
const uint8_t *fw_cfg_file_data(const FWCfgState *s, const char *name, uint32_t *len);

/* Convenience for the board: the items QEMU's x86 machine sets (RAM_SIZE, NB_CPUS, MAX_CPUS). */
void fw_cfg_set_machine(FWCfgState *s, uint64_t ram_size, uint16_t nb_cpus, uint16_t max_cpus);

extern const MemoryRegionOps fw_cfg_io_ops;
extern const MemoryRegionOps fw_cfg_dma_ops;

#endif
