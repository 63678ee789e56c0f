/*
 * test-pl031.c — the PL031 RTC through its MemoryRegionOps with a test clock: the counter
 * follows the clock from the loaded value, PrimeCell IDs, and the match interrupt (raw,
 * masked, cleared) seen through a test IRQ handler; -rtc: the option's parsing (good and bad
 * values through options_parse), where base= starts the counter, which clock clock= picks,
 * and a machine reset returning to base + elapsed.
 */
#include <criterion/criterion.h>
#include <glib.h>

#include "hw/core/vclock.h"
#include "hw/rtc/pl031.h"
#include "system/options.h"

#define NS 1000000000LL

static PL031State rtc;
static int64_t fake_ns;
static int irq_level;

static int64_t fake_clock(void) { return fake_ns; }
static void irq_handler(void *opaque, int n, int level) { irq_level = level; }
static uint32_t rd(uint64_t off) { return (uint32_t)pl031_ops.read(&rtc, off, 4); }
static void wr(uint64_t off, uint32_t v) { pl031_ops.write(&rtc, off, v, 4); }

/* The device on the fake clock, started at 1700000000 (a fixed date). */
static void start_at(int64_t secs)
{
    RtcConfig cfg = {.base = RTC_BASE_DATETIME, .datetime = secs};
    fake_ns = 12345; /* any start: only the clock's progress matters */
    irq_level = 0;
    rtc = (PL031State){.clock_ns = fake_clock};
    pl031_init(&rtc, (IRQLine){irq_handler, NULL, 0}, &cfg);
}

static void setup(void) { start_at(1700000000); }

TestSuite(pl031, .init = setup);

Test(pl031, counts_seconds)
{
    cr_assert_eq(rd(PL031_DR), 1700000000);
    fake_ns += 5 * NS;
    cr_assert_eq(rd(PL031_DR), 1700000005);
    fake_ns += NS - 1;
    cr_assert_eq(rd(PL031_DR), 1700000005, "not a whole second yet");
    fake_ns += 1;
    cr_assert_eq(rd(PL031_DR), 1700000006);
    cr_assert_eq(rd(PL031_CR), 1);
    wr(PL031_LR, 100);
    cr_assert_eq(rd(PL031_DR), 100);
    cr_assert_eq(rd(PL031_LR), 100);
    fake_ns += 3 * NS;
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
    fake_ns += NS;
    cr_assert_eq(rd(PL031_RIS), 0);
    fake_ns += 2 * NS; /* passes 1002 */
    cr_assert_eq(rd(PL031_RIS), 1);
    cr_assert_eq(rd(PL031_MIS), 1);
    cr_assert_eq(irq_level, 1);
    wr(PL031_IMSC, 0);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(rd(PL031_MIS), 0);
    wr(PL031_ICR, 1);
    cr_assert_eq(rd(PL031_RIS), 0);
    fake_ns += 10 * NS;
    cr_assert_eq(rd(PL031_RIS), 0, "no second match without wrapping");
}

/* ---- -rtc ---- */

/* Parses "tandem -rtc ARG" into *o. */
static OptionsResult parse_rtc(const char *arg, TandemOptions *o)
{
    char *argv[] = {"tandem", "-rtc", (char *)arg, NULL};
    return options_parse(3, argv, o);
}

Test(pl031, rtc_option_defaults)
{
    TandemOptions o;
    char *argv[] = {"tandem", NULL};
    cr_assert_eq(options_parse(1, argv, &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.base, RTC_BASE_UTC);
    cr_assert_eq(o.cfg.rtc.clock, RTC_CLOCK_DEFAULT, "the mode chooses the clock");
}

Test(pl031, rtc_option_good_values)
{
    TandemOptions o;
    cr_assert_eq(parse_rtc("base=2020-01-01T00:00:00", &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.base, RTC_BASE_DATETIME);
    cr_assert_eq(o.cfg.rtc.datetime, 1577836800);
    cr_assert_eq(parse_rtc("base=2006-06-17T16:01:21,clock=vm", &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.datetime, 1150560081);
    cr_assert_eq(o.cfg.rtc.clock, RTC_CLOCK_VM);
    cr_assert_eq(parse_rtc("base=2006-06-17", &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.datetime, 1150502400);
    cr_assert_eq(parse_rtc("base=2106-02-07T06:28:15", &o), OPTIONS_RUN, "the last 32-bit second");
    cr_assert_eq(o.cfg.rtc.datetime, 4294967295);
    cr_assert_eq(parse_rtc("base=2000-02-29", &o), OPTIONS_RUN, "a leap day");
    cr_assert_eq(parse_rtc("base=localtime,clock=rt,driftfix=slew", &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.base, RTC_BASE_LOCALTIME);
    cr_assert_eq(o.cfg.rtc.clock, RTC_CLOCK_RT);
    cr_assert(o.cfg.rtc.driftfix_slew);
    cr_assert_eq(parse_rtc("base=utc,clock=host,driftfix=none", &o), OPTIONS_RUN);
    cr_assert_eq(o.cfg.rtc.base, RTC_BASE_UTC);
    cr_assert_eq(o.cfg.rtc.clock, RTC_CLOCK_HOST);
    cr_assert_not(o.cfg.rtc.driftfix_slew);
}

Test(pl031, rtc_option_bad_values)
{
    static const char *const bad[] = {
        "base=2020-13-01", "base=2020-02-30", "base=2019-02-29", "base=1969-12-31",
        "base=2106-02-07T06:28:16", "base=2020-01-01T00:00", "base=2020-01-01T24:00:00",
        "base=2020-01-01x", "base= 2020-01-01", "base=+2020-01-01", "base=yesterday", "base=",
        "base", "clock=guest", "clock=", "driftfix=fast", "speed=2",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        TandemOptions o;
        cr_assert_eq(parse_rtc(bad[i], &o), OPTIONS_ERROR, "-rtc %s accepted", bad[i]);
    }
}

Test(pl031, rtc_base_computation)
{
    const int64_t host = 1750000000 * NS + 250000000, offset = 2 * 3600 * NS;
    RtcConfig utc = {.base = RTC_BASE_UTC};
    RtcConfig local = {.base = RTC_BASE_LOCALTIME};
    RtcConfig fixed = {.base = RTC_BASE_DATETIME, .datetime = 1577836800};
    cr_assert_eq(pl031_start_ns(&utc, host, offset), host);
    cr_assert_eq(pl031_start_ns(&local, host, offset), host + offset);
    cr_assert_eq(pl031_start_ns(&fixed, host, offset), 1577836800 * NS);
}

Test(pl031, rtc_clock_choice)
{
    cr_assert_eq(pl031_clock_source(RTC_CLOCK_VM), vclock_get_ns);
    cr_assert_neq(pl031_clock_source(RTC_CLOCK_HOST), vclock_get_ns);
    cr_assert_neq(pl031_clock_source(RTC_CLOCK_RT), vclock_get_ns);
    cr_assert_neq(pl031_clock_source(RTC_CLOCK_HOST), pl031_clock_source(RTC_CLOCK_RT));
    /* Not in the single-thread mode here: the default is the host's real time. */
    cr_assert_not(vclock_insn_mode());
    cr_assert_eq(pl031_clock_source(RTC_CLOCK_DEFAULT), pl031_clock_source(RTC_CLOCK_HOST));
}

/* The defaults follow the host's real time, as before -rtc existed. */
Test(pl031, rtc_default_is_host_time)
{
    rtc = (PL031State){0};
    pl031_init(&rtc, (IRQLine){irq_handler, NULL, 0}, NULL);
    int64_t host = (int64_t)(g_get_real_time() / G_USEC_PER_SEC);
    int64_t dr = rd(PL031_DR);
    cr_assert(dr >= host - 1 && dr <= host + 1, "RTCDR %lld, host %lld", (long long)dr,
              (long long)host);
}

/* Reset forgets RTCLR writes and returns to base + elapsed since init on -rtc's clock. */
Test(pl031, rtc_reset_returns_to_base_plus_elapsed)
{
    start_at(1577836800);
    fake_ns += 7 * NS;
    wr(PL031_LR, 42);
    fake_ns += 3 * NS;
    cr_assert_eq(rd(PL031_DR), 45);
    pl031_reset(&rtc);
    cr_assert_eq(rd(PL031_DR), 1577836810);
    cr_assert_eq(rd(PL031_LR), 1577836810);
}
