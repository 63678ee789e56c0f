/*
 * test-e820.c — the PC e820 maps for 128 MiB, 512 MiB, 3.5 GiB and 5 GiB: QEMU pc's RAM split
 * (3.5 GiB or more: 3 GiB below 4 GiB), the guest map's legacy holes, the packed 20-byte
 * serialisation and the zero-page fields.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hw/x86/e820.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static void expect(const E820Table *t, int i, uint64_t addr, uint64_t len, uint32_t type)
{
    cr_assert_lt(i, t->nr);
    cr_assert_eq(t->entries[i].addr, addr, "entry %d addr %#llx", i,
                 (unsigned long long)t->entries[i].addr);
    cr_assert_eq(t->entries[i].len, len, "entry %d len %#llx", i,
                 (unsigned long long)t->entries[i].len);
    cr_assert_eq(t->entries[i].type, type, "entry %d type", i);
}

Test(e820, ram_split)
{
    uint64_t b, a;
    pc_ram_split(128 * MiB, &b, &a);
    cr_assert(b == 128 * MiB && a == 0);
    pc_ram_split(0xdfffffffull, &b, &a);
    cr_assert(b == 0xdfffffffull && a == 0, "just below 3.5G stays low");
    pc_ram_split(3 * GiB + 512 * MiB, &b, &a);
    cr_assert(b == 3 * GiB && a == 512 * MiB);
    pc_ram_split(5 * GiB, &b, &a);
    cr_assert(b == 3 * GiB && a == 2 * GiB);
}

Test(e820, guest_map_128m_512m)
{
    E820Table t;
    uint64_t sizes[2] = {128 * MiB, 512 * MiB};
    for (int k = 0; k < 2; k++) {
        e820_build_guest_map(&t, sizes[k]);
        cr_assert_eq(t.nr, 5);
        expect(&t, 0, 0, 0x9fc00, E820_RAM);
        expect(&t, 1, 0x9fc00, 0x400, E820_RESERVED);
        expect(&t, 2, 0xf0000, 0x10000, E820_RESERVED);
        expect(&t, 3, 0x100000, sizes[k] - MiB, E820_RAM);
        expect(&t, 4, 0xfffc0000, 0x40000, E820_RESERVED);
    }
}

Test(e820, guest_map_3_5g_and_5g)
{
    E820Table t;
    e820_build_guest_map(&t, 3 * GiB + 512 * MiB);
    cr_assert_eq(t.nr, 6);
    expect(&t, 3, 0x100000, 3 * GiB - MiB, E820_RAM);
    expect(&t, 5, 4 * GiB, 512 * MiB, E820_RAM);
    e820_build_guest_map(&t, 5 * GiB);
    expect(&t, 3, 0x100000, 3 * GiB - MiB, E820_RAM);
    expect(&t, 5, 4 * GiB, 2 * GiB, E820_RAM);
}

Test(e820, fw_cfg_map)
{
    E820Table t;
    e820_build_fw_cfg_map(&t, 512 * MiB);
    cr_assert_eq(t.nr, 1);
    expect(&t, 0, 0, 512 * MiB, E820_RAM);
    e820_build_fw_cfg_map(&t, 5 * GiB);
    cr_assert_eq(t.nr, 2);
    expect(&t, 0, 0, 3 * GiB, E820_RAM);
    expect(&t, 1, 4 * GiB, 2 * GiB, E820_RAM);
}

Test(e820, serialize_and_zero_page)
{
    E820Table t;
    uint8_t buf[64];
    static uint8_t zp[4096];
    e820_build_fw_cfg_map(&t, 5 * GiB);
    cr_assert_eq(e820_serialize(&t, buf, sizeof(buf)), 40);
    static const uint8_t first[20] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 1, 0, 0, 0};
    cr_assert_eq(memcmp(buf, first, 20), 0);
    cr_assert_eq(buf[20 + 4], 1, "addr 4G: byte 4 is 1");
    cr_assert_eq(buf[20 + 8 + 3], 0x80, "len 2G: byte 3 is 0x80");
    cr_assert_eq(buf[20 + 8 + 4], 0);
    cr_assert_eq(e820_serialize(&t, buf, 30), 20, "whole entries only");
    e820_build_guest_map(&t, 128 * MiB);
    e820_write_zero_page(&t, zp);
    cr_assert_eq(zp[0x1e8], 5);
    cr_assert_eq(zp[0x2d0 + 20 + 1], 0xfc, "second entry starts at 0x9fc00");
    cr_assert_eq(zp[0x2d0 + 20 * 4 + 16], E820_RESERVED);
}

Test(e820, full_table)
{
    E820Table t = {.nr = 0};
    for (int i = 0; i < E820_MAX_ENTRIES; i++) {
        cr_assert_eq(e820_add(&t, (uint64_t)i << 20, 4096, E820_RAM), 0);
    }
    cr_assert_eq(e820_add(&t, 1ull << 40, 4096, E820_RAM), -ENOSPC);
}
