/*
 * machine.c — the board registry (-M NAME, -M help), the checks every board shares (RAM size
 * within the board's RAM window, CPU count), and the ROM blob list that machine reset copies
 * back into RAM.
 *
 * All functions run on the main thread: before the vCPUs start, or from the main loop with
 * every vCPU paused (machine_reset).
 */
#include "hw/core/machine.h"

#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "system/log.h"

extern const MachineClass virt_machine_class;
extern const MachineClass pc_machine_class;

static const MachineClass *const machine_classes[] = {
    &virt_machine_class,
    &pc_machine_class,
};

const MachineClass *machine_class_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_classes); i++) {
        if (strcmp(machine_classes[i]->name, name) == 0) {
            return machine_classes[i];
        }
    }
    return NULL;
}

void machine_class_list(FILE *out)
{
    fprintf(out, "Supported machines are:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(machine_classes); i++) {
        fprintf(out, "%-20s %s\n", machine_classes[i]->name, machine_classes[i]->desc);
    }
}

bool machine_parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    if (!isdigit((unsigned char)*s)) {
        return false;
    }
    errno = 0;
    uint64_t v = strtoull(s, &end, 10);
    if (errno) {
        return false;
    }
    unsigned shift = 20; /* plain numbers are MiB, as in QEMU's -m */
    switch (*end) {
    case '\0':
        break;
    case 'b': case 'B': shift = 0; end++; break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default:
        return false;
    }
    if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift)) {
        return false;
    }
    *bytes = v << shift;
    return true;
}

static char *machine_format_size(uint64_t bytes)
{
    if (bytes % (1ull << 30) == 0) {
        return g_strdup_printf("%" PRIu64 " GiB", bytes >> 30);
    }
    if (bytes % (1ull << 20) == 0) {
        return g_strdup_printf("%" PRIu64 " MiB", bytes >> 20);
    }
    return g_strdup_printf("%" PRIu64 " bytes", bytes);
}

Machine *machine_create(const MachineClass *mc, const MachineConfig *cfg)
{
    Machine *m = g_new0(Machine, 1);
    m->mc = mc;
    m->cfg = *cfg;
    if (m->cfg.ram_size == 0) {
        m->cfg.ram_size = mc->default_ram_size;
    }
    if (m->cfg.ram_size > mc->max_ram_size) {
        char *want = machine_format_size(m->cfg.ram_size);
        char *max = machine_format_size(mc->max_ram_size);
        error_report("-m %s: too large for machine '%s' (its RAM window is 0x%" PRIx64
                     "..0x%" PRIx64 ", at most %s)",
                     want, mc->name, mc->ram_base, mc->ram_base + mc->max_ram_size - 1, max);
        g_free(want);
        g_free(max);
        g_free(m);
        return NULL;
    }
    /* Guest RAM is mapped in whole host pages. */
    m->cfg.ram_size = (m->cfg.ram_size + 0xfff) & ~0xfffull;
    if (m->cfg.smp < 1 || m->cfg.smp > mc->max_cpus) {
        error_report("-smp %d: machine '%s' supports %d CPU%s", m->cfg.smp, mc->name,
                     mc->max_cpus, mc->max_cpus == 1 ? " only" : "s at most");
        g_free(m);
        return NULL;
    }
    address_space_init(&m->as, "memory");
    if (!mc->init(m)) {
        return NULL;
    }
    return m;
}

/* ---- ROM blobs ---- */

bool machine_rom_add(Machine *m, const char *name, uint64_t addr, const void *data,
                     uint64_t data_len, uint64_t size)
{
    g_assert(data_len <= size);
    if (size == 0) {
        return true;
    }
    if (addr + size < addr || !address_space_ram_ptr(&m->as, addr, size)) {
        error_report("%s: 0x%" PRIx64 "..0x%" PRIx64 " does not fit in guest RAM (0x%" PRIx64
                     "..0x%" PRIx64 ")",
                     name, addr, addr + size - 1, m->mc->ram_base,
                     m->mc->ram_base + m->cfg.ram_size - 1);
        return false;
    }
    for (int i = 0; i < m->nb_roms; i++) {
        const MachineRom *r = &m->roms[i];
        if (addr < r->addr + r->size && r->addr < addr + size) {
            error_report("%s (0x%" PRIx64 "..0x%" PRIx64 ") overlaps %s (0x%" PRIx64
                         "..0x%" PRIx64 ")",
                         name, addr, addr + size - 1, r->name, r->addr, r->addr + r->size - 1);
            return false;
        }
    }
    m->roms = g_renew(MachineRom, m->roms, m->nb_roms + 1);
    MachineRom *r = &m->roms[m->nb_roms++];
    r->name = g_strdup(name);
    r->addr = addr;
    r->size = size;
    r->data = g_memdup2(data, data_len);
    r->data_len = data_len;
    uint8_t *p = address_space_ram_ptr(&m->as, addr, size);
    memcpy(p, r->data, data_len);
    memset(p + data_len, 0, size - data_len);
    return true;
}

void machine_roms_reload(Machine *m)
{
    for (int i = 0; i < m->nb_roms; i++) {
        const MachineRom *r = &m->roms[i];
        uint8_t *p = address_space_ram_ptr(&m->as, r->addr, r->size);
        g_assert(p); /* checked when the blob was added; the memory map never changes */
        memcpy(p, r->data, r->data_len);
        memset(p + r->data_len, 0, r->size - r->data_len);
    }
}

void machine_reset(Machine *m)
{
    if (m->mc->reset_devices) {
        device_lock();
        m->mc->reset_devices(m);
        device_unlock();
    }
    machine_roms_reload(m);
}
