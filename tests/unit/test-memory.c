/*
 * test-memory.c — the physical address space: region placement and lookup, holes, overlap
 * rejection (a board bug: aborts), MMIO dispatch with the device's access-size limits, and
 * byte-granular reads/writes that cross from one region into the next.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "hw/core/memory.h"

/* A test device: 16 bytes of registers, remembers the last access. */
typedef struct TestDev {
    uint8_t regs[16];
    unsigned last_size;
    uint64_t last_offset;
    int accesses;
} TestDev;

static uint64_t testdev_read(void *opaque, uint64_t offset, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;
    memcpy(&v, d->regs + offset, size);
    d->last_size = size;
    d->last_offset = offset;
    d->accesses++;
    return v;
}

static void testdev_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    TestDev *d = opaque;
    memcpy(d->regs + offset, &value, size);
    d->last_size = size;
    d->last_offset = offset;
    d->accesses++;
}

static const MemoryRegionOps testdev_ops_32 = {
    .read = testdev_read, .write = testdev_write, .min_access = 4, .max_access = 4};
static const MemoryRegionOps testdev_ops_any = {.read = testdev_read, .write = testdev_write};

Test(memory, find_maps_regions_and_reports_holes)
{
    AddressSpace as;
    MemoryRegion ram, io;
    TestDev dev = {0};
    address_space_init(&as, "test");
    memory_region_init_ram(&ram, "ram", 0x10000);
    memory_region_init_io(&io, "io", 0x10, &testdev_ops_any, &dev);
    /* Map out of order: the section list must come out sorted. */
    address_space_map(&as, 0x40000000, &ram);
    address_space_map(&as, 0x09000000, &io);
    cr_assert_eq(as.nb_sections, 2);
    cr_assert_eq(as.sections[0].base, 0x09000000);

    uint64_t off = 0;
    cr_assert_eq(address_space_find(&as, 0x40000000, &off), &ram);
    cr_assert_eq(off, 0);
    cr_assert_eq(address_space_find(&as, 0x4000ffff, &off), &ram);
    cr_assert_eq(off, 0xffff);
    cr_assert_null(address_space_find(&as, 0x40010000, &off));
    cr_assert_eq(address_space_find(&as, 0x0900000f, &off), &io);
    cr_assert_eq(off, 0xf);
    cr_assert_null(address_space_find(&as, 0x09000010, &off));
    cr_assert_null(address_space_find(&as, 0, &off));
    cr_assert_null(address_space_find(&as, 0x08ffffff, &off));
    cr_assert_null(address_space_find(&as, ~0ull, &off));
}

Test(memory, ram_ptr_only_inside_one_ram_region)
{
    AddressSpace as;
    MemoryRegion ram, io;
    TestDev dev = {0};
    address_space_init(&as, "test");
    memory_region_init_ram(&ram, "ram", 0x1000);
    memory_region_init_io(&io, "io", 0x10, &testdev_ops_any, &dev);
    address_space_map(&as, 0x1000, &ram);
    address_space_map(&as, 0x2000, &io);
    cr_assert_eq(address_space_ram_ptr(&as, 0x1000, 0x1000), ram.ram);
    cr_assert_eq(address_space_ram_ptr(&as, 0x1ff0, 0x10), ram.ram + 0xff0);
    cr_assert_null(address_space_ram_ptr(&as, 0x1ff0, 0x11));
    cr_assert_null(address_space_ram_ptr(&as, 0x2000, 4));
    cr_assert_null(address_space_ram_ptr(&as, 0x3000, 4));
}

Test(memory, many_regions_binary_search)
{
    AddressSpace as;
    static MemoryRegion regions[100];
    static TestDev devs[100];
    address_space_init(&as, "test");
    /* Insert in a scrambled order. */
    for (int k = 0; k < 100; k++) {
        int i = (k * 37) % 100;
        memory_region_init_io(&regions[i], "dev", 0x10, &testdev_ops_any, &devs[i]);
        address_space_map(&as, 0x1000 * (uint64_t)i, &regions[i]);
    }
    for (int i = 0; i < 100; i++) {
        uint64_t off;
        cr_assert_eq(address_space_find(&as, 0x1000 * (uint64_t)i + 5, &off), &regions[i]);
        cr_assert_eq(off, 5);
        cr_assert_null(address_space_find(&as, 0x1000 * (uint64_t)i + 0x10, &off));
    }
}

Test(memory, overlap_is_rejected, .signal = SIGABRT)
{
    AddressSpace as;
    MemoryRegion a, b;
    address_space_init(&as, "test");
    memory_region_init_ram(&a, "a", 0x2000);
    memory_region_init_ram(&b, "b", 0x1000);
    address_space_map(&as, 0x10000, &a);
    address_space_map(&as, 0x11fff, &b); /* last byte of a */
}

Test(memory, overlap_below_is_rejected, .signal = SIGABRT)
{
    AddressSpace as;
    MemoryRegion a, b;
    address_space_init(&as, "test");
    memory_region_init_ram(&a, "a", 0x2000);
    memory_region_init_ram(&b, "b", 0x1001);
    address_space_map(&as, 0x10000, &a);
    address_space_map(&as, 0xf000, &b); /* ends at 0x10000 */
}

Test(memory, adjacent_regions_are_fine)
{
    AddressSpace as;
    MemoryRegion a, b;
    address_space_init(&as, "test");
    memory_region_init_ram(&a, "a", 0x1000);
    memory_region_init_ram(&b, "b", 0x1000);
    address_space_map(&as, 0x10000, &a);
    address_space_map(&as, 0xf000, &b);
    cr_assert_eq(as.nb_sections, 2);
}

Test(memory, dispatch_respects_access_sizes)
{
    MemoryRegion io;
    TestDev dev = {0};
    uint64_t v;
    memory_region_init_io(&io, "io32", 0x10, &testdev_ops_32, &dev);
    cr_assert_eq(memory_region_dispatch_write(&io, 4, 0x11223344, 4), MEMTX_OK);
    cr_assert_eq(dev.last_size, 4);
    cr_assert_eq(dev.last_offset, 4);
    cr_assert_eq(memory_region_dispatch_read(&io, 4, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x11223344);
    int before = dev.accesses;
    cr_assert_eq(memory_region_dispatch_read(&io, 4, &v, 1), MEMTX_ERROR);
    cr_assert_eq(memory_region_dispatch_write(&io, 4, 0, 2), MEMTX_ERROR);
    cr_assert_eq(memory_region_dispatch_read(&io, 0, &v, 8), MEMTX_ERROR);
    cr_assert_eq(memory_region_dispatch_read(&io, 0, &v, 3), MEMTX_ERROR);
    /* past the end of the region */
    cr_assert_eq(memory_region_dispatch_read(&io, 0x10, &v, 4), MEMTX_ERROR);
    cr_assert_eq(memory_region_dispatch_read(&io, 0xe, &v, 4), MEMTX_ERROR);
    cr_assert_eq(dev.accesses, before, "refused accesses must not reach the device");
}

Test(memory, dispatch_masks_values_to_size)
{
    MemoryRegion io;
    TestDev dev = {0};
    uint64_t v;
    memory_region_init_io(&io, "io", 0x10, &testdev_ops_any, &dev);
    cr_assert_eq(memory_region_dispatch_write(&io, 0, 0xffffffffffffffffull, 8), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_write(&io, 0, 0x1234567890abcdefull, 2), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_read(&io, 0, &v, 8), MEMTX_OK);
    cr_assert_eq(v, 0xffffffffffffcdefull);
    cr_assert_eq(memory_region_dispatch_read(&io, 1, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0xcd);
}

Test(memory, read_write_across_regions_and_holes)
{
    AddressSpace as;
    MemoryRegion r1, r2, io;
    TestDev dev = {0};
    address_space_init(&as, "test");
    memory_region_init_ram(&r1, "r1", 0x1000);
    memory_region_init_ram(&r2, "r2", 0x1000);
    memory_region_init_io(&io, "io", 0x10, &testdev_ops_32, &dev);
    address_space_map(&as, 0x0000, &r1);
    address_space_map(&as, 0x1000, &r2);
    address_space_map(&as, 0x2000, &io);

    uint8_t buf[32], back[32];
    for (int i = 0; i < 32; i++) {
        buf[i] = (uint8_t)(i + 1);
    }
    cr_assert_eq(address_space_write(&as, 0xff0, buf, 32), MEMTX_OK);
    cr_assert_eq(r1.ram[0xfff], 16);
    cr_assert_eq(r2.ram[0], 17);
    memset(back, 0, sizeof(back));
    cr_assert_eq(address_space_read(&as, 0xff0, back, 32), MEMTX_OK);
    cr_assert_arr_eq(back, buf, 32);

    /* RAM into MMIO: the MMIO part goes through the device in 4-byte accesses. */
    cr_assert_eq(address_space_write(&as, 0x1ff8, buf, 16), MEMTX_OK);
    cr_assert_eq(dev.last_size, 4);
    cr_assert_eq(dev.regs[0], 9);
    cr_assert_eq(dev.regs[7], 16);
    memset(back, 0, sizeof(back));
    cr_assert_eq(address_space_read(&as, 0x1ff8, back, 16), MEMTX_OK);
    cr_assert_arr_eq(back, buf, 16);

    /* A transfer running off the end of the device hits a hole. */
    cr_assert_eq(address_space_read(&as, 0x2000, back, 32), MEMTX_DECODE_ERROR);
    cr_assert_eq(address_space_write(&as, 0x5000, buf, 1), MEMTX_DECODE_ERROR);
    /* A 2-byte tail cannot be done with a 4-byte-only device. */
    cr_assert_eq(address_space_read(&as, 0x2000, back, 2), MEMTX_ERROR);
}

Test(memory, readonly_ram_ignores_writes)
{
    AddressSpace as;
    MemoryRegion rom;
    address_space_init(&as, "test");
    memory_region_init_ram(&rom, "rom", 0x1000);
    rom.ram[0] = 0x5a;
    rom.readonly = true;
    address_space_map(&as, 0, &rom);
    uint8_t v = 0;
    cr_assert_eq(address_space_write(&as, 0, &v, 1), MEMTX_OK);
    cr_assert_eq(rom.ram[0], 0x5a);
}

Test(memory, large_ram_is_not_committed)
{
    /* 64 GiB of guest RAM must be a reservation, not an allocation. */
    MemoryRegion big;
    memory_region_init_ram(&big, "big", 64ull << 30);
    cr_assert_not_null(big.ram);
    big.ram[(64ull << 30) - 1] = 1;
    cr_assert_eq(big.ram[0], 0);
}

Test(memory, fallback_region_answers_holes)
{
    /* address_space_set_fallback: addresses no section holds go to the fallback region with
     * offset = the address; mapped sections still win; beyond its size stays unmapped. */
    AddressSpace as;
    TestDev dev = {0}, fb = {0};
    MemoryRegion io, hole;
    address_space_init(&as, "test");
    memory_region_init_io(&io, "dev", 16, &testdev_ops_any, &dev);
    memory_region_init_io(&hole, "fallback", 16, &testdev_ops_any, &fb);
    address_space_map(&as, 4, &io);
    uint64_t off = 99;
    cr_assert_null(address_space_find(&as, 2, &off));
    address_space_set_fallback(&as, &hole);
    cr_assert_eq(address_space_find(&as, 2, &off), &hole);
    cr_assert_eq(off, 2);
    cr_assert_eq(address_space_find(&as, 5, &off), &io);
    cr_assert_eq(off, 1);
    cr_assert_null(address_space_find(&as, 20, &off), "past the fallback's size");
    fb.regs[3] = 0xab;
    uint8_t b = 0;
    cr_assert_eq(address_space_read(&as, 3, &b, 1), MEMTX_OK);
    cr_assert_eq(b, 0xab);
    /* a 2-byte write from the hole into the device: one byte each */
    uint16_t w = 0x2211;
    cr_assert_eq(address_space_write(&as, 3, &w, 2), MEMTX_OK);
    cr_assert_eq(fb.regs[3], 0x11);
    cr_assert_eq(dev.regs[0], 0x22);
}
