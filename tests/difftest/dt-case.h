/*
 * dt-case.h — the contract between the generated sequences (gen.c output), the trampoline and
 * the two harnesses of the differential test. The generated file defines dt_cases[dt_ncases];
 * field order is the order gen.c writes the .quad lines (ORDER: gen.c gen_case, trampoline.S).
 * A sequence is entered by BR with x0-x29 loaded (its pinned registers B = buffer middle and
 * S = sequence address substituted), x30 = the sequence address, SP = B + sp_off and NZCV set;
 * it ends with "str x30, [B, #DT_XFER_OFF + 240]; mov x30, B; b dt_seq_return", and the
 * trampoline stores the rest of the state at B + DT_XFER_OFF (struct dt_state layout), just
 * past the 4 KiB buffer the sequence may access. Everything here is freestanding: it is
 * compiled for Linux user mode and for bare metal.
 */
#ifndef DT_CASE_H
#define DT_CASE_H

#include <stdint.h>

#define DT_NREGS 30         /* x0-x29 are loaded from the case */

struct dt_case {
    void (*fn)(void);   /* the sequence (entered by BR, leaves through dt_seq_return) */
    uint64_t index;     /* case number within (seed, count) */
    uint64_t ninsn;     /* instructions in the function (objdump sanity check) */
    uint64_t buf_seed;  /* seeds the scratch buffer contents */
    uint64_t nzcv;      /* initial NZCV (bits 31:28) */
    int64_t sp_off;     /* initial SP - buffer middle (a multiple of 16) */
    uint64_t base_reg;  /* B: register pinned to the buffer middle */
    uint64_t pc_reg;    /* S: register pinned to the sequence address */
    uint64_t regs[DT_NREGS]; /* initial x0-x29 (B and S replaced) */
};

/* Machine state as the trampoline loads and stores it (33 words). */
struct dt_state {
    uint64_t x[31];     /* x0-x30 (on entry x30 is the sequence address) */
    uint64_t sp;
    uint64_t nzcv;
};

extern const uint64_t dt_ncases;
extern const struct dt_case dt_cases[];

#define DT_BUF_SIZE 4096
#define DT_XFER_OFF 2048    /* final state at buffer middle + this (outside the hashed buffer) */

/* trampoline.S: loads *in, runs in->x[30] and stores the final state at buf_mid + DT_XFER_OFF.
 * Saves and restores the callee-saved registers and the C stack pointer. */
void dt_call(const struct dt_state *in, uint8_t *buf_mid);

/* dt-core.c: runs every case and writes one line per case through dt_write (or a full register
 * dump per case when verbose). */
void dt_run_all(int verbose);

/* Provided by each harness: write n bytes of output. */
void dt_write(const char *s, unsigned long n);

#endif
