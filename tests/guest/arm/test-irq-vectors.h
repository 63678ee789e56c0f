/*
 * test-irq-vectors.h — the EL1 vector table shared by the guest tests that take IRQs
 * (test-gic-common.h, test-smp-rr.c). ARM ARM D1.10.2: 16 entries of 0x80 bytes; from the
 * current EL with SP_ELx, synchronous is entry 4 (0x200) and IRQ entry 5 (0x280).
 * Both save x0-x18, x29 and x30, call the including file's handler, restore and ERET:
 *   void irq_vector_handler(void);
 *   void sync_vector_handler(uint64_t *frame);  frame[n] = saved xn (n <= 18); a change to
 *        it is restored into the register, so a handler may step ELR_EL1 over a probing
 *        load and report through a register.
 * Every other entry is a failure: bad_vector_handler prints FAIL and exits.
 * Load irq_vectors into VBAR_EL1. Any number of vCPUs may use the table at once.
 */
#ifndef TEST_IRQ_VECTORS_H
#define TEST_IRQ_VECTORS_H

#include <stdint.h>

#include "runtime.h"

void irq_vector_handler(void);
void sync_vector_handler(uint64_t *frame);

void bad_vector_handler(void)
{
    uart_puts("FAIL unexpected exception\n");
    guest_exit(1);
}

__asm__(".macro irq_vectors_save\n"
        "  sub sp, sp, #176\n"
        "  stp x0, x1, [sp, #0]\n"
        "  stp x2, x3, [sp, #16]\n"
        "  stp x4, x5, [sp, #32]\n"
        "  stp x6, x7, [sp, #48]\n"
        "  stp x8, x9, [sp, #64]\n"
        "  stp x10, x11, [sp, #80]\n"
        "  stp x12, x13, [sp, #96]\n"
        "  stp x14, x15, [sp, #112]\n"
        "  stp x16, x17, [sp, #128]\n"
        "  stp x18, x29, [sp, #144]\n"
        "  str x30, [sp, #160]\n"
        ".endm\n"
        ".macro irq_vectors_restore\n"
        "  ldp x0, x1, [sp, #0]\n"
        "  ldp x2, x3, [sp, #16]\n"
        "  ldp x4, x5, [sp, #32]\n"
        "  ldp x6, x7, [sp, #48]\n"
        "  ldp x8, x9, [sp, #64]\n"
        "  ldp x10, x11, [sp, #80]\n"
        "  ldp x12, x13, [sp, #96]\n"
        "  ldp x14, x15, [sp, #112]\n"
        "  ldp x16, x17, [sp, #128]\n"
        "  ldp x18, x29, [sp, #144]\n"
        "  ldr x30, [sp, #160]\n"
        "  add sp, sp, #176\n"
        "  eret\n"
        ".endm\n"
        ".section .text\n"
        ".balign 2048\n"
        "irq_vectors:\n"
        ".rept 4\n"
        "  .balign 128\n"
        "  b bad_vector_handler\n"
        ".endr\n"
        ".balign 128\n"
        "  irq_vectors_save\n"
        "  mov x0, sp\n"
        "  bl sync_vector_handler\n"
        "  irq_vectors_restore\n"
        ".balign 128\n"
        "  irq_vectors_save\n"
        "  bl irq_vector_handler\n"
        "  irq_vectors_restore\n"
        ".rept 10\n"
        "  .balign 128\n"
        "  b bad_vector_handler\n"
        ".endr\n");
extern char irq_vectors[];

#endif
