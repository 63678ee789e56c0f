/*
 * lower.h — IR op -> x86-64 host code for one translation block.
 *
 * jit_lower_tb() emits the TB body into c->as: the entry exit-request check, every op of f,
 * the out-of-line slow paths and the exit stub; it fills the GOTO_TB offsets of tb. The caller
 * (backend-jit.c) provides the buffer, checks c->as.overflow and publishes the TB. Runs on the
 * translating thread only.
 */
#ifndef TANDEM_TCG_X86_64_LOWER_H
#define TANDEM_TCG_X86_64_LOWER_H

#include "cpu-exec/tb.h"
#include "tcg/x86-64/regalloc.h"

void jit_lower_tb(JitCtx *c, IRFunc *f, TranslationBlock *tb);

#endif
