/*
 * test-smp-bringup.c — INIT/SIPI start-up of every AP (-smp 9: 8 APs; SDM vol. 3A 8.4.4.1,
 * 10.6.1) through the runtime's trampoline (lib/ap-start.S, lib/smp.c):
 *  - the MADT lists 9 enabled local APICs with distinct IDs; each AP, started by INIT, SIPI,
 *    SIPI, reports the APIC ID it reads from its own APIC, which must be the MADT's entry;
 *  - the second SIPI of that sequence reaches a running AP and is ignored (SDM 8.4.4.1 and
 *    issue 7: a SIPI to a CPU not in wait-for-SIPI is discarded): each AP entered the
 *    trampoline exactly once, and the trampoline's own counter equals the number of APs;
 *  - two more SIPIs to every AP idling in HLT with IF = 0 do nothing: no trampoline entry and
 *    no HLT wake-up (the idle loop counts every HLT that returns);
 *  - INIT alone parks an AP in wait-for-SIPI: it runs nothing (no entry, no wake-up) until a
 *    SIPI, which restarts it (entry count 2, fresh report); INIT + SIPI + SIPI likewise.
 * QEMU 7.2 (the oracle) wakes a CPU halted with IF = 0 on a SIPI (its has-work test counts
 * a pending SIPI), which the SDM's HLT description does not allow; the wake-up counts are
 * therefore checked on Tandem only (x86_on_qemu_tcg), the entry counts everywhere.
 * How it fails when broken: on the oracle, sending the extra SIPIs as INIT + SIPI (so the AP
 * really restarts) fails the "entries" checks; on Tandem, a SIPI taken outside
 * wait-for-SIPI (the discard in cpu.c removed) fails them the same way, and an AP that wakes
 * from HLT on SIPI fails the "hlt_wakeups" checks.
 */
#include "runtime.h"

#define WANT_CPUS 9

static volatile uint32_t reported[X86_MAX_CPUS]; /* APIC ID + 1, 0 = not reported */
static volatile uint32_t report_count[X86_MAX_CPUS];

static void ap_report(unsigned idx)
{
    reported[idx] = apic_id_self() + 1;
    report_count[idx]++;
}

static int strict_hlt;

static void check_quiet(const char *what, unsigned n, const unsigned *entries,
                        const unsigned *wakeups, unsigned tramp)
{
    for (unsigned i = 1; i < n; i++) {
        if (smp_cpus[i].entries != entries[i] ||
            (strict_hlt && smp_cpus[i].hlt_wakeups != wakeups[i])) {
            guest_printf("FAIL %s: CPU %u (APIC %u) entries %u (want %u) hlt_wakeups %u "
                         "(want %u)\n", what, i, x86_smp_apic_ids[i], smp_cpus[i].entries,
                         entries[i], smp_cpus[i].hlt_wakeups, wakeups[i]);
            guest_failures++;
        }
    }
    CHECK_EQ(smp_tramp_entries(), tramp);
}

int main(void)
{
    unsigned n = smp_init();
    guest_printf("MADT: %u CPUs, BSP APIC ID %u, TSC %lu per us\n", n, apic_id_self(),
                 x86_tsc_per_us);
    CHECK_EQ(n, WANT_CPUS);
    strict_hlt = !x86_on_qemu_tcg();
    if (!strict_hlt) {
        guest_printf("QEMU TCG: HLT wake-ups on SIPI not checked (QEMU wakes HLT on SIPI)\n");
    }
    if (n < 2) {
        return guest_report();
    }
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < i; j++) {
            CHECK(x86_smp_apic_ids[i] != x86_smp_apic_ids[j]);
        }
    }

    /* Bring-up: one AP at a time, each through INIT, SIPI, SIPI. */
    for (unsigned i = 1; i < n; i++) {
        if (smp_start_ap(i, ap_report) < 0) {
            guest_printf("FAIL AP %u (APIC %u) did not start\n", i, x86_smp_apic_ids[i]);
            return 1;
        }
    }
    unsigned entries[X86_MAX_CPUS], wakeups[X86_MAX_CPUS];
    for (unsigned i = 1; i < n; i++) {
        CHECK(smp_wait_eq(&smp_cpus[i].done, 1, 1000000));
        CHECK_EQ(reported[i], x86_smp_apic_ids[i] + 1);
        CHECK_EQ(smp_cpus[i].entries, 1); /* the second SIPI did not restart it */
        entries[i] = 1;
        wakeups[i] = 0;
    }
    delay_us(1000);
    check_quiet("after start-up", n, entries, wakeups, n - 1);

    /* SIPIs to APs halted with IF = 0 (not in wait-for-SIPI): ignored. */
    for (unsigned i = 1; i < n; i++) {
        smp_send_sipi(x86_smp_apic_ids[i]);
        delay_us(200);
        smp_send_sipi(x86_smp_apic_ids[i]);
    }
    delay_us(20000);
    check_quiet("SIPI to halted APs", n, entries, wakeups, n - 1);

    /* INIT + SIPI + SIPI to an AP that ran: it restarts once. */
    reported[1] = 0;
    CHECK_EQ(smp_start_ap(1, ap_report), 0);
    CHECK(smp_wait_eq(&smp_cpus[1].done, 2, 1000000));
    CHECK_EQ(reported[1], x86_smp_apic_ids[1] + 1);
    CHECK_EQ(report_count[1], 2);
    entries[1] = 2;
    delay_us(1000);
    check_quiet("INIT-SIPI-SIPI restart", n, entries, wakeups, n);

    /* INIT alone: the AP waits for a SIPI and runs nothing meanwhile (its idle loop would
     * count a HLT return); the SIPI then restarts it. */
    if (n > 2) {
        reported[2] = 0;
        smp_cpus[2].fn = ap_report;
        smp_send_init(x86_smp_apic_ids[2]);
        delay_us(20000);
        check_quiet("INIT without SIPI", n, entries, wakeups, n);
        CHECK_EQ(reported[2], 0);
        smp_send_sipi(x86_smp_apic_ids[2]);
        CHECK(smp_wait_eq(&smp_cpus[2].done, 2, 1000000));
        CHECK_EQ(reported[2], x86_smp_apic_ids[2] + 1);
        entries[2] = 2;
        delay_us(1000);
        check_quiet("SIPI after INIT", n, entries, wakeups, n + 1);
    }
    guest_printf("%u APs started, IDs:", n - 1);
    for (unsigned i = 1; i < n; i++) {
        guest_printf(" %u", reported[i] - 1);
    }
    guest_printf("\n");
    return guest_report();
}
