/*
 * test-acpi-pm.c — the ACPI PM block and the 0xCF9 reset register with a test clock: the PM
 * timer's rate (3.579545 MHz) and 24-bit wrap, TMR_STS and the SCI when bit 23 toggles (and the
 * VTimer armed for that moment), write-1-to-clear status, SCI_EN reading 1, S5 poweroff
 * (status 0) through SLP_EN, and reset requests from 0xCF9 (runstate doubles record them).
 */
#include <criterion/criterion.h>

#include "hw/x86/acpi-pm.h"
#include "hw/x86/reset-control.h"
#include "system/runstate.h"

static AcpiPMState pm;
static int64_t fake_ns;
static int sci;
static int shutdowns = 0, shutdown_status = -1, resets = 0;

void runstate_request_shutdown(int status)
{
    shutdowns++;
    shutdown_status = status;
}
void runstate_request_reset(void) { resets++; }

static int64_t fake_now(void) { return fake_ns; }
static void sci_handler(void *opaque, int n, int level) { sci = level; }
static uint32_t rd(uint64_t off, unsigned size) { return (uint32_t)acpi_pm_ops.read(&pm, off, size); }
static void wr(uint64_t off, uint32_t v, unsigned size) { acpi_pm_ops.write(&pm, off, v, size); }

static void setup(void)
{
    fake_ns = 1000;
    sci = 0;
    pm = (AcpiPMState){.now_ns = fake_now};
    acpi_pm_init(&pm, (IRQLine){sci_handler, NULL, 0});
}

TestSuite(acpi_pm, .init = setup);

Test(acpi_pm, timer_rate_and_wrap)
{
    cr_assert_eq(acpi_pm_timer_at(0), 0);
    cr_assert_eq(acpi_pm_timer_at(1000000000), 3579545 & 0xffffff);
    cr_assert_eq(acpi_pm_timer_at(1000000), 3579);
    /* 2^24 ticks = 4.687 s: wraps */
    cr_assert_eq(acpi_pm_timer_at(5000000000ll), (uint32_t)(5ull * 3579545) & 0xffffff);
    fake_ns = 2000000000;
    uint32_t a = rd(ACPI_PM_TMR, 4);
    fake_ns += 1000000;
    uint32_t b = rd(ACPI_PM_TMR, 4);
    cr_assert(b - a == 3579 || b - a == 3580, "1 ms is 3579.545 ticks, got %u", b - a);
    cr_assert_eq(rd(ACPI_PM_TMR, 4) >> 24, 0, "24-bit");
}

Test(acpi_pm, tmr_sts_and_sci)
{
    wr(ACPI_PM1_EN, ACPI_PM1_TMR, 2);
    /* the VTimer is armed for the first bit-23 toggle: 2^23 ticks = 2.3435 s */
    int64_t deadline = vtimer_deadline_ns(pm.tmr_timer);
    cr_assert_eq(acpi_pm_timer_at(deadline), 1u << 23);
    cr_assert_eq(acpi_pm_timer_at(deadline - 1), (1u << 23) - 1);
    fake_ns = deadline - 1;
    cr_assert_eq(rd(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, 0);
    cr_assert_eq(sci, 0);
    fake_ns = deadline;
    cr_assert_eq(rd(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, ACPI_PM1_TMR);
    cr_assert_eq(sci, 1);
    /* 32-bit read of the event block: STS low, EN high */
    cr_assert_eq(rd(0, 4), ACPI_PM1_TMR | ACPI_PM1_TMR << 16);
    wr(ACPI_PM1_STS, ACPI_PM1_TMR, 2); /* write 1 to clear */
    cr_assert_eq(rd(ACPI_PM1_STS, 2) & ACPI_PM1_TMR, 0);
    cr_assert_eq(sci, 0);
    cr_assert_gt(vtimer_deadline_ns(pm.tmr_timer), deadline, "re-armed for the next toggle");
    wr(ACPI_PM1_EN, 0, 2);
    cr_assert_eq(vtimer_deadline_ns(pm.tmr_timer), VCLOCK_NEVER);
}

Test(acpi_pm, power_button)
{
    acpi_pm_press_power_button(&pm);
    cr_assert_eq(sci, 0, "not enabled");
    wr(ACPI_PM1_EN, ACPI_PM1_PWRBTN, 2);
    cr_assert_eq(sci, 1);
    wr(ACPI_PM1_STS, 0, 2);
    cr_assert_eq(sci, 1, "writing 0 clears nothing");
    wr(ACPI_PM1_STS + 1, ACPI_PM1_PWRBTN >> 8, 1);
    cr_assert_eq(sci, 0);
}

Test(acpi_pm, sci_en_and_s5)
{
    cr_assert_eq(rd(ACPI_PM1_CNT, 2) & ACPI_PM1_CNT_SCI_EN, 1);
    /* SLP_TYP 5 with SLP_EN: not an advertised state, ignored */
    wr(ACPI_PM1_CNT, 5 << 10 | ACPI_PM1_CNT_SLP_EN | 1, 2);
    cr_assert_eq(shutdowns, 0);
    cr_assert_eq(rd(ACPI_PM1_CNT, 2) & ACPI_PM1_CNT_SLP_EN, 0, "SLP_EN reads 0");
    /* SLP_TYP without SLP_EN: nothing */
    wr(ACPI_PM1_CNT, 0 << 10 | 1, 2);
    cr_assert_eq(shutdowns, 0);
    /* Linux acpi_enter_sleep_state(5): SLP_TYP = \_S5[0] = 0, then SLP_EN */
    wr(ACPI_PM1_CNT, ACPI_PM1_CNT_SLP_EN | 1, 2);
    cr_assert_eq(shutdowns, 1);
    cr_assert_eq(shutdown_status, 0);
}

Test(acpi_pm, reset_control)
{
    ResetControlState rc;
    reset_control_init(&rc);
    reset_control_ops.write(&rc, 0, 0x02, 1);
    cr_assert_eq(resets, 0, "SYS_RST alone only selects the kind");
    cr_assert_eq(reset_control_ops.read(&rc, 0, 1), 0x02);
    reset_control_ops.write(&rc, 0, 0x06, 1);
    cr_assert_eq(resets, 1);
    cr_assert_eq(reset_control_ops.read(&rc, 0, 1), 0x02, "RST_CPU reads 0");
    reset_control_ops.write(&rc, 0, 0x0e, 1);
    cr_assert_eq(resets, 2);
}
