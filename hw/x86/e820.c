/*
 * e820.c — builds the PC e820 maps (see e820.h). The RAM split follows QEMU's pc machine
 * (max-ram-below-4g 3.5 GiB, lowered to 3 GiB when RAM does not fit, gigabyte alignment);
 * the guest map's holes are the legacy PC ones: the EBDA's last KiB below 640 KiB, the
 * VGA/option ROM window 0xa0000-0xf0000 (absent from the map, as SeaBIOS leaves it) and the
 * BIOS area 0xf0000-1M, plus the BIOS ROM below 4 GiB. KVM-only ranges (0xfeffc000 TSS and
 * identity map) are not added: Tandem is not KVM. Pure code, any thread.
 */
#include "hw/x86/e820.h"

#include <errno.h>
#include <string.h>

void pc_ram_split(uint64_t ram_size, uint64_t *below_4g, uint64_t *above_4g)
{
    uint64_t lowmem = PC_LOWMEM_DEFAULT;
    if (ram_size >= lowmem) {
        lowmem = PC_LOWMEM_GB_ALIGNED;
    }
    if (ram_size >= lowmem) {
        *below_4g = lowmem;
        *above_4g = ram_size - lowmem;
    } else {
        *below_4g = ram_size;
        *above_4g = 0;
    }
}

int e820_add(E820Table *t, uint64_t addr, uint64_t len, uint32_t type)
{
    if (len == 0) {
        return 0;
    }
    if (t->nr >= E820_MAX_ENTRIES) {
        return -ENOSPC;
    }
    t->entries[t->nr++] = (E820Entry){addr, len, type};
    return 0;
}

void e820_build_fw_cfg_map(E820Table *t, uint64_t ram_size)
{
    uint64_t below, above;
    pc_ram_split(ram_size, &below, &above);
    t->nr = 0;
    e820_add(t, 0, below, E820_RAM);
    e820_add(t, PC_HIGHMEM_BASE, above, E820_RAM);
}

static uint64_t e820_min(uint64_t a, uint64_t b) { return a < b ? a : b; }

void e820_build_guest_map(E820Table *t, uint64_t ram_size)
{
    uint64_t below, above;
    pc_ram_split(ram_size, &below, &above);
    t->nr = 0;
    e820_add(t, 0, e820_min(below, PC_EBDA_BASE), E820_RAM);
    e820_add(t, PC_EBDA_BASE, 0xa0000 - PC_EBDA_BASE, E820_RESERVED);
    e820_add(t, PC_BIOS_AREA_BASE, 0x100000 - PC_BIOS_AREA_BASE, E820_RESERVED);
    if (below > 0x100000) {
        e820_add(t, 0x100000, below - 0x100000, E820_RAM);
    }
    e820_add(t, PC_HIGHMEM_BASE - PC_BIOS_ROM_SIZE, PC_BIOS_ROM_SIZE, E820_RESERVED);
    e820_add(t, PC_HIGHMEM_BASE, above, E820_RAM);
}

static void e820_put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

size_t e820_serialize(const E820Table *t, uint8_t *buf, size_t max)
{
    size_t off = 0;
    for (int i = 0; i < t->nr && off + E820_ENTRY_SIZE <= max; i++) {
        e820_put_le(buf + off, t->entries[i].addr, 8);
        e820_put_le(buf + off + 8, t->entries[i].len, 8);
        e820_put_le(buf + off + 16, t->entries[i].type, 4);
        off += E820_ENTRY_SIZE;
    }
    return off;
}

void e820_write_zero_page(const E820Table *t, uint8_t *zero_page)
{
    size_t n = e820_serialize(t, zero_page + ZERO_PAGE_E820_TABLE,
                              E820_MAX_ENTRIES * E820_ENTRY_SIZE);
    zero_page[ZERO_PAGE_E820_ENTRIES] = (uint8_t)(n / E820_ENTRY_SIZE);
}
