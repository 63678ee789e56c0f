/*
 * disas.h — capstone disassembly for -d in_asm/out_asm and error messages. Any thread.
 */
#ifndef TANDEM_SYSTEM_DISAS_H
#define TANDEM_SYSTEM_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Disassembles the first instruction of code into buf ("mnemonic operands"), or "(bad)". */
void disas_one(char *buf, size_t buflen, int cs_arch, int cs_mode, const void *code, size_t size,
               uint64_t addr);
/* Disassembles a whole block, one line an instruction, prefixed with addresses. */
void disas_block(FILE *out, int cs_arch, int cs_mode, const void *code, size_t size, uint64_t addr);

#endif
