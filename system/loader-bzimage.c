/*
 * loader-bzimage.c — the Linux x86 64-bit boot protocol (Documentation/arch/x86/boot.rst,
 * "64-bit Boot Protocol"; zero-page.rst for struct boot_params). Guest layout:
 *   0x1000 boot GDT (__BOOT_CS 0x10 64-bit code, __BOOT_DS 0x18 data),
 *   0x7000 zero page, 0x9000..0xefff page tables (identity map of 4 GiB, 2 MiB pages),
 *   0x20000 command line, the protected-mode kernel at pref_address (or the lowest
 *   kernel_alignment boundary above 1 MiB where init_size bytes of RAM are free, for a
 *   relocatable kernel), the initrd page-aligned as high as RAM, initrd_addr_max and 4 GiB
 *   allow. Every field read from the image is range-checked; errors are one message.
 * Main thread only (board init).
 */
#include "system/loader-bzimage.h"

#include <elf.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "system/loader-x86-internal.h"
#include "system/loader.h"
#include "system/log.h"

#define BZ_PAGE 0x1000ull
#define BZ_ZP_SIZE 0x1000u
#define BZ_E820_MAX 128 /* E820_MAX_ENTRIES_ZEROPAGE */

/* zero-page.rst offsets */
#define ZP_EXT_MEM_K 0x002 /* screen_info.ext_mem_k, u16 */
#define ZP_ACPI_RSDP_ADDR 0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE 0x0c4
#define ZP_EXT_CMD_LINE_PTR 0x0c8
#define ZP_ALT_MEM_K 0x1e0
#define ZP_E820_ENTRIES 0x1e8
#define ZP_HDR 0x1f1
#define ZP_TYPE_OF_LOADER 0x210
#define ZP_LOADFLAGS 0x211
#define ZP_CODE32_START 0x214
#define ZP_RAMDISK_IMAGE 0x218
#define ZP_RAMDISK_SIZE 0x21c
#define ZP_CMD_LINE_PTR 0x228
#define ZP_E820_TABLE 0x2d0
#define ZP_HDR_MAX_END 0x290 /* the setup header may not run into e820_table's neighbours */

static uint32_t bz_ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint16_t bz_ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static void bz_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static uint64_t bz_align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

bool bzimage_probe(const uint8_t *data, size_t len)
{
    return len >= 0x206 && memcmp(data + 0x202, "HdrS", 4) == 0;
}

bool bzimage_parse(const uint8_t *data, size_t len, BzImageHeader *h, char **err)
{
    memset(h, 0, sizeof(*h));
    if (!bzimage_probe(data, len)) {
        if (len >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0) {
            *err = g_strdup("an ELF vmlinux without a multiboot header: boot the bzImage "
                            "(arch/x86/boot/bzImage, or /boot/vmlinuz-*) instead");
        } else {
            *err = g_strdup("neither a Linux bzImage (no \"HdrS\" at 0x202) nor a multiboot "
                            "kernel");
        }
        return false;
    }
    if (len < 0x264) {
        *err = g_strdup("truncated bzImage (setup header incomplete)");
        return false;
    }
    h->version = bz_ld16(data + 0x206);
    if (h->version < 0x20c) {
        *err = g_strdup_printf("Linux boot protocol %u.%02u is too old: the 64-bit entry needs "
                               "2.12 or later (Linux 3.8+)", h->version >> 8,
                               h->version & 0xff);
        return false;
    }
    h->setup_sects = data[0x1f1];
    h->syssize = bz_ld32(data + 0x1f4);
    h->loadflags = data[0x211];
    h->code32_start = bz_ld32(data + 0x214);
    h->initrd_addr_max = bz_ld32(data + 0x22c);
    h->kernel_alignment = bz_ld32(data + 0x230);
    h->relocatable_kernel = data[0x234];
    h->xloadflags = bz_ld16(data + 0x236);
    h->cmdline_size = bz_ld32(data + 0x238);
    memcpy(&h->pref_address, data + 0x258, 8);
    h->init_size = bz_ld32(data + 0x260);
    h->setup_len = ((size_t)(h->setup_sects ? h->setup_sects : 4) + 1) * 512;
    h->header_end = MIN(0x202 + (size_t)data[0x201], (size_t)ZP_HDR_MAX_END);
    if (!(h->xloadflags & BZIMAGE_XLF_KERNEL_64)) {
        *err = g_strdup("32-bit kernel (xloadflags lacks XLF_KERNEL_64): -M pc boots Linux "
                        "through the 64-bit entry only");
        return false;
    }
    if (!(h->loadflags & BZIMAGE_LOADED_HIGH)) {
        *err = g_strdup("zImage (loadflags lacks LOADED_HIGH): only a bzImage can be loaded");
        return false;
    }
    if (h->kernel_alignment == 0 || (h->kernel_alignment & (h->kernel_alignment - 1))) {
        *err = g_strdup_printf("kernel_alignment 0x%x is not a power of two",
                               h->kernel_alignment);
        return false;
    }
    if (h->setup_len >= len || len < h->header_end) {
        *err = g_strdup("truncated bzImage (no protected-mode kernel after the setup code)");
        return false;
    }
    if ((uint64_t)h->syssize * 16 > len - h->setup_len) {
        *err = g_strdup_printf("truncated bzImage (syssize says 0x%" PRIx64 " bytes of kernel, "
                               "the file has 0x%zx)", (uint64_t)h->syssize * 16,
                               len - h->setup_len);
        return false;
    }
    return true;
}

/* ---- placement ---- */

/* pref_address when init_size bytes of RAM are there; else, for a relocatable kernel, the
 * lowest kernel_alignment boundary from 1 MiB that has them (boot.rst: a relocatable kernel
 * may be loaded at any such boundary and moves itself as needed). */
static bool bz_place_kernel(const BzImageHeader *h, uint64_t footprint,
                            const X86BootMemory *mem, uint64_t *addr)
{
    if (x86_e820_is_ram(mem, h->pref_address, footprint) &&
        h->pref_address + footprint <= BZIMAGE_IDMAP_SIZE) {
        *addr = h->pref_address;
        return true;
    }
    if (!h->relocatable_kernel) {
        return false;
    }
    bool found = false;
    for (int i = 0; i < mem->nb_e820; i++) {
        const X86E820Entry *e = &mem->e820[i];
        if (e->type != X86_E820_RAM) {
            continue;
        }
        uint64_t a = bz_align_up(MAX(e->addr, 0x100000ull), h->kernel_alignment);
        if (a + footprint <= e->addr + e->len && a + footprint <= BZIMAGE_IDMAP_SIZE &&
            (!found || a < *addr)) {
            *addr = a;
            found = true;
        }
    }
    return found;
}

static bool bz_add_initrd(Machine *m, const BzImageHeader *h, const char *initrd,
                          uint64_t kernel_end, const X86BootMemory *mem, uint8_t *zp)
{
    if (!initrd) {
        return true;
    }
    size_t len;
    uint8_t *data = loader_read_file("-initrd", initrd, &len);
    if (!data) {
        return false;
    }
    /* Highest page-aligned place below initrd_addr_max, the RAM below 4 GiB and the identity
     * map, above the kernel's init_size footprint (boot.rst "initrd_addr_max"). */
    uint64_t hi = MIN((uint64_t)h->initrd_addr_max + 1, mem->ram_below_4g);
    hi = MIN(hi, BZIMAGE_IDMAP_SIZE);
    uint64_t addr = 0;
    bool ok = x86_e820_find_top(mem, len, BZ_PAGE, kernel_end, hi, &addr);
    if (!ok) {
        error_report("-initrd '%s': %zu bytes do not fit in RAM between the kernel (ends at "
                     "0x%" PRIx64 ") and 0x%" PRIx64 " (initrd_addr_max/RAM top)",
                     initrd, len, kernel_end, hi);
    } else {
        char *name = g_strdup_printf("-initrd '%s'", initrd);
        ok = machine_rom_add(m, name, addr, data, len, bz_align_up(len, BZ_PAGE));
        g_free(name);
        bz_st32(zp + ZP_RAMDISK_IMAGE, (uint32_t)addr);
        bz_st32(zp + ZP_RAMDISK_SIZE, (uint32_t)len);
        bz_st32(zp + ZP_EXT_RAMDISK_IMAGE, (uint32_t)(addr >> 32));
        bz_st32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)len >> 32));
    }
    g_free(data);
    return ok;
}

static bool bz_add_cmdline(Machine *m, const char *path, const BzImageHeader *h,
                           const char *append, uint8_t *zp)
{
    const char *cmd = append ? append : "";
    size_t n = strlen(cmd);
    /* cmdline_size: the maximum length without the terminating NUL (boot.rst). */
    if (n > h->cmdline_size) {
        error_report("-append: %zu characters, but kernel '%s' accepts at most %u", n, path,
                     h->cmdline_size);
        return false;
    }
    bz_st32(zp + ZP_CMD_LINE_PTR, BZIMAGE_CMDLINE_ADDR);
    bz_st32(zp + ZP_EXT_CMD_LINE_PTR, 0);
    return machine_rom_add(m, "-append command line", BZIMAGE_CMDLINE_ADDR, cmd, n + 1,
                           bz_align_up(n + 1, BZ_PAGE));
}

/* PML4[0] -> PDPT, PDPT[0..3] -> four PDs, each PD entry a 2 MiB page: an identity map of
 * the first 4 GiB (Intel SDM vol. 3 section 4.5: P = bit 0, R/W = bit 1, PS = bit 7). */
static bool bz_add_page_tables(Machine *m)
{
    uint64_t *pt = g_malloc0(BZIMAGE_PT_SIZE);
    const uint64_t pdpt = BZIMAGE_PML4_ADDR + 0x1000, pd = BZIMAGE_PML4_ADDR + 0x2000;
    pt[0] = pdpt | 0x3;
    for (unsigned i = 0; i < 4; i++) {
        pt[512 + i] = (pd + i * 0x1000ull) | 0x3;
    }
    for (unsigned i = 0; i < 4 * 512; i++) {
        pt[1024 + i] = ((uint64_t)i << 21) | 0x83;
    }
    bool ok = machine_rom_add(m, "bzImage boot page tables", BZIMAGE_PML4_ADDR, pt,
                              BZIMAGE_PT_SIZE, BZIMAGE_PT_SIZE);
    g_free(pt);
    return ok;
}

/* e820_entries / e820_table (zero-page.rst: 20-byte entries addr, size, type), and the
 * legacy memory sizes some code still reads (KiB of RAM from 1 MiB). */
static bool bz_fill_memory(const char *path, const X86BootMemory *mem, uint8_t *zp)
{
    if (mem->nb_e820 > BZ_E820_MAX) {
        error_report("-kernel '%s': %d e820 entries, the zero page holds %d", path,
                     mem->nb_e820, BZ_E820_MAX);
        return false;
    }
    zp[ZP_E820_ENTRIES] = (uint8_t)mem->nb_e820;
    for (int i = 0; i < mem->nb_e820; i++) {
        uint8_t *e = zp + ZP_E820_TABLE + i * 20;
        memcpy(e, &mem->e820[i].addr, 8);
        memcpy(e + 8, &mem->e820[i].len, 8);
        bz_st32(e + 16, mem->e820[i].type);
    }
    uint64_t ext_k = x86_e820_ram_from(mem, 0x100000) >> 10;
    uint16_t ext16 = (uint16_t)MIN(ext_k, 0xfc00u);
    memcpy(zp + ZP_EXT_MEM_K, &ext16, 2);
    bz_st32(zp + ZP_ALT_MEM_K, (uint32_t)MIN(ext_k, UINT32_MAX));
    if (mem->acpi_rsdp_addr) {
        memcpy(zp + ZP_ACPI_RSDP_ADDR, &mem->acpi_rsdp_addr, 8);
    }
    return true;
}

bool bzimage_load(Machine *m, const char *path, const uint8_t *data, size_t len,
                  const char *append, const char *initrd, const X86BootMemory *mem,
                  X86BootState *st)
{
    BzImageHeader h;
    char *err = NULL;
    if (!bzimage_parse(data, len, &h, &err)) {
        error_report("-kernel '%s': %s", path, err);
        g_free(err);
        return false;
    }
    size_t kernel_len = len - h.setup_len;
    uint64_t footprint = bz_align_up(MAX((uint64_t)h.init_size, (uint64_t)kernel_len), BZ_PAGE);
    uint64_t kaddr = 0;
    if (!bz_place_kernel(&h, footprint, mem, &kaddr)) {
        error_report("-kernel '%s': needs 0x%" PRIx64 " bytes of RAM at 0x%" PRIx64 "%s; "
                     "give the machine more memory (-m)", path, footprint, h.pref_address,
                     h.relocatable_kernel ? " or another kernel_alignment boundary" : "");
        return false;
    }
    uint8_t *zp = g_malloc0(BZ_ZP_SIZE);
    /* boot.rst: the zero page starts zeroed, with the setup header copied in from the image
     * at 0x1f1 up to 0x202 + the byte at 0x201. */
    memcpy(zp + ZP_HDR, data + ZP_HDR, h.header_end - ZP_HDR);
    zp[ZP_TYPE_OF_LOADER] = BZIMAGE_TYPE_OF_LOADER;
    zp[ZP_LOADFLAGS] = h.loadflags;
    bz_st32(zp + ZP_CODE32_START, (uint32_t)kaddr);
    char *name = g_strdup_printf("-kernel '%s'", path);
    bool ok = machine_rom_add(m, name, kaddr, data + h.setup_len, kernel_len, footprint) &&
              bz_add_initrd(m, &h, initrd, kaddr + footprint, mem, zp) &&
              bz_add_cmdline(m, path, &h, append, zp) && bz_fill_memory(path, mem, zp) &&
              bz_add_page_tables(m) &&
              machine_rom_add(m, "bzImage zero page", BZIMAGE_ZERO_PAGE_ADDR, zp, BZ_ZP_SIZE,
                              BZ_ZP_SIZE) &&
              x86_boot_state_init(m, "bzImage", BZIMAGE_GDT_ADDR, X86_BOOT_LONG64, st);
    g_free(name);
    g_free(zp);
    if (ok) {
        /* boot.rst "64-bit Boot Protocol": enter at the load address + 0x200 with RSI
         * pointing at struct boot_params. */
        st->rip = kaddr + 0x200;
        st->regs[X86_BOOT_RSI] = BZIMAGE_ZERO_PAGE_ADDR;
        st->cr3 = BZIMAGE_PML4_ADDR;
    }
    return ok;
}
