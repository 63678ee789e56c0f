/*
 * test-smram.c — the pc board's SMRAM registers (hw/x86/smram.c, docs/smram.md): reset values,
 * G_SMRAME/D_OPEN/T_EN deciding what the ordinary view and the SMM view see, D_LCK closing the
 * window and making both registers read-only until reset, APMS read/write. No vCPUs: the
 * machine pointer is NULL, so no TLB flush or SMI is sent.
 */
#include <criterion/criterion.h>

#include "hw/x86/smram.h"

static AddressSpace sys;
static MemoryRegion ram;
static SMRAMState s;

static void setup(void)
{
    address_space_init(&sys, "sys");
    memory_region_init_ram(&ram, "ram", 4u << 20);
    address_space_map(&sys, 0, &ram);
    smram_init(&s, &sys, 4u << 20, NULL);
}

static uint8_t rd(unsigned reg)
{
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_read(&s.io_ctl, reg, &v, 1), MEMTX_OK);
    return (uint8_t)v;
}

static void wr(unsigned reg, uint8_t v)
{
    cr_assert_eq(memory_region_dispatch_write(&s.io_ctl, reg, v, 1), MEMTX_OK);
}

static bool hidden(AddressSpace *as, uint64_t addr)
{
    return address_space_find(as, addr, NULL) == &s.closed;
}

TestSuite(smram, .init = setup);

Test(smram, reset_values_and_plain_ram)
{
    cr_assert_eq(rd(0), 0x02);
    cr_assert_eq(rd(1), 0x38);
    cr_assert(!hidden(&sys, 0xa0000));
    cr_assert(!hidden(&sys, (3u << 20) + 0x10));
}

Test(smram, closed_windows_only_outside_smm)
{
    wr(1, 0x39);
    wr(0, 0x08);
    cr_assert(hidden(&sys, 0xa0000));
    cr_assert(hidden(&sys, 0xbffff));
    cr_assert(!hidden(&sys, 0xc0000));
    cr_assert(hidden(&sys, 3u << 20));
    cr_assert(!hidden(&sys, (3u << 20) - 1));
    cr_assert(!hidden(&s.smm_as, 0xa0000));
    cr_assert(!hidden(&s.smm_as, 3u << 20));
    uint32_t v = 0;
    cr_assert_eq(address_space_read(&sys, 0xa0000, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0xffffffffu);
    wr(0, 0x48); /* D_OPEN opens the A-segment only */
    cr_assert(!hidden(&sys, 0xa0000));
    cr_assert(hidden(&sys, 3u << 20));
}

Test(smram, lock_closes_and_freezes_until_reset)
{
    wr(0, 0x48);
    wr(0, 0x58);
    cr_assert_eq(rd(0), 0x1a);
    wr(0, 0x48);
    cr_assert_eq(rd(0), 0x1a);
    wr(1, 0x39);
    cr_assert_eq(rd(1), 0x38);
    cr_assert(hidden(&sys, 0xa0000));
    smram_reset(&s);
    cr_assert_eq(rd(0), 0x02);
    wr(0, 0x48);
    cr_assert_eq(rd(0), 0x4a);
}

Test(smram, apm_status_byte)
{
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_write(&s.io_apm, 1, 0x77, 1), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_read(&s.io_apm, 1, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0x77);
    cr_assert_eq(memory_region_dispatch_write(&s.io_apm, 0, 0x01, 1), MEMTX_OK);
    cr_assert_eq(s.smi_count, 1);
}
