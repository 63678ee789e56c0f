/*
 * decode-a64-simd.c — top-level dispatch of the "Data Processing -- Scalar Floating-Point and
 * Advanced SIMD" encodings (ARM ARM C4.1.6). Placeholder until the SIMD decoder lands: every
 * encoding is reported as unallocated, so SIMD instructions raise UNDEF.
 */
#include "target-arm/decode-a64-simd.h"

bool disas_a64_simd_fp(DisasContext *s, uint32_t insn) { (void)s; (void)insn; return false; }

void a64_simd_helpers_init(void) {}
