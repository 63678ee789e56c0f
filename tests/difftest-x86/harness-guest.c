/*
 * harness-guest.c — the guest side of the x86 differential test (bare metal, -M pc, linked
 * with the tests/guest/x86 runtime, whose crt0 enters long mode with SSE enabled): runs every
 * generated sequence with the same initial state as the host did and compares the masked
 * hash with dtx_expected[k] from dtx-native --hashes. Sequences needing a CPUID feature this
 * CPU does not advertise (or the host lacked) are skipped and counted. The first mismatches
 * are printed as "MISMATCH k" followed by the state dump (the runner diffs it against the
 * host's). Single CPU.
 */
#include "runtime.h"

#include "dtx-core.h"

#ifndef DTX_SHOW_MAX /* the runner may pass -DDTX_SHOW_MAX=n */
#define DTX_SHOW_MAX 3
#endif

extern const uint64_t dtx_expected[];

void dtx_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    guest_vprintf(fmt, ap);
    va_end(ap);
}

int main(void)
{
    uint32_t feats = dtx_cpu_features();
    uint64_t passed = 0, failed = 0, skipped = 0;
    static struct dtx_state s;
    for (uint32_t k = 0; k < dtx_count; k++) {
        if ((dtx_table[k].features & ~feats) || dtx_expected[k] == 0) {
            skipped++;
            continue;
        }
        dtx_run(k, &s);
        if (dtx_hash(k, &s) == dtx_expected[k]) {
            passed++;
            continue;
        }
        if (failed++ < DTX_SHOW_MAX) {
            guest_printf("MISMATCH %u\n", k);
            dtx_dump(k, &s);
            guest_printf("END %u\n", k);
        }
    }
    guest_printf("difftest-x86: seed %lu, %lu sequences: %lu passed, %lu mismatched, "
                 "%lu skipped (guest CPUID features %x)\n", dtx_seed, dtx_count, passed, failed,
                 skipped, feats);
    guest_failures += (int)failed;
    /* a run that compared nothing must not pass */
    CHECK(passed > 0);
    return guest_report();
}
