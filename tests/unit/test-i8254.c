/*
 * test-i8254.c — the 8254 PIT and port 0x61 through their I/O callbacks on an instruction-
 * driven virtual clock the test moves by hand (vclock_set_insn_source; due timers fire in
 * vclock_run_timers): mode 0/2/3 counts and OUT edges on the IRQ 0 line, latch and read-back
 * commands, BCD, the GATE of channel 2, and Linux's TSC calibration loops (pit_calibrate_tsc
 * polling port 0x61 bit 5, quick_pit_calibrate reading the MSB of channel 2).
 */
#include <criterion/criterion.h>

#include "hw/timer/i8254.h"

static I8254State pit;
static int64_t fake_ns;
static int irq_level, irq_rises;

static int64_t fake_clock(void) {
    return fake_ns;
}

static void irq_handler(void *opaque, int n, int level) {
    cr_assert_eq(n, 0);
    if (level && !irq_level) {
        irq_rises++;
    }
    irq_level = level;
}

/* First ns at which t PIT ticks have elapsed from 0. */
static int64_t tick_ns(int64_t t) {
    return (t * 1000000000LL + I8254_FREQ_HZ - 1) / I8254_FREQ_HZ;
}

static void advance_to(int64_t ns) {
    fake_ns = ns;
    vclock_run_timers();
}

static uint8_t in(int port) {
    if (port == 0x61) {
        return (uint8_t)i8254_port61_ops.read(&pit, 0, 1);
    }
    return (uint8_t)i8254_ops.read(&pit, port - 0x40, 1);
}

static void out(int port, uint8_t v) {
    if (port == 0x61) {
        i8254_port61_ops.write(&pit, 0, v, 1);
    } else {
        i8254_ops.write(&pit, port - 0x40, v, 1);
    }
}

static uint16_t latch_read(int ch) {
    out(0x43, (uint8_t)(ch << 6));
    uint8_t lo = in(0x40 + ch);
    return (uint16_t)(lo | in(0x40 + ch) << 8);
}

static void setup(void) {
    fake_ns = 1000000; /* any start: the device is relative to load times */
    vclock_set_insn_source(fake_clock);
    vclock_init();
    irq_level = 0;
    irq_rises = 0;
    i8254_init(&pit, (IRQLine){irq_handler, NULL, 0});
    irq_rises = 0;
}

static void teardown(void) {
    vclock_shutdown();
}

TestSuite(i8254, .init = setup, .fini = teardown);

Test(i8254, reset_channel0_runs_mode3_at_18hz) {
    int64_t t0 = fake_ns;
    cr_assert_eq(irq_level, 1);
    for (int i = 1; i <= 18; i++) {
        advance_to(t0 + tick_ns(0x10000LL * i));
    }
    cr_assert_eq(irq_rises, 18);
    cr_assert_eq(in(0x61) & 0x21, 0x20, "gate 2 low, channel 2 OUT high (mode 3)");
}

Test(i8254, mode0_interrupt_on_terminal_count) {
    out(0x43, 0x30); /* channel 0, LSB then MSB, mode 0, binary (Linux oneshot) */
    cr_assert_eq(irq_level, 0, "mode 0 control word drives OUT low");
    int64_t t0 = fake_ns;
    out(0x40, 1000 & 0xff);
    advance_to(t0 + 500);
    cr_assert_eq(irq_level, 0);
    out(0x40, 1000 >> 8);
    t0 = fake_ns;
    advance_to(t0 + tick_ns(400));
    cr_assert_eq(latch_read(0), 600);
    advance_to(t0 + tick_ns(1000) - 1);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(irq_rises, 0);
    advance_to(t0 + tick_ns(1000));
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(irq_rises, 1);
    advance_to(t0 + tick_ns(1001));
    cr_assert_eq(latch_read(0), 0xffff, "keeps counting past 0");
    advance_to(t0 + tick_ns(70000));
    cr_assert_eq(irq_rises, 1, "one-shot");
}

Test(i8254, mode2_rate_generator_hz1000) {
    out(0x43, 0x34); /* Linux periodic: channel 0, lohi, mode 2 */
    out(0x40, 1193 & 0xff);
    out(0x40, 1193 >> 8);
    int64_t t0 = fake_ns;
    cr_assert_eq(irq_level, 1);
    advance_to(t0 + tick_ns(1192));
    cr_assert_eq(irq_level, 0, "low while the counter holds 1");
    cr_assert_eq(latch_read(0), 1);
    advance_to(t0 + tick_ns(1193));
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(latch_read(0), 1193, "reloaded");
    cr_assert_eq(irq_rises, 1);
    /* a late timer thread still delivers every period's edge */
    advance_to(t0 + tick_ns(1193 * 10 + 5));
    cr_assert_eq(irq_rises, 10);
    cr_assert_eq(latch_read(0), 1188);
}

Test(i8254, mode3_square_wave) {
    out(0x43, 0x36); /* channel 0, lohi, mode 3 */
    out(0x40, 100);
    out(0x40, 0);
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(10));
    cr_assert_eq(latch_read(0), 80, "decrements by two");
    advance_to(t0 + tick_ns(49));
    cr_assert_eq(irq_level, 1);
    advance_to(t0 + tick_ns(50));
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(i8254_get_out(&pit, 0), false);
    advance_to(t0 + tick_ns(100));
    cr_assert_eq(irq_level, 1);
    advance_to(t0 + tick_ns(1000));
    cr_assert_eq(irq_rises, 10);
}

Test(i8254, latch_command_freezes_value) {
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x10); /* 4096 */
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(96));
    out(0x43, 0x00);
    advance_to(t0 + tick_ns(500));
    out(0x43, 0x00); /* ignored: a latch is pending */
    cr_assert_eq(in(0x40), 0xa0);
    cr_assert_eq(in(0x40), 0x0f);
    cr_assert_eq(latch_read(0), 4096 - 500);
}

Test(i8254, readback_status_and_count) {
    out(0x43, 0x34);
    out(0x40, 0x00);
    out(0x40, 0x01); /* 256 */
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(6));
    out(0x43, 0xc2); /* read-back: count and status, counter 0 */
    cr_assert_eq(in(0x40), 0x80 | 0x34, "status first: OUT high, lohi, mode 2");
    cr_assert_eq(in(0x40), 250);
    cr_assert_eq(in(0x40), 0);
    out(0x43, 0xe2); /* status only */
    cr_assert_eq(in(0x40), 0xb4);
    out(0x43, 0xb0); /* channel 2 control word: null count until the count is written */
    out(0x43, 0xe8);
    cr_assert_eq(in(0x42), 0x40 | 0x30, "null count, OUT low in mode 0");
}

Test(i8254, bcd_counting) {
    out(0x43, 0x31); /* channel 0, lohi, mode 0, BCD */
    out(0x40, 0x00);
    out(0x40, 0x10); /* 1000 decimal */
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(1));
    cr_assert_eq(latch_read(0), 0x0999);
    advance_to(t0 + tick_ns(999));
    cr_assert_eq(latch_read(0), 0x0001);
    cr_assert_eq(irq_level, 0);
    advance_to(t0 + tick_ns(1000));
    cr_assert_eq(irq_level, 1);
    advance_to(t0 + tick_ns(1001));
    cr_assert_eq(latch_read(0), 0x9999, "BCD wraps to 9999");
}

Test(i8254, lsb_only_and_msb_only) {
    out(0x43, 0x10); /* LSB only, mode 0 */
    out(0x40, 50);
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(20));
    cr_assert_eq(in(0x40), 30);
    out(0x43, 0x20); /* MSB only */
    out(0x40, 0x02); /* 512 */
    t0 = fake_ns;
    advance_to(t0 + tick_ns(300));
    cr_assert_eq(in(0x40), 0x00, "212 = 0x00d4: MSB 0");
}

/* arch/x86/kernel/tsc.c pit_calibrate_tsc: 50 ms on channel 2, polling port 0x61 bit 5. */
Test(i8254, linux_pit_calibrate_tsc) {
    out(0x61, (in(0x61) & ~0x02) | 0x01);
    cr_assert_eq(in(0x61) & 0x03, 0x01);
    out(0x43, 0xb0);
    int latch = I8254_FREQ_HZ / (1000 / 50);
    out(0x42, latch & 0xff);
    out(0x42, latch >> 8);
    int64_t t0 = fake_ns;
    cr_assert_eq(in(0x61) & 0x20, 0, "mode 0: OUT low while counting");
    long loops = 0;
    while ((in(0x61) & 0x20) == 0) {
        advance_to(fake_ns + 1000); /* 1 us per poll */
        loops++;
        cr_assert(loops < 100000);
    }
    cr_assert_eq(latch, 59659);
    cr_assert_eq(loops, 50000, "OUT rose after %ld us", loops);
    cr_assert_eq(fake_ns - t0, 50000000);
    cr_assert_eq(irq_rises, 0, "channel 2 has no IRQ");
}

/* quick_pit_calibrate: count 0xffff in mode 0, the MSB read directly drops every 256 ticks */
Test(i8254, linux_quick_pit_calibrate_msb) {
    out(0x61, (in(0x61) & ~0x02) | 0x01);
    out(0x43, 0xb0);
    out(0x42, 0xff);
    out(0x42, 0xff);
    int64_t t0 = fake_ns;
    for (int i = 0; i < 40; i++) {
        advance_to(t0 + tick_ns(256LL * i + 3));
        uint8_t lsb = in(0x42);
        uint8_t msb = in(0x42);
        cr_assert_eq(msb, 0xff - i);
        cr_assert_eq(lsb, 0xfc);
    }
}

Test(i8254, gate2_stops_mode0_and_refresh_toggles) {
    out(0x61, 0x01);
    out(0x43, 0xb0);
    out(0x42, 100);
    out(0x42, 0);
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(40));
    out(0x61, 0x00);
    advance_to(t0 + tick_ns(1000));
    cr_assert_eq(latch_read(2), 60, "counting stopped with GATE low");
    cr_assert_eq(in(0x61) & 0x20, 0);
    out(0x61, 0x03);
    cr_assert_eq(in(0x61) & 0x03, 0x03, "speaker enable reads back");
    int64_t t1 = fake_ns;
    advance_to(t1 + tick_ns(60));
    cr_assert_eq(in(0x61) & 0x20, 0x20);
    /* bit 4 follows the 15.085 us refresh clock */
    advance_to(15085 * 1000);
    cr_assert_eq(in(0x61) & 0x10, 0);
    advance_to(15085 * 1001);
    cr_assert_eq(in(0x61) & 0x10, 0x10);
    advance_to(15085 * 1002);
    cr_assert_eq(in(0x61) & 0x10, 0);
}

Test(i8254, mode1_waits_for_gate_edge) {
    out(0x43, 0xb2); /* channel 2, lohi, mode 1 */
    out(0x42, 10);
    out(0x42, 0);
    int64_t t0 = fake_ns;
    advance_to(t0 + tick_ns(50));
    cr_assert_eq(in(0x61) & 0x20, 0x20, "OUT high until triggered");
    out(0x61, 0x01); /* rising edge */
    int64_t t1 = fake_ns;
    cr_assert_eq(in(0x61) & 0x20, 0);
    advance_to(t1 + tick_ns(10));
    cr_assert_eq(in(0x61) & 0x20, 0x20);
}
