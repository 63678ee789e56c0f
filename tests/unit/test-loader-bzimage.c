/*
 * test-loader-bzimage.c — the Linux 64-bit boot protocol loader on a synthetic bzImage with a
 * realistic setup header (values of Debian 12's 6.1 kernel): zero page fields, kernel at
 * pref_address or relocated, initrd placement and alignment, command line, page tables, GDT
 * and entry state, reset; rejections (old protocol, 32-bit kernel, ELF vmlinux, long command
 * line, too little RAM). A real vmlinuz is parsed too when $TANDEM_TEST_VMLINUZ names one
 * (skipped otherwise). Each test builds its own Machine with RAM at 0.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader-support.h"
#include "system/loader-bzimage.h"
#include "system/loader.h"

#define RAM_SIZE (128ull << 20)
#define SETUP_LEN (5 * 512) /* setup_sects 4 + the boot sector */
#define KERNEL_LEN 0x3000

static X86E820Entry e820[4];
static X86BootMemory mem;
static uint8_t img[SETUP_LEN + KERNEL_LEN];
static X86BootState st;

static void make_ram(uint64_t size)
{
    test_ram_init(size);
    e820[0] = (X86E820Entry){ 0, 0x9fc00, X86_E820_RAM };
    e820[1] = (X86E820Entry){ 0xf0000, 0x10000, X86_E820_RESERVED };
    e820[2] = (X86E820Entry){ 0x100000, size - 0x100000 - 0x20000, X86_E820_RAM };
    e820[3] = (X86E820Entry){ size - 0x20000, 0x20000, X86_E820_ACPI };
    mem = (X86BootMemory){ .ram_below_4g = size, .e820 = e820, .nb_e820 = 4,
                           .acpi_rsdp_addr = 0xf5a40 };
}

static void put16(size_t off, uint16_t v) { memcpy(img + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }

static void make_bzimage(void)
{
    memset(img, 0, sizeof(img));
    img[0x1f1] = 4;
    put32(0x1f4, KERNEL_LEN / 16);
    put16(0x1fa, 0xffff);
    put16(0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x6a; /* header ends at 0x26c */
    memcpy(img + 0x202, "HdrS", 4);
    put16(0x206, 0x20f);
    img[0x211] = 0x01; /* LOADED_HIGH */
    put32(0x214, 0x100000);
    put32(0x22c, 0x7fffffff);
    put32(0x230, 0x200000);
    img[0x234] = 1;
    img[0x235] = 21;
    put16(0x236, 0x7f);
    put32(0x238, 0x7ff);
    uint64_t pref = 0x1000000;
    memcpy(img + 0x258, &pref, 8);
    put32(0x260, 0x800000); /* init_size */
    put32(0x264, 0x190);
    for (int i = 0; i < KERNEL_LEN; i++) {
        img[SETUP_LEN + i] = (uint8_t)(i * 13 + 1);
    }
}

static void setup(void)
{
    make_ram(RAM_SIZE);
    make_bzimage();
    memset(&st, 0, sizeof(st));
}

TestSuite(bzimage, .init = setup);

/* Walks the 4-level tables from cr3 for a 2 MiB page mapping va. */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
    uint64_t e = rd64((cr3 & ~0xfffull) + ((va >> 39) & 511) * 8);
    cr_assert(e & 1, "PML4E present");
    e = rd64((e & ~0xfffull) + ((va >> 30) & 511) * 8);
    cr_assert(e & 1, "PDPTE present");
    cr_assert_not(e & 0x80, "no 1 GiB pages");
    e = rd64((e & 0xffffffffff000ull) + ((va >> 21) & 511) * 8);
    cr_assert_eq(e & 0x83, 0x83, "present, writable 2 MiB page");
    return (e & 0xfffffffe00000ull) | (va & 0x1fffff);
}

static char *write_tmp(size_t len)
{
    uint8_t *buf = g_malloc(len);
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * 31);
    }
    char *path = test_write_tmp("tandem-bz-XXXXXX", buf, len);
    g_free(buf);
    return path;
}

Test(bzimage, parses_header)
{
    BzImageHeader h;
    char *err = NULL;
    cr_assert(bzimage_probe(img, sizeof(img)));
    cr_assert(bzimage_parse(img, sizeof(img), &h, &err), "%s", err ? err : "");
    cr_assert_eq(h.version, 0x20f);
    cr_assert_eq(h.setup_len, SETUP_LEN);
    cr_assert_eq(h.header_end, 0x26c);
    cr_assert_eq(h.pref_address, 0x1000000);
    cr_assert_eq(h.init_size, 0x800000);
    cr_assert_eq(h.kernel_alignment, 0x200000);
    cr_assert_eq(h.cmdline_size, 0x7ff);
    img[0x1f1] = 0; /* setup_sects 0 means 4 */
    cr_assert(bzimage_parse(img, sizeof(img), &h, &err));
    cr_assert_eq(h.setup_len, SETUP_LEN);
}

Test(bzimage, loads_kernel_zero_page_initrd_cmdline)
{
    char *initrd = write_tmp(0x12345);
    cr_assert(bzimage_load(&test_mach, "vmlinuz", img, sizeof(img), "console=ttyS0 quiet",
                           initrd, &mem, &st));
    /* protected-mode kernel at pref_address */
    cr_assert_eq(memcmp(test_ram.ram + 0x1000000, img + SETUP_LEN, KERNEL_LEN), 0);
    /* entry state (boot.rst 64-bit boot protocol) */
    cr_assert_eq(st.mode, X86_BOOT_LONG64);
    cr_assert_eq(st.rip, 0x1000200);
    cr_assert_eq(st.regs[X86_BOOT_RSI], BZIMAGE_ZERO_PAGE_ADDR);
    cr_assert_eq(st.rflags, 0x2, "interrupts off");
    cr_assert_eq(st.cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG);
    cr_assert_eq(st.cr4 & X86_CR4_PAE, X86_CR4_PAE);
    cr_assert_eq(st.efer, X86_EFER_LME | X86_EFER_LMA);
    cr_assert_eq(st.cr3, BZIMAGE_PML4_ADDR);
    /* GDT: __BOOT_CS 0x10 64-bit code, __BOOT_DS 0x18 flat data */
    cr_assert_eq(st.cs, 0x10);
    cr_assert_eq(st.ds, 0x18);
    cr_assert_eq(st.gdt_base, BZIMAGE_GDT_ADDR);
    cr_assert_eq(st.gdt_limit, 31);
    cr_assert_eq(rd64(BZIMAGE_GDT_ADDR + 0x10), st.cs_desc);
    cr_assert_eq(rd64(BZIMAGE_GDT_ADDR + 0x18), st.ds_desc);
    cr_assert_eq((st.cs_desc >> 53) & 1, 1, "L");
    cr_assert_eq((st.cs_desc >> 54) & 1, 0, "D clear with L");
    cr_assert_eq((st.cs_desc >> 47) & 1, 1, "present");
    cr_assert_eq((st.cs_desc >> 40) & 0xf, 0xb, "execute/read");
    cr_assert_eq((st.ds_desc >> 40) & 0xf, 0x3, "read/write");
    /* zero page */
    const uint64_t zp = BZIMAGE_ZERO_PAGE_ADDR;
    cr_assert_eq(memcmp(test_ram.ram + zp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1), 0,
                 "setup header copied");
    cr_assert_eq(memcmp(test_ram.ram + zp + 0x230, img + 0x230, 0x26c - 0x230), 0);
    cr_assert_eq(test_ram.ram[zp + 0x26c], 0, "nothing past the header end");
    cr_assert_eq(test_ram.ram[zp + 0x210], 0xff, "type_of_loader");
    cr_assert_eq(test_ram.ram[zp + 0x211] & 1, 1, "LOADED_HIGH");
    cr_assert_eq(rd32(zp + 0x214), 0x1000000, "code32_start");
    cr_assert_eq(rd32(zp + 0x228), BZIMAGE_CMDLINE_ADDR);
    cr_assert_eq(rd32(zp + 0xc8), 0);
    cr_assert_str_eq((const char *)test_ram.ram + BZIMAGE_CMDLINE_ADDR, "console=ttyS0 quiet");
    cr_assert_eq(rd64(zp + 0x70), 0xf5a40, "acpi_rsdp_addr");
    cr_assert_eq(rd32(zp + 0x1e0), (RAM_SIZE - 0x100000 - 0x20000) >> 10, "alt_mem_k");
    uint16_t ext;
    memcpy(&ext, test_ram.ram + zp + 2, 2);
    cr_assert_eq(ext, 0xfc00, "ext_mem_k saturates");
    cr_assert_eq(test_ram.ram[zp + 0x1e8], 4, "e820_entries");
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(rd64(zp + 0x2d0 + i * 20), e820[i].addr);
        cr_assert_eq(rd64(zp + 0x2d0 + i * 20 + 8), e820[i].len);
        cr_assert_eq(rd32(zp + 0x2d0 + i * 20 + 16), e820[i].type);
    }
    /* initrd: page aligned, as high as RAM allows (below the ACPI area), after the kernel */
    uint32_t rd_addr = rd32(zp + 0x218), rd_size = rd32(zp + 0x21c);
    cr_assert_eq(rd_size, 0x12345);
    cr_assert_eq(rd_addr & 0xfff, 0);
    cr_assert_eq(rd_addr, (RAM_SIZE - 0x20000 - 0x12345) & ~0xfffull);
    cr_assert(rd_addr >= 0x1000000 + 0x800000, "not in the kernel's init_size");
    cr_assert_eq(rd32(zp + 0xc0), 0);
    cr_assert_eq(test_ram.ram[rd_addr + 1], 31);
    cr_assert_eq(test_ram.ram[rd_addr + 0x12344], (uint8_t)(0x12344 * 31));
    /* page tables identity-map what the kernel touches */
    const uint64_t must[] = { 0x1000200, 0x1000000 + 0x800000 - 1, zp, BZIMAGE_CMDLINE_ADDR,
                              rd_addr, rd_addr + rd_size - 1, BZIMAGE_GDT_ADDR,
                              0xfffff000ull };
    for (unsigned i = 0; i < G_N_ELEMENTS(must); i++) {
        cr_assert_eq(walk(st.cr3, must[i]), must[i], "identity map of 0x%lx",
                     (unsigned long)must[i]);
    }
    unlink(initrd);
    g_free(initrd);
}

Test(bzimage, initrd_respects_initrd_addr_max)
{
    put32(0x22c, 0x4ffffff);              /* initrd must end at or below 80 MiB */
    char *initrd = write_tmp(0x5000);
    cr_assert(bzimage_load(&test_mach, "vmlinuz", img, sizeof(img), NULL, initrd, &mem, &st));
    uint32_t a = rd32(BZIMAGE_ZERO_PAGE_ADDR + 0x218);
    cr_assert_eq(a, 0x5000000 - 0x5000);
    cr_assert_str_eq((const char *)test_ram.ram + BZIMAGE_CMDLINE_ADDR, "");
    unlink(initrd);
    g_free(initrd);
}

Test(bzimage, relocatable_kernel_moves_when_pref_address_is_not_ram)
{
    make_ram(16ull << 20); /* pref_address 16 MiB is past the end of RAM */
    cr_assert(bzimage_load(&test_mach, "vmlinuz", img, sizeof(img), NULL, NULL, &mem, &st));
    cr_assert_eq(st.rip, 0x200200, "first 2 MiB boundary above 1 MiB");
    cr_assert_eq(memcmp(test_ram.ram + 0x200000, img + SETUP_LEN, KERNEL_LEN), 0);
    cr_assert_eq(rd32(BZIMAGE_ZERO_PAGE_ADDR + 0x214), 0x200000);
}

static void expect_fail(const char *append, const char *needle)
{
    cr_redirect_stderr();
    cr_assert_not(bzimage_load(&test_mach, "vmlinuz", img, sizeof(img), append, NULL, &mem, &st));
    test_expect_stderr(needle);
}

Test(bzimage, non_relocatable_kernel_needs_its_address)
{
    img[0x234] = 0;
    make_ram(16ull << 20);
    expect_fail(NULL, "give the machine more memory");
}

Test(bzimage, rejects_old_protocol)
{
    put16(0x206, 0x20b);
    expect_fail(NULL, "2.11 is too old");
}

Test(bzimage, rejects_32bit_kernel)
{
    put16(0x236, 0);
    expect_fail(NULL, "XLF_KERNEL_64");
}

Test(bzimage, rejects_zimage)
{
    img[0x211] = 0;
    expect_fail(NULL, "LOADED_HIGH");
}

Test(bzimage, rejects_long_cmdline)
{
    put32(0x238, 8);
    expect_fail("123456789", "at most 8");
}

Test(bzimage, rejects_truncated_kernel)
{
    put32(0x1f4, KERNEL_LEN / 16 + 1);
    expect_fail(NULL, "truncated");
}

Test(bzimage, elf_vmlinux_is_pointed_at_the_bzimage)
{
    memset(img, 0, 0x300);
    memcpy(img, ELFMAG, SELFMAG);
    expect_fail(NULL, "boot the bzImage");
}

Test(bzimage, reset_restores_everything)
{
    cr_assert(bzimage_load(&test_mach, "vmlinuz", img, sizeof(img), "x", NULL, &mem, &st));
    memset(test_ram.ram, 0xee, 0x21000);
    memset(test_ram.ram + 0x1000000, 0xee, KERNEL_LEN + 0x100);
    machine_roms_reload(&test_mach);
    cr_assert_eq(memcmp(test_ram.ram + 0x1000000, img + SETUP_LEN, KERNEL_LEN), 0);
    cr_assert_eq(test_ram.ram[0x1000000 + KERNEL_LEN], 0, "init_size area zeroed");
    cr_assert_eq(walk(st.cr3, 0x1000200), 0x1000200);
    cr_assert_eq(rd64(BZIMAGE_GDT_ADDR + 0x10), st.cs_desc);
    cr_assert_eq(test_ram.ram[BZIMAGE_ZERO_PAGE_ADDR + 0x210], 0xff);
    cr_assert_str_eq((const char *)test_ram.ram + BZIMAGE_CMDLINE_ADDR, "x");
}

/* Debian 12's linux-image-6.1.0-*-cloud-amd64 /boot/vmlinuz-*, when the environment names
 * one: its header must parse and the kernel must load at its pref_address. */
Test(bzimage, real_debian_vmlinuz)
{
    const char *path = getenv("TANDEM_TEST_VMLINUZ");
    if (!path || access(path, R_OK) != 0) {
        cr_skip_test("TANDEM_TEST_VMLINUZ not set to a readable bzImage");
    }
    size_t len;
    uint8_t *data = loader_read_kernel("-kernel", path, &len);
    cr_assert_not_null(data);
    BzImageHeader h;
    char *err = NULL;
    cr_assert(bzimage_parse(data, len, &h, &err), "%s", err ? err : "");
    cr_assert(h.version >= 0x20c);
    cr_assert(h.xloadflags & BZIMAGE_XLF_KERNEL_64);
    cr_assert(h.relocatable_kernel);
    cr_assert(h.init_size > len - h.setup_len, "init_size covers decompression");
    make_ram(512ull << 20);
    cr_assert(bzimage_load(&test_mach, path, data, len, "console=ttyS0", NULL, &mem, &st));
    cr_assert_eq(st.rip, h.pref_address + 0x200);
    cr_assert_eq(memcmp(test_ram.ram + h.pref_address, data + h.setup_len, 4096), 0);
    g_free(data);
}
