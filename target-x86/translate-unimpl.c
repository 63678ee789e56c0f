/*
 * translate-unimpl.c — the x87, MMX and SSE groups until their translators land: every such
 * instruction is logged under -d unimp and raises #UD (what a CPU without the feature does).
 * Translating vCPU thread only.
 */
#include "target-x86/translate.h"

bool x86_tr_x87(DisasContext *s, X86Insn *insn) { (void)s; (void)insn; return false; }
bool x86_tr_mmx(DisasContext *s, X86Insn *insn) { (void)s; (void)insn; return false; }
bool x86_tr_sse(DisasContext *s, X86Insn *insn) { (void)s; (void)insn; return false; }
void x86_tr_x87_init(void) {}
void x86_tr_sse_init(void) {}
