/*
 * test-acpi-build.c — the PC ACPI tables: RSDP checksums and pointers, every table's checksum
 * and length, RSDT/XSDT entries, FADT fields Linux reads (PM blocks, SCI, reset register,
 * century, boot flags, DSDT/FACS pointers), MADT entries for 4 CPUs (APIC IDs, IOAPIC,
 * overrides), the HPET table, the \_S5 AML, and a disassembly of every table by ACPICA's
 * `iasl -d` (acpica-tools, .ci/packages) which must succeed without errors.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "hw/x86/acpi-build.h"

static AcpiTables t;

static void setup(void)
{
    AcpiBuildConfig cfg = {.base = 0xe0000, .nb_cpus = 4, .hpet = true};
    cr_assert_eq(acpi_build_tables(&cfg, &t), 0);
}
static void teardown(void) { acpi_tables_free(&t); }

TestSuite(acpi, .init = setup, .fini = teardown);

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

static const uint8_t *table(uint64_t addr, const char *sig)
{
    const uint8_t *p = acpi_tables_ptr(&t, addr);
    cr_assert_not_null(p, "%s inside the blob", sig);
    cr_assert_eq(memcmp(p, sig, 4), 0, "signature %s", sig);
    return p;
}

Test(acpi, bad_config)
{
    AcpiTables x;
    cr_assert_eq(acpi_build_tables(&(AcpiBuildConfig){.base = 0xe0000, .nb_cpus = 0}, &x), -EINVAL);
    cr_assert_eq(acpi_build_tables(&(AcpiBuildConfig){.base = 0xe0008, .nb_cpus = 1}, &x), -EINVAL);
}

Test(acpi, rsdp)
{
    const uint8_t *p = acpi_tables_ptr(&t, 0xe0000);
    cr_assert_eq(t.rsdp, 0xe0000);
    cr_assert_eq(memcmp(p, "RSD PTR ", 8), 0);
    cr_assert_eq(acpi_checksum(p, 20), 0);
    cr_assert_eq(acpi_checksum(p, 36), 0);
    cr_assert_eq(p[15], 2);
    cr_assert_eq(le(p + 16, 4), t.rsdt);
    cr_assert_eq(le(p + 20, 4), 36);
    cr_assert_eq(le(p + 24, 8), t.xsdt);
}

Test(acpi, checksums_and_sdts)
{
    uint64_t tabs[] = {t.dsdt, t.fadt, t.madt, t.hpet, t.rsdt, t.xsdt};
    for (size_t i = 0; i < G_N_ELEMENTS(tabs); i++) {
        const uint8_t *p = acpi_tables_ptr(&t, tabs[i]);
        uint32_t len = (uint32_t)le(p + 4, 4);
        cr_assert_leq(tabs[i] - t.base + len, t.len);
        cr_assert_eq(acpi_checksum(p, len), 0, "table %.4s", (const char *)p);
    }
    const uint8_t *rsdt = table(t.rsdt, "RSDT"), *xsdt = table(t.xsdt, "XSDT");
    cr_assert_eq(le(rsdt + 4, 4), 36 + 3 * 4);
    cr_assert_eq(le(xsdt + 4, 4), 36 + 3 * 8);
    cr_assert_eq(le(rsdt + 36, 4), t.fadt);
    cr_assert_eq(le(rsdt + 40, 4), t.madt);
    cr_assert_eq(le(rsdt + 44, 4), t.hpet);
    cr_assert_eq(le(xsdt + 36 + 8, 8), t.madt);
    const uint8_t *facs = table(t.facs, "FACS");
    cr_assert_eq(t.facs % 64, 0);
    cr_assert_eq(le(facs + 4, 4), 64);
}

Test(acpi, fadt)
{
    const uint8_t *f = table(t.fadt, "FACP");
    cr_assert_eq(le(f + 4, 4), 276, "revision 6 length");
    cr_assert_eq(f[8], 6);
    cr_assert_eq(le(f + 36, 4), t.facs);
    cr_assert_eq(le(f + 40, 4), t.dsdt);
    cr_assert_eq(le(f + 46, 2), 9, "SCI_INT");
    cr_assert_eq(le(f + 48, 4), 0, "SMI_CMD");
    cr_assert_eq(le(f + 56, 4), 0x600, "PM1a_EVT_BLK");
    cr_assert_eq(le(f + 64, 4), 0x604, "PM1a_CNT_BLK");
    cr_assert_eq(le(f + 76, 4), 0x608, "PM_TMR_BLK");
    cr_assert_eq(f[88], 4);
    cr_assert_eq(f[89], 2);
    cr_assert_eq(f[91], 4);
    cr_assert_eq(f[108], 0x32, "CENTURY");
    cr_assert_eq(le(f + 109, 2), ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_8042 | ACPI_IAPC_VGA_NOT_PRESENT);
    uint32_t flags = (uint32_t)le(f + 112, 4);
    cr_assert(flags & ACPI_FADT_RESET_REG_SUP);
    cr_assert_eq(flags & ACPI_FADT_TMR_VAL_EXT, 0, "24-bit PM timer");
    cr_assert_eq(f[116], 1, "RESET_REG in I/O space");
    cr_assert_eq(f[117], 8);
    cr_assert_eq(le(f + 120, 8), 0xcf9);
    cr_assert_eq(f[128], 0x06, "RESET_VALUE");
    cr_assert_eq(le(f + 132, 8), t.facs, "X_FIRMWARE_CTRL");
    cr_assert_eq(le(f + 140, 8), t.dsdt, "X_DSDT");
    cr_assert_eq(f[148], 1);
    cr_assert_eq(le(f + 152, 8), 0x600, "X_PM1a_EVT_BLK");
    cr_assert_eq(le(f + 176, 8), 0x604, "X_PM1a_CNT_BLK");
    cr_assert_eq(f[209], 32);
    cr_assert_eq(le(f + 212, 8), 0x608, "X_PM_TMR_BLK");
}

Test(acpi, madt)
{
    const uint8_t *m = table(t.madt, "APIC");
    uint32_t len = (uint32_t)le(m + 4, 4);
    int cpus = 0, ioapics = 0, isos = 0, nmis = 0;
    cr_assert_eq(le(m + 36, 4), 0xfee00000u);
    cr_assert_eq(le(m + 40, 4), 1, "PCAT_COMPAT");
    for (uint32_t off = 44; off < len; off += m[off + 1]) {
        const uint8_t *e = m + off;
        cr_assert_gt(e[1], 0);
        switch (e[0]) {
        case 0:
            cr_assert_eq(e[1], 8);
            cr_assert_eq(e[2], cpus, "processor UID");
            cr_assert_eq(e[3], cpus, "APIC ID = CPU index");
            cr_assert_eq(le(e + 4, 4), 1, "enabled");
            cpus++;
            break;
        case 1:
            cr_assert_eq(e[2], 0);
            cr_assert_eq(le(e + 4, 4), 0xfec00000u);
            cr_assert_eq(le(e + 8, 4), 0);
            ioapics++;
            break;
        case 2:
            cr_assert_eq(e[1], 10);
            if (e[3] == 0) {
                cr_assert_eq(le(e + 4, 4), 2, "IRQ0 -> GSI2");
                cr_assert_eq(le(e + 8, 2), 0);
            } else {
                cr_assert_eq(e[3], 9);
                cr_assert_eq(le(e + 4, 4), 9);
                cr_assert_eq(le(e + 8, 2), 0xd, "level, active high");
            }
            isos++;
            break;
        case 4:
            cr_assert_eq(e[5], 1, "LINT1");
            nmis++;
            break;
        default:
            cr_assert_fail("unexpected MADT type %d", e[0]);
        }
    }
    cr_assert_eq(cpus, 4);
    cr_assert_eq(ioapics, 1);
    cr_assert_eq(isos, 2);
    cr_assert_eq(nmis, 1);
}

Test(acpi, hpet_and_dsdt)
{
    const uint8_t *h = table(t.hpet, "HPET");
    cr_assert_eq(le(h + 4, 4), 56);
    cr_assert_eq(le(h + 36, 4), 0x8086a201u);
    cr_assert_eq(h[40], 0, "system memory");
    cr_assert_eq(le(h + 44, 8), 0xfed00000u);
    const uint8_t *d = table(t.dsdt, "DSDT");
    static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    cr_assert_eq(memcmp(d + 36, s5, sizeof(s5)), 0, "Name(_S5_, Package(4){0,0,0,0})");
}

Test(acpi, no_hpet)
{
    AcpiTables x;
    cr_assert_eq(acpi_build_tables(&(AcpiBuildConfig){.base = 0x1000, .nb_cpus = 1}, &x), 0);
    cr_assert_eq(x.hpet, 0);
    const uint8_t *r = acpi_tables_ptr(&x, x.rsdt);
    cr_assert_eq(le(r + 4, 4), 36 + 2 * 4);
    acpi_tables_free(&x);
}

/* Writes one table to dir/name.dat, disassembles it with iasl -d, and checks the result. */
static void iasl_check(const char *dir, const char *name, uint64_t addr, const char *expect)
{
    const uint8_t *p = acpi_tables_ptr(&t, addr);
    uint32_t len = (uint32_t)le(p + 4, 4);
    g_autofree char *dat = g_strdup_printf("%s/%s.dat", dir, name);
    g_autofree char *dsl = g_strdup_printf("%s/%s.dsl", dir, name);
    g_autofree char *cmd = g_strdup_printf("iasl -d %s >%s/%s.log 2>&1", dat, dir, name);
    g_autofree char *out = NULL;
    cr_assert(g_file_set_contents(dat, (const char *)p, len, NULL));
    cr_assert_eq(system(cmd), 0, "iasl -d %s failed (see %s/%s.log)", name, dir, name);
    cr_assert(g_file_get_contents(dsl, &out, NULL, NULL), "no %s", dsl);
    cr_assert_null(strstr(out, "**** "), "iasl reports a problem in %s:\n%s", name, out);
    cr_assert_null(strstr(out, "Error"), "iasl reports an error in %s", name);
    cr_assert_not_null(strstr(out, expect), "%s lacks \"%s\":\n%s", name, expect, out);
}

Test(acpi, iasl_disassembles_every_table)
{
    g_autofree char *dir = g_dir_make_tmp("tandem-acpi-XXXXXX", NULL);
    cr_assert_not_null(dir);
    cr_assert_eq(system("command -v iasl >/dev/null"), 0,
                 "iasl not found: install acpica-tools (.ci/packages)");
    iasl_check(dir, "dsdt", t.dsdt, "Name (_S5, Package (0x04)");
    iasl_check(dir, "dsdt", t.dsdt, "Device (C003)");
    iasl_check(dir, "facp", t.fadt, "PM Timer Block Address : 00000608");
    iasl_check(dir, "apic", t.madt, "Local Apic Address : FEE00000");
    iasl_check(dir, "hpet", t.hpet, "Address : 00000000FED00000");
    iasl_check(dir, "rsdt", t.rsdt, "ACPI Table Address   0");
    iasl_check(dir, "xsdt", t.xsdt, "ACPI Table Address   2");
    g_autofree char *rm = g_strdup_printf("rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
}
