/*
 * test-smp-rtc.c — the PL031 RTC (0x09010000) in the deterministic single-thread mode, run
 * with -rtc base=2020-01-01T00:00:00 (test-smp-rtc.args). Two vCPUs race on a plain counter
 * (an interleaving fingerprint) and each records RTCDR and CNTPCT before and after its work;
 * then CPU 1 powers off and CPU 0 sleeps in WFI until its physical timer fires 1.5 s later,
 * where an idle machine's clock skips ahead. CPU 0 prints every RTC/counter pair.
 * Checks: every RTC value is 2020-01-01 (1577836800) plus at most ELAPSED_MAX seconds, it never
 * goes backwards, and across the sleep it advanced as far as CNTPCT did (within a second): the
 * RTC follows the guest's clock, not the host's. tests/rr/run.sh runs it twice per backend and
 * requires identical output (and tests/rr/test-smp-rtc.check re-checks the values).
 * On QEMU: -rtc base=2020-01-01T00:00:00,clock=vm -icount shift=0 is its deterministic mode.
 */
#include <stdbool.h>

#include "runtime.h"

#define NCPUS 2
#define ADDS 20000
#define RTC_BASE 1577836800u /* 2020-01-01T00:00:00Z */
#define ELAPSED_MAX 10
#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u

#define GICD 0x08000000ul
#define GICC 0x08010000ul
#define RTCDR 0x09010000ul
#define REG32(addr) (*(volatile uint32_t *)(addr))
#define TIMER_INTID 30 /* non-secure physical timer, PPI 14 */

static uint8_t stack1[4096] __attribute__((aligned(16)));
static volatile uint64_t counter;
static volatile uint64_t hash[NCPUS];
static volatile uint32_t rtc_before[NCPUS], rtc_after[NCPUS];
static volatile uint64_t cnt_before[NCPUS], cnt_after[NCPUS];
static volatile uint32_t go, done1;

static uint64_t read_cntpct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(v) : : "memory");
    return v;
}

static void rtc_work(int me)
{
    rtc_before[me] = REG32(RTCDR);
    cnt_before[me] = read_cntpct();
    while (!go) {
    }
    uint64_t h = 0;
    for (int i = 0; i < ADDS; i++) {
        uint64_t v = counter; /* plain load, add, store: the interleaving shows in h */
        counter = v + 1;
        h = h * 31 + v;
    }
    hash[me] = h;
    rtc_after[me] = REG32(RTCDR);
    cnt_after[me] = read_cntpct();
}

void secondary_main(uint64_t context)
{
    rtc_work(1);
    __asm__ volatile("dmb ish" ::: "memory");
    done1 = 1;
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
    for (;;) {
    }
}

static void print_pair(const char *what, uint32_t rtc, uint64_t cnt)
{
    uart_puts(what);
    uart_puts(" rtc ");
    print_dec(rtc);
    uart_puts(" cnt ");
    print_dec((int64_t)cnt);
    uart_puts("\n");
    CHECK_EQ(rtc >= RTC_BASE && rtc <= RTC_BASE + ELAPSED_MAX, 1);
}

/* WFI with IRQs masked until the physical timer's interrupt is pending (ARM ARM D1.16.2: WFI
 * wakes on a pending interrupt even if PSTATE.I masks it); the deadline is 1.5 s away. */
static void sleep_on_timer(void)
{
    uint64_t freq, ctl;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    REG32(GICD + 0x000) = 1;                          /* GICD_CTLR.EnableGrp0 */
    REG32(GICC + 0x000) = 1;                          /* GICC_CTLR.EnableGrp0 */
    REG32(GICC + 0x004) = 0xff;                       /* PMR */
    *(volatile uint8_t *)(GICD + 0x400 + TIMER_INTID) = 0x40;
    REG32(GICD + 0x100) = 1u << TIMER_INTID;          /* ISENABLER0 */
    __asm__ volatile("msr daifset, #2\n"
                     "msr cntp_tval_el0, %0\n"
                     "msr cntp_ctl_el0, %1\n"
                     "isb\n" : : "r"(freq + freq / 2), "r"(1ul) : "memory");
    int wakeups = 0;
    do {
        __asm__ volatile("dsb sy\n wfi" ::: "memory");
        __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(ctl));
    } while (!(ctl & 4) && ++wakeups < 1000);
    __asm__ volatile("msr cntp_ctl_el0, xzr\n isb" ::: "memory");
    CHECK_EQ(ctl & 4, 4); /* ISTATUS: the deadline passed */
}

int main(void)
{
    uint64_t top = (uint64_t)&stack1[sizeof(stack1)];
    CHECK_EQ(psci_hvc(CPU_ON64, 1, (uint64_t)secondary_entry, top, 0), 0);
    go = 1;
    rtc_work(0);
    while (!done1) {
    }
    __asm__ volatile("dmb ish" ::: "memory");
    uart_puts("fingerprint ");
    print_hex(counter * 1000003 ^ hash[0] ^ (hash[1] << 1));
    uart_puts(" counter ");
    print_dec((int64_t)counter);
    uart_puts("\n");
    for (int c = 0; c < NCPUS; c++) {
        uart_puts("cpu ");
        print_dec(c);
        print_pair(" before", rtc_before[c], cnt_before[c]);
        uart_puts("cpu ");
        print_dec(c);
        print_pair(" after", rtc_after[c], cnt_after[c]);
        CHECK_EQ(rtc_after[c] >= rtc_before[c], 1);
    }

    uint32_t rtc0 = REG32(RTCDR);
    uint64_t cnt0 = read_cntpct();
    sleep_on_timer();
    uint32_t rtc1 = REG32(RTCDR);
    uint64_t cnt1 = read_cntpct();
    print_pair("sleep start", rtc0, cnt0);
    print_pair("sleep end", rtc1, cnt1);
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    /* Whole seconds of the counter across the sleep (>= 1.5 s): the RTC moved as far, give
     * or take the second it may have been into when the sleep began. */
    uint64_t cnt_secs = (cnt1 - cnt0) / freq;
    uint32_t rtc_secs = rtc1 - rtc0;
    CHECK_EQ(cnt_secs >= 1, 1);
    CHECK_EQ(rtc_secs >= cnt_secs && rtc_secs <= cnt_secs + 1, 1);
    return guest_report();
}
