/*
 * loader-bzimage.h — Linux x86-64 bzImage kernels through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, zero-page.rst): no BIOS and no real-mode setup code run;
 * the loader builds the zero page (struct boot_params) with the e820 map, the command line,
 * the initrd, identity-mapped page tables and a boot GDT, and the vCPU starts in 64-bit mode
 * at the kernel's 64-bit entry. Everything placed in guest RAM is a ROM blob, so a machine
 * reset restores it. Main thread only (board init).
 *
 * Board dispatch for -kernel on -M pc: bzimage_probe() true -> bzimage_load(); else a
 * multiboot header (multiboot_find_header() != MULTIBOOT_ABSENT) -> multiboot_load(); else
 * bzimage_load(), which names what the file is instead (an ELF vmlinux, or unknown).
 */
#ifndef TANDEM_SYSTEM_LOADER_BZIMAGE_H
#define TANDEM_SYSTEM_LOADER_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/core/machine.h"
#include "system/loader-x86.h"

/* Where the loader puts its boot structures (all below 640 KiB, above the real-mode IVT and
 * BIOS data area; the command line address is the one QEMU uses). */
#define BZIMAGE_GDT_ADDR 0x1000u
#define BZIMAGE_ZERO_PAGE_ADDR 0x7000u
#define BZIMAGE_PML4_ADDR 0x9000u /* then the PDPT at 0xa000 and four PDs at 0xb000..0xefff */
#define BZIMAGE_PT_SIZE 0x6000u
#define BZIMAGE_CMDLINE_ADDR 0x20000u
#define BZIMAGE_IDMAP_SIZE (4ull << 30) /* identity map with 2 MiB pages: the first 4 GiB */

/* setup_header fields the loader uses (boot.rst "The Real-Mode Kernel Header"). */
typedef struct BzImageHeader {
    uint8_t setup_sects;    /* 0x1f1; 0 means 4 */
    uint32_t syssize;       /* 0x1f4, 16-byte paragraphs */
    uint16_t version;       /* 0x206 */
    uint8_t loadflags;      /* 0x211 */
    uint32_t code32_start;  /* 0x214 */
    uint32_t initrd_addr_max; /* 0x22c */
    uint32_t kernel_alignment; /* 0x230 */
    uint8_t relocatable_kernel; /* 0x234 */
    uint16_t xloadflags;    /* 0x236 */
    uint32_t cmdline_size;  /* 0x238 */
    uint64_t pref_address;  /* 0x258 */
    uint32_t init_size;     /* 0x260 */
    size_t setup_len;       /* (setup_sects + 1) * 512: where the protected-mode kernel starts */
    size_t header_end;      /* 0x202 + byte at 0x201: end of the setup header */
} BzImageHeader;

#define BZIMAGE_LOADED_HIGH (1u << 0)
#define BZIMAGE_XLF_KERNEL_64 (1u << 0)
#define BZIMAGE_TYPE_OF_LOADER 0xff /* boot.rst: "undefined" boot loader id */

/* "HdrS" at 0x202. */
bool bzimage_probe(const uint8_t *data, size_t len);
/* Parses and checks the setup header for the 64-bit entry (protocol >= 2.12, XLF_KERNEL_64,
 * LOADED_HIGH). False with *err (caller frees) saying what is wrong. Pure. */
bool bzimage_parse(const uint8_t *data, size_t len, BzImageHeader *hdr, char **err);

/* Loads the bzImage in data (path names it in messages) with its initrd file (NULL = none)
 * and command line (NULL = empty), builds the zero page, page tables and GDT, and fills *st
 * (LONG64, RIP = load address + 0x200, RSI = zero page). On failure prints one message and
 * returns false. */
bool bzimage_load(Machine *m, const char *path, const uint8_t *data, size_t len,
                  const char *append, const char *initrd, const X86BootMemory *mem,
                  X86BootState *st);

#endif
