/*
 * harness-native.c — the host side of the x86 differential test: runs the generated sequences
 * (linked in from gen-x86's output) natively in this process through dtx_call.
 *   dtx-native --hashes   prints assembly defining dtx_expected[k] = masked hash of sequence
 *                         k's final state (0 when the host CPU lacks a feature it needs);
 *                         the guest harness links it and compares
 *   dtx-native --hashes Q the same with the oracle quirk switches Q (DTX_Q_*, dtx-core.h)
 *   dtx-native -v K [Q] prints the final state of sequence K (dtx_dump format)
 * The host CPU is the reference: its results are facts of the architecture for every flag and
 * register the SDM defines (undefined flags are masked, see gen-x86.c). Single-threaded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtx-core.h"

uint32_t dtx_quirks;

void dtx_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

int main(int argc, char **argv)
{
    uint32_t feats;
    struct dtx_state s;
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "-v") == 0) {
        if (argc == 4)
            dtx_quirks = (uint32_t)strtoul(argv[3], NULL, 0);
        feats = dtx_cpu_features(); /* after the quirks: they may hide a pseudo-feature */
        uint32_t k = (uint32_t)strtoul(argv[2], NULL, 0);
        if (k >= dtx_count) {
            fprintf(stderr, "dtx-native: sequence %u out of range (%lu)\n", k,
                    (unsigned long)dtx_count);
            return 2;
        }
        if (dtx_table[k].features & ~feats) {
            printf("skipped: host CPU lacks features %x\n", dtx_table[k].features & ~feats);
            return 0;
        }
        dtx_run(k, &s);
        dtx_dump(k, &s);
        return 0;
    }
    if ((argc != 2 && argc != 3) || strcmp(argv[1], "--hashes") != 0) {
        fprintf(stderr, "usage: %s --hashes [quirks] | -v <index> [quirks]\n",
                argv[0]);
        return 2;
    }
    if (argc == 3)
        dtx_quirks = (uint32_t)strtoul(argv[2], NULL, 0);
    feats = dtx_cpu_features();
    unsigned skipped = 0;
    printf("# masked state hashes of the host CPU (dtx-native --hashes): do not edit\n"
           "    .section .rodata\n    .balign 8\n    .globl dtx_expected\ndtx_expected:\n");
    for (uint32_t k = 0; k < dtx_count; k++) {
        uint64_t h = 0;
        if (dtx_table[k].features & ~feats) {
            skipped++;
        } else {
            dtx_run(k, &s);
            h = dtx_hash(k, &s);
        }
        printf("    .quad 0x%lx\n", (unsigned long)h);
    }
    printf("    .data\n    .balign 4\n    .globl dtx_quirks\n"
           "dtx_quirks: .long 0x%x\n", dtx_quirks);
    printf("    .section .note.GNU-stack,\"\",@progbits\n");
    fprintf(stderr, "dtx-native: seed %lu, %lu sequences, %u skipped (host features %x)\n",
            (unsigned long)dtx_seed, (unsigned long)dtx_count, skipped, feats);
    return 0;
}
