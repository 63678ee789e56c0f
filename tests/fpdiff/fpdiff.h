/*
 * fpdiff.h — the record exchanged between the fpdiff host harness (fpdiff.c) and the AArch64
 * oracle (oracle.c, run under qemu-aarch64): one instruction word, its inputs and, after the
 * run, its outputs. Binary, little-endian, fixed layout (oracle-stub.S relies on the offsets).
 */
#ifndef TANDEM_TESTS_FPDIFF_H
#define TANDEM_TESTS_FPDIFF_H

#include <stdint.h>

typedef struct FPDiffState {
    uint64_t x[4];       /* X0..X3 */
    uint64_t v[4][2];    /* V0..V3 */
    uint64_t fpcr;       /* in */
    uint64_t nzcv;       /* in and out, bits 31:28 */
    uint64_t fpsr;       /* out */
    uint64_t undef;      /* out: the oracle took SIGILL */
} FPDiffState;

typedef struct FPDiffRecord {
    uint32_t insn, pad;
    FPDiffState st;
} FPDiffRecord;

#endif
