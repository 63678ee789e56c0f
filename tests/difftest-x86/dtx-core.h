/*
 * dtx-core.h — the part of the x86 differential test shared by the native harness (a Linux
 * process) and the guest harness (bare metal under the emulator): the register state around
 * one generated sequence, its seeded initial value, running a sequence (dtx-tramp.S), the
 * masked hash and the text dump. Both sides compile the same dtx-core.c, so equal hashes mean
 * equal masked states. Single-threaded; dtx_in/dtx_out/dtx_mem are the trampoline's globals.
 */
#ifndef DTX_CORE_H
#define DTX_CORE_H

#include <stdint.h>

/* Layout fixed: dtx-tramp.S uses these offsets. */
struct dtx_state {
    uint64_t gpr[16];    /* 0: x86 register numbers (RAX=0 ... R15=15); RSP unused */
    uint64_t rflags;     /* 128: only CF PF AF ZF SF OF are loaded and compared */
    uint32_t mxcsr, pad; /* 136 */
    uint64_t xmm[16][2]; /* 144 */
    uint8_t mem[256];    /* 400: scratch buffer; RBP points at its middle */
};
#define DTX_MEM_SIZE 256
#define DTX_ARITH_FLAGS 0x8d5u

struct dtx_entry {
    void (*code)(void);
    uint32_t undef_flags; /* arithmetic flags undefined at the end of the sequence */
    uint32_t features;    /* DTX_F_* the sequence needs */
};
/* from the generated assembly (gen-x86.c) */
extern const uint64_t dtx_seed, dtx_count;
extern const struct dtx_entry dtx_table[];

/* MXCSR bits left out of the comparison: 0 normally; the oracle run sets DE (0x2) because
 * QEMU 7.2's TCG never raises the denormal-operand flag. Defined by the native harness (from
 * its command line) and by the generated expected.S in the guest. */
extern uint32_t dtx_mxcsr_ignore;

/* Provided by each harness: printf-like output (%lx %u %s only). */
void dtx_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* DTX_F_* advertised by the CPU we run on (CPUID). */
uint32_t dtx_cpu_features(void);
/* Runs sequence k from its initial state; *out gets the final state (RBP and RSP zeroed). */
void dtx_run(uint32_t k, struct dtx_state *out);
/* Hash of the final state with the undefined flags masked; never 0 (0 means "skipped"). */
uint64_t dtx_hash(uint32_t k, const struct dtx_state *s);
/* One "name=value" line per register / memory row, flags masked as in the hash. */
void dtx_dump(uint32_t k, const struct dtx_state *s);

#endif
