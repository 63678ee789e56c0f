/*
 * test-gic-common.h — the body shared by test-gicv2.c and test-gicv3.c: each file defines the
 * gic_* operations for its GIC (memory-mapped GICv2 CPU interface, or GICv3 ICC_* system
 * registers) and includes this. Checks, with SGIs sent by the CPU to itself: HPPIR, IAR and
 * EOI, the running priority, PMR masking, preemption only by a higher priority, a spurious
 * 1023 when nothing is pending, an IRQ exception taken through VBAR_EL1 once PSTATE.I is
 * cleared (the handler acknowledges and EOIs), and the physical generic timer waking a WFI
 * and then raising its IRQ (PPI 14). Single-threaded bare metal at EL1.
 */
#ifndef TEST_GIC_COMMON_H
#define TEST_GIC_COMMON_H

#include "runtime.h"
#include "test-irq-vectors.h"

#define GICD ((volatile uint32_t *)0x08000000ul)
#define REG32(base, off) (*(volatile uint32_t *)((uintptr_t)(base) + (off)))
#define REG8(base, off) (*(volatile uint8_t *)((uintptr_t)(base) + (off)))

static void gic_setup(void);
static void gic_sgi_self(int id);
static uint32_t gic_iar(void);
static uint32_t gic_hppir(void);
static void gic_eoi(uint32_t iar);
static uint32_t gic_rpr(void);
static void gic_set_pmr(uint32_t v);
static void gic_config_sgi(int id, uint8_t prio); /* enable with this priority */

/* ---- IRQ exception ---- */

static volatile uint32_t irq_seen_iar = 0xffffffff;
static volatile int irq_count;
static volatile uint64_t irq_seen_elr; /* where the last IRQ interrupted the program */
static volatile uint64_t elr_lo, elr_hi = ~0ull; /* an IRQ outside [elr_lo, elr_hi) is stray */
static volatile int elr_stray;
static volatile int timer_rearms; /* timer IRQs that re-arm the timer instead of masking it */
static volatile int timer_done;   /* set by the timer IRQ that masks the timer */

#define TIMER_PPI_NS_PHYS 30 /* INTID of the non-secure physical timer on virt (PPI 14) */

void irq_vector_handler(void)
{
    uint32_t iar = gic_iar();
    uint64_t elr;
    __asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
    irq_seen_elr = elr;
    if (elr < elr_lo || elr >= elr_hi) {
        elr_stray++;
    }
    irq_seen_iar = iar;
    irq_count++;
    if ((iar & 0x3ff) == TIMER_PPI_NS_PHYS && timer_rearms > 0) {
        /* 100 us later: a deadline in the future lowers the timer's level. */
        uint64_t now, freq;
        __asm__ volatile("mrs %0, cntfrq_el0\n mrs %1, cntpct_el0" : "=r"(freq), "=r"(now));
        __asm__ volatile("msr cntp_cval_el0, %0\n isb" : : "r"(now + freq / 10000) : "memory");
        timer_rearms--;
    } else if ((iar & 0x3ff) == TIMER_PPI_NS_PHYS) {
        /* The timer output is a level: mask it before EOI or it is taken again at once. */
        __asm__ volatile("msr cntp_ctl_el0, %0\n isb" : : "r"(3ul) : "memory");
        timer_done = 1;
    }
    gic_eoi(iar);
}

/* No synchronous exception is expected at EL1 here. */
void sync_vector_handler(uint64_t *frame)
{
    bad_vector_handler();
}

/* ---- tests ---- */

static void test_ack_eoi(void)
{
    gic_config_sgi(3, 0x80);
    CHECK_EQ(gic_iar(), 1023); /* nothing pending */
    gic_sgi_self(3);
    CHECK_EQ(gic_hppir() & 0x3ff, 3);
    CHECK_EQ(gic_iar() & 0x3ff, 3);
    CHECK_EQ(gic_rpr(), 0x80);
    CHECK_EQ(gic_iar(), 1023); /* active, not pending */
    gic_eoi(3);
    CHECK_EQ(gic_rpr(), 0xff);
}

static void test_pmr(void)
{
    gic_config_sgi(2, 0x80);
    gic_set_pmr(0x80); /* equal priority is masked */
    gic_sgi_self(2);
    CHECK_EQ(gic_iar(), 1023);
    gic_set_pmr(0x88);
    CHECK_EQ(gic_iar() & 0x3ff, 2);
    gic_eoi(2);
    gic_set_pmr(0xff);
}

static void test_preemption(void)
{
    gic_config_sgi(4, 0x80);
    gic_config_sgi(5, 0xa0);
    gic_config_sgi(6, 0x40);
    gic_sgi_self(4);
    CHECK_EQ(gic_iar() & 0x3ff, 4);
    gic_sgi_self(5);
    CHECK_EQ(gic_iar(), 1023); /* lower priority than the running one */
    gic_sgi_self(6);
    CHECK_EQ(gic_iar() & 0x3ff, 6); /* preempts */
    CHECK_EQ(gic_rpr(), 0x40);
    gic_eoi(6);
    CHECK_EQ(gic_rpr(), 0x80);
    gic_eoi(4);
    CHECK_EQ(gic_iar() & 0x3ff, 5);
    gic_eoi(5);
    CHECK_EQ(gic_rpr(), 0xff);
}

static void test_irq_exception(void)
{
    gic_config_sgi(7, 0x60);
    __asm__ volatile("msr vbar_el1, %0\n isb" : : "r"(irq_vectors) : "memory");
    gic_sgi_self(7);
    CHECK_EQ(irq_count, 0); /* PSTATE.I masks it */
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (int i = 0; i < 1000000 && irq_count == 0; i++) {
        __asm__ volatile("nop");
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    CHECK_EQ(irq_count, 1);
    CHECK_EQ(irq_seen_iar & 0x3ff, 7);
    CHECK_EQ(gic_rpr(), 0xff);
}

/* The physical timer through the GIC: WFI with PSTATE.I set sleeps until the timer's
 * interrupt is pending (ARM ARM D1.16.2: WFI wakes on a pending interrupt even if masked),
 * never before the deadline; unmasking then takes it as an IRQ exception with INTID 30. */
static void test_timer_wfi(void)
{
    uint64_t freq, now, cval, ctl;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    gic_config_sgi(TIMER_PPI_NS_PHYS, 0x40);
    irq_count = 0;
    irq_seen_iar = 0xffffffff;
    __asm__ volatile("msr daifset, #2\n"
                     "mrs %0, cntpct_el0\n" : "=r"(now) : : "memory");
    cval = now + freq / 100; /* 10 ms */
    __asm__ volatile("msr cntp_cval_el0, %0\n"
                     "msr cntp_ctl_el0, %1\n"
                     "isb\n" : : "r"(cval), "r"(1ul) : "memory");
    int wakeups = 0;
    do {
        __asm__ volatile("dsb sy\n wfi" ::: "memory");
        wakeups++;
        __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(ctl));
    } while (!(ctl & 4) && wakeups < 1000);
    __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(now) : : "memory");
    CHECK_EQ(ctl & 4, 4);             /* ISTATUS: the deadline has passed */
    CHECK_EQ(now >= cval, 1);         /* not woken before it */
    CHECK_EQ(wakeups <= 10, 1);       /* WFI slept: no busy loop of wake-ups */
    CHECK_EQ(irq_count, 0);           /* still masked by PSTATE.I */
    CHECK_EQ(gic_hppir() & 0x3ff, TIMER_PPI_NS_PHYS);
    __asm__ volatile("msr daifclr, #2\n isb" ::: "memory");
    for (int i = 0; i < 1000000 && irq_count == 0; i++) {
        __asm__ volatile("nop");
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    CHECK_EQ(irq_count, 1);
    CHECK_EQ(irq_seen_iar & 0x3ff, TIMER_PPI_NS_PHYS);
    __asm__ volatile("msr cntp_ctl_el0, xzr\n isb" ::: "memory");
}

/* Timer IRQs land in a loop of two TBs that jump to each other (chained, so no pc is stored
 * on the way round): each must be taken at the instruction the loop had reached and the loop
 * must go on from there. TB A counts a, TB B counts b; resuming in the wrong TB breaks
 * a == b + 1 at the exit (through A). 20 IRQs, so a wrong pc cannot escape by luck. */
static void test_timer_in_chained_loop(void)
{
    uint64_t freq, now, start, end, a, b, t;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    gic_config_sgi(TIMER_PPI_NS_PHYS, 0x40);
    irq_count = 0;
    timer_done = 0;
    timer_rearms = 19;
    elr_stray = 0;
    __asm__ volatile("mrs %0, cntpct_el0" : "=r"(now));
    __asm__ volatile("msr cntp_cval_el0, %0\n"
                     "msr cntp_ctl_el0, %1\n"
                     "isb\n" : : "r"(now + freq / 10000), "r"(1ul) : "memory");
    /* One asm statement: bounds published, IRQs unmasked, the loop, IRQs masked. */
    __asm__ volatile("adr %[start], 1f\n adr %[end], 3f\n"
                     "str %[start], [%[lo]]\n str %[end], [%[hi]]\n"
                     "mov %[a], #0\n mov %[b], #0\n"
                     "msr daifclr, #2\n"
                     "1: add %[a], %[a], #1\n"
                     "ldr %w[t], [%[flag]]\n"
                     "cbnz %w[t], 2f\n"
                     "add %[b], %[b], #1\n"
                     "cmp %[a], %[max]\n"
                     "b.lo 1b\n"
                     "2: msr daifset, #2\n"
                     "3:\n"
                     : [start] "=&r"(start), [end] "=&r"(end), [a] "=&r"(a), [b] "=&r"(b),
                       [t] "=&r"(t)
                     : [flag] "r"(&timer_done), [max] "r"(1ul << 34), [lo] "r"(&elr_lo),
                       [hi] "r"(&elr_hi)
                     : "memory", "cc");
    __asm__ volatile("msr cntp_ctl_el0, xzr\n isb" ::: "memory");
    elr_lo = 0;
    elr_hi = ~0ull;
    CHECK_EQ(irq_count, 20);
    CHECK_EQ(elr_stray, 0);
    CHECK_EQ(a, b + 1);
}

int main(void)
{
    __asm__ volatile("msr daifset, #3" ::: "memory");
    gic_setup();
    test_ack_eoi();
    test_pmr();
    test_preemption();
    test_irq_exception();
    test_timer_wfi();
    test_timer_in_chained_loop();
    return guest_report();
}

#endif
