/*
 * test-smp-ipi-storm.c — fixed IPIs between CPUs that HLT with IF = 1 (-smp 4; SDM vol. 3A
 * 10.6.1 ICR, 10.6.2 destinations, 10.8.4 IRR/ISR, HLT in vol. 2A).
 * Every CPU runs the same rounds (storm.rounds=N on the command line, .args / .full.args).
 * In round r CPU s sends vector 0x40 + s in one of five ways (r % 5): physical fixed to t,
 * logical fixed (flat model, LDR bit = CPU index) to t, lowest priority to the logical
 * destination of t, the self shorthand, the all-excluding-self shorthand; t walks over the
 * other CPUs. The receivers of each round are fixed, so each CPU knows how many interrupts
 * it must have taken by the end of every round; it HLTs (STI; HLT, IF = 0 in between checks)
 * until it has them.
 * No coalescing is possible: before sending vector 0x40 + s to t again, s waits until t's
 * handler has counted the previous one (recv[t][s] == sent[s][t]), so that vector is never
 * still in t's IRR; the handler's count comes after the IRR bit moved to the ISR.
 * Checks: every IPI sent was received exactly once by the CPU it was sent to (recv == sent
 * per pair, totals as planned), and no HLT returned without an interrupt handler having run
 * during it (the only interrupts are these IPIs: the 8259 and LINT0 are masked).
 * How it fails when broken: if a vCPU kick ended HLT (on Tandem: halted cleared on kick),
 * the spurious-HLT count is non-zero; a duplicated IPI fails recv == sent (checked at
 * once by the sender's wait, tried on the oracle by making CPU 0's handler count every 7th
 * interrupt twice: "FAIL CPU 0 received 2 IPIs from CPU 3, which sent 1"); a lost one
 * leaves a CPU halted waiting for it, a timeout of the runner.
 */
#include "runtime.h"

#define VEC_BASE 0x40
#define MAX_STORM_CPUS 8 /* flat logical model: one LDR bit per CPU */

static unsigned ncpus;
static uint64_t rounds;
static volatile unsigned ready, finished;
static volatile unsigned recv[MAX_STORM_CPUS][MAX_STORM_CPUS]; /* [receiver][sender] */
static volatile unsigned total[MAX_STORM_CPUS];
static volatile unsigned sent[MAX_STORM_CPUS][MAX_STORM_CPUS]; /* [sender][target] */
static volatile unsigned hlts[MAX_STORM_CPUS], spurious[MAX_STORM_CPUS];
static volatile unsigned bad_vector;

static unsigned round_target(unsigned s, uint64_t r)
{
    return (unsigned)((s + 1 + (r / 5) % (ncpus - 1)) % ncpus);
}

/* Bit mask of the CPUs that receive sender s's IPI of round r. */
static unsigned round_receivers(unsigned s, uint64_t r)
{
    unsigned all = (1u << ncpus) - 1;
    switch (r % 5) {
    case 3:
        return 1u << s;
    case 4:
        return all & ~(1u << s);
    default:
        return 1u << round_target(s, r);
    }
}

static void ipi_handler(struct x86_exc_frame *f)
{
    int me = smp_cpu_index();
    unsigned s = (unsigned)f->vector - VEC_BASE;
    if (me < 0 || s >= ncpus) {
        bad_vector = (unsigned)f->vector;
    } else {
        recv[me][s]++;
        total[me]++;
    }
    apic_eoi();
}

static void storm_send(unsigned s, uint64_t r)
{
    unsigned mask = round_receivers(s, r), t = round_target(s, r);
    for (unsigned c = 0; c < ncpus; c++) {
        if (mask & (1u << c)) {
            while (recv[c][s] != sent[s][c]) { /* IF = 1: our own IPIs still arrive */
                if (recv[c][s] > sent[s][c]) {
                    guest_printf("FAIL CPU %u received %u IPIs from CPU %u, which sent %u\n",
                                 c, recv[c][s], s, sent[s][c]);
                    guest_exit(1);
                }
                cpu_relax();
            }
            sent[s][c]++;
        }
    }
    uint32_t vec = VEC_BASE + s;
    int rc;
    switch (r % 5) {
    case 0:
        rc = apic_send_ipi(x86_smp_apic_ids[t], XAPIC_DM_FIXED | XAPIC_LEVEL_ASSERT | vec);
        break;
    case 1:
        rc = apic_send_ipi(1u << t, XAPIC_DM_FIXED | XAPIC_DEST_LOGICAL | XAPIC_LEVEL_ASSERT | vec);
        break;
    case 2:
        rc = apic_send_ipi(1u << t, XAPIC_DM_LOWEST | XAPIC_DEST_LOGICAL | XAPIC_LEVEL_ASSERT | vec);
        break;
    case 3:
        rc = apic_send_ipi(0, XAPIC_SH_SELF | XAPIC_LEVEL_ASSERT | vec);
        break;
    default:
        rc = apic_send_ipi(0, XAPIC_SH_OTHERS | XAPIC_LEVEL_ASSERT | vec);
        break;
    }
    if (rc < 0) {
        guest_printf("FAIL CPU %u round %lu: ICR stayed busy\n", s, r);
        guest_failures++;
    }
}

static void storm_run(unsigned me)
{
    apic_write(XAPIC_DFR, 0xffffffffu);  /* flat model (SDM 10.6.2.2) */
    apic_write(XAPIC_LDR, (1u << me) << 24);
    apic_write(XAPIC_TPR, 0);
    apic_write(XAPIC_LVT_LINT0, XAPIC_LVT_MASKED);
    apic_write(XAPIC_LVT_TIMER, XAPIC_LVT_MASKED);
    __atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
    while (ready != ncpus) {
        cpu_relax();
    }
    unsigned expected = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        for (unsigned s = 0; s < ncpus; s++) {
            expected += (round_receivers(s, r) >> me) & 1;
        }
        __asm__ volatile("sti" ::: "memory");
        storm_send(me, r);
        __asm__ volatile("cli" ::: "memory");
        while (total[me] < expected) {
            unsigned before = total[me];
            __asm__ volatile("sti\n hlt\n cli" ::: "memory");
            hlts[me]++;
            if (total[me] == before) {
                spurious[me]++;
            }
        }
    }
    __atomic_fetch_add(&finished, 1, __ATOMIC_SEQ_CST);
}

int main(void)
{
    rounds = x86_cmdline_num("storm.rounds", 200);
    unsigned n = smp_init();
    CHECK(n >= 2);
    if (n < 2) {
        return guest_report();
    }
    ncpus = n > MAX_STORM_CPUS ? MAX_STORM_CPUS : n;
    guest_printf("%u CPUs, %lu rounds\n", ncpus, rounds);
    outb(0x21, 0xff); /* mask the 8259s: only IPIs interrupt */
    outb(0xa1, 0xff);
    for (unsigned v = 0; v < ncpus; v++) {
        exc_set_handler(VEC_BASE + (int)v, ipi_handler);
    }
    for (unsigned i = 1; i < ncpus; i++) {
        if (smp_start_ap(i, storm_run) < 0) {
            guest_printf("FAIL AP %u did not start\n", i);
            return 1;
        }
    }
    storm_run(0);
    uint64_t t0 = tsc_read();
    while (finished != ncpus && tsc_read() - t0 < 5000000 * x86_tsc_per_us) {
        cpu_relax();
    }
    CHECK_EQ(finished, ncpus);
    delay_us(1000); /* anything extra would arrive now */
    CHECK_EQ(bad_vector, 0);
    unsigned long sum_sent = 0, sum_hlt = 0;
    for (unsigned t = 0; t < ncpus; t++) {
        unsigned want = 0;
        for (uint64_t r = 0; r < rounds; r++) {
            for (unsigned s = 0; s < ncpus; s++) {
                want += (round_receivers(s, r) >> t) & 1;
            }
        }
        CHECK_EQ(total[t], want);
        for (unsigned s = 0; s < ncpus; s++) {
            if (recv[t][s] != sent[s][t]) {
                guest_printf("FAIL CPU %u sent %u IPIs to CPU %u, which received %u\n", s,
                             sent[s][t], t, recv[t][s]);
                guest_failures++;
            }
            sum_sent += sent[s][t];
        }
        if (spurious[t]) {
            guest_printf("FAIL CPU %u: %u of %u HLTs returned without an interrupt\n", t,
                         spurious[t], hlts[t]);
            guest_failures++;
        }
        sum_hlt += hlts[t];
    }
    guest_printf("%lu IPIs, %lu HLT returns\n", sum_sent, sum_hlt);
    return guest_report();
}
