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
    uint64_t mm[8];      /* 656: MM0-7 (the x87 significands; EMMS after the sequence) */
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

/* Quirk switches for an oracle known to differ from real hardware, 0 for the emulator under
 * test. Defined by the native harness (from its command line) and by the generated
 * expected.S in the guest, so both sides agree. Measured on QEMU 7.2 TCG against an AMD
 * Zen 4 host (make check-difftest-x86-oracle without them fails ~0.2% of the sequences):
 *  DTX_Q_MXCSR_DE: MXCSR.DE (denormal operand) is not compared: QEMU never sets it.
 *  DTX_Q_NO_NAN_DAZ: initial states hold no NaN (as float or double) and MXCSR.DAZ is clear:
 *    QEMU's NaN propagation (two NaN / SNaN operands, HADDPS...) and MINPS/MAXPS with DAZ
 *    differ from the hardware. NaNs computed by the sequences (0/0, inf-inf) remain, but
 *    sequences with HADDPS/HSUBPS/HADDPD/HSUBPD are skipped (DTX_F_FP_HORIZ). */
#define DTX_Q_MXCSR_DE 0x1u
#define DTX_Q_NO_NAN_DAZ 0x2u
extern uint32_t dtx_quirks;

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
