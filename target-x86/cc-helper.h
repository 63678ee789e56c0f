/*
 * cc-helper.h — lazy x86 condition flags: compute CF PF AF ZF SF OF from the record the last
 * flag-setting operation left (cc_op, cc_dst, cc_src, cc_src2; see target-x86/cpu.h), evaluate
 * the 16 Jcc/SETcc/CMOVcc conditions from it, rotate helpers (ROL/ROR/RCL/RCR), and the list
 * of flags the SDM leaves undefined after each instruction (masked by differential tests).
 *
 * Pure functions of their arguments: any thread may call them. Results are exact to the bit
 * for every defined flag (Intel SDM vol. 1 3.4.3, vol. 2 per-instruction "Flags Affected").
 *
 * ---- operand convention per cc_op (a, b = operands, r = result, n = operand size in bits;
 *      every value is taken at the operation size, bits above n are ignored unless noted) ----
 * CC_OP_EFLAGS   src = an eflags image; its CF PF AF ZF SF OF are the flags. dst, src2 unused.
 * CC_OP_ADDx     dst = r = a + b, src = b.  a is recovered as r - b (for AF and OF).
 * CC_OP_ADCx     dst = r = a + b + c, src = b, src2 = c (the carry in, 0 or 1).
 * CC_OP_SUBx     dst = r = a - b, src = b.  a is recovered as r + b. Also CMP (r computed but
 *                not written back), NEG (a = 0, b = operand), CMPXCHG (a = accumulator).
 * CC_OP_SBBx     dst = r = a - b - c, src = b, src2 = c (the borrow in, 0 or 1).
 * CC_OP_LOGICx   dst = r. CF = OF = 0, AF = 0 (undefined). AND OR XOR TEST ANDN.
 * CC_OP_INCx     dst = r = a + 1, src = CF before the INC (0 or 1): INC preserves CF.
 * CC_OP_DECx     dst = r = a - 1, src = CF before the DEC.
 * CC_OP_SHLx     dst = r, src = a << (m - 1) where m = masked count, 1 <= m (a count of 0
 *                changes no flag: the translator leaves cc_op alone). CF = bit n-1 of src;
 *                OF = CF ^ SF(r) (SDM for m = 1; what AMD hosts give for any m). AF = 1
 *                (undefined; AMD hosts set it). Also SHLD (src = destination << (m - 1)).
 * CC_OP_SHRx     dst = r, src = any value whose bit 0 is CF and whose bit n-1 is SF(r) ^ OF:
 *                SHR/SAR: src = a >> (m - 1), a zero- (SHR) or sign-extended (SAR) first:
 *                OF = MSB(a) for SHR and 0 for SAR at m = 1, and 0 for m > 1 as on hosts.
 *                SHRD: src = (r << 1) | CF, CF = bit m-1 of the destination: OF = the two
 *                top bits of r differ, which is "sign changed" at m = 1 (SDM) and what AMD
 *                hosts give for m > 1. AF = 1 as for SHL.
 * CC_OP_MULx     dst = low half of the product, src = nonzero (at size n) iff CF = OF = 1:
 *                MUL: the high half; IMUL: high half ^ (low half >> n-1, arithmetic), i.e.
 *                whatever differs from the sign extension of the low half. SF ZF PF are
 *                returned from dst, AF = 0: all four are undefined (SDM MUL/IMUL).
 * CC_OP_BLSIx    dst = r. CF = r != 0 (BLSI: r = a & -a is nonzero iff a is), ZF SF from r,
 *                OF = 0; PF from r and AF = 0 are undefined.
 * CC_OP_BLSRx    dst = r, src = a. CF = a == 0. BLSR and BLSMSK. Flags otherwise as BLSI.
 * CC_OP_POPCNT   dst = a zero-extended to 64 bits. ZF = a == 0, all others 0. Also BSF/BSR
 *                (only ZF is defined there).
 * CC_OP_ZCNT     dst = r (the count), src = a zero-extended to 64 bits. CF = a == 0,
 *                ZF = r == 0; OF SF AF PF = 0 are undefined. LZCNT, TZCNT.
 * CC_OP_CLR      nothing: ZF = PF = 1, others 0 (XOR/SUB of a register with itself).
 */
#ifndef TANDEM_TARGET_X86_CC_HELPER_H
#define TANDEM_TARGET_X86_CC_HELPER_H

#include <stdbool.h>
#include <stdint.h>

#include "target-x86/cpu.h"

/* log2 of the operand size in bytes (0..3) of a sized cc_op; 0 for the unsized ones. */
static inline unsigned x86_cc_op_size_shift(uint32_t cc_op)
{
    return cc_op >= CC_OP_ADDB && cc_op < CC_OP_POPCNT ? (cc_op - CC_OP_ADDB) & 3 : 0;
}

/* The sized cc_op of family @base (CC_OP_ADDB, CC_OP_SUBB, ...) for size 1 << size_shift bytes. */
static inline uint32_t x86_cc_op_sized(uint32_t base, unsigned size_shift)
{
    return base + size_shift;
}

/* CF PF AF ZF SF OF at their eflags positions (CC_C ... CC_O); no other bit is set. */
uint32_t x86_cc_compute_all(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/* CF alone, as 0 or 1 (== CC_C). */
uint32_t x86_cc_compute_c(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/* ---- conditions (SDM vol. 1, table B-1): the low nibble of Jcc/SETcc/CMOVcc opcodes ---- */
enum {
    X86_COND_O, X86_COND_NO, X86_COND_B, X86_COND_AE,
    X86_COND_E, X86_COND_NE, X86_COND_BE, X86_COND_A,
    X86_COND_S, X86_COND_NS, X86_COND_P, X86_COND_NP,
    X86_COND_L, X86_COND_GE, X86_COND_LE, X86_COND_G,
};

/* Condition @cond (0..15; odd = negation of the even one below) on materialised flags. */
bool x86_cc_eval_cond(uint32_t cond, uint32_t eflags);

/* Condition @cond from the lazy state; SUB/CMP and LOGIC/TEST answer without computing the
 * other flags. */
bool x86_cc_test(uint32_t cond, uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/* ---- rotates (SDM vol. 2B, RCL/RCR/ROL/ROR) ---- */
typedef enum X86RotKind { X86_ROT_ROL, X86_ROT_ROR, X86_ROT_RCL, X86_ROT_RCR } X86RotKind;

/* Rotates the low 8 << size_shift bits of @value by @count (the raw CL or immediate count:
 * masked to 5 bits, 6 for 64-bit, as the hardware does) and returns the result zero-extended.
 * *@eflags holds the flags before (materialised: the translator switches to CC_OP_EFLAGS
 * first); CF and OF are updated in it, every other bit is kept. A masked count of 0 changes
 * nothing. OF is architecturally defined only for a masked count of 1; for larger counts this
 * writes what the count-1 formula gives on the final result, which is what the AMD EPYC the
 * tests were written on does (see tests/unit/test-x86-cc.c). */
uint64_t x86_rotate(X86RotKind kind, unsigned size_shift, uint64_t value, unsigned count,
                    uint32_t *eflags);

/* ---- architecturally undefined flags, for differential testing ---- */
typedef enum X86FlagInsn {
    X86_FI_ADD, X86_FI_ADC, X86_FI_SUB, X86_FI_SBB, X86_FI_CMP, X86_FI_NEG,
    X86_FI_AND, X86_FI_OR, X86_FI_XOR, X86_FI_TEST, X86_FI_INC, X86_FI_DEC,
    X86_FI_SHL, X86_FI_SHR, X86_FI_SAR, X86_FI_SHLD, X86_FI_SHRD,
    X86_FI_ROL, X86_FI_ROR, X86_FI_RCL, X86_FI_RCR,
    X86_FI_MUL, X86_FI_IMUL, X86_FI_DIV, X86_FI_IDIV,
    X86_FI_BLSI, X86_FI_BLSR, X86_FI_BLSMSK, X86_FI_ANDN,
    X86_FI_POPCNT, X86_FI_LZCNT, X86_FI_TZCNT, X86_FI_BSF, X86_FI_BSR, X86_FI_BT,
} X86FlagInsn;

/* The arithmetic flags the SDM calls undefined after @insn at size 1 << size_shift bytes;
 * @count is the raw shift/rotate count (ignored by the others). Flags an instruction leaves
 * unmodified (INC's CF, BT's ZF, a zero-count shift) are not in the mask: they are defined. */
uint32_t x86_cc_undefined_mask(X86FlagInsn insn, unsigned size_shift, unsigned count);

#endif
