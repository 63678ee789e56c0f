/*
 * acpi-pm.c — ACPI PM1a event/control blocks and PM timer (ACPI 6.x 4.8.3). Status bits are
 * write-1-to-clear; TMR_STS is set whenever bit 23 of the 24-bit timer changes (4.8.3.3), found
 * on every access and by a VTimer armed for the next change while TMR_EN is set, so the SCI
 * arrives on time without polling. The SCI line is level: (STS & EN) != 0.
 * Registers are merged byte by byte so 8-, 16- and 32-bit accesses at any offset behave as the
 * same bytes would. Runs with the device lock held (I/O dispatch, timer callback).
 */
#include "hw/x86/acpi-pm.h"

#include "hw/x86/acpi-build.h"
#include "system/runstate.h"

#define ACPI_PM1_STS_MASK (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC | \
                           ACPI_PM1_WAK_STS)
#define ACPI_PM1_EN_MASK (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)
#define ACPI_TMR_MSB (1u << 23)

uint32_t acpi_pm_timer_at(int64_t ns)
{
    unsigned __int128 ticks = (unsigned __int128)(uint64_t)ns * ACPI_PM_TIMER_HZ / 1000000000u;
    return (uint32_t)ticks & ACPI_PM_TIMER_MASK;
}

/* First virtual time after now at which bit 23 toggles: the next multiple of 2^23 ticks. */
static int64_t acpi_pm_next_toggle_ns(int64_t now)
{
    unsigned __int128 ticks = (unsigned __int128)(uint64_t)now * ACPI_PM_TIMER_HZ / 1000000000u;
    unsigned __int128 next = (ticks / ACPI_TMR_MSB + 1) * ACPI_TMR_MSB;
    /* ceil(next * 1e9 / HZ) is the first ns whose tick count reaches next */
    return (int64_t)((next * 1000000000u + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ);
}

static void acpi_pm_update_sci(AcpiPMState *s)
{
    int level = (s->sts & s->en & ACPI_PM1_EN_MASK) != 0;
    if (level != s->sci_level) {
        s->sci_level = level;
        irq_set_level(&s->sci, level);
    }
}

static void acpi_pm_check_timer(AcpiPMState *s)
{
    int64_t now = s->now_ns();
    uint32_t tmr = acpi_pm_timer_at(now);
    /* A full 2^24-tick wrap (4.7 s) between checks also toggled bit 23 (twice); the VTimer
     * keeps the gaps shorter while TMR_EN is set. */
    if ((tmr ^ s->last_tmr) & ACPI_TMR_MSB) {
        s->sts |= ACPI_PM1_TMR;
    }
    s->last_tmr = tmr;
    if (s->tmr_timer) {
        if (s->en & ACPI_PM1_TMR) {
            vtimer_mod_ns(s->tmr_timer, acpi_pm_next_toggle_ns(now));
        } else {
            vtimer_del(s->tmr_timer);
        }
    }
    acpi_pm_update_sci(s);
}

static void acpi_pm_timer_cb(void *opaque) { acpi_pm_check_timer(opaque); }

static uint64_t acpi_pm_read(void *opaque, uint64_t off, unsigned size)
{
    AcpiPMState *s = opaque;
    uint8_t regs[ACPI_PM_IO_SIZE] = {0};
    uint64_t v = 0;
    acpi_pm_check_timer(s);
    uint32_t tmr = acpi_pm_timer_at(s->now_ns());
    regs[0] = (uint8_t)s->sts;
    regs[1] = (uint8_t)(s->sts >> 8);
    regs[2] = (uint8_t)s->en;
    regs[3] = (uint8_t)(s->en >> 8);
    regs[4] = (uint8_t)s->cnt; /* SLP_EN is write-only: never stored */
    regs[5] = (uint8_t)(s->cnt >> 8);
    for (int i = 0; i < 4; i++) {
        regs[8 + i] = (uint8_t)(tmr >> (8 * i));
    }
    for (unsigned i = 0; i < size && off + i < ACPI_PM_IO_SIZE; i++) {
        v |= (uint64_t)regs[off + i] << (8 * i);
    }
    return v;
}

/* The bytes of a 16-bit register at reg that the access (off, size) covers, as a mask and
 * the written bits placed in it. */
static uint16_t acpi_pm_bytes(uint64_t off, unsigned size, uint64_t value, unsigned reg,
                              uint16_t *mask)
{
    uint16_t v = 0;
    *mask = 0;
    for (unsigned i = 0; i < 2; i++) {
        uint64_t a = reg + i;
        if (a >= off && a < off + size) {
            *mask |= (uint16_t)(0xff << (8 * i));
            v |= (uint16_t)(((value >> (8 * (a - off))) & 0xff) << (8 * i));
        }
    }
    return v;
}

static void acpi_pm_write_cnt(AcpiPMState *s, uint16_t v)
{
    /* SCI_EN stays 1 (no SMI_CMD, so no way back to legacy mode); SLP_EN is an action. */
    s->cnt = (uint16_t)((v & ~ACPI_PM1_CNT_SLP_EN) | ACPI_PM1_CNT_SCI_EN);
    if (v & ACPI_PM1_CNT_SLP_EN) {
        unsigned typ = (v & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT;
        if (typ == ACPI_S5_SLP_TYP) {
            runstate_request_shutdown(0);
        }
    }
}

static void acpi_pm_write(void *opaque, uint64_t off, uint64_t value, unsigned size)
{
    AcpiPMState *s = opaque;
    uint16_t mask, v;
    acpi_pm_check_timer(s);
    v = acpi_pm_bytes(off, size, value, ACPI_PM1_STS, &mask);
    s->sts &= (uint16_t)~(v & mask & ACPI_PM1_STS_MASK);
    v = acpi_pm_bytes(off, size, value, ACPI_PM1_EN, &mask);
    if (mask) {
        s->en = (uint16_t)(((s->en & ~mask) | (v & mask)) & ACPI_PM1_EN_MASK);
    }
    v = acpi_pm_bytes(off, size, value, ACPI_PM1_CNT, &mask);
    if (mask) {
        acpi_pm_write_cnt(s, (uint16_t)((s->cnt & ~mask) | (v & mask)));
    }
    /* the timer is read-only */
    acpi_pm_check_timer(s);
}

const MemoryRegionOps acpi_pm_ops = {
    .read = acpi_pm_read,
    .write = acpi_pm_write,
    .min_access = 1,
    .max_access = 4,
};

void acpi_pm_press_power_button(AcpiPMState *s)
{
    s->sts |= ACPI_PM1_PWRBTN;
    acpi_pm_update_sci(s);
}

void acpi_pm_reset(AcpiPMState *s)
{
    s->sts = s->en = 0;
    s->cnt = ACPI_PM1_CNT_SCI_EN;
    s->last_tmr = acpi_pm_timer_at(s->now_ns());
    if (s->tmr_timer) {
        vtimer_del(s->tmr_timer);
    }
    acpi_pm_update_sci(s);
}

void acpi_pm_init(AcpiPMState *s, IRQLine sci)
{
    int64_t (*now)(void) = s->now_ns ? s->now_ns : vclock_get_ns;
    *s = (AcpiPMState){.sci = sci, .now_ns = now};
    s->tmr_timer = vtimer_new(acpi_pm_timer_cb, s);
    memory_region_init_io(&s->io, "acpi-pm", ACPI_PM_IO_SIZE, &acpi_pm_ops, s);
    acpi_pm_reset(s);
}
