/*
 * test-mc146818.c — the CMOS RTC through ports 0x70/0x71 with a fixed host time and an
 * instruction-driven virtual clock moved by hand: BCD/binary and 12/24-hour time bytes, the
 * clock advancing, UIP, setting the time with B.SET as Linux does, the periodic, update-ended
 * and alarm interrupts with register C read-to-clear, register D, the NMI bit and CMOS presets.
 */
#include <criterion/criterion.h>

#include "hw/rtc/mc146818.h"

#define NS 1000000000LL

static MC146818State rtc;
static int64_t fake_ns;
static int irq_level, irq_rises;

static int64_t fake_clock(void) {
    return fake_ns;
}
static int64_t fake_host(void) {
    return 1700000000;
} /* Tue 2023-11-14 22:13:20 UTC */

static void irq_handler(void *opaque, int n, int level) {
    cr_assert_eq(n, 8);
    if (level && !irq_level) {
        irq_rises++;
    }
    irq_level = level;
}

static uint8_t cmos_read(uint8_t idx) {
    mc146818_ops.write(&rtc, 0, idx, 1);
    return (uint8_t)mc146818_ops.read(&rtc, 1, 1);
}

static void cmos_write(uint8_t idx, uint8_t v) {
    mc146818_ops.write(&rtc, 0, idx, 1);
    mc146818_ops.write(&rtc, 1, v, 1);
}

static int64_t t0;

static void advance(int64_t ns) {
    fake_ns += ns;
    vclock_run_timers();
}

static void setup(void) {
    fake_ns = 5 * NS + 123;
    t0 = fake_ns;
    vclock_set_insn_source(fake_clock);
    vclock_init();
    irq_level = 0;
    irq_rises = 0;
    rtc = (MC146818State){.host_now = fake_host};
    mc146818_init(&rtc, (IRQLine){irq_handler, NULL, 8});
}

static void teardown(void) {
    vclock_shutdown();
}

TestSuite(mc146818, .init = setup, .fini = teardown);

Test(mc146818, bcd_24h_time_from_host) {
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x20);
    cr_assert_eq(cmos_read(RTC_MINUTES), 0x13);
    cr_assert_eq(cmos_read(RTC_HOURS), 0x22);
    cr_assert_eq(cmos_read(RTC_DAY_OF_WEEK), 3, "Sunday = 1");
    cr_assert_eq(cmos_read(RTC_DAY_OF_MONTH), 0x14);
    cr_assert_eq(cmos_read(RTC_MONTH), 0x11);
    cr_assert_eq(cmos_read(RTC_YEAR), 0x23);
    cr_assert_eq(cmos_read(RTC_CENTURY), 0x20);
    cr_assert_eq(cmos_read(RTC_REG_A), 0x26);
    cr_assert_eq(cmos_read(RTC_REG_B), 0x02);
    cr_assert_eq(cmos_read(RTC_REG_C), 0x00);
    cr_assert_eq(cmos_read(RTC_REG_D), 0x80);
}

Test(mc146818, binary_and_12_hour_formats) {
    cmos_write(RTC_REG_B, 0x06);
    cr_assert_eq(cmos_read(RTC_SECONDS), 20);
    cr_assert_eq(cmos_read(RTC_HOURS), 22);
    cr_assert_eq(cmos_read(RTC_YEAR), 23);
    cmos_write(RTC_REG_B, 0x00);
    cr_assert_eq(cmos_read(RTC_HOURS), 0x80 | 0x10, "10 PM in BCD");
    cmos_write(RTC_REG_B, 0x04);
    cr_assert_eq(cmos_read(RTC_HOURS), 0x80 | 10, "10 PM in binary");
    mc146818_set_time(&rtc, 1700000000 - 22 * 3600); /* 00:13:20 */
    cr_assert_eq(cmos_read(RTC_HOURS), 12, "midnight is 12 AM");
}

Test(mc146818, clock_follows_virtual_time) {
    advance(39 * NS);
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x59);
    advance(NS - 1);
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x59);
    cr_assert_eq(cmos_read(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP, "update imminent");
    advance(1);
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x00);
    cr_assert_eq(cmos_read(RTC_MINUTES), 0x14);
    cr_assert_eq(cmos_read(RTC_REG_A) & RTC_A_UIP, 0);
    advance(NS - 244000 - 1);
    cr_assert_eq(cmos_read(RTC_REG_A) & RTC_A_UIP, 0);
    advance(1);
    cr_assert_eq(cmos_read(RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
    cr_assert_eq(mc146818_get_time(&rtc), 1700000040);
}

/* drivers/rtc/rtc-mc146818-lib.c mc146818_set_time: SET, write the bytes, clear SET */
Test(mc146818, set_time_with_set_bit) {
    cmos_write(RTC_REG_B, 0x82);
    advance(3 * NS); /* frozen while SET */
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x20);
    cmos_write(RTC_SECONDS, 0x59);
    cmos_write(RTC_MINUTES, 0x59);
    cmos_write(RTC_HOURS, 0x23);
    cmos_write(RTC_DAY_OF_MONTH, 0x29);
    cmos_write(RTC_MONTH, 0x02);
    cmos_write(RTC_YEAR, 0x24);
    cmos_write(RTC_CENTURY, 0x20);
    cmos_write(RTC_REG_B, 0x02);
    cr_assert_eq(mc146818_get_time(&rtc), 1709251199);
    advance(NS);
    cr_assert_eq(cmos_read(RTC_SECONDS), 0x00);
    cr_assert_eq(cmos_read(RTC_HOURS), 0x00);
    cr_assert_eq(cmos_read(RTC_DAY_OF_MONTH), 0x01);
    cr_assert_eq(cmos_read(RTC_MONTH), 0x03);
    cr_assert_eq(cmos_read(RTC_DAY_OF_WEEK), 6, "2024-03-01 is a Friday");
}

Test(mc146818, periodic_interrupt_1024hz) {
    cmos_write(RTC_REG_B, 0x02 | RTC_B_PIE);
    advance(976562);
    cr_assert_eq(irq_level, 0);
    advance(1);
    cr_assert_eq(irq_level, 1, "1/1024 s");
    cr_assert_eq(cmos_read(RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
    cr_assert_eq(irq_level, 0, "reading C clears it");
    cr_assert_eq(cmos_read(RTC_REG_C), 0);
    for (int i = 0; i < 1023; i++) {
        advance(976563);
        cmos_read(RTC_REG_C); /* the handler acknowledges each one */
    }
    cr_assert_eq(irq_rises, 1024);
    cmos_write(RTC_REG_A, 0x2f); /* 2 Hz */
    int before = irq_rises;
    cmos_read(RTC_REG_C);
    for (int i = 0; i < 40; i++) {
        advance(NS / 20);
        if (irq_level) {
            cmos_read(RTC_REG_C);
        }
    }
    cr_assert_eq(irq_rises - before, 4);
}

Test(mc146818, update_ended_interrupt) {
    cmos_write(RTC_REG_B, 0x02 | RTC_B_UIE);
    advance(NS / 2);
    cr_assert_eq(irq_level, 0);
    advance(NS / 2);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(cmos_read(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
    cr_assert_eq(irq_level, 0);
    cmos_write(RTC_REG_B, 0x82 | RTC_B_UIE);
    cr_assert_eq(cmos_read(RTC_REG_B), 0x82, "SET clears UIE");
}

Test(mc146818, alarm_interrupt_and_dont_care) {
    cmos_write(RTC_SECONDS_ALARM, 0x25);
    cmos_write(RTC_MINUTES_ALARM, 0x13);
    cmos_write(RTC_HOURS_ALARM, 0x22);
    cmos_write(RTC_REG_B, 0x02 | RTC_B_AIE);
    advance(4 * NS);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(cmos_read(RTC_REG_C) & RTC_C_AF, 0);
    advance(NS);
    cr_assert_eq(irq_level, 1, "22:13:25");
    cr_assert_eq(cmos_read(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_AF | RTC_C_UF,
                 "PF is set by the divider whatever PIE says");
    advance(60 * NS);
    cr_assert_eq(irq_level, 0, "no match a minute later");
    cmos_write(RTC_MINUTES_ALARM, 0xff); /* every minute at :25 */
    advance(60 * NS);
    cr_assert_eq(irq_level, 1);
    cmos_read(RTC_REG_C);
    cmos_write(RTC_SECONDS_ALARM, 0xc0);
    cmos_write(RTC_HOURS_ALARM, 0xc0);
    advance(NS);
    cr_assert_eq(irq_level, 1, "all don't care: every second");
}

Test(mc146818, flags_without_enables_set_no_irq) {
    advance(2 * NS);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(cmos_read(RTC_REG_C), RTC_C_PF | RTC_C_UF, "flags set, IRQF clear");
}

Test(mc146818, nmi_bit_and_cmos_presets) {
    mc146818_set_cmos(&rtc, 0x34, 0xab);
    mc146818_set_cmos(&rtc, 0x5b, 0x01);
    mc146818_ops.write(&rtc, 0, 0x80 | 0x34, 1);
    cr_assert(rtc.nmi_disabled);
    cr_assert_eq(mc146818_ops.read(&rtc, 1, 1), 0xab);
    mc146818_ops.write(&rtc, 0, 0x5b, 1);
    cr_assert(!rtc.nmi_disabled);
    cr_assert_eq(mc146818_ops.read(&rtc, 1, 1), 0x01);
    cmos_write(0x7f, 0x5a);
    cr_assert_eq(mc146818_get_cmos(&rtc, 0x7f), 0x5a);
    cmos_write(RTC_REG_D, 0x00);
    cr_assert_eq(cmos_read(RTC_REG_D), 0x80, "D is read-only");
    cmos_write(RTC_REG_B, 0x02 | RTC_B_PIE | RTC_B_UIE);
    mc146818_reset(&rtc);
    cr_assert_eq(cmos_read(RTC_REG_B), 0x02);
    cr_assert_eq(cmos_read(0x34), 0xab, "CMOS survives reset");
    cr_assert_eq(mc146818_ops.read(&rtc, 0, 1), 0xff);
}
