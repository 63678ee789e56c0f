/*
 * test-hpet.c — the HPET: GCAP_ID (3 timers, 64-bit, legacy capable, 10 ns period), the main
 * counter following a test clock only while enabled and writable while halted, comparator
 * deadlines for one-shot, periodic and 32-bit timers (the VTimer's armed time), level
 * interrupts latched in GINTR_STA and cleared by writing 1, legacy replacement routing, and a
 * real interrupt delivered by the virtual clock's timer thread.
 */
#include <criterion/criterion.h>
#include <stdatomic.h>
#include <unistd.h>

#include "hw/timer/hpet.h"

static HPETState h;
static int64_t fake_ns;
static int gsi_level[HPET_NUM_GSI], legacy_level[2];
static atomic_int gsi_raises;

static int64_t fake_now(void) { return fake_ns; }
static void gsi_handler(void *opaque, int n, int level)
{
    gsi_level[n] = level;
    if (level) {
        atomic_fetch_add(&gsi_raises, 1);
    }
}
static void legacy_handler(void *opaque, int n, int level) { legacy_level[n] = level; }
static uint64_t rd(uint64_t off) { return hpet_ops.read(&h, off, 8); }
static void wr(uint64_t off, uint64_t v) { hpet_ops.write(&h, off, v, 8); }
static void connect_irqs(void)
{
    for (int i = 0; i < HPET_NUM_GSI; i++) {
        h.gsi[i] = (IRQLine){gsi_handler, NULL, i};
    }
    h.legacy[0] = (IRQLine){legacy_handler, NULL, 0};
    h.legacy[1] = (IRQLine){legacy_handler, NULL, 1};
}

static void setup(void)
{
    fake_ns = 5000;
    h = (HPETState){.now_ns = fake_now};
    hpet_init(&h);
    connect_irqs();
}

TestSuite(hpet, .init = setup);

Test(hpet, gcap_id)
{
    uint64_t g = rd(HPET_GCAP_ID);
    cr_assert_eq(g >> 32, 10000000u, "period 10 ns in fs");
    cr_assert_eq((g >> 8) & 0x1f, 2, "3 timers");
    cr_assert(g & (1u << 13), "64-bit counter");
    cr_assert(g & (1u << 15), "legacy replacement capable");
    cr_assert_eq((g >> 16) & 0xffff, 0x8086);
    cr_assert_eq(hpet_ops.read(&h, 4, 4), 10000000u, "high half by 32-bit read");
    uint64_t c = rd(HPET_TIMER0);
    cr_assert_eq(c >> 32, HPET_INT_ROUTE_CAP);
    cr_assert(c & HPET_TN_PER_INT_CAP);
    cr_assert(c & HPET_TN_SIZE_CAP);
}

Test(hpet, counter)
{
    cr_assert_eq(rd(HPET_MAIN_COUNTER), 0);
    fake_ns += 1000;
    cr_assert_eq(rd(HPET_MAIN_COUNTER), 0, "halted");
    wr(HPET_MAIN_COUNTER, 1000);
    wr(HPET_GEN_CONF, HPET_CFG_ENABLE);
    fake_ns += 1000;
    cr_assert_eq(rd(HPET_MAIN_COUNTER), 1100, "100 MHz");
    wr(HPET_MAIN_COUNTER, 0);
    cr_assert_eq(rd(HPET_MAIN_COUNTER), 1100, "not writable while running");
    wr(HPET_GEN_CONF, 0);
    fake_ns += 1000000;
    cr_assert_eq(rd(HPET_MAIN_COUNTER), 1100);
}

Test(hpet, oneshot_level_interrupt)
{
    wr(HPET_TIMER0, HPET_TN_INT_ENB | HPET_TN_INT_TYPE_LEVEL | 20u << HPET_TN_ROUTE_SHIFT);
    wr(HPET_TIMER0 + 8, 500);
    cr_assert_eq(vtimer_deadline_ns(h.timers[0].vt), VCLOCK_NEVER, "counter halted");
    wr(HPET_GEN_CONF, HPET_CFG_ENABLE);
    int64_t deadline = vtimer_deadline_ns(h.timers[0].vt);
    cr_assert_eq(deadline, 5000 + 500 * 10);
    fake_ns = deadline - 1;
    cr_assert_eq(rd(HPET_GINTR_STA), 0, "no interrupt before the match");
    cr_assert_eq(gsi_level[20], 0);
}

Test(hpet, periodic_and_32bit_arming)
{
    wr(HPET_GEN_CONF, HPET_CFG_ENABLE);
    wr(HPET_TIMER0 + 0x20, HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET);
    wr(HPET_TIMER0 + 0x20 + 8, 1000);
    cr_assert_eq(h.timers[1].cmp, 1000);
    cr_assert_eq(h.timers[1].period, 1000);
    cr_assert_eq(rd(HPET_TIMER0 + 0x20) & HPET_TN_VAL_SET, 0, "VAL_SET self-clears");
    cr_assert_eq(vtimer_deadline_ns(h.timers[1].vt), 5000 + 10000);
    /* a later comparator write without VAL_SET changes only the period */
    wr(HPET_TIMER0 + 0x20 + 8, 300);
    cr_assert_eq(h.timers[1].cmp, 1000);
    cr_assert_eq(h.timers[1].period, 300);
    /* 32-bit mode: comparator truncated; a match in the past is the next wrap */
    wr(HPET_TIMER0 + 0x40, HPET_TN_32BIT);
    wr(HPET_TIMER0 + 0x40 + 8, 0x1234567800000010ull);
    cr_assert_eq(rd(HPET_TIMER0 + 0x40 + 8), 0x10);
    fake_ns += 1000; /* counter = 100 > 0x10 */
    wr(HPET_TIMER0 + 0x40 + 8, 0x10);
    cr_assert_eq(vtimer_deadline_ns(h.timers[2].vt), fake_ns + ((1ll << 32) - 100 + 0x10) * 10);
}

Test(hpet, legacy_route_and_isr)
{
    /* A real run on the virtual clock's timer thread: the callback latches ISR and raises. */
    h = (HPETState){0};
    vclock_init();
    hpet_init(&h);
    connect_irqs();
    device_lock();
    wr(HPET_TIMER0 + 0x40, HPET_TN_INT_ENB | HPET_TN_INT_TYPE_LEVEL | 22u << HPET_TN_ROUTE_SHIFT);
    wr(HPET_TIMER0 + 0x40 + 8, 100000); /* 1 ms */
    wr(HPET_TIMER0, HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET);
    wr(HPET_TIMER0 + 8, 50000); /* 0.5 ms period, edge, legacy IRQ0 */
    wr(HPET_GEN_CONF, HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    device_unlock();
    for (int i = 0; i < 2000 && !atomic_load(&gsi_raises); i++) {
        usleep(1000);
    }
    device_lock();
    cr_assert_eq(gsi_level[22], 1, "timer 2 level interrupt on GSI 22");
    cr_assert_eq(rd(HPET_GINTR_STA), 1u << 2);
    wr(HPET_GINTR_STA, 1u << 2);
    cr_assert_eq(gsi_level[22], 0, "cleared by writing 1");
    cr_assert_eq(gsi_level[0], 0, "timer 0 is on the legacy line, not its route");
    cr_assert_gt(h.timers[0].cmp, 50000, "periodic comparator advanced");
    wr(HPET_GEN_CONF, 0);
    device_unlock();
    vclock_shutdown();
}
