/*
 * e820.h — the PC physical memory map as the BIOS e820 call reports it (ACPI 6.x section 15,
 * "System Address Map Interfaces"), for the `-M pc` board, built the way QEMU's pc (i440fx)
 * machine splits RAM: below 4 GiB up to 3.5 GiB, else 3 GiB below and the rest from 4 GiB.
 * Two maps: the raw RAM split QEMU publishes in fw_cfg `etc/e820` (firmware carves the legacy
 * holes itself), and the map a guest OS sees (EBDA, VGA/BIOS hole, BIOS ROM reserved) that
 * direct boot writes into the Linux zero page or the multiboot memory map.
 * Pure functions on caller-owned tables; any thread.
 */
#ifndef TANDEM_HW_X86_E820_H
#define TANDEM_HW_X86_E820_H

#include <stddef.h>
#include <stdint.h>

enum {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3,
    E820_NVS = 4,
    E820_UNUSABLE = 5,
};

#define E820_MAX_ENTRIES 128    /* the Linux zero page holds 128 */
#define E820_ENTRY_SIZE 20      /* packed { le64 addr; le64 len; le32 type; } */
#define PC_LOWMEM_DEFAULT 0xe0000000ull /* QEMU pc max-ram-below-4g default (3.5 GiB) */
#define PC_LOWMEM_GB_ALIGNED 0xc0000000ull /* split when RAM does not fit below 3.5 GiB */
#define PC_EBDA_BASE 0x9fc00ull
#define PC_BIOS_AREA_BASE 0xf0000ull
#define PC_HIGHMEM_BASE 0x100000000ull
#define PC_BIOS_ROM_SIZE 0x40000ull /* SeaBIOS image QEMU maps just below 4 GiB */
/* Linux boot protocol (Documentation/x86/zero-page.rst): e820_entries and e820_table. */
#define ZERO_PAGE_E820_ENTRIES 0x1e8
#define ZERO_PAGE_E820_TABLE 0x2d0

typedef struct E820Entry {
    uint64_t addr, len;
    uint32_t type;
} E820Entry;

typedef struct E820Table {
    E820Entry entries[E820_MAX_ENTRIES];
    int nr;
} E820Table;

/* QEMU pc (gigabyte-aligned machine types, which 7.2's `-M pc` is): RAM >= 3.5 GiB puts
 * 3 GiB below 4 GiB and the rest above; less RAM lies wholly below. */
void pc_ram_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g);

/* Appends an entry; -ENOSPC when full, 0 otherwise (len 0 is skipped). */
int e820_add(E820Table *t, uint64_t addr, uint64_t len, uint32_t type);
/* QEMU's fw_cfg `etc/e820` content: RAM [0, below_4g) and [4G, 4G + above_4g). */
void e820_build_fw_cfg_map(E820Table *t, uint64_t ram_size);
/* The map the guest OS is given: RAM [0, 0x9fc00), EBDA reserved to 0xa0000, BIOS area
 * [0xf0000, 1M) reserved, RAM [1M, below_4g), BIOS ROM [4G - 256K, 4G) reserved, RAM above
 * 4 GiB. The board adds E820_ACPI for its table area with e820_add if it places one in RAM. */
void e820_build_guest_map(E820Table *t, uint64_t ram_size);

/* Writes the packed little-endian entries to buf (room for max bytes); returns bytes written
 * (a whole number of entries). */
size_t e820_serialize(const E820Table *t, uint8_t *buf, size_t max);
/* Fills e820_entries and e820_table of a 4 KiB Linux zero page. */
void e820_write_zero_page(const E820Table *t, uint8_t *zero_page);

#endif
