/*
 * translate-unimpl.c — the MMX and SSE groups until their translator lands: every such
 * instruction is logged under -d unimp and raises #UD (what a CPU without the feature does),
 * except FXSAVE/FXRSTOR, which translate-x87.c already handles. Translating vCPU thread only.
 */
#include "target-x86/translate-x87.h"

bool x86_tr_mmx(DisasContext *s, X86Insn *insn) { (void)s; (void)insn; return false; }
bool x86_tr_sse(DisasContext *s, X86Insn *insn) { return x86_tr_fxsave(s, insn); }
void x86_tr_sse_init(void) {}
