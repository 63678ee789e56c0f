/*
 * dt-case.h — the contract between the generated sequences (gen.c output), the trampoline and
 * the two harnesses of the differential test. The generated file defines dt_cases[dt_ncases];
 * field order is the order gen.c writes the .quad lines (ORDER: gen.c gen_case, trampoline.S).
 * Everything here is freestanding: it is compiled for Linux user mode and for bare metal.
 */
#ifndef DT_CASE_H
#define DT_CASE_H

#include <stdint.h>

struct dt_case {
    void (*fn)(void);   /* the sequence; returns with RET, touches only x0-x15, x20, x21, NZCV */
    uint64_t index;     /* case number within (seed, count) */
    uint64_t ninsn;     /* instructions in the function, RET included (objdump sanity check) */
    uint64_t buf_seed;  /* seeds the scratch buffer contents */
    uint64_t nzcv;      /* initial NZCV (bits 31:28) */
    uint64_t regs[16];  /* initial x0-x15 */
};

/* Final state after one sequence. */
struct dt_result {
    uint64_t regs[16];
    uint64_t nzcv;
};

extern const uint64_t dt_ncases;
extern const struct dt_case dt_cases[];

#define DT_BUF_SIZE 4096

/* trampoline.S: loads the initial state, points x28 at buf_mid and x26 at the sequence, runs it
 * and stores x0-x15 and NZCV into *out. */
void dt_call(const struct dt_case *c, struct dt_result *out, uint8_t *buf_mid);

/* dt-core.c: runs every case and writes one line per case through dt_write (or a full register
 * dump per case when verbose). */
void dt_run_all(int verbose);

/* Provided by each harness: write n bytes of output. */
void dt_write(const char *s, unsigned long n);

#endif
