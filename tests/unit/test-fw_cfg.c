/*
 * test-fw_cfg.c — the fw_cfg device through its port callbacks: signature and ID through the
 * data port, little-endian integer items, unknown keys read 0, ignored data writes, the file
 * directory (big-endian, sorted by name, keys renumbered on insertion), and the DMA interface
 * (select+read, zero fill past the end, skip, write to a writable file, error on a read-only
 * one, the "QEMU CFG" signature) against a RAM address space.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "hw/misc/fw_cfg.h"

static FWCfgState fw;
static AddressSpace as;
static MemoryRegion ram;

static void setup(void)
{
    memory_region_init_ram(&ram, "ram", 0x10000);
    address_space_init(&as, "test");
    address_space_map(&as, 0, &ram);
    fw_cfg_init(&fw, &as);
}

static void teardown(void) { fw_cfg_destroy(&fw); }

TestSuite(fw_cfg, .init = setup, .fini = teardown);

static void sel(uint16_t key) { fw_cfg_io_ops.write(&fw, 0, key, 2); }
static uint8_t rdb(void) { return (uint8_t)fw_cfg_io_ops.read(&fw, 1, 1); }
static void rd(void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ((uint8_t *)buf)[i] = rdb();
    }
}

Test(fw_cfg, signature_and_id)
{
    char sig[5] = {0};
    uint8_t id[4];
    sel(FW_CFG_SIGNATURE);
    rd(sig, 4);
    cr_assert_str_eq(sig, "QEMU");
    cr_assert_eq(rdb(), 0, "past the end reads 0");
    sel(FW_CFG_ID);
    rd(id, 4);
    cr_assert_eq(id[0], 3, "traditional + DMA");
    cr_assert_eq(id[1] | id[2] | id[3], 0);
    /* reselecting restarts at offset 0 */
    sel(FW_CFG_SIGNATURE);
    cr_assert_eq(rdb(), 'Q');
}

Test(fw_cfg, integers_are_little_endian_and_unknown_reads_zero)
{
    uint64_t ram_size;
    uint16_t cpus, max;
    fw_cfg_set_machine(&fw, 512ull << 20, 4, 8);
    sel(FW_CFG_RAM_SIZE);
    rd(&ram_size, 8);
    cr_assert_eq(ram_size, 512ull << 20);
    sel(FW_CFG_NB_CPUS);
    rd(&cpus, 2);
    cr_assert_eq(cpus, 4);
    sel(FW_CFG_MAX_CPUS);
    rd(&max, 2);
    cr_assert_eq(max, 8);
    sel(0x1234);
    cr_assert_eq(rdb(), 0);
    sel(FW_CFG_KERNEL_SIZE);
    cr_assert_eq(rdb(), 0);
    sel(FW_CFG_ARCH_LOCAL | 3);
    cr_assert_eq(rdb(), 0);
}

Test(fw_cfg, data_writes_are_ignored)
{
    sel(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
    fw_cfg_io_ops.write(&fw, 1, 'X', 1);
    sel(FW_CFG_SIGNATURE);
    cr_assert_eq(rdb(), 'Q');
}

Test(fw_cfg, kernel_items)
{
    char buf[16];
    fw_cfg_add_i32(&fw, FW_CFG_CMDLINE_SIZE, 13);
    fw_cfg_add_string(&fw, FW_CFG_CMDLINE_DATA, "console=ttyS0");
    sel(FW_CFG_CMDLINE_DATA);
    rd(buf, 14);
    cr_assert_str_eq(buf, "console=ttyS0");
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

Test(fw_cfg, file_dir_sorted_big_endian)
{
    uint8_t dir[4 + 3 * 64];
    cr_assert_eq(fw_cfg_add_file(&fw, "etc/e820", "abcdefgh", 8), 0);
    cr_assert_eq(fw_cfg_add_file(&fw, "etc/acpi/tables", "T", 1), 0);
    cr_assert_eq(fw_cfg_add_file(&fw, "zzz", "", 0), 0);
    cr_assert_eq(fw_cfg_add_file(&fw, "etc/e820", "x", 1), -EEXIST);
    cr_assert_eq(fw_cfg_file_key(&fw, "etc/acpi/tables"), 0x20);
    cr_assert_eq(fw_cfg_file_key(&fw, "etc/e820"), 0x21, "renumbered after insertion");
    cr_assert_eq(fw_cfg_file_key(&fw, "zzz"), 0x22);
    sel(FW_CFG_FILE_DIR);
    rd(dir, sizeof(dir));
    cr_assert_eq(be32(dir), 3);
    cr_assert_eq(be32(dir + 4), 1);
    cr_assert_eq(dir[8] << 8 | dir[9], 0x20);
    cr_assert_str_eq((char *)dir + 12, "etc/acpi/tables");
    cr_assert_eq(be32(dir + 68), 8);
    cr_assert_eq(dir[72] << 8 | dir[73], 0x21);
    cr_assert_str_eq((char *)dir + 76, "etc/e820");
    sel(0x21);
    cr_assert_eq(rdb(), 'a');
    cr_assert_eq(rdb(), 'b');
}

/* Writes a FWCfgDmaAccess at desc and triggers it through two big-endian 32-bit halves. */
static uint32_t dma(uint64_t desc, uint32_t control, uint32_t len, uint64_t addr)
{
    uint8_t *m = ram.ram + desc;
    uint32_t c = GUINT32_TO_BE(control), l = GUINT32_TO_BE(len);
    uint64_t a = GUINT64_TO_BE(addr);
    memcpy(m, &c, 4);
    memcpy(m + 4, &l, 4);
    memcpy(m + 8, &a, 8);
    /* outl(0x514, bswap32(high)); outl(0x518, bswap32(low)) as a guest does */
    fw_cfg_dma_ops.write(&fw, 0, GUINT32_SWAP_LE_BE((uint32_t)(desc >> 32)), 4);
    fw_cfg_dma_ops.write(&fw, 4, GUINT32_SWAP_LE_BE((uint32_t)desc), 4);
    memcpy(&c, m, 4);
    return GUINT32_FROM_BE(c);
}

Test(fw_cfg, dma_signature)
{
    uint64_t lo = fw_cfg_dma_ops.read(&fw, 0, 4), hi = fw_cfg_dma_ops.read(&fw, 4, 4);
    uint64_t v = GUINT64_FROM_BE(lo | hi << 32);
    cr_assert_eq(v, FW_CFG_DMA_SIGNATURE);
}

Test(fw_cfg, dma_select_read_skip)
{
    fw_cfg_add_file(&fw, "etc/e820", "0123456789", 10);
    memset(ram.ram + 0x1000, 0xaa, 32);
    cr_assert_eq(dma(0x100, (uint32_t)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
                                FW_CFG_DMA_CTL_READ,
                     6, 0x1000),
                 0);
    cr_assert_eq(memcmp(ram.ram + 0x1000, "QEMU\0\0", 6), 0, "zero fill past the end");
    int key = fw_cfg_file_key(&fw, "etc/e820");
    cr_assert_eq(dma(0x100, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 3,
                     0),
                 0);
    cr_assert_eq(dma(0x100, FW_CFG_DMA_CTL_READ, 4, 0x1010), 0);
    cr_assert_eq(memcmp(ram.ram + 0x1010, "3456", 4), 0);
    /* the data port continues where DMA stopped */
    cr_assert_eq(rdb(), '7');
    /* a 64-bit write of the whole register also triggers */
    uint8_t *m = ram.ram + 0x200;
    uint32_t c = GUINT32_TO_BE((uint32_t)FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT |
                               FW_CFG_DMA_CTL_READ),
             l = GUINT32_TO_BE(1);
    uint64_t a = GUINT64_TO_BE(0x1020);
    memcpy(m, &c, 4);
    memcpy(m + 4, &l, 4);
    memcpy(m + 8, &a, 8);
    fw_cfg_dma_ops.write(&fw, 0, GUINT64_SWAP_LE_BE((uint64_t)0x200), 8);
    cr_assert_eq(ram.ram[0x1020], 3);
    cr_assert_eq(m[0] | m[1] | m[2] | m[3], 0, "control cleared");
}

Test(fw_cfg, dma_write)
{
    fw_cfg_add_file_writable(&fw, "etc/w", "....", 4);
    fw_cfg_add_file(&fw, "etc/ro", "....", 4);
    memcpy(ram.ram + 0x1000, "WXYZ", 4);
    int w = fw_cfg_file_key(&fw, "etc/w"), ro = fw_cfg_file_key(&fw, "etc/ro");
    cr_assert_eq(dma(0x100, (uint32_t)w << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                     0x1000),
                 0);
    uint32_t len;
    cr_assert_eq(memcmp(fw_cfg_file_data(&fw, "etc/w", &len), "WXYZ", 4), 0);
    cr_assert_eq(dma(0x100, (uint32_t)ro << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4,
                     0x1000),
                 FW_CFG_DMA_CTL_ERROR);
    cr_assert_eq(memcmp(fw_cfg_file_data(&fw, "etc/ro", &len), "....", 4), 0);
    /* too long for the writable file */
    cr_assert_eq(dma(0x100, (uint32_t)w << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 5,
                     0x1000),
                 FW_CFG_DMA_CTL_ERROR);
    /* a read into unmapped memory reports an error */
    cr_assert_eq(dma(0x100, (uint32_t)w << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
                     0x100000),
                 FW_CFG_DMA_CTL_ERROR);
}
