/*
 * translate-x87.h — the part of translate-x87.c other group translators call: FXSAVE and
 * FXRSTOR (0F AE /0 /1, decoded in the SSE group) save and restore the x87 state with the MXCSR
 * and XMM registers through fpu-x87.h's image helpers. Translating vCPU thread only.
 */
#ifndef TANDEM_TARGET_X86_TRANSLATE_X87_H
#define TANDEM_TARGET_X86_TRANSLATE_X87_H

#include <stdbool.h>

#include "target-x86/translate.h"

/* Emits FXSAVE/FXRSTOR (#NM on CR0.EM/TS, #GP on a misaligned or bad image in the helper) and
 * returns true when insn is one (memory form of 0F AE /0 or /1, REX.W selecting the 64-bit
 * layout); returns false, emitting nothing, for every other instruction. */
bool x86_tr_fxsave(DisasContext *s, X86Insn *insn);

#endif
