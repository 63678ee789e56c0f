/*
 * alu-table.h — integer instructions with their flags, shared by the guest test (test-alu.c)
 * and the host check (tools/alu-native.c, `make check-x86-alu-native`): alu_run executes one
 * instruction with RFLAGS preset to fin and returns the result, RDX (or second result) and
 * RFLAGS. The expected values in alu_cases were produced and are re-checked by running this
 * same code natively on an x86-64 host (AMD EPYC); alu_defined_flags masks the flags the SDM
 * leaves undefined (vol. 2 per-instruction "Flags Affected"). Build with -mno-red-zone (the asm
 * pushes). No state.
 */
#ifndef ALU_TABLE_H
#define ALU_TABLE_H
#include <stdint.h>

enum alu_op {
    ALU_ADD64, ALU_ADD32, ALU_ADD8, ALU_ADC64, ALU_SUB64, ALU_SUB16, ALU_SBB64, ALU_CMP64,
    ALU_AND64, ALU_OR32, ALU_XOR64, ALU_INC64, ALU_DEC8, ALU_NEG64, ALU_SHL64, ALU_SHR64,
    ALU_SAR64, ALU_SAR8, ALU_ROL64, ALU_ROR32, ALU_RCL64, ALU_RCR64, ALU_IMUL64, ALU_MUL64,
    ALU_DIV64, ALU_IDIV64, ALU_BSF64, ALU_BSR64, ALU_BTS64, ALU_BSWAP64, ALU_SHLD64,
    ALU_MOVSX8, ALU_XADD64,
};

#define ALU_ALL 0x8d5u /* OF SF ZF AF PF CF */

static inline unsigned alu_defined_flags(int op, uint64_t b)
{
    switch (op) {
    case ALU_AND64: case ALU_OR32: case ALU_XOR64:
        return ALU_ALL & ~0x10u;                       /* AF undefined */
    case ALU_SHL64: case ALU_SHR64: case ALU_SAR64: case ALU_SAR8: case ALU_SHLD64:
        return (b & 63) == 1 ? ALU_ALL & ~0x10u : ALU_ALL & ~0x810u; /* OF only for count 1 */
    case ALU_ROL64: case ALU_ROR32: case ALU_RCL64: case ALU_RCR64:
        return (b & 63) == 1 ? ALU_ALL : ALU_ALL & ~0x800u;
    case ALU_IMUL64: case ALU_MUL64:
        return 0x801u;                                 /* CF, OF */
    case ALU_DIV64: case ALU_IDIV64:
        return 0;
    case ALU_BSF64: case ALU_BSR64:
        return 0x40u;                                  /* ZF */
    case ALU_BTS64:
        return 0x41u;                                  /* CF; ZF unaffected */
    default:
        return ALU_ALL;
    }
}

#define ALU_IN "push %[fin]\n popfq\n"
#define ALU_OUT "\n pushfq\n pop %[f]"

/* r = a OP b; *r2 = RDX after (MUL/DIV: RDX in = c) or the second result. */
static inline uint64_t alu_run(int op, uint64_t a, uint64_t b, uint64_t c, uint64_t fin,
                               uint64_t *r2, uint64_t *fout)
{
    uint64_t f = 0, d = c;
    switch (op) {
    case ALU_ADD64: __asm__ volatile(ALU_IN "add %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_ADD32: __asm__ volatile(ALU_IN "add %k[b], %k[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_ADD8: __asm__ volatile(ALU_IN "add %b[b], %b[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_ADC64: __asm__ volatile(ALU_IN "adc %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SUB64: __asm__ volatile(ALU_IN "sub %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SUB16: __asm__ volatile(ALU_IN "sub %w[b], %w[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SBB64: __asm__ volatile(ALU_IN "sbb %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_CMP64: __asm__ volatile(ALU_IN "cmp %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_AND64: __asm__ volatile(ALU_IN "and %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_OR32: __asm__ volatile(ALU_IN "or %k[b], %k[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_XOR64: __asm__ volatile(ALU_IN "xor %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_INC64: __asm__ volatile(ALU_IN "inc %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); break;
    case ALU_DEC8: __asm__ volatile(ALU_IN "decb %b[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); break;
    case ALU_NEG64: __asm__ volatile(ALU_IN "neg %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); break;
    case ALU_SHL64: __asm__ volatile(ALU_IN "shl %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SHR64: __asm__ volatile(ALU_IN "shr %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SAR64: __asm__ volatile(ALU_IN "sar %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_SAR8: __asm__ volatile(ALU_IN "sarb %%cl, %b[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_ROL64: __asm__ volatile(ALU_IN "rol %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_ROR32: __asm__ volatile(ALU_IN "ror %%cl, %k[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_RCL64: __asm__ volatile(ALU_IN "rcl %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_RCR64: __asm__ volatile(ALU_IN "rcr %%cl, %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_IMUL64: __asm__ volatile(ALU_IN "imul %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_MUL64: __asm__ volatile(ALU_IN "mulq %[b]" ALU_OUT : "+a"(a), "+d"(d), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_DIV64: __asm__ volatile(ALU_IN "divq %[b]" ALU_OUT : "+a"(a), "+d"(d), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_IDIV64: __asm__ volatile(ALU_IN "idivq %[b]" ALU_OUT : "+a"(a), "+d"(d), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_BSF64: __asm__ volatile(ALU_IN "bsf %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_BSR64: __asm__ volatile(ALU_IN "bsr %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_BTS64: __asm__ volatile(ALU_IN "bts %[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_BSWAP64: __asm__ volatile(ALU_IN "bswap %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); break;
    case ALU_SHLD64: __asm__ volatile(ALU_IN "shld %%cl, %[d], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : "c"(b), [d] "r"(c), [fin] "r"(fin) : "cc"); break;
    case ALU_MOVSX8: __asm__ volatile(ALU_IN "movsbq %b[b], %[a]" ALU_OUT : [a] "+r"(a), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(fin) : "cc"); break;
    case ALU_XADD64: __asm__ volatile(ALU_IN "xadd %[b], %[a]" ALU_OUT : [a] "+r"(a), [b] "+r"(b), [f] "=&r"(f) : [fin] "r"(fin) : "cc"); d = b; break;
    }
    *r2 = d;
    *fout = f & ALU_ALL;
    return a;
}

struct alu_case {
    int op;
    uint64_t a, b, c, fin, r, r2, f;
};

/* op, a, b, c (RDX in / SHLD source), flags in, result, RDX out / second result, flags out */
static const struct alu_case alu_cases[] = {
#include "alu-expected.h"
};

#endif
