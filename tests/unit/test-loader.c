/*
 * test-loader.c — image parsing: ELF64 AArch64 executables built in memory by the test
 * (accepted; rejected when not ELF, 32-bit, another machine, truncated, without loadable
 * segments) and Linux arm64 Image headers (text_offset, image_size, flags, load offset).
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <elf.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "loader-support.h"
#include "system/loader.h"

/* An ELF64 executable with one PT_LOAD segment of 16 bytes (memsz 64: bss). */
static size_t make_elf(uint8_t *buf, size_t cap, uint16_t machine)
{
    memset(buf, 0, cap);
    Elf64_Phdr *ph = test_elf64_begin(buf, machine, 0x40080004, 2);
    ph[0].p_type = PT_NOTE; /* not loaded */
    ph[1].p_type = PT_LOAD;
    ph[1].p_offset = 0x100;
    ph[1].p_vaddr = 0xffff000000080000ull;
    ph[1].p_paddr = 0x40080000;
    ph[1].p_filesz = 16;
    ph[1].p_memsz = 64;
    memset(buf + 0x100, 0xaa, 16);
    return 0x110;
}

static uint8_t elf[0x200];

Test(loader_elf, accepts_aarch64_executable)
{
    size_t len = make_elf(elf, sizeof(elf), EM_AARCH64);
    ElfImage img;
    char *err = NULL;
    cr_assert_eq(loader_probe(elf, len), LOADER_KIND_ELF);
    cr_assert(loader_elf_parse(elf, len, &img, &err), "%s", err ? err : "");
    cr_assert_eq(img.entry, 0x40080004);
    cr_assert_eq(img.nb_segments, 1);
    cr_assert_eq(img.segments[0].paddr, 0x40080000, "loaded at p_paddr, not p_vaddr");
    cr_assert_eq(img.segments[0].offset, 0x100);
    cr_assert_eq(img.segments[0].filesz, 16);
    cr_assert_eq(img.segments[0].memsz, 64);
}

static void expect_reject(const uint8_t *data, size_t len, const char *needle)
{
    ElfImage img;
    char *err = NULL;
    cr_assert_not(loader_elf_parse(data, len, &img, &err));
    cr_assert_not_null(err);
    cr_assert(strstr(err, needle), "message '%s' should mention '%s'", err, needle);
    g_free(err);
}

Test(loader_elf, rejects_other_machines_by_name)
{
    size_t len = make_elf(elf, sizeof(elf), EM_X86_64);
    expect_reject(elf, len, "x86-64 ELF given to an AArch64 machine");
    len = make_elf(elf, sizeof(elf), EM_RISCV);
    expect_reject(elf, len, "RISC-V");
    len = make_elf(elf, sizeof(elf), 0x7777);
    expect_reject(elf, len, "machine type 30583");
}

Test(loader_elf, rejects_32bit_and_big_endian)
{
    size_t len = make_elf(elf, sizeof(elf), EM_AARCH64);
    elf[EI_CLASS] = ELFCLASS32;
    ((Elf32_Ehdr *)elf)->e_machine = EM_ARM;
    expect_reject(elf, len, "32-bit");
    len = make_elf(elf, sizeof(elf), EM_AARCH64);
    elf[EI_DATA] = ELFDATA2MSB;
    expect_reject(elf, len, "big-endian");
}

Test(loader_elf, rejects_non_elf_and_truncation)
{
    static const uint8_t text[] = "hello, world\n";
    expect_reject(text, sizeof(text), "not an ELF");
    cr_assert_eq(loader_probe(text, sizeof(text)), LOADER_KIND_UNKNOWN);
    size_t len = make_elf(elf, sizeof(elf), EM_AARCH64);
    expect_reject(elf, 40, "truncated");                  /* header cut */
    expect_reject(elf, sizeof(Elf64_Ehdr) + 8, "truncated"); /* program headers cut */
    expect_reject(elf, len - 1, "truncated");             /* segment data cut */
}

Test(loader_elf, rejects_files_without_loadable_code)
{
    size_t len = make_elf(elf, sizeof(elf), EM_AARCH64);
    ((Elf64_Ehdr *)elf)->e_type = ET_REL;
    expect_reject(elf, len, "relocatable");
    len = make_elf(elf, sizeof(elf), EM_AARCH64);
    ((Elf64_Phdr *)(elf + sizeof(Elf64_Ehdr)))[1].p_type = PT_NULL;
    expect_reject(elf, len, "no loadable segment");
    len = make_elf(elf, sizeof(elf), EM_AARCH64);
    ((Elf64_Phdr *)(elf + sizeof(Elf64_Ehdr)))[1].p_filesz = 128; /* > memsz */
    expect_reject(elf, len, "larger in the file");
}

/* ---- arm64 Image ---- */

static uint8_t image[0x1000];

static void make_image(uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
    memset(image, 0, sizeof(image));
    memcpy(image + 0x08, &text_offset, 8);
    memcpy(image + 0x10, &image_size, 8);
    memcpy(image + 0x18, &flags, 8);
    memcpy(image + 0x38, "ARM\x64", 4);
}

Test(loader_image, parses_header)
{
    Arm64ImageHeader h;
    char *err = NULL;
    make_image(0x80000, 0x200000, 0xa);
    cr_assert_eq(loader_probe(image, sizeof(image)), LOADER_KIND_ARM64_IMAGE);
    cr_assert(loader_arm64_image_parse(image, sizeof(image), &h, &err));
    cr_assert_eq(h.text_offset, 0x80000);
    cr_assert_eq(h.image_size, 0x200000);
    cr_assert_eq(h.flags, 0xa);
    cr_assert_eq(loader_arm64_image_load_offset(&h), 0x80000);
    cr_assert_eq(loader_arm64_image_footprint(&h, sizeof(image)), 0x200000);
}

Test(loader_image, zero_text_offset_goes_to_2mib)
{
    Arm64ImageHeader h;
    char *err = NULL;
    make_image(0, 0x10000, 0);
    cr_assert(loader_arm64_image_parse(image, sizeof(image), &h, &err));
    cr_assert_eq(loader_arm64_image_load_offset(&h), 0x200000);
}

Test(loader_image, old_kernel_without_image_size)
{
    Arm64ImageHeader h;
    char *err = NULL;
    make_image(0x12345000, 0, 1); /* fields are meaningless before 3.17 */
    cr_assert(loader_arm64_image_parse(image, sizeof(image), &h, &err));
    cr_assert_eq(loader_arm64_image_load_offset(&h), 0x80000);
    cr_assert_eq(loader_arm64_image_footprint(&h, sizeof(image)), sizeof(image));
}

Test(loader_image, rejects_bad_headers)
{
    Arm64ImageHeader h;
    char *err = NULL;
    make_image(0x80000, 0x10000, 1); /* big-endian kernel */
    cr_assert_not(loader_arm64_image_parse(image, sizeof(image), &h, &err));
    cr_assert(strstr(err, "big-endian"));
    g_free(err);
    err = NULL;
    make_image(0x80000, 0x10000, 0);
    image[0x38] = 'X';
    cr_assert_eq(loader_probe(image, sizeof(image)), LOADER_KIND_UNKNOWN);
    cr_assert_not(loader_arm64_image_parse(image, sizeof(image), &h, &err));
    g_free(err);
    err = NULL;
    make_image(0x80000, 0x10000, 0);
    cr_assert_not(loader_arm64_image_parse(image, 0x30, &h, &err), "shorter than the header");
    g_free(err);
}

Test(loader_file, read_errors_name_the_file)
{
    size_t len;
    cr_redirect_stderr();
    cr_assert_null(loader_read_file("-kernel", "/nonexistent/tandem-kernel", &len));
    cr_assert_null(loader_read_file("-kernel", "/tmp", &len));
    fflush(stderr);
    cr_assert_stderr_eq_str("tandem: -kernel '/nonexistent/tandem-kernel': No such file or "
                            "directory\ntandem: -kernel '/tmp': is a directory, not a file\n");
}
