/*
 * decode-a64-atomic.h — the ARMv8.1 Large System Extension (FEAT_LSE) atomics, called by the
 * load/store group decoder (decode-a64-ldst.c) for the encodings it does not handle itself.
 * Translator functions run on the translating vCPU thread; a64_atomic_helpers_init() at
 * start-up, from a64_ldst_helpers_init().
 */
#ifndef TANDEM_TARGET_ARM_DECODE_A64_ATOMIC_H
#define TANDEM_TARGET_ARM_DECODE_A64_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

#include "target-arm/translate.h"

/* Atomic memory operations: size 111 V 00 A R 1 Rs o3 opc 00 Rn Rt (LDADD..LDUMIN, SWP). */
bool trans_a64_atomic_memop(DisasContext *s, uint32_t insn);
/* CAS: size 001000 1 L 1 Rs o0 11111 Rn Rt; CASP: 0 sz 001000 0 L 1 Rs o0 11111 Rn Rt. */
bool trans_a64_cas(DisasContext *s, uint32_t insn);
void a64_atomic_helpers_init(void);

#endif
