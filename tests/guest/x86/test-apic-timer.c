/*
 * test-apic-timer.c — the local APIC and IOAPIC of -M pc as a guest sees them (Intel SDM vol. 3A
 * chapter 10; 82093AA IOAPIC datasheet): IA32_APIC_BASE and CPUID.1:EDX.APIC, the LAPIC timer
 * in one-shot and periodic modes delivered through the IDT, ISR/EOI (a vector whose class is
 * in service waits for the EOI), TPR masking (CR8 and the TPR register, IRR held, PPR), the
 * 8259 reaching the CPU through LINT0 in ExtINT mode (virtual wire: no ISR bit), and the PIT's
 * IRQ 0 routed by IOAPIC pin 2 (the MADT's interrupt source override) with the 8259 masked.
 * Waits are bounded by the TSC (about 1 GHz on Tandem, the host rate on QEMU), so a missing
 * interrupt fails instead of hanging. Single-threaded bare metal; handlers run with IF = 0.
 * Timing: an emulator's vCPU thread may be descheduled at any point, so a periodic source
 * may deliver one more interrupt than a wait asked for (it expired while the handler or the
 * loop ran), a timer may expire before a count is read back, and an expiry may sit in the
 * IRR when the source is stopped. The checks allow exactly that and no more: at least N, at
 * most what the elapsed time allows (the TSC is calibrated against the 1 GHz APIC timer),
 * and after stopping or masking, only what was already in the IRR arrives.
 */
#include "runtime.h"

#define APIC_BASE 0xfee00000ull
#define IOAPIC_BASE 0xfec00000ull

/* xAPIC register offsets (SDM table 10-1) */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_PPR 0x0a0
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ISR 0x100
#define LAPIC_IRR 0x200
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_ICR 0x380
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_DM_EXTINT (7u << 8)

#define VEC_PIC_BASE 0x20 /* 8259 master IRQ 0 */
#define VEC_ONESHOT 0x40
#define VEC_PERIODIC 0x41
#define VEC_TPR 0x42
#define VEC_NOEOI 0x44
#define VEC_IOAPIC_PIT 0x50
#define VEC_IOAPIC_PIN0 0x51
#define VEC_SPURIOUS 0xff

static uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(APIC_BASE + reg); }
static void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(APIC_BASE + reg) = v; }

static uint32_t ioapic_read(uint32_t reg)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    return *(volatile uint32_t *)(IOAPIC_BASE + 0x10);
}
static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC_BASE = reg;
    *(volatile uint32_t *)(IOAPIC_BASE + 0x10) = v;
}
static void ioapic_set_rte(int pin, uint32_t low, uint32_t high)
{
    ioapic_write(0x10 + 2 * pin + 1, high);
    ioapic_write(0x10 + 2 * pin, low);
}

static int vec_bit(uint32_t base, int v) { return (lapic_read(base + 0x10 * (v / 32)) >> (v % 32)) & 1; }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static volatile int count[256];
static volatile int isr_in_handler[256];
static volatile int skip_eoi;

static void on_irq(struct x86_exc_frame *f)
{
    int v = (int)f->vector;
    count[v]++;
    isr_in_handler[v] = vec_bit(LAPIC_ISR, v);
    if (v == VEC_PIC_BASE || v == VEC_PIC_BASE + 7) {
        outb(0x20, 0x20); /* ExtINT: the 8259 holds it in service, not the APIC */
    } else if (v == VEC_NOEOI && skip_eoi) {
        skip_eoi = 0;
    } else if (v != VEC_SPURIOUS) {
        lapic_write(LAPIC_EOI, 0);
    }
}

/* Runs with IF = 1 until count[v] >= n or about `ticks` TSC ticks went by; returns count[v]. */
static int wait_for(int v, int n, uint64_t ticks)
{
    uint64_t start = rdtsc();
    __asm__ volatile("sti" ::: "memory");
    while (count[v] < n && rdtsc() - start < ticks) {
        __asm__ volatile("pause" ::: "memory");
    }
    __asm__ volatile("cli" ::: "memory");
    return count[v];
}

/* Runs with IF = 1 until vector v is pending in the IRR or about `ticks` went by. */
static int wait_irr(int v, uint64_t ticks)
{
    uint64_t start = rdtsc();
    __asm__ volatile("sti" ::: "memory");
    while (!vec_bit(LAPIC_IRR, v) && rdtsc() - start < ticks) {
        __asm__ volatile("pause" ::: "memory");
    }
    __asm__ volatile("cli" ::: "memory");
    return vec_bit(LAPIC_IRR, v);
}

#define TIMEOUT 4000000000ull /* a few seconds: only reached when something is broken */
#define QUIET 20000000ull     /* 7-20 ms: "nothing arrives" windows */

/* Called with IF = 0 once vector v's source was stopped or masked: an expiry already in the
 * IRR stays pending while IF = 0 and arrives at the next STI (masking stops new messages; it
 * does not withdraw accepted ones, SDM 10.5.1), and nothing arrives after it. Returns the
 * final count. */
static int check_source_quiet(int v)
{
    int seen = count[v];
    int pending = vec_bit(LAPIC_IRR, v);
    uint64_t start = rdtsc();
    while (rdtsc() - start < QUIET / 4) {
        __asm__ volatile("pause" ::: "memory");
    }
    CHECK_EQ(count[v], seen); /* IF = 0 held it off */
    CHECK_EQ(wait_for(v, seen + pending + 1, QUIET), seen + pending);
    CHECK_EQ(vec_bit(LAPIC_IRR, v), 0);
    return seen + pending;
}

/* TSC ticks per ms, measured against the APIC timer's current count (1 GHz at divide by 1,
 * on Tandem and QEMU) over about 10 ms. Each sample brackets the CCR read between two RDTSCs
 * and keeps the tightest of 8, so a descheduled vCPU skews it by a few microseconds at most. */
static void tsc_ccr_sample(uint64_t *tsc, uint32_t *ccr)
{
    uint64_t best = ~0ull;
    for (int i = 0; i < 8; i++) {
        uint64_t a = rdtsc();
        uint32_t c = lapic_read(LAPIC_TIMER_CCR);
        uint64_t b = rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ccr = c;
        }
    }
}

static uint64_t tsc_per_ms(void)
{
    lapic_write(LAPIC_TIMER_DCR, 0xb);
    lapic_write(LAPIC_LVT_TIMER, VEC_ONESHOT | LVT_MASKED);
    lapic_write(LAPIC_TIMER_ICR, 0xffffffffu); /* about 4.3 s */
    uint64_t t0, t1;
    uint32_t c0, c1;
    tsc_ccr_sample(&t0, &c0);
    uint64_t start = rdtsc();
    while (c0 - lapic_read(LAPIC_TIMER_CCR) < 10000000u && rdtsc() - start < TIMEOUT) {
        __asm__ volatile("pause" ::: "memory");
    }
    tsc_ccr_sample(&t1, &c1);
    lapic_write(LAPIC_TIMER_ICR, 0);
    CHECK(c0 - c1 >= 10000000u);
    return (t1 - t0) * 1000000 / (c0 - c1 ? c0 - c1 : 1);
}

static void pic_init_masked(void)
{
    /* ICW1-4 (8259A datasheet): edge, cascade, vectors 0x20/0x28, slave on IR2, 8086 mode. */
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, VEC_PIC_BASE);
    outb(0xa1, VEC_PIC_BASE + 8);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 1);
    outb(0xa1, 1);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}

static void pit_start_1khz(void)
{
    outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
    outb(0x40, 1193 & 0xff);
    outb(0x40, 1193 >> 8);
}

static void test_apic_base(void)
{
    CHECK_EQ((cpuid(1, 0).edx >> 9) & 1, 1);
    uint64_t base = rdmsr(MSR_APIC_BASE);
    CHECK_EQ(base & ~0xfffull, APIC_BASE);
    CHECK_EQ(base & 0x900, 0x900); /* EN, BSP */
    uint32_t ver = lapic_read(LAPIC_VER);
    CHECK((ver & 0xff) >= 0x10 && (ver & 0xff) <= 0x15); /* integrated APIC */
    CHECK(((ver >> 16) & 0xff) >= 4);
}

static void test_oneshot(void)
{
    lapic_write(LAPIC_TIMER_DCR, 0xb); /* divide by 1 */
    lapic_write(LAPIC_LVT_TIMER, VEC_ONESHOT);
    lapic_write(LAPIC_TIMER_ICR, 2000000);
    uint32_t ccr = lapic_read(LAPIC_TIMER_CCR);
    /* 0 only if the 2 ms went by already (vCPU descheduled): then it expired (IF = 0). */
    CHECK(ccr <= 2000000 && (ccr > 0 || vec_bit(LAPIC_IRR, VEC_ONESHOT)));
    CHECK_EQ(wait_for(VEC_ONESHOT, 1, TIMEOUT), 1);
    CHECK_EQ(isr_in_handler[VEC_ONESHOT], 1);
    CHECK_EQ(vec_bit(LAPIC_ISR, VEC_ONESHOT), 0); /* the handler's EOI cleared it */
    CHECK_EQ(lapic_read(LAPIC_TIMER_CCR), 0);
    CHECK_EQ(wait_for(VEC_ONESHOT, 2, QUIET), 1); /* one-shot: no second expiry */
}

#define PERIOD_NS 300000
#define PERIODS 20

static void test_periodic(uint64_t tsc_ms)
{
    uint64_t t0 = rdtsc();
    lapic_write(LAPIC_LVT_TIMER, VEC_PERIODIC | LVT_PERIODIC);
    lapic_write(LAPIC_TIMER_ICR, PERIOD_NS);
    CHECK(wait_for(VEC_PERIODIC, PERIODS, TIMEOUT) >= PERIODS);
    uint32_t ccr = lapic_read(LAPIC_TIMER_CCR);
    CHECK(ccr > 0 && ccr <= PERIOD_NS); /* reloaded, still counting */
    /* Masked (SDM 10.5.1: inhibits the interrupt, not the count): quiet, still counting. */
    lapic_write(LAPIC_LVT_TIMER, VEC_PERIODIC | LVT_PERIODIC | LVT_MASKED);
    uint64_t t1 = rdtsc();
    int seen = check_source_quiet(VEC_PERIODIC);
    /* t1 - t0 covers every expiry counted: at most one per period (missed ones may coalesce,
     * never multiply); 1/8 covers the TSC calibration. */
    uint64_t periods = (t1 - t0) * 1000000 / tsc_ms / PERIOD_NS;
    CHECK((uint64_t)seen <= periods + periods / 8 + 1);
    ccr = lapic_read(LAPIC_TIMER_CCR);
    CHECK(ccr > 0 && ccr <= PERIOD_NS);
    lapic_write(LAPIC_LVT_TIMER, VEC_PERIODIC | LVT_PERIODIC);
    CHECK(wait_for(VEC_PERIODIC, seen + 2, TIMEOUT) >= seen + 2);
    lapic_write(LAPIC_TIMER_ICR, 0); /* SDM 10.5.4: writing 0 stops the timer */
    check_source_quiet(VEC_PERIODIC);
    CHECK_EQ(lapic_read(LAPIC_TIMER_CCR), 0);
    lapic_write(LAPIC_LVT_TIMER, VEC_PERIODIC | LVT_PERIODIC | LVT_MASKED);
}

static void test_tpr(void)
{
    /* TPR class 5 holds vector 0x42 (class 4) in the IRR (SDM 10.8.3.1). */
    WRITE_CR(8, 5);
    CHECK_EQ(lapic_read(LAPIC_TPR), 0x50);
    CHECK_EQ(lapic_read(LAPIC_PPR), 0x50);
    lapic_write(LAPIC_LVT_TIMER, VEC_TPR);
    lapic_write(LAPIC_TIMER_ICR, 10000);
    CHECK_EQ(wait_irr(VEC_TPR, TIMEOUT), 1);
    CHECK_EQ(wait_for(VEC_TPR, 1, QUIET), 0);
    CHECK_EQ(vec_bit(LAPIC_IRR, VEC_TPR), 1);
    /* The TPR register and CR8 are one: lowering it lets the interrupt in. */
    lapic_write(LAPIC_TPR, 0x30);
    CHECK_EQ(READ_CR(8), 3);
    CHECK_EQ(wait_for(VEC_TPR, 1, TIMEOUT), 1);
    CHECK_EQ(vec_bit(LAPIC_IRR, VEC_TPR), 0);
    WRITE_CR(8, 0);

    /* A vector of the class in service waits for the EOI (PPR = ISR class). */
    skip_eoi = 1;
    lapic_write(LAPIC_LVT_TIMER, VEC_NOEOI);
    lapic_write(LAPIC_TIMER_ICR, 10000);
    CHECK_EQ(wait_for(VEC_NOEOI, 1, TIMEOUT), 1);
    CHECK_EQ(vec_bit(LAPIC_ISR, VEC_NOEOI), 1);
    CHECK_EQ(lapic_read(LAPIC_PPR), VEC_NOEOI & 0xf0);
    lapic_write(LAPIC_TIMER_ICR, 10000);
    CHECK_EQ(wait_irr(VEC_NOEOI, TIMEOUT), 1);
    CHECK_EQ(wait_for(VEC_NOEOI, 2, QUIET), 1);
    CHECK_EQ(vec_bit(LAPIC_IRR, VEC_NOEOI), 1);
    lapic_write(LAPIC_EOI, 0);
    CHECK_EQ(wait_for(VEC_NOEOI, 2, TIMEOUT), 2);
    CHECK_EQ(vec_bit(LAPIC_ISR, VEC_NOEOI), 0);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

static void test_extint(void)
{
    /* Virtual wire: 8259 IRQ 0 -> INTR -> LINT0 (ExtINT) -> vector from the 8259's INTA. */
    lapic_write(LAPIC_LVT_LINT0, LVT_DM_EXTINT);
    outb(0x21, 0xfe);
    CHECK(wait_for(VEC_PIC_BASE, 3, TIMEOUT) >= 3);
    CHECK_EQ(isr_in_handler[VEC_PIC_BASE], 0);
    outb(0x21, 0xff);
    /* LINT0 masked: an unmasked 8259 no longer reaches the CPU (ExtINT never uses the IRR). */
    lapic_write(LAPIC_LVT_LINT0, LVT_DM_EXTINT | LVT_MASKED);
    outb(0x21, 0xfe);
    check_source_quiet(VEC_PIC_BASE);
    outb(0x21, 0xff);
}

#define PIT_EDGES 40

static void test_ioapic(uint64_t tsc_ms)
{
    uint32_t ver = ioapic_read(1);
    CHECK_EQ(ver & 0xff, 0x20);
    CHECK_EQ((ver >> 16) & 0xff, 23);
    uint32_t dest = lapic_read(LAPIC_ID) & 0xff000000u;
    /* Pin 0 must stay quiet: IRQ 0 is GSI 2 (MADT override), and the 8259 is masked. */
    ioapic_set_rte(0, VEC_IOAPIC_PIN0, dest);
    uint64_t t0 = rdtsc();
    ioapic_set_rte(2, VEC_IOAPIC_PIT, dest); /* fixed, physical, edge, active high */
    CHECK_EQ(ioapic_read(0x10 + 4) & 0x100ff, VEC_IOAPIC_PIT);
    CHECK(wait_for(VEC_IOAPIC_PIT, PIT_EDGES, TIMEOUT) >= PIT_EDGES);
    CHECK_EQ(isr_in_handler[VEC_IOAPIC_PIT], 1);
    CHECK_EQ(count[VEC_IOAPIC_PIN0], 0);
    CHECK_EQ(count[VEC_PIC_BASE] >= 3, 1);
    ioapic_set_rte(2, VEC_IOAPIC_PIT | LVT_MASKED, dest);
    uint64_t t1 = rdtsc();
    ioapic_set_rte(0, VEC_IOAPIC_PIN0 | LVT_MASKED, dest);
    int seen = check_source_quiet(VEC_IOAPIC_PIT); /* 82093AA: an edge while masked is lost */
    CHECK_EQ(count[VEC_IOAPIC_PIN0], 0);
    /* One rising edge per 1 ms period. The slack is wider than the APIC timer's: after a
     * host stall i8254.c replays the missed edges (each may reach the CPU), but a doubled
     * rate still fails. */
    uint64_t periods = (t1 - t0) / tsc_ms;
    CHECK((uint64_t)seen <= periods + periods / 2 + 4);
}

int main(void)
{
    CHECK(x86_map_page(APIC_BASE, APIC_BASE, X86_PTE_RW | 0x18) != NULL);
    CHECK(x86_map_page(IOAPIC_BASE, IOAPIC_BASE, X86_PTE_RW | 0x18) != NULL);
    static const int vecs[] = {VEC_PIC_BASE, VEC_PIC_BASE + 7, VEC_ONESHOT, VEC_PERIODIC,
                               VEC_TPR, VEC_NOEOI, VEC_IOAPIC_PIT, VEC_IOAPIC_PIN0, VEC_SPURIOUS};
    for (unsigned i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
        exc_set_handler(vecs[i], on_irq);
    }
    pic_init_masked();
    pit_start_1khz();

    test_apic_base();
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS); /* software enable */
    lapic_write(LAPIC_LVT_LINT0, LVT_DM_EXTINT | LVT_MASKED);
    lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_write(LAPIC_TPR, 0);
    uint64_t tsc_ms = tsc_per_ms();
    test_oneshot();
    test_periodic(tsc_ms);
    test_tpr();
    test_extint();
    test_ioapic(tsc_ms);
    CHECK_EQ(count[VEC_SPURIOUS], 0);
    return guest_report();
}
