/*
 * acpi-build.c — builds the PC ACPI tables (see acpi-build.h) into a GByteArray. Every table
 * is appended at an 8-byte boundary (FACS at 64, ACPI 6.x 5.2.10) with its header's length and
 * checksum fixed once its body is complete; tables are laid out in dependency order (FACS and
 * DSDT before the FADT that points at them, the FADT/MADT/HPET before RSDT/XSDT), and the RSDP
 * goes first so that base itself is the RSDP address the board advertises.
 * The DSDT's AML is encoded by the small helpers below (ACPI 6.x chapter 20, "ACPI Machine
 * Language Specification"): PkgLength prefixes, NameOp, PackageOp, ScopeOp, DeviceOp.
 * Pure code; any thread.
 */
#include "hw/x86/acpi-build.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define ACPI_OEM_ID "BOCHS "
#define ACPI_OEM_TABLE_ID "BXPC    "
#define ACPI_CREATOR_ID "BXPC"
#define ACPI_HEADER_SIZE 36

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return sum;
}

/* ---- byte helpers ---- */

static void put_le(GByteArray *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        uint8_t byte = (uint8_t)(v >> (8 * i));
        g_byte_array_append(b, &byte, 1);
    }
}

static void put_bytes(GByteArray *b, const void *p, size_t n) { g_byte_array_append(b, p, n); }

static void set_le(GByteArray *b, size_t off, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        b->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

static size_t align_to(GByteArray *b, size_t align)
{
    while (b->len % align) {
        put_le(b, 0, 1);
    }
    return b->len;
}

/* Generic Address Structure (ACPI 6.x 5.2.3.2). */
enum { GAS_SYSTEM_MEMORY = 0, GAS_SYSTEM_IO = 1 };
static void put_gas(GByteArray *b, uint8_t space, uint8_t bit_width, uint8_t access,
                    uint64_t addr)
{
    put_le(b, space, 1);
    put_le(b, bit_width, 1);
    put_le(b, 0, 1); /* bit offset */
    put_le(b, access, 1);
    put_le(b, addr, 8);
}

/* Starts a table with the standard header (ACPI 6.x 5.2.6); returns its offset. */
static size_t table_begin(GByteArray *b, const char *sig, uint8_t rev)
{
    size_t off = align_to(b, 8);
    put_bytes(b, sig, 4);
    put_le(b, 0, 4); /* length, fixed by table_end */
    put_le(b, rev, 1);
    put_le(b, 0, 1); /* checksum */
    put_bytes(b, ACPI_OEM_ID, 6);
    put_bytes(b, ACPI_OEM_TABLE_ID, 8);
    put_le(b, 1, 4); /* OEM revision */
    put_bytes(b, ACPI_CREATOR_ID, 4);
    put_le(b, 1, 4); /* creator revision */
    return off;
}

static void table_end(GByteArray *b, size_t off)
{
    size_t len = b->len - off;
    set_le(b, off + 4, len, 4);
    b->data[off + 9] = (uint8_t)-acpi_checksum(b->data + off, len);
}

/* ---- AML (ACPI 6.x chapter 20) ---- */

enum {
    AML_ZERO = 0x00,
    AML_ONE = 0x01,
    AML_NAME = 0x08,
    AML_BYTE_PREFIX = 0x0a,
    AML_WORD_PREFIX = 0x0b,
    AML_STRING_PREFIX = 0x0d,
    AML_SCOPE = 0x10,
    AML_PACKAGE = 0x12,
    AML_EXT_PREFIX = 0x5b,
    AML_EXT_DEVICE = 0x82,
};

/* Appends op bytes, a PkgLength covering itself and body, then body (20.2.4). */
static void aml_put_pkg(GByteArray *b, const uint8_t *op, size_t oplen, const GByteArray *body)
{
    size_t n = body->len;
    put_bytes(b, op, oplen);
    if (n + 1 < 0x40) {
        put_le(b, n + 1, 1);
    } else if (n + 2 < 0x1000) {
        put_le(b, 0x40 | ((n + 2) & 0xf), 1);
        put_le(b, (n + 2) >> 4, 1);
    } else {
        g_assert(n + 3 < 0x100000);
        put_le(b, 0x80 | ((n + 3) & 0xf), 1);
        put_le(b, ((n + 3) >> 4) & 0xff, 1);
        put_le(b, (n + 3) >> 12, 1);
    }
    put_bytes(b, body->data, body->len);
}

static void aml_put_integer(GByteArray *b, uint32_t v)
{
    if (v <= 1) {
        put_le(b, v ? AML_ONE : AML_ZERO, 1);
    } else if (v <= 0xff) {
        put_le(b, AML_BYTE_PREFIX, 1);
        put_le(b, v, 1);
    } else {
        g_assert(v <= 0xffff);
        put_le(b, AML_WORD_PREFIX, 1);
        put_le(b, v, 2);
    }
}

/* Name(seg, <integer>) / Name(seg, "string"); seg is a 4-character NameSeg. */
static void aml_name_integer(GByteArray *b, const char *seg, uint32_t v)
{
    put_le(b, AML_NAME, 1);
    put_bytes(b, seg, 4);
    aml_put_integer(b, v);
}

static void aml_name_string(GByteArray *b, const char *seg, const char *s)
{
    put_le(b, AML_NAME, 1);
    put_bytes(b, seg, 4);
    put_le(b, AML_STRING_PREFIX, 1);
    put_bytes(b, s, strlen(s) + 1);
}

/* Name(\_S5, Package(4) {typ, typ, 0, 0}): PM1a/PM1b SLP_TYP values for soft-off (7.4.2). */
static void aml_sleep_package(GByteArray *b, const char *seg, uint8_t slp_typ)
{
    static const uint8_t op[] = {AML_PACKAGE};
    GByteArray *pkg = g_byte_array_new();
    put_le(pkg, 4, 1); /* NumElements */
    aml_put_integer(pkg, slp_typ);
    aml_put_integer(pkg, slp_typ);
    aml_put_integer(pkg, 0);
    aml_put_integer(pkg, 0);
    put_le(b, AML_NAME, 1);
    put_bytes(b, seg, 4);
    aml_put_pkg(b, op, sizeof(op), pkg);
    g_byte_array_unref(pkg);
}

/* Scope(\_SB) { Device(Cxxx) { Name(_HID, "ACPI0007") Name(_UID, i) } ... } (8.4 processor
 * devices; _UID matches the MADT ACPI Processor UID). */
static void aml_sb_scope(GByteArray *b, int nb_cpus)
{
    static const uint8_t scope_op[] = {AML_SCOPE};
    static const uint8_t dev_op[] = {AML_EXT_PREFIX, AML_EXT_DEVICE};
    GByteArray *scope = g_byte_array_new();
    put_bytes(scope, "\\_SB_", 5);
    for (int i = 0; i < nb_cpus; i++) {
        char seg[5];
        GByteArray *dev = g_byte_array_new();
        g_snprintf(seg, sizeof(seg), "C%03X", i);
        put_bytes(dev, seg, 4);
        aml_name_string(dev, "_HID", "ACPI0007");
        aml_name_integer(dev, "_UID", (uint32_t)i);
        aml_put_pkg(scope, dev_op, sizeof(dev_op), dev);
        g_byte_array_unref(dev);
    }
    aml_put_pkg(b, scope_op, sizeof(scope_op), scope);
    g_byte_array_unref(scope);
}

/* ---- tables ---- */

static size_t build_facs(GByteArray *b)
{
    /* ACPI 6.x 5.2.10: 64 bytes, 64-byte aligned, no checksum. */
    size_t off = align_to(b, 64);
    put_bytes(b, "FACS", 4);
    put_le(b, 64, 4);
    put_le(b, 0, 4); /* hardware signature */
    put_le(b, 0, 4); /* firmware waking vector */
    put_le(b, 0, 4); /* global lock */
    put_le(b, 0, 4); /* flags: no S4BIOS, no 64-bit wake */
    put_le(b, 0, 8); /* X firmware waking vector */
    put_le(b, 2, 1); /* version */
    put_le(b, 0, 3);
    put_le(b, 0, 4); /* OSPM flags */
    put_le(b, 0, 24);
    return off;
}

static size_t build_dsdt(GByteArray *b, int nb_cpus)
{
    size_t off = table_begin(b, "DSDT", 2);
    aml_sleep_package(b, "_S5_", ACPI_S5_SLP_TYP);
    aml_sb_scope(b, nb_cpus);
    table_end(b, off);
    return off;
}

static size_t build_fadt(GByteArray *b, uint64_t facs, uint64_t dsdt)
{
    /* ACPI 6.x 5.2.9, table 5.9: revision 6 (276 bytes, ends with the hypervisor vendor
     * identity); ACPICA's disassembler expects that length for revision 5 and up. */
    size_t off = table_begin(b, "FACP", 6);
    put_le(b, facs, 4);           /* FIRMWARE_CTRL */
    put_le(b, dsdt, 4);           /* DSDT */
    put_le(b, 0, 1);              /* reserved (INT_MODEL) */
    put_le(b, 0, 1);              /* Preferred_PM_Profile: unspecified */
    put_le(b, ACPI_SCI_IRQ, 2);   /* SCI_INT */
    put_le(b, 0, 4);              /* SMI_CMD 0: always in ACPI mode (SCI_EN reads 1) */
    put_le(b, 0, 4);              /* ACPI_ENABLE, ACPI_DISABLE, S4BIOS_REQ, PSTATE_CNT */
    put_le(b, ACPI_PM_BASE, 4);   /* PM1a_EVT_BLK */
    put_le(b, 0, 4);              /* PM1b_EVT_BLK */
    put_le(b, ACPI_PM_BASE + 4, 4); /* PM1a_CNT_BLK */
    put_le(b, 0, 4);              /* PM1b_CNT_BLK */
    put_le(b, 0, 4);              /* PM2_CNT_BLK */
    put_le(b, ACPI_PM_BASE + 8, 4); /* PM_TMR_BLK */
    put_le(b, 0, 4);              /* GPE0_BLK: none */
    put_le(b, 0, 4);              /* GPE1_BLK */
    put_le(b, 4, 1);              /* PM1_EVT_LEN */
    put_le(b, 2, 1);              /* PM1_CNT_LEN */
    put_le(b, 0, 1);              /* PM2_CNT_LEN */
    put_le(b, 4, 1);              /* PM_TMR_LEN */
    put_le(b, 0, 4);              /* GPE0/GPE1_BLK_LEN, GPE1_BASE, CST_CNT */
    put_le(b, 0xfff, 2);          /* P_LVL2_LAT > 100: C2 not supported */
    put_le(b, 0xfff, 2);          /* P_LVL3_LAT > 1000: C3 not supported */
    put_le(b, 0, 4);              /* FLUSH_SIZE, FLUSH_STRIDE */
    put_le(b, 0, 2);              /* DUTY_OFFSET, DUTY_WIDTH */
    put_le(b, 0, 2);              /* DAY_ALRM, MON_ALRM */
    put_le(b, ACPI_CENTURY_CMOS, 1); /* CENTURY */
    put_le(b, ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_8042 | ACPI_IAPC_VGA_NOT_PRESENT, 2);
    put_le(b, 0, 1); /* reserved */
    put_le(b, ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON | ACPI_FADT_SLP_BUTTON |
                  ACPI_FADT_RTC_S4 | ACPI_FADT_RESET_REG_SUP | ACPI_FADT_USE_PLATFORM_CLOCK,
           4);
    put_gas(b, GAS_SYSTEM_IO, 8, 1, ACPI_RESET_PORT); /* RESET_REG, byte access */
    put_le(b, ACPI_RESET_VALUE, 1);
    put_le(b, 0, 2); /* ARM_BOOT_ARCH */
    put_le(b, 0, 1); /* FADT minor version */
    put_le(b, facs, 8); /* X_FIRMWARE_CTRL */
    put_le(b, dsdt, 8); /* X_DSDT */
    put_gas(b, GAS_SYSTEM_IO, 32, 0, ACPI_PM_BASE);     /* X_PM1a_EVT_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* X_PM1b_EVT_BLK */
    put_gas(b, GAS_SYSTEM_IO, 16, 0, ACPI_PM_BASE + 4); /* X_PM1a_CNT_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* X_PM1b_CNT_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* X_PM2_CNT_BLK */
    put_gas(b, GAS_SYSTEM_IO, 32, 0, ACPI_PM_BASE + 8); /* X_PM_TMR_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* X_GPE0_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* X_GPE1_BLK */
    put_gas(b, 0, 0, 0, 0);                             /* SLEEP_CONTROL_REG */
    put_gas(b, 0, 0, 0, 0);                             /* SLEEP_STATUS_REG */
    put_le(b, 0, 8);                                    /* Hypervisor Vendor Identity */
    table_end(b, off);
    return off;
}

/* MADT (ACPI 6.x 5.2.12) structure types. */
enum { MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_NMI = 4 };

static void madt_put_iso(GByteArray *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    put_le(b, MADT_ISO, 1);
    put_le(b, 10, 1);
    put_le(b, 0, 1); /* bus: ISA */
    put_le(b, irq, 1);
    put_le(b, gsi, 4);
    put_le(b, flags, 2);
}

static size_t build_madt(GByteArray *b, int nb_cpus)
{
    size_t off = table_begin(b, "APIC", 1);
    put_le(b, ACPI_LAPIC_BASE, 4);
    put_le(b, 1, 4); /* PCAT_COMPAT: the 8259 pair is present too */
    for (int i = 0; i < nb_cpus; i++) {
        put_le(b, MADT_LAPIC, 1);
        put_le(b, 8, 1);
        put_le(b, i, 1); /* ACPI processor UID */
        put_le(b, i, 1); /* APIC ID */
        put_le(b, 1, 4); /* Enabled */
    }
    put_le(b, MADT_IOAPIC, 1);
    put_le(b, 12, 1);
    put_le(b, 0, 1); /* IOAPIC ID */
    put_le(b, 0, 1);
    put_le(b, ACPI_IOAPIC_BASE, 4);
    put_le(b, 0, 4); /* GSI base */
    /* The PIT's IRQ0 reaches IOAPIC pin 2; the SCI is level-triggered active-high (MPS INTI
     * flags: polarity 01 = high, trigger 11 = level -> 0x000d). */
    madt_put_iso(b, 0, 2, 0);
    madt_put_iso(b, ACPI_SCI_IRQ, ACPI_SCI_IRQ, 0x000d);
    put_le(b, MADT_LAPIC_NMI, 1);
    put_le(b, 6, 1);
    put_le(b, 0xff, 1); /* all processors */
    put_le(b, 0, 2);    /* flags: conforming */
    put_le(b, 1, 1);    /* LINT1 */
    table_end(b, off);
    return off;
}

static size_t build_hpet(GByteArray *b)
{
    /* IA-PC HPET spec 1.0a, 3.2.4: Event Timer Block ID mirrors GCAP_ID's low 32 bits: vendor
     * 0x8086, legacy replacement capable, 64-bit counter, 3 comparators (field = 2), rev 1. */
    size_t off = table_begin(b, "HPET", 1);
    put_le(b, 0x8086a201u, 4);
    put_gas(b, GAS_SYSTEM_MEMORY, 0, 0, ACPI_HPET_BASE);
    put_le(b, 0, 1); /* HPET number */
    put_le(b, 0, 2); /* minimum clock tick in periodic mode */
    put_le(b, 0, 1); /* page protection: none */
    table_end(b, off);
    return off;
}

static size_t build_sdt(GByteArray *b, const char *sig, const uint64_t *tables, int n, int width)
{
    size_t off = table_begin(b, sig, 1);
    for (int i = 0; i < n; i++) {
        put_le(b, tables[i], width);
    }
    table_end(b, off);
    return off;
}

/* Fills the 36 bytes reserved at the blob's start. */
static void build_rsdp_at(GByteArray *b, uint64_t rsdt, uint64_t xsdt)
{
    /* ACPI 6.x 5.2.5.3: the checksum covers the first 20 bytes, the extended one all 36. */
    memcpy(b->data, "RSD PTR ", 8);
    b->data[8] = 0;
    memcpy(b->data + 9, ACPI_OEM_ID, 6);
    b->data[15] = 2; /* revision: ACPI 2.0+ */
    set_le(b, 16, rsdt, 4);
    set_le(b, 20, 36, 4);
    set_le(b, 24, xsdt, 8);
    set_le(b, 32, 0, 4); /* extended checksum, reserved */
    b->data[8] = (uint8_t)-acpi_checksum(b->data, 20);
    b->data[32] = (uint8_t)-acpi_checksum(b->data, 36);
}

int acpi_build_tables(const AcpiBuildConfig *cfg, AcpiTables *out)
{
    GByteArray *b;
    uint64_t base = cfg->base, list[3];
    int n = 0;

    if (cfg->nb_cpus < 1 || cfg->nb_cpus > 255 || (base & 15) || base >= 0x100000000ull) {
        return -EINVAL;
    }
    b = g_byte_array_new();
    *out = (AcpiTables){.base = base, .rsdp = base};
    put_le(b, 0, 36); /* RSDP placeholder, filled last */
    out->facs = base + build_facs(b);
    out->dsdt = base + build_dsdt(b, cfg->nb_cpus);
    out->fadt = base + build_fadt(b, out->facs, out->dsdt);
    list[n++] = out->fadt;
    out->madt = base + build_madt(b, cfg->nb_cpus);
    list[n++] = out->madt;
    if (cfg->hpet) {
        out->hpet = base + build_hpet(b);
        list[n++] = out->hpet;
    }
    out->rsdt = base + build_sdt(b, "RSDT", list, n, 4);
    out->xsdt = base + build_sdt(b, "XSDT", list, n, 8);
    build_rsdp_at(b, out->rsdt, out->xsdt);
    out->len = b->len;
    out->data = g_byte_array_free(b, FALSE);
    return 0;
}

void acpi_tables_free(AcpiTables *t)
{
    g_free(t->data);
    *t = (AcpiTables){0};
}

const uint8_t *acpi_tables_ptr(const AcpiTables *t, uint64_t addr)
{
    if (addr < t->base || addr - t->base >= t->len) {
        return NULL;
    }
    return t->data + (addr - t->base);
}
