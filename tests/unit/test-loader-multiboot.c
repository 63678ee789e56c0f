/*
 * test-loader-multiboot.c — the multiboot v1 loader on hand-built images: an ELF32 kernel with
 * modules and a command line (loaded bytes, bss, entry, EAX/EBX, every MBI field, the memory
 * map, the module list and strings, the boot GDT), the a.out kludge, ELF64 images (entry below
 * and above 4 GiB), a higher-half ELF entry, bad headers, and reset restoring the images.
 * Each test builds its own 64 MiB Machine (RAM at 0) with a PC-like e820 map.
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "system/loader-multiboot.h"
#include "loader-support.h"

#define RAM_SIZE (64ull << 20)

static const X86E820Entry e820[] = {
    { 0, 0x9fc00, X86_E820_RAM },
    { 0x9fc00, 0x400, X86_E820_RESERVED },
    { 0xf0000, 0x10000, X86_E820_RESERVED },
    { 0x100000, RAM_SIZE - 0x100000 - 0x20000, X86_E820_RAM },
    { RAM_SIZE - 0x20000, 0x20000, X86_E820_ACPI },
};
static const X86BootMemory mem = { .ram_below_4g = RAM_SIZE, .e820 = e820,
                                   .nb_e820 = G_N_ELEMENTS(e820) };
static uint8_t img[0x4000];
static X86BootState st;

static void setup(void)
{
    test_ram_init(RAM_SIZE);
    memset(img, 0, sizeof(img));
    memset(&st, 0, sizeof(st));
}

TestSuite(multiboot, .init = setup);

static void put_header(uint8_t *p, uint32_t flags)
{
    uint32_t w[3] = { MULTIBOOT_HEADER_MAGIC, flags, -(MULTIBOOT_HEADER_MAGIC + flags) };
    memcpy(p, w, sizeof(w));
}

/* ELF32 i386: one PT_LOAD from file offset 0x1000 (0x800 bytes, memsz 0x1800) at paddr
 * 0x100000 (vaddr 0xc0100000), the multiboot header at its start, pattern bytes after. */
static size_t make_elf32(uint32_t entry)
{
    Elf32_Phdr *ph = test_elf32_begin(img, EM_386, entry, 1);
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x1000;
    ph->p_vaddr = 0xc0100000;
    ph->p_paddr = 0x100000;
    ph->p_filesz = 0x800;
    ph->p_memsz = 0x1800;
    for (int i = 12; i < 0x800; i++) {
        img[0x1000 + i] = (uint8_t)(i * 7);
    }
    put_header(img + 0x1000, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
    return 0x1800;
}

/* ELF64 x86-64 version of the same kernel. */
static size_t make_elf64(uint64_t entry, uint64_t paddr)
{
    Elf64_Phdr *ph = test_elf64_begin(img, EM_X86_64, entry, 1);
    ph->p_type = PT_LOAD;
    ph->p_offset = 0x1000;
    ph->p_vaddr = 0xffffffff80000000ull + paddr;
    ph->p_paddr = paddr;
    ph->p_filesz = 0x800;
    ph->p_memsz = 0x1000;
    memset(img + 0x1010, 0x5a, 0x7f0);
    put_header(img + 0x1000, 0);
    return 0x1800;
}

static char *write_tmp(const char *contents, size_t len)
{
    return test_write_tmp("tandem-mb-XXXXXX", contents, len);
}

static const char *str_at(uint32_t addr) { return (const char *)test_ram.ram + addr; }

Test(multiboot, elf32_with_modules_and_cmdline)
{
    size_t len = make_elf32(0x100010);
    char *mod1 = write_tmp("first module", 12);
    char *mod2 = write_tmp("second, longer module contents", 30);
    char *initrd = g_strdup_printf("%s arg1 arg2,%s", mod1, mod2);
    cr_assert(multiboot_load(&test_mach, "/boot/kernel.elf", img, len, "console=ttyS0", initrd,
                             &mem, &st));

    /* kernel bytes at p_paddr, bss zeroed */
    cr_assert_eq(memcmp(test_ram.ram + 0x100000, img + 0x1000, 0x800), 0);
    for (int i = 0x800; i < 0x1800; i++) {
        cr_assert_eq(test_ram.ram[0x100000 + i], 0);
    }
    /* entry state */
    cr_assert_eq(st.mode, X86_BOOT_FLAT32);
    cr_assert_eq(st.rip, 0x100010);
    cr_assert_eq(st.regs[X86_BOOT_RAX], 0x2badb002);
    cr_assert_eq(st.regs[X86_BOOT_RBX], 0x9500);
    cr_assert_eq(st.rflags, 0x2, "IF clear");
    cr_assert_eq(st.cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE, "protected mode, paging off");
    cr_assert_eq(st.efer, 0);
    cr_assert_eq(st.cs, 0x10);
    cr_assert_eq(st.ds, 0x18);
    cr_assert_eq(st.gdt_base, 0x9600);
    cr_assert_eq(st.gdt_limit, 31);
    cr_assert_eq(rd64(0x9600 + 0x10), st.cs_desc);
    cr_assert_eq(rd64(0x9600 + 0x18), st.ds_desc);
    cr_assert_eq(st.cs_desc, 0x00cf9b000000ffffull, "flat 32-bit code, 4 GiB");
    cr_assert_eq(st.ds_desc, 0x00cf93000000ffffull, "flat data, 4 GiB");

    /* MBI */
    const uint32_t mbi = 0x9500;
    cr_assert_eq(rd32(mbi + 0), (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 6) |
                                    (1u << 9));
    cr_assert_eq(rd32(mbi + 4), 0x9fc00 / 1024, "mem_lower");
    cr_assert_eq(rd32(mbi + 8), (RAM_SIZE - 0x100000 - 0x20000) / 1024, "mem_upper");
    cr_assert_eq(rd32(mbi + 12), 0x8000ffff, "boot_device");
    cr_assert_str_eq(str_at(rd32(mbi + 16)), "/boot/kernel.elf console=ttyS0");
    cr_assert_str_eq(str_at(rd32(mbi + 64)), "tandem");
    /* modules: list at the first page after the kernel, modules page-aligned after it */
    cr_assert_eq(rd32(mbi + 20), 2);
    uint32_t mods = rd32(mbi + 24);
    cr_assert_eq(mods, 0x102000);
    uint32_t s0 = rd32(mods), e0 = rd32(mods + 4), s1 = rd32(mods + 16), e1 = rd32(mods + 20);
    cr_assert_eq(s0 & 0xfff, 0);
    cr_assert_eq(s1 & 0xfff, 0);
    cr_assert(s0 >= 0x103000);
    cr_assert_eq(e0 - s0, 12);
    cr_assert_eq(e1 - s1, 30);
    cr_assert(s1 >= e0);
    cr_assert_eq(memcmp(test_ram.ram + s0, "first module", 12), 0);
    cr_assert_eq(memcmp(test_ram.ram + s1, "second, longer module contents", 30), 0);
    char *want0 = g_strdup_printf("%s arg1 arg2", mod1);
    cr_assert_str_eq(str_at(rd32(mods + 8)), want0);
    cr_assert_str_eq(str_at(rd32(mods + 24)), mod2);
    /* memory map */
    cr_assert_eq(rd32(mbi + 44), G_N_ELEMENTS(e820) * 24);
    cr_assert_eq(rd32(mbi + 48), 0x9000);
    for (unsigned i = 0; i < G_N_ELEMENTS(e820); i++) {
        uint32_t e = 0x9000 + i * 24;
        cr_assert_eq(rd32(e), 20);
        cr_assert_eq(rd64(e + 4), e820[i].addr);
        cr_assert_eq(rd64(e + 12), e820[i].len);
        cr_assert_eq(rd32(e + 20), e820[i].type);
    }
    unlink(mod1);
    unlink(mod2);
    g_free(want0);
    g_free(initrd);
    g_free(mod1);
    g_free(mod2);
}

Test(multiboot, no_modules_and_no_append)
{
    size_t len = make_elf32(0x100000);
    cr_assert(multiboot_load(&test_mach, "k", img, len, NULL, NULL, &mem, &st));
    cr_assert_str_eq(str_at(rd32(0x9500 + 16)), "k ", "QEMU: \"<path> <append>\"");
    cr_assert_eq(rd32(0x9500 + 20), 0);
}

Test(multiboot, comma_in_module_name_is_doubled)
{
    size_t len = make_elf32(0x100000);
    char *dir = g_dir_make_tmp("tandem-mb-XXXXXX", NULL);
    char *file = g_build_filename(dir, "a,b", NULL);
    cr_assert(g_file_set_contents(file, "xyz", 3, NULL));
    char *initrd = g_strdup_printf("%s/a,,b x", dir);
    cr_assert(multiboot_load(&test_mach, "k", img, len, "", initrd, &mem, &st));
    uint32_t mods = rd32(0x9500 + 24);
    cr_assert_eq(rd32(0x9500 + 20), 1);
    cr_assert_eq(memcmp(test_ram.ram + rd32(mods), "xyz", 3), 0);
    char *want = g_strdup_printf("%s x", file);
    cr_assert_str_eq(str_at(rd32(mods + 8)), want);
    unlink(file);
    rmdir(dir);
    g_free(want);
    g_free(initrd);
    g_free(file);
    g_free(dir);
}

Test(multiboot, higher_half_entry_becomes_physical)
{
    size_t len = make_elf32(0xc0100020);
    cr_assert(multiboot_load(&test_mach, "k", img, len, NULL, NULL, &mem, &st));
    cr_assert_eq(st.rip, 0x100020);
}

/* A flat binary: header at 0x40, loaded from file offset 0 at 0x200000, bss to +0x3000. */
static size_t make_kludge(size_t file_len, uint32_t load_end)
{
    for (size_t i = 0; i < file_len; i++) {
        img[i] = (uint8_t)(i ^ 0xa5);
    }
    put_header(img + 0x40, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_PAGE_ALIGN);
    uint32_t f[5] = { 0x200040, 0x200000, load_end, 0x203000, 0x200080 };
    memcpy(img + 0x4c, f, sizeof(f));
    return file_len;
}

Test(multiboot, aout_kludge)
{
    size_t len = make_kludge(0x1000, 0x200c00);
    cr_assert(multiboot_load(&test_mach, "flat.bin", img, len, "x", NULL, &mem, &st));
    cr_assert_eq(memcmp(test_ram.ram + 0x200000, img, 0xc00), 0);
    for (int i = 0xc00; i < 0x3000; i++) {
        cr_assert_eq(test_ram.ram[0x200000 + i], 0, "bytes past load_end_addr are bss");
    }
    cr_assert_eq(st.rip, 0x200080);
    cr_assert_eq(rd32(0x9500 + 24), 0x203000, "info area after the bss");
    /* load_end_addr 0: the whole file */
    setup();
    len = make_kludge(0x1000, 0);
    cr_assert(multiboot_load(&test_mach, "flat.bin", img, len, "x", NULL, &mem, &st));
    cr_assert_eq(memcmp(test_ram.ram + 0x200000, img, 0x1000), 0);
}

Test(multiboot, elf64_loads_below_4g)
{
    size_t len = make_elf64(0x300010, 0x300000);
    cr_assert(multiboot_load(&test_mach, "k64", img, len, NULL, NULL, &mem, &st));
    cr_assert_eq(memcmp(test_ram.ram + 0x300000, img + 0x1000, 0x800), 0);
    cr_assert_eq(st.rip, 0x300010);
    cr_assert_eq(st.mode, X86_BOOT_FLAT32);
    cr_assert_eq(st.regs[X86_BOOT_RAX], 0x2badb002);
}

static void expect_fail(size_t len, const char *needle)
{
    cr_redirect_stderr();
    cr_assert_not(multiboot_load(&test_mach, "bad.elf", img, len, NULL, NULL, &mem, &st));
    const char *msg = test_expect_stderr(needle);
    cr_assert(strstr(msg, "bad.elf"), "message names the file: %s", msg);
}

Test(multiboot, elf64_entry_above_4g_is_refused)
{
    size_t len = make_elf64(0x100000000ull, 0x300000);
    expect_fail(len, "above 4 GiB");
}

Test(multiboot, no_header)
{
    size_t len = make_elf32(0x100000);
    memset(img + 0x1000, 0, 12);
    expect_fail(len, "no multiboot header");
}

Test(multiboot, header_past_8k_is_not_seen)
{
    MultibootHeader h;
    put_header(img + 0x2000, 0);
    cr_assert_eq(multiboot_find_header(img, sizeof(img), &h), MULTIBOOT_ABSENT);
    put_header(img + 0x1ff4, 0);
    cr_assert_eq(multiboot_find_header(img, sizeof(img), &h), MULTIBOOT_FOUND);
    cr_assert_eq(h.offset, 0x1ff4);
    memset(img, 0, sizeof(img));
    put_header(img + 0x102, 0); /* not 4-byte aligned */
    cr_assert_eq(multiboot_find_header(img, sizeof(img), &h), MULTIBOOT_ABSENT);
}

Test(multiboot, bad_checksum)
{
    size_t len = make_elf32(0x100000);
    img[0x1008] ^= 1;
    expect_fail(len, "checksum");
}

Test(multiboot, segment_outside_ram)
{
    size_t len = make_elf32(0x100000);
    ((Elf32_Phdr *)(img + sizeof(Elf32_Ehdr)))->p_paddr = 0x7ff00000;
    expect_fail(len, "does not fit in guest RAM");
}

Test(multiboot, truncated_elf)
{
    size_t len = make_elf32(0x100000);
    expect_fail(len - 0x100, "truncated"); /* segment data cut */
}

Test(multiboot, truncated_kludge)
{
    size_t len = make_kludge(0x1000, 0x201800); /* load_end past the end of the file */
    expect_fail(len, "truncated");
}

Test(multiboot, missing_module_names_the_file)
{
    size_t len = make_elf32(0x100000);
    cr_redirect_stderr();
    cr_assert_not(multiboot_load(&test_mach, "k", img, len, NULL, "/nonexistent/mod x", &mem, &st));
    fflush(stderr);
    cr_assert_stderr_eq_str("tandem: -initrd module '/nonexistent/mod': No such file or "
                            "directory\n");
}

Test(multiboot, video_request_is_ignored_with_a_warning)
{
    size_t len = make_elf32(0x100000);
    put_header(img + 0x1000, MULTIBOOT_VIDEO_MODE);
    cr_redirect_stderr();
    cr_assert(multiboot_load(&test_mach, "k", img, len, NULL, NULL, &mem, &st));
    fflush(stderr);
    cr_assert_stderr_eq_str("tandem: -kernel 'k': warning: multiboot video mode request "
                            "ignored\n");
}

Test(multiboot, reset_restores_kernel_and_mbi)
{
    size_t len = make_elf32(0x100000);
    cr_assert(multiboot_load(&test_mach, "k", img, len, "a", NULL, &mem, &st));
    memset(test_ram.ram + 0x100000, 0xee, 0x2000);
    memset(test_ram.ram + 0x9000, 0xee, 0x700);
    machine_roms_reload(&test_mach);
    cr_assert_eq(memcmp(test_ram.ram + 0x100000, img + 0x1000, 0x800), 0);
    cr_assert_eq(test_ram.ram[0x101000], 0);
    cr_assert_eq(rd32(0x9500 + 4), 639);
    cr_assert_eq(rd32(0x9000), 20);
    cr_assert_eq(rd64(0x9610), st.cs_desc);
}
