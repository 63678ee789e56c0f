/*
 * loader-multiboot.h — Multiboot 0.6.96 (version 1) kernels for -kernel on the PC board: ELF32
 * (i386), ELF64 (x86-64, which QEMU refuses and Tandem loads when its entry lies below 4 GiB)
 * and a.out-kludge images, the multiboot information structure (MBI) with memory map, command
 * line and modules (-initrd "file args,file args"). Everything placed in guest RAM is a ROM
 * blob, so a machine reset restores it. Main thread only (board init).
 */
#ifndef TANDEM_SYSTEM_LOADER_MULTIBOOT_H
#define TANDEM_SYSTEM_LOADER_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/core/machine.h"
#include "system/loader-x86.h"

#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u /* in EAX at the entry */
#define MULTIBOOT_SEARCH 8192                  /* the header lies in the first 8 KiB */

/* Header flags (Multiboot 0.6.96 section 3.1.2). */
#define MULTIBOOT_PAGE_ALIGN (1u << 0)
#define MULTIBOOT_MEMORY_INFO (1u << 1)
#define MULTIBOOT_VIDEO_MODE (1u << 2)
#define MULTIBOOT_AOUT_KLUDGE (1u << 16)

/* MBI flags (section 3.3). */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define MULTIBOOT_INFO_BOOTDEV (1u << 1)
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_INFO_LOADER_NAME (1u << 9)

/* Where QEMU's multiboot loader puts the memory map and the MBI (its option ROM builds them
 * there); Tandem writes them at the same addresses, with the boot GDT after the MBI. */
#define MULTIBOOT_MMAP_ADDR 0x9000u
#define MULTIBOOT_MBI_ADDR 0x9500u
#define MULTIBOOT_MBI_SIZE 88u /* flags .. vbe_interface_len */
#define MULTIBOOT_GDT_ADDR 0x9600u
#define MULTIBOOT_MMAP_MAX ((MULTIBOOT_MBI_ADDR - MULTIBOOT_MMAP_ADDR) / 24)

typedef struct MultibootHeader {
    uint32_t offset; /* of the magic in the file */
    uint32_t flags;
    /* a.out kludge fields, meaningful when flags has MULTIBOOT_AOUT_KLUDGE */
    uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
} MultibootHeader;

typedef enum MultibootFind {
    MULTIBOOT_FOUND,
    MULTIBOOT_ABSENT,       /* no magic in the first 8 KiB at a 4-byte boundary */
    MULTIBOOT_BAD_CHECKSUM, /* magic found, but magic + flags + checksum != 0 */
} MultibootFind;

/* Looks for the multiboot header. Pure: no guest memory. */
MultibootFind multiboot_find_header(const uint8_t *data, size_t len, MultibootHeader *hdr);

/* Loads a multiboot kernel held in data (path names it in messages and is the first word of
 * the command line, as on QEMU), its modules from initrd (comma-separated "file args" list,
 * ",," for a literal comma; NULL = none) and the MBI, then fills *st: FLAT32 mode,
 * EIP = entry, EAX = 0x2BADB002, EBX = MBI address. On failure prints one message and
 * returns false. */
bool multiboot_load(Machine *m, const char *path, const uint8_t *data, size_t len,
                    const char *append, const char *initrd, const X86BootMemory *mem,
                    X86BootState *st);

#endif
