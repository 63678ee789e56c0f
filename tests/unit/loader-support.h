/*
 * loader-support.h — scaffolding shared by the image loader unit tests (test-loader.c,
 * test-loader-multiboot.c, test-loader-bzimage.c): ELF headers built in memory (ELF spec,
 * System V gABI ch. 4: ehdr, then the program headers right after it), a Machine whose RAM
 * starts at guest physical 0 with little-endian readers into it, temporary files, and the
 * check of the one error line a loader prints.
 * Everything lives in this header as static definitions (the pattern of fake-cpu.h); each test
 * binary includes it once. test_mach/test_ram are per-binary globals: criterion runs each test
 * in its own process, and a suite's .init calls test_ram_init() to start from a fresh machine.
 */
#ifndef TANDEM_TESTS_UNIT_LOADER_SUPPORT_H
#define TANDEM_TESTS_UNIT_LOADER_SUPPORT_H

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <elf.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/machine.h"

/* ---- ELF images built in memory ---- */

/* Fills an ELF64 little-endian ET_EXEC header at buf with phnum program headers right after it
 * (zeroed by the caller); returns the first program header. */
static inline Elf64_Phdr *test_elf64_begin(uint8_t *buf, uint16_t machine, uint64_t entry,
                                           uint16_t phnum)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = machine;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = phnum;
    return (Elf64_Phdr *)(buf + sizeof(*eh));
}

/* The ELF32 counterpart of test_elf64_begin. */
static inline Elf32_Phdr *test_elf32_begin(uint8_t *buf, uint16_t machine, uint32_t entry,
                                           uint16_t phnum)
{
    Elf32_Ehdr *eh = (Elf32_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS32;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = machine;
    eh->e_version = EV_CURRENT;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(Elf32_Phdr);
    eh->e_phnum = phnum;
    return (Elf32_Phdr *)(buf + sizeof(*eh));
}

/* ---- a Machine with RAM at guest physical 0 ---- */

static MachineClass test_mc;
static Machine test_mach;
static MemoryRegion test_ram;

/* A fresh machine "test-pc" with size bytes of RAM mapped at 0 (what the x86 loaders expect). */
static inline void test_ram_init(uint64_t size)
{
    test_mc = (MachineClass){ .name = "test-pc", .ram_base = 0, .max_ram_size = size };
    memset(&test_mach, 0, sizeof(test_mach));
    test_mach.mc = &test_mc;
    test_mach.cfg.ram_size = size;
    address_space_init(&test_mach.as, "memory");
    memory_region_init_ram(&test_ram, "ram", size);
    address_space_map(&test_mach.as, 0, &test_ram);
}

static inline uint32_t rd32(uint64_t addr)
{
    uint32_t v;
    memcpy(&v, test_ram.ram + addr, 4);
    return v;
}

static inline uint64_t rd64(uint64_t addr)
{
    uint64_t v;
    memcpy(&v, test_ram.ram + addr, 8);
    return v;
}

/* ---- files and messages ---- */

/* A new temporary file (name from template, e.g. "tandem-x-XXXXXX") holding len bytes of data;
 * returns its path (g_free it, unlink the file). */
static inline char *test_write_tmp(const char *template, const void *data, size_t len)
{
    char *path = NULL;
    int fd = g_file_open_tmp(template, &path, NULL);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

/* After cr_redirect_stderr() and a failed load: the message must be there and mention needle.
 * Returns the message (valid until the next call) for further checks. */
static inline const char *test_expect_stderr(const char *needle)
{
    static char buf[512];
    fflush(stderr);
    memset(buf, 0, sizeof(buf));
    size_t n = fread(buf, 1, sizeof(buf) - 1, cr_get_redirected_stderr());
    cr_assert(n > 0);
    cr_assert(strstr(buf, needle), "message '%s' should mention '%s'", buf, needle);
    return buf;
}

#endif
