/*
 * loader-x86.h — what the x86 kernel loaders (loader-multiboot.c, loader-bzimage.c) hand to
 * the board and the CPU reset code: the memory map the board computed (input) and the CPU
 * state at the kernel entry (output, X86BootState). The state is plain data: the loaders never
 * touch a CPU; the x86 reset code copies it into the vCPU on every reset, while the images the
 * state points at (GDT, page tables, zero page, MBI) are ROM blobs that machine_reset copies
 * back. Main thread only (board init).
 */
#ifndef TANDEM_SYSTEM_LOADER_X86_H
#define TANDEM_SYSTEM_LOADER_X86_H

#include <stdint.h>

/* e820 address range types (ACPI 6.5 table 15.312 / Linux zero-page.rst e820_table). */
enum {
    X86_E820_RAM = 1,
    X86_E820_RESERVED = 2,
    X86_E820_ACPI = 3,
    X86_E820_NVS = 4,
    X86_E820_UNUSABLE = 5,
};

typedef struct X86E820Entry {
    uint64_t addr, len;
    uint32_t type;
} X86E820Entry;

/* What the board supplies. The loaders place nothing outside the X86_E820_RAM ranges (the
 * board marks its ACPI tables and holes as non-RAM) and use ram_below_4g for mem_upper and
 * the initrd ceiling. */
typedef struct X86BootMemory {
    uint64_t ram_below_4g; /* bytes of RAM from address 0 (legacy hole included) */
    const X86E820Entry *e820;
    int nb_e820;
    uint64_t acpi_rsdp_addr; /* 0 = not given (Linux then scans for the RSDP) */
} X86BootMemory;

typedef enum X86BootMode {
    /* 32-bit protected mode, flat 4 GiB CS (execute/read) and DS/ES/FS/GS/SS (read/write),
     * paging off, IF = 0 (Multiboot 0.6.96 section 3.2 "Machine state"). */
    X86_BOOT_FLAT32,
    /* 64-bit mode, identity-mapped paging, CS = __BOOT_CS (64-bit code), DS/ES/SS = __BOOT_DS,
     * IF = 0 (Linux Documentation/arch/x86/boot.rst "64-bit Boot Protocol"). */
    X86_BOOT_LONG64,
} X86BootMode;

/* Index into X86BootState.regs: the architectural register numbers (Intel SDM vol. 2
 * table 2-2: the ModRM reg encoding). */
enum {
    X86_BOOT_RAX, X86_BOOT_RCX, X86_BOOT_RDX, X86_BOOT_RBX,
    X86_BOOT_RSP, X86_BOOT_RBP, X86_BOOT_RSI, X86_BOOT_RDI,
};

/* Control register bits the loaders set (Intel SDM vol. 3 sections 2.5 and 2.2.1). */
#define X86_CR0_PE (1ull << 0)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)

typedef struct X86BootState {
    X86BootMode mode;
    uint64_t rip;
    uint64_t rflags;   /* 0x2: only the reserved bit 1; IF and VM clear */
    uint64_t regs[16]; /* RAX..R15, X86_BOOT_* order */
    /* The GDT the loader placed in guest RAM, and the selectors to load from it. The raw
     * descriptors are repeated here so the reset code can fill the hidden segment caches
     * without reading guest memory. */
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint16_t cs, ds; /* ds also goes to ES, FS, GS and SS */
    uint64_t cs_desc, ds_desc;
    uint64_t cr0, cr3, cr4, efer;
} X86BootState;

#endif
