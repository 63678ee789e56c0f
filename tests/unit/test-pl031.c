/*
 * test-pl031.c — the PL031 RTC through its MemoryRegionOps with a test clock: the counter
 * follows the clock from the loaded value, PrimeCell IDs, and the match interrupt (raw,
 * masked, cleared) seen through a test IRQ handler.
 */
#include <criterion/criterion.h>

#include "hw/rtc/pl031.h"

static PL031State rtc;
static int64_t fake_time;
static int irq_level;

static int64_t fake_now(void) { return fake_time; }
static void irq_handler(void *opaque, int n, int level) { irq_level = level; }
static uint32_t rd(uint64_t off) { return (uint32_t)pl031_ops.read(&rtc, off, 4); }
static void wr(uint64_t off, uint32_t v) { pl031_ops.write(&rtc, off, v, 4); }

static void setup(void)
{
    fake_time = 1700000000;
    irq_level = 0;
    rtc = (PL031State){.now = fake_now};
    pl031_init(&rtc, (IRQLine){irq_handler, NULL, 0});
}

TestSuite(pl031, .init = setup);

Test(pl031, counts_host_seconds)
{
    cr_assert_eq(rd(PL031_DR), 1700000000);
    fake_time += 5;
    cr_assert_eq(rd(PL031_DR), 1700000005);
    cr_assert_eq(rd(PL031_CR), 1);
    wr(PL031_LR, 100);
    cr_assert_eq(rd(PL031_DR), 100);
    cr_assert_eq(rd(PL031_LR), 100);
    fake_time += 3;
    cr_assert_eq(rd(PL031_DR), 103);
}

Test(pl031, primecell_ids)
{
    static const uint32_t id[8] = {0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(rd(0xfe0 + 4 * i), id[i]);
    }
}

Test(pl031, match_interrupt)
{
    wr(PL031_LR, 1000);
    wr(PL031_MR, 1002);
    wr(PL031_IMSC, 1);
    fake_time += 1;
    cr_assert_eq(rd(PL031_RIS), 0);
    fake_time += 2; /* passes 1002 */
    cr_assert_eq(rd(PL031_RIS), 1);
    cr_assert_eq(rd(PL031_MIS), 1);
    cr_assert_eq(irq_level, 1);
    wr(PL031_IMSC, 0);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(rd(PL031_MIS), 0);
    wr(PL031_ICR, 1);
    cr_assert_eq(rd(PL031_RIS), 0);
    fake_time += 10;
    cr_assert_eq(rd(PL031_RIS), 0, "no second match without wrapping");
}
