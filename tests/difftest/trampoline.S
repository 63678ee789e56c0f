/*
 * trampoline.S — calls one generated sequence of the differential test with its initial
 * state (see dt-case.h): saves the callee-saved registers, loads x0-x15 and NZCV, sets the
 * harness registers (x28 = middle of the scratch buffer, x26 = sequence address) and stores
 * x0-x15 and NZCV afterwards. The out pointer lives on the stack: sequences never touch SP.
 *   void dt_call(const struct dt_case *c, struct dt_result *out, uint8_t *buf_mid)
 */
    .text
    .balign 4
    .global dt_call
    .type dt_call, %function
dt_call:
    stp x29, x30, [sp, #-112]!
    mov x29, sp
    stp x19, x20, [sp, #16]
    stp x21, x22, [sp, #32]
    stp x23, x24, [sp, #48]
    stp x25, x26, [sp, #64]
    stp x27, x28, [sp, #80]
    str x1, [sp, #96]
    mov x28, x2
    ldr x26, [x0]               /* fn */
    ldr x16, [x0, #32]          /* nzcv */
    msr nzcv, x16
    add x16, x0, #40            /* regs[16] */
    ldp x0, x1, [x16, #0]
    ldp x2, x3, [x16, #16]
    ldp x4, x5, [x16, #32]
    ldp x6, x7, [x16, #48]
    ldp x8, x9, [x16, #64]
    ldp x10, x11, [x16, #80]
    ldp x12, x13, [x16, #96]
    ldp x14, x15, [x16, #112]
    blr x26
    ldr x16, [sp, #96]
    stp x0, x1, [x16, #0]
    stp x2, x3, [x16, #16]
    stp x4, x5, [x16, #32]
    stp x6, x7, [x16, #48]
    stp x8, x9, [x16, #64]
    stp x10, x11, [x16, #80]
    stp x12, x13, [x16, #96]
    stp x14, x15, [x16, #112]
    mrs x17, nzcv
    str x17, [x16, #128]
    ldp x19, x20, [sp, #16]
    ldp x21, x22, [sp, #32]
    ldp x23, x24, [sp, #48]
    ldp x25, x26, [sp, #64]
    ldp x27, x28, [sp, #80]
    ldp x29, x30, [sp], #112
    ret
    .size dt_call, . - dt_call
