/*
 * smp-gicv3-body.h — the body of test-smp-gicv3.c (NCPUS 64, -machine gic-version=3 -smp 64)
 * and test-gicv3-redist2.c (NCPUS 130: more CPUs than the first redistributor window holds):
 * many vCPUs on a GICv3, validated on qemu-system-aarch64 7.2 with the same options. Checks QEMU virt's layout: CPU i has MPIDR Aff1 = i / 16, Aff0 = i % 16 (clusters of
 * 16, so an SGI TargetList reaches a whole cluster); redistributor frame i (at 0x080a0000, from
 * the 124th CPU on at 0x40_0000_0000) has GICR_TYPER Processor_Number i, that affinity, and
 * Last only on the last frame of each region. Then, with every CPU up through PSCI CPU_ON:
 * each CPU sends SGI 1 (ICC_SGI1R_EL1 by affinity) to the next CPU, crossing clusters, and each
 * receives exactly one; an IRM = 1 broadcast of SGI 2 from CPU 0 reaches every other CPU once
 * and not CPU 0; an SPI routed by GICD_IROUTER to a CPU in another cluster arrives there only;
 * an SPI with IROUTER.IRM = 1 (1-of-N) is taken by exactly one CPU. Interrupts stay masked in
 * PSTATE: CPUs sleep in WFI (which wakes on a pending interrupt even when masked) and take
 * interrupts by reading ICC_IAR1_EL1. An IRM = 1 broadcast of SGI 3 ends the secondaries.
 */
#include "runtime.h"

#ifndef NCPUS
#error "define NCPUS (and -smp NCPUS in the test's .args) before including smp-gicv3-body.h"
#endif

#define CPU_ON64 0xc4000003u
#define CPU_OFF 0x84000002u
#define AFFINITY_INFO64 0xc4000004u

#define GICD 0x08000000ul
#define GICR0 0x080a0000ul
#define GICR2 0x4000000000ul
#define GICR_FRAMES0 123 /* 0xf60000 / 0x20000 */
#define REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define REG64(a) (*(volatile uint64_t *)(uintptr_t)(a))
#define REG8(a) (*(volatile uint8_t *)(uintptr_t)(a))

#define SGI_GO 0
#define SGI_NEXT 1
#define SGI_BCAST 2
#define SGI_STOP 3
#define SPI_DIRECT 100 /* INTIDs; not wired to any device on virt */
#define SPI_ANY 101
#define NIDS 128
#define SPURIOUS 1023

static uint8_t stacks[NCPUS][2048] __attribute__((aligned(16)));
static volatile uint64_t mpidr_seen[NCPUS];
static volatile uint32_t ready[NCPUS], done[NCPUS];
static volatile uint32_t got[NCPUS][NIDS]; /* acknowledged INTIDs per CPU */
static volatile uint32_t got_other[NCPUS];

static uint64_t expected_aff(int cpu) { return (uint64_t)(cpu / 16) << 8 | (uint64_t)(cpu % 16); }

static uintptr_t gicr_frame(int cpu)
{
    return cpu < GICR_FRAMES0 ? GICR0 + (uintptr_t)cpu * 0x20000
                              : GICR2 + (uintptr_t)(cpu - GICR_FRAMES0) * 0x20000;
}

static void sgi1r(uint64_t v) { __asm__ volatile("msr s3_0_c12_c11_5, %0\n isb" ::"r"(v) : "memory"); }

/* SGI intid to the CPU with affinity aff (Aff1.Aff0), or to all but self with irm. */
static void send_sgi(int intid, uint64_t aff, int irm)
{
    uint64_t v = (uint64_t)intid << 24;
    if (irm) {
        v |= 1ull << 40;
    } else {
        v |= ((aff >> 8) & 0xff) << 16 | 1ull << (aff & 0xf);
    }
    sgi1r(v);
}

static void cpuif_enable(void)
{
    __asm__ volatile("msr daifset, #3\n"
                     "msr s3_0_c4_c6_0, %0\n"      /* ICC_PMR_EL1 = 0xff */
                     "msr s3_0_c12_c12_7, %1\n isb" /* ICC_IGRPEN1_EL1 = 1 */
                     ::"r"(0xfful), "r"(1ul)
                     : "memory");
}

/* Acknowledges and EOIs everything pending; returns the last INTID taken (SPURIOUS if none). */
static int take_all(int me)
{
    int last = SPURIOUS;
    for (;;) {
        uint64_t iar;
        __asm__ volatile("mrs %0, s3_0_c12_c12_0" : "=r"(iar)::"memory"); /* ICC_IAR1_EL1 */
        int id = (int)(iar & 0xffffff);
        if (id == SPURIOUS) {
            return last;
        }
        if (id < NIDS) {
            got[me][id]++;
        } else {
            got_other[me]++;
        }
        __asm__ volatile("msr s3_0_c12_c12_1, %0\n isb" ::"r"(iar) : "memory"); /* EOIR1 */
        last = id;
        if (id == SGI_GO && me != 0) {
            send_sgi(SGI_NEXT, expected_aff((me + 1) % NCPUS), 0);
        }
    }
}

void secondary_main(uint64_t stack_top)
{
    int me = (int)((stack_top - (uint64_t)stacks) / sizeof(stacks[0])) - 1;
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    mpidr_seen[me] = mpidr;
    cpuif_enable();
    __asm__ volatile("dmb ish" ::: "memory");
    ready[me] = 1;
    while (!got[me][SGI_STOP]) {
        __asm__ volatile("wfi");
        take_all(me);
    }
    __asm__ volatile("dmb ish" ::: "memory");
    done[me] = 1;
    psci_hvc(CPU_OFF, 0, 0, 0, 0);
    uart_puts("FAIL CPU_OFF returned\n");
    for (;;) {
    }
}

static uint64_t counter(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(v));
    return v;
}

/* CPU 0 polls, taking its own interrupts, until cond(i) holds for every CPU (at most 20 s). */
static int wait_all(int (*cond)(int))
{
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    for (uint64_t end = counter() + 20 * freq; counter() < end;) {
        take_all(0);
        int n = 0;
        for (int c = 0; c < NCPUS; c++) {
            n += cond(c);
        }
        if (n == NCPUS) {
            return 1;
        }
        __asm__ volatile("yield");
    }
    return 0;
}

static int is_ready(int c) { return c == 0 || ready[c]; }
static int has_next(int c) { return got[c][SGI_NEXT] >= 1; }
static int has_bcast(int c) { return c == 0 || got[c][SGI_BCAST] >= 1; }
static int any_spi(int c)
{
    (void)c;
    uint32_t n = 0;
    for (int i = 0; i < NCPUS; i++) {
        n += got[i][SPI_ANY];
    }
    return n >= 1;
}
static int spi_target;
static int has_spi(int c) { return c != spi_target || got[c][SPI_DIRECT] >= 1; }
static int is_done(int c) { return c == 0 || done[c]; }

static void check_layout(void)
{
    uint32_t typer = REG32(GICD + 0x4);
    /* ITLinesNumber covers the SPIs used here (QEMU 7.2 reads 7, Tandem 8: 288 INTIDs);
     * CPUNumber is 0 with affinity routing that cannot be disabled (QEMU and Tandem alike). */
    CHECK_EQ((typer & 0x1f) >= (SPI_ANY / 32), 1);
    CHECK_EQ((typer >> 5) & 7, 0);
    int bad_typer = 0, bad_last = 0;
    for (int c = 0; c < NCPUS; c++) {
        uint64_t t = REG64(gicr_frame(c) + 0x8);
        int last = c == NCPUS - 1 || c == GICR_FRAMES0 - 1;
        bad_typer += (t >> 32) != expected_aff(c) || ((t >> 8) & 0xffff) != (uint64_t)c;
        bad_last += ((t >> 4) & 1) != (uint64_t)last;
        if (bad_last || bad_typer) {
            break; /* fewer frames than CPUs expected: do not read past a region's end */
        }
    }
    CHECK_EQ(bad_typer, 0);
    CHECK_EQ(bad_last, 0);
    if (bad_typer || bad_last) {
        guest_report();
        guest_exit(1);
    }
}

static void gic_setup(void)
{
    REG32(GICD + 0x0) = 1u << 4 | 1u << 1; /* ARE, EnableGrp1 */
    for (int c = 0; c < NCPUS; c++) {
        uintptr_t rd = gicr_frame(c), sgi = rd + 0x10000;
        REG32(rd + 0x14) &= ~(1u << 1); /* GICR_WAKER.ProcessorSleep = 0 */
        while (REG32(rd + 0x14) & (1u << 2)) {
        }
        REG32(sgi + 0x80) = 0xffffffff; /* IGROUPR0: group 1 */
        for (int i = 0; i < 4; i++) {
            REG8(sgi + 0x400 + i) = 0x80;
        }
        REG32(sgi + 0x100) = 0xf; /* ISENABLER0: SGIs 0-3 */
    }
    for (int id = SPI_DIRECT; id <= SPI_ANY; id++) {
        REG32(GICD + 0x80 + id / 32 * 4) |= 1u << (id % 32); /* IGROUPR: group 1 */
        REG8(GICD + 0x400 + id) = 0x80;
    }
}

int main(void)
{
    check_layout();
    gic_setup();
    cpuif_enable();
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    mpidr_seen[0] = mpidr;

    int on_ok = 0;
    for (int c = 1; c < NCPUS; c++) {
        uint64_t top = (uint64_t)&stacks[c][sizeof(stacks[c])];
        on_ok += psci_hvc(CPU_ON64, expected_aff(c), (uint64_t)secondary_entry, top, 0) == 0;
    }
    CHECK_EQ(on_ok, NCPUS - 1);
    if (!wait_all(is_ready)) {
        CHECK_EQ(on_ok, -1); /* secondaries missing: no point waiting for their interrupts */
        return guest_report();
    }
    int bad_mpidr = 0;
    for (int c = 0; c < NCPUS; c++) {
        bad_mpidr += (mpidr_seen[c] & 0xff80ffffffull) != (1ull << 31 | expected_aff(c));
    }
    CHECK_EQ(bad_mpidr, 0);

    /* Ring: SGI_GO to all others; each then sends SGI_NEXT to the next CPU. */
    send_sgi(SGI_GO, 0, 1);
    send_sgi(SGI_NEXT, expected_aff(1), 0);
    CHECK_EQ(wait_all(has_next), 1);

    send_sgi(SGI_BCAST, 0, 1);
    CHECK_EQ(wait_all(has_bcast), 1);

    /* SPI by affinity to a CPU in the last cluster, then a 1-of-N SPI. */
    spi_target = NCPUS - 1;
    REG64(GICD + 0x6000 + SPI_DIRECT * 8) = expected_aff(spi_target);
    REG64(GICD + 0x6000 + SPI_ANY * 8) = 1ull << 31;
    REG32(GICD + 0x100 + SPI_DIRECT / 32 * 4) = 3u << (SPI_DIRECT % 32); /* ISENABLER */
    REG32(GICD + 0x200 + SPI_DIRECT / 32 * 4) = 1u << (SPI_DIRECT % 32); /* ISPENDR */
    CHECK_EQ(wait_all(has_spi), 1);
    REG32(GICD + 0x200 + SPI_ANY / 32 * 4) = 1u << (SPI_ANY % 32);
    CHECK_EQ(wait_all(any_spi), 1);

    send_sgi(SGI_STOP, 0, 1);
    CHECK_EQ(wait_all(is_done), 1);
    take_all(0);

    int bad_next = 0, bad_bcast = 0, bad_spi = 0, bad_other = 0;
    uint32_t spi_any = 0;
    for (int c = 0; c < NCPUS; c++) {
        bad_next += got[c][SGI_NEXT] != 1;
        bad_bcast += got[c][SGI_BCAST] != (c == 0 ? 0u : 1u);
        bad_bcast += got[c][SGI_STOP] != (c == 0 ? 0u : 1u);
        bad_spi += got[c][SPI_DIRECT] != (c == spi_target ? 1u : 0u);
        bad_other += got_other[c] != 0 || got[c][SGI_GO] != (c == 0 ? 0u : 1u);
        spi_any += got[c][SPI_ANY];
    }
    CHECK_EQ(bad_next, 0);
    CHECK_EQ(bad_bcast, 0);
    CHECK_EQ(bad_spi, 0);
    CHECK_EQ(bad_other, 0);
    CHECK_EQ(spi_any, 1);
    int off = 0; /* every secondary powers off (bounded: each has reported done already) */
    for (int c = 1; c < NCPUS; c++) {
        for (int spin = 0; spin < 1000000; spin++) {
            if (psci_hvc(AFFINITY_INFO64, expected_aff(c), 0, 0, 0) == 1) {
                off++;
                break;
            }
        }
    }
    CHECK_EQ(off, NCPUS - 1);
    return guest_report();
}
