/*
 * acpi-build.h — the ACPI tables of the `-M pc` board (ACPI 6.x chapter 5), built into one
 * byte blob that the board copies to guest physical address cfg->base: RSDP (revision 2,
 * RSDT and XSDT addresses), FACS, a DSDT of valid AML (\_S5 and a \_SB scope with one
 * ACPI0007 processor device per CPU), FADT (revision 6: PM1a event 0x600, PM1a control 0x604,
 * 24-bit PM timer 0x608, SCI IRQ 9, reset register 0xCF9 value 0x06, century 0x32), MADT (local
 * APIC 0xFEE00000, one enabled local APIC per CPU with APIC ID = index, IOAPIC 0 at 0xFEC00000
 * GSI 0, overrides IRQ0->GSI2 and IRQ9 level/active-high, LINT1 NMI) and HPET (0xFED00000).
 * The values follow what qemu-system-x86_64 -M pc gives Linux; the OEM fields are QEMU's.
 * Pure code on caller-owned results; any thread.
 */
#ifndef TANDEM_HW_X86_ACPI_BUILD_H
#define TANDEM_HW_X86_ACPI_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_PM_BASE 0x600 /* PM1a_EVT; PM1a_CNT at +4, PM_TMR at +8 */
#define ACPI_SCI_IRQ 9
#define ACPI_RESET_PORT 0xcf9
#define ACPI_RESET_VALUE 0x06
#define ACPI_CENTURY_CMOS 0x32
#define ACPI_LAPIC_BASE 0xfee00000u
#define ACPI_IOAPIC_BASE 0xfec00000u
#define ACPI_HPET_BASE 0xfed00000u
#define ACPI_S5_SLP_TYP 0 /* the \_S5 package's PM1a value, as QEMU */

/* FADT IAPC_BOOT_ARCH (ACPI 6.x table 5.11) and Flags (table 5.10) bits used. */
#define ACPI_IAPC_LEGACY_DEVICES (1u << 0)
#define ACPI_IAPC_8042 (1u << 1)
#define ACPI_IAPC_VGA_NOT_PRESENT (1u << 2)
#define ACPI_FADT_WBINVD (1u << 0)
#define ACPI_FADT_PROC_C1 (1u << 2)
#define ACPI_FADT_PWR_BUTTON (1u << 4)
#define ACPI_FADT_SLP_BUTTON (1u << 5)
#define ACPI_FADT_RTC_S4 (1u << 7)
#define ACPI_FADT_TMR_VAL_EXT (1u << 8)
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_USE_PLATFORM_CLOCK (1u << 15)

typedef struct AcpiBuildConfig {
    uint64_t base; /* guest physical address of the blob; 16-byte aligned, below 4 GiB */
    int nb_cpus;   /* 1..255 (APIC IDs are 8-bit in the MADT entries used) */
    bool hpet;     /* add the HPET table */
} AcpiBuildConfig;

typedef struct AcpiTables {
    uint8_t *data; /* g_malloc'd blob, len bytes, to be placed at base */
    size_t len;
    uint64_t base;
    /* guest physical addresses of each table (0: absent); RSDP is at base */
    uint64_t rsdp, facs, dsdt, fadt, madt, hpet, rsdt, xsdt;
} AcpiTables;

/* Builds the tables; 0, or -EINVAL for a bad config (caller reports it). */
int acpi_build_tables(const AcpiBuildConfig *cfg, AcpiTables *out);
void acpi_tables_free(AcpiTables *t);
/* Byte sum of p[0..len) (0 for a table with a correct checksum). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);
/* The blob bytes of the table at guest address addr (NULL if outside). */
const uint8_t *acpi_tables_ptr(const AcpiTables *t, uint64_t addr);

#endif
