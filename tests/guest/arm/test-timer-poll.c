/*
 * test-timer-poll.c — the generic timer seen from EL1 without interrupts (ARM ARM D11; registers
 * D17.11): CNTFRQ_EL0 reports 62.5 MHz; CNTPCT_EL0 and CNTVCT_EL0 are monotonic, advance, and
 * are equal (no EL2, so CNTVOFF is 0); for the physical and the virtual timer: CTL.ENABLE/IMASK
 * read back, ISTATUS is read-only, clear while disabled and clear until the count reaches CVAL,
 * then set (polled, with IMASK or not); TVAL is CVAL - count as a signed 32-bit value that counts
 * down, and writing it sets CVAL = count + sext(TVAL). CNTKCTL_EL1's defined bits round-trip.
 * Interrupts stay masked in PSTATE (and no GIC is programmed): nothing is taken. No host time is
 * available to a bare-metal guest, so the rate is not checked here (the unit test does).
 * Single-threaded bare metal at EL1.
 */
#include "runtime.h"

#define MRS(reg)                                                                       \
    ({                                                                                 \
        uint64_t v_;                                                                   \
        __asm__ volatile("isb\n mrs %0, " #reg : "=r"(v_) : : "memory");               \
        v_;                                                                            \
    })
#define MSR(reg, v) __asm__ volatile("msr " #reg ", %0\n isb" : : "r"((uint64_t)(v)) : "memory")

#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u

/* Reads that go through one timer, so both are tested by the same code. */
typedef struct Timer {
    const char *name;
    uint64_t (*count)(void);
    uint64_t (*ctl)(void);
    void (*set_ctl)(uint64_t);
    uint64_t (*cval)(void);
    void (*set_cval)(uint64_t);
    uint64_t (*tval)(void);
    void (*set_tval)(uint64_t);
} Timer;

static uint64_t p_count(void) { return MRS(cntpct_el0); }
static uint64_t p_ctl(void) { return MRS(cntp_ctl_el0); }
static void p_set_ctl(uint64_t v) { MSR(cntp_ctl_el0, v); }
static uint64_t p_cval(void) { return MRS(cntp_cval_el0); }
static void p_set_cval(uint64_t v) { MSR(cntp_cval_el0, v); }
static uint64_t p_tval(void) { return MRS(cntp_tval_el0); }
static void p_set_tval(uint64_t v) { MSR(cntp_tval_el0, v); }
static uint64_t v_count(void) { return MRS(cntvct_el0); }
static uint64_t v_ctl(void) { return MRS(cntv_ctl_el0); }
static void v_set_ctl(uint64_t v) { MSR(cntv_ctl_el0, v); }
static uint64_t v_cval(void) { return MRS(cntv_cval_el0); }
static void v_set_cval(uint64_t v) { MSR(cntv_cval_el0, v); }
static uint64_t v_tval(void) { return MRS(cntv_tval_el0); }
static void v_set_tval(uint64_t v) { MSR(cntv_tval_el0, v); }

static const Timer timers[] = {
    {"phys", p_count, p_ctl, p_set_ctl, p_cval, p_set_cval, p_tval, p_set_tval},
    {"virt", v_count, v_ctl, v_set_ctl, v_cval, v_set_cval, v_tval, v_set_tval},
};


/* Spins until the counter has moved on by at least ticks (bounded: a stuck counter fails). */
static int wait_ticks(const Timer *t, uint64_t ticks)
{
    uint64_t start = t->count();
    for (uint64_t i = 0; i < 200000000ull; i++) {
        if (t->count() - start >= ticks) {
            return 1;
        }
    }
    return 0;
}

static void test_counters(void)
{
    CHECK_EQ(MRS(cntfrq_el0), 62500000);
    uint64_t prev = MRS(cntvct_el0), first = prev;
    int backwards = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t now = MRS(cntvct_el0);
        backwards += now < prev;
        prev = now;
    }
    CHECK_EQ(backwards, 0);
    check_true("CNTVCT advances", wait_ticks(&timers[1], 1000) && MRS(cntvct_el0) > first);
    /* CNTVOFF = 0: the two views agree, whichever is read first */
    uint64_t p = MRS(cntpct_el0), v = MRS(cntvct_el0);
    check_true("CNTVCT >= earlier CNTPCT", v >= p);
    v = MRS(cntvct_el0);
    p = MRS(cntpct_el0);
    check_true("CNTPCT >= earlier CNTVCT", p >= v);
    check_true("CNTPCT - CNTVCT small", p - v < 62500000);
}

static void test_cntkctl(void)
{
    uint64_t saved = MRS(cntkctl_el1);
    MSR(cntkctl_el1, 0x3ff);
    CHECK_EQ(MRS(cntkctl_el1) & 0x3ff, 0x3ff);
    MSR(cntkctl_el1, 0x301);
    CHECK_EQ(MRS(cntkctl_el1) & 0x3ff, 0x301);
    MSR(cntkctl_el1, saved);
}

static void test_timer(const Timer *t)
{
    uart_puts(t->name);
    uart_puts("\n");
    /* disabled: ISTATUS clear even with CVAL in the past */
    t->set_ctl(0);
    t->set_cval(0);
    CHECK_EQ(t->ctl(), 0);
    CHECK_EQ(t->cval(), 0);
    /* ISTATUS is read-only */
    t->set_ctl(CTL_ISTATUS);
    CHECK_EQ(t->ctl(), 0);
    /* enabled (masked) with CVAL in the past: condition met at once */
    t->set_ctl(CTL_ENABLE | CTL_IMASK);
    CHECK_EQ(t->ctl(), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
    /* CVAL far in the future (an unsigned compare: 2^63 is not "negative") */
    t->set_cval(1ull << 63);
    CHECK_EQ(t->cval(), 1ull << 63);
    CHECK_EQ(t->ctl(), CTL_ENABLE | CTL_IMASK);

    /* TVAL write: CVAL = count + TVAL */
    uint64_t before = t->count();
    t->set_tval(62500000); /* one second */
    uint64_t after = t->count();
    uint64_t cval = t->cval();
    check_true("CVAL >= count before + TVAL", cval >= before + 62500000);
    check_true("CVAL <= count after + TVAL", cval <= after + 62500000);
    /* TVAL counts down; bits 63:32 read as zero */
    uint64_t t1 = t->tval();
    wait_ticks(t, 100);
    uint64_t t2 = t->tval();
    CHECK_EQ(t1 >> 32, 0);
    check_true("TVAL <= written", t1 <= 62500000);
    check_true("TVAL counts down", t2 < t1);
    CHECK_EQ(t->ctl() & CTL_ISTATUS, 0);

    /* a short deadline: ISTATUS stays clear before CVAL and is set once the count reaches it */
    t->set_ctl(CTL_ENABLE);
    t->set_tval(625000); /* 10 ms */
    cval = t->cval();
    /* Only "never early" is checked: the comparator may take a moment to see the count pass
     * CVAL (QEMU updates ISTATUS from its own timer callback), so a clear ISTATUS read just
     * after the deadline is allowed. */
    int early = 0, seen = 0, clear_before = 0;
    for (uint64_t i = 0; i < 200000000ull && !seen; i++) {
        uint64_t ctl = t->ctl();
        uint64_t c1 = t->count();
        if (ctl & CTL_ISTATUS) {
            seen = 1;
            early += c1 < cval; /* set although the count had not reached CVAL */
        } else {
            clear_before += c1 < cval;
        }
    }
    check_true("ISTATUS clear before the deadline", clear_before > 0);
    check_true("ISTATUS set after the deadline", seen);
    CHECK_EQ(early, 0);
    CHECK_EQ(t->ctl(), CTL_ENABLE | CTL_ISTATUS);
    /* after the deadline TVAL is negative as a 32-bit value */
    check_true("TVAL negative after expiry", (int32_t)(uint32_t)t->tval() <= 0);
    /* IMASK does not hide ISTATUS */
    t->set_ctl(CTL_ENABLE | CTL_IMASK);
    CHECK_EQ(t->ctl(), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);

    /* a negative TVAL puts CVAL in the past: met at once; CVAL = count - 1000 */
    before = t->count();
    t->set_tval(0xfffffffffffffc18ull); /* -1000; bits 63:32 ignored */
    after = t->count();
    cval = t->cval();
    check_true("negative TVAL: CVAL >= before - 1000", (int64_t)(cval - (before - 1000)) >= 0);
    check_true("negative TVAL: CVAL <= after - 1000", (int64_t)(cval - (after - 1000)) <= 0);
    CHECK_EQ(t->ctl(), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
    /* disabling clears ISTATUS */
    t->set_ctl(0);
    CHECK_EQ(t->ctl(), 0);
}

int main(void)
{
    test_counters();
    test_cntkctl();
    for (unsigned i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
        test_timer(&timers[i]);
    }
    return guest_report();
}
