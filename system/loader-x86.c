/*
 * loader-x86.c — what the multiboot and Linux bzImage loaders share: the boot GDT with its
 * X86BootState defaults, and questions about the board's e820 map (does a range lie in RAM,
 * where is the highest place for a blob, how much RAM is there below 640 KiB / from 1 MiB).
 * Main thread only (board init).
 */
#include "system/loader-x86-internal.h"

#include <string.h>

/* Flat descriptors (Intel SDM vol. 3 section 3.4.5): base 0, limit 0xfffff with G = 1 (4 GiB),
 * P = 1, DPL 0, S = 1; type 0xb = execute/read code, accessed, 0x3 = read/write data,
 * accessed (accessed already set so the CPU never writes the GDT back). */
#define X86_DESC_CODE32 0x00cf9b000000ffffull /* D = 1 */
#define X86_DESC_CODE64 0x00af9b000000ffffull /* L = 1, D = 0 */
#define X86_DESC_DATA 0x00cf93000000ffffull
#define X86_BOOT_GDT_ENTRIES 4

bool x86_boot_state_init(Machine *m, const char *what, uint64_t gdt_addr, X86BootMode mode,
                         X86BootState *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = mode;
    st->rflags = 0x2;
    /* Linux's boot GDT layout (boot.rst): __BOOT_CS = 0x10, __BOOT_DS = 0x18; multiboot leaves
     * the selectors to the loader, so it uses the same ones. */
    uint64_t gdt[X86_BOOT_GDT_ENTRIES] = { 0, 0, 0, X86_DESC_DATA };
    gdt[2] = mode == X86_BOOT_LONG64 ? X86_DESC_CODE64 : X86_DESC_CODE32;
    st->gdt_base = gdt_addr;
    st->gdt_limit = sizeof(gdt) - 1;
    st->cs = 0x10;
    st->ds = 0x18;
    st->cs_desc = gdt[2];
    st->ds_desc = gdt[3];
    st->cr0 = X86_CR0_PE | X86_CR0_ET;
    if (mode == X86_BOOT_LONG64) {
        st->cr0 |= X86_CR0_PG;
        st->cr4 = X86_CR4_PAE;
        st->efer = X86_EFER_LME | X86_EFER_LMA;
    }
    char *name = g_strdup_printf("%s boot GDT", what);
    bool ok = machine_rom_add(m, name, gdt_addr, gdt, sizeof(gdt), sizeof(gdt));
    g_free(name);
    return ok;
}

bool x86_e820_is_ram(const X86BootMemory *mem, uint64_t addr, uint64_t size)
{
    for (int i = 0; i < mem->nb_e820; i++) {
        const X86E820Entry *e = &mem->e820[i];
        if (e->type == X86_E820_RAM && addr >= e->addr && addr - e->addr <= e->len &&
            size <= e->len - (addr - e->addr)) {
            return true;
        }
    }
    return false;
}

bool x86_e820_find_top(const X86BootMemory *mem, uint64_t size, uint64_t align, uint64_t lo,
                       uint64_t hi, uint64_t *addr)
{
    bool found = false;
    for (int i = 0; i < mem->nb_e820; i++) {
        const X86E820Entry *e = &mem->e820[i];
        if (e->type != X86_E820_RAM || e->len < size) {
            continue;
        }
        uint64_t end = MIN(e->addr + e->len, hi);
        uint64_t start = MAX(e->addr, lo);
        if (end < size || end - size < start) {
            continue;
        }
        uint64_t a = (end - size) & ~(align - 1);
        if (a < start) {
            continue;
        }
        if (!found || a > *addr) {
            *addr = a;
            found = true;
        }
    }
    return found;
}

uint64_t x86_e820_ram_from(const X86BootMemory *mem, uint64_t addr)
{
    for (int i = 0; i < mem->nb_e820; i++) {
        const X86E820Entry *e = &mem->e820[i];
        if (e->type == X86_E820_RAM && addr >= e->addr && addr < e->addr + e->len) {
            return e->addr + e->len - addr;
        }
    }
    return 0;
}
