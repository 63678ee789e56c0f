/*
 * test-unassigned.c — unclaimed addresses: all-ones reads at every size, dropped writes,
 * one guest_errors line per address (bounded), quiet port sinks, and the region used as an
 * AddressSpace fallback so address_space_read/write of a hole succeed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/memory.h"
#include "hw/misc/unassigned.h"
#include "system/log.h"

Test(unassigned, reads_all_ones_and_drops_writes)
{
    UnassignedRegion u;
    unassigned_init(&u, "io-unassigned", "I/O port", 0, 0x10000, true);
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_read(&u.mr, 0x1234, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0xff);
    cr_assert_eq(memory_region_dispatch_read(&u.mr, 0x1234, &v, 2), MEMTX_OK);
    cr_assert_eq(v, 0xffff);
    cr_assert_eq(memory_region_dispatch_read(&u.mr, 0x1234, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0xffffffffu);
    cr_assert_eq(memory_region_dispatch_write(&u.mr, 0x1234, 0x55, 1), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_read(&u.mr, 0x1234, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0xff);
}

Test(unassigned, quiet_sink)
{
    UnassignedRegion s;
    ioport_sink_init(&s, "post-code", 0x80);
    cr_assert_eq(s.mr.size, 1);
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_write(&s.mr, 0, 0x42, 1), MEMTX_OK);
    cr_assert_eq(memory_region_dispatch_read(&s.mr, 0, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0xff);
    cr_assert_null(s.logged);
}

Test(unassigned, logs_once_per_address)
{
    char path[] = "/tmp/test-unassigned-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert(log_set_file(path));
    unsigned old = g_log_mask;
    g_log_mask = LOG_GUEST_ERRORS;
    UnassignedRegion u;
    unassigned_init(&u, "io-unassigned", "I/O port", 0, 0x10000, true);
    uint64_t v;
    memory_region_dispatch_read(&u.mr, 0x3f8, &v, 1);
    memory_region_dispatch_read(&u.mr, 0x3f8, &v, 1);
    memory_region_dispatch_write(&u.mr, 0x3f8, 1, 1);
    memory_region_dispatch_write(&u.mr, 0x2f8, 1, 1);
    for (int i = 0; i < UNASSIGNED_LOG_MAX + 10; i++) {
        memory_region_dispatch_read(&u.mr, 0x8000 + (uint64_t)i, &v, 1);
    }
    g_log_mask = old;
    fflush(log_file());
    FILE *f = fopen(path, "r");
    char line[256];
    int n = 0, n3f8 = 0, full = 0;
    while (fgets(line, sizeof(line), f)) {
        n++;
        n3f8 += strstr(line, "0x3f8") != NULL;
        full += strstr(line, "no longer logged") != NULL;
    }
    fclose(f);
    unlink(path);
    cr_assert_eq(n3f8, 1, "port 0x3f8 logged once");
    cr_assert_eq(full, 1);
    cr_assert_eq(n, UNASSIGNED_LOG_MAX + 1);
}

Test(unassigned, address_space_fallback)
{
    AddressSpace io;
    address_space_init(&io, "io");
    UnassignedRegion u;
    unassigned_init(&u, "io-unassigned", "I/O port", 0, 0x10000, false);
    UnassignedRegion sink;
    ioport_sink_init(&sink, "post", 0x80);
    MemoryRegion ram;
    memory_region_init_ram(&ram, "ram", 0x1000);
    address_space_map(&io, 0x80, &sink.mr);
    address_space_map(&io, 0x1000, &ram);
    uint64_t off;
    cr_assert_null(address_space_find(&io, 0x60, &off), "no fallback yet");
    cr_assert_eq(address_space_read(&io, 0x60, &off, 1), MEMTX_DECODE_ERROR);
    address_space_set_fallback(&io, &u.mr);
    cr_assert_eq(address_space_find(&io, 0x60, &off), &u.mr);
    cr_assert_eq(off, 0x60, "fallback offset is the address");
    cr_assert_eq(address_space_find(&io, 0x80, &off), &sink.mr);
    cr_assert_eq(off, 0);
    cr_assert_eq(address_space_find(&io, 0x81, &off), &u.mr);
    cr_assert_null(address_space_find(&io, 0x10000, &off), "past the fallback's size");
    uint32_t v = 0;
    cr_assert_eq(address_space_read(&io, 0x70, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0xffffffffu);
    /* A read that runs from a hole into RAM stops the hole's part where RAM begins. */
    ram.ram[0] = 0x12;
    ram.ram[1] = 0x34;
    v = 0;
    cr_assert_eq(address_space_read(&io, 0xffe, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x3412ffffu);
    cr_assert_eq(address_space_write(&io, 0xfff, &v, 2), MEMTX_OK);
    cr_assert_eq(ram.ram[0], 0xff, "the RAM byte of a straddling write lands");
}
