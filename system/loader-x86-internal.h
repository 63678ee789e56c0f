/*
 * loader-x86-internal.h — helpers shared by loader-multiboot.c and loader-bzimage.c (defined
 * in loader-x86.c); not for boards. Main thread only.
 */
#ifndef TANDEM_SYSTEM_LOADER_X86_INTERNAL_H
#define TANDEM_SYSTEM_LOADER_X86_INTERNAL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/core/machine.h"
#include "system/loader-x86.h"

/* Clears *st, sets the mode's control registers, RFLAGS and selectors, and places the boot
 * GDT (32 bytes: null, null, code at 0x10, data at 0x18) at gdt_addr as a ROM blob. False
 * after an error message naming `what`. */
bool x86_boot_state_init(Machine *m, const char *what, uint64_t gdt_addr, X86BootMode mode,
                         X86BootState *st);
/* [addr, addr + size) lies inside one X86_E820_RAM entry. */
bool x86_e820_is_ram(const X86BootMemory *mem, uint64_t addr, uint64_t size);
/* The highest align-aligned address a with [a, a + size) inside one RAM entry and within
 * [lo, hi). False if there is none. align is a power of two. */
bool x86_e820_find_top(const X86BootMemory *mem, uint64_t size, uint64_t align, uint64_t lo,
                       uint64_t hi, uint64_t *addr);
/* Bytes of RAM from addr to the end of the RAM entry holding it (0 if addr is not RAM). */
uint64_t x86_e820_ram_from(const X86BootMemory *mem, uint64_t addr);

#endif
