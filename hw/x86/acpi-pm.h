/*
 * acpi-pm.h — the ACPI fixed-hardware PM block of the `-M pc` board at I/O 0x600 (ACPI 6.x
 * 4.8.3): PM1a_STS/PM1a_EN (2+2 bytes at 0x600), PM1a_CNT (0x604), the 24-bit PM timer at
 * 0x608 (3.579545 MHz from the virtual clock, TMR_VAL_EXT clear), and the SCI output line.
 * Writing SLP_EN with the \_S5 SLP_TYP requests poweroff (exit status 0, as PSCI SYSTEM_OFF);
 * other sleep types are not advertised and are ignored. SCI_EN reads 1: the machine has no SMI
 * command port, so it is always in ACPI mode.
 * The board maps s->io (12 ports) at ACPI_PM_BASE; accesses and the timer callback run with the
 * device lock held.
 */
#ifndef TANDEM_HW_X86_ACPI_PM_H
#define TANDEM_HW_X86_ACPI_PM_H

#include <stdint.h>

#include "hw/core/irq.h"
#include "hw/core/memory.h"
#include "hw/core/vclock.h"

#define ACPI_PM_IO_SIZE 12
#define ACPI_PM_TIMER_HZ 3579545
#define ACPI_PM_TIMER_MASK 0xffffffu

/* Register offsets from ACPI_PM_BASE. */
enum {
    ACPI_PM1_STS = 0x0,
    ACPI_PM1_EN = 0x2,
    ACPI_PM1_CNT = 0x4,
    ACPI_PM_TMR = 0x8,
};

/* PM1 status/enable bits (ACPI 6.x tables 4.16, 4.17) and control bits (table 4.18). */
#define ACPI_PM1_TMR (1u << 0)
#define ACPI_PM1_GBL (1u << 5)
#define ACPI_PM1_PWRBTN (1u << 8)
#define ACPI_PM1_RTC (1u << 10)
#define ACPI_PM1_WAK_STS (1u << 15)
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK (7u << 10)
#define ACPI_PM1_CNT_SLP_EN (1u << 13)

typedef struct AcpiPMState {
    MemoryRegion io;
    IRQLine sci;
    VTimer *tmr_timer; /* fires when the timer's bit 23 next toggles, if TMR_EN */
    uint16_t sts, en, cnt;
    uint32_t last_tmr; /* timer value at the last TMR_STS check */
    int sci_level;
    /* virtual nanoseconds; vclock_get_ns unless a test replaces it before init */
    int64_t (*now_ns)(void);
} AcpiPMState;

void acpi_pm_init(AcpiPMState *s, IRQLine sci);
void acpi_pm_reset(AcpiPMState *s);
/* The PM timer value at virtual time ns (24 bits). */
uint32_t acpi_pm_timer_at(int64_t ns);
/* Raises PWRBTN_STS (the monitor's system_powerdown); the guest sees an SCI if enabled. */
void acpi_pm_press_power_button(AcpiPMState *s);

extern const MemoryRegionOps acpi_pm_ops;

#endif
