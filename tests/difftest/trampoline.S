/*
 * trampoline.S — runs one generated sequence of the differential test (see dt-case.h):
 * saves the callee-saved registers on the C stack and the C stack pointer in dt_tramp_sp,
 * loads SP, NZCV and x0-x30 from a struct dt_state and branches to the sequence with BR x30.
 * The sequence owns every register including SP, so it comes back through dt_seq_return with
 * x30 = buffer middle (its own x30 already stored at buffer middle + DT_XFER_OFF + 240); the
 * rest of the state is stored beside it, then the C stack is restored. Single-threaded.
 *   void dt_call(const struct dt_state *in, uint8_t *buf_mid)
 */
    .text
    .balign 4
    .global dt_call, dt_seq_return
    .type dt_call, %function
dt_call:
    stp x29, x30, [sp, #-96]!
    stp x19, x20, [sp, #16]
    stp x21, x22, [sp, #32]
    stp x23, x24, [sp, #48]
    stp x25, x26, [sp, #64]
    stp x27, x28, [sp, #80]
    adrp x2, dt_tramp_sp
    mov x3, sp
    str x3, [x2, :lo12:dt_tramp_sp]
    ldr x3, [x0, #248]          /* sp */
    mov sp, x3
    ldr x3, [x0, #256]          /* nzcv */
    msr nzcv, x3
    mov x30, x0
    ldp x0, x1, [x30, #0]
    ldp x2, x3, [x30, #16]
    ldp x4, x5, [x30, #32]
    ldp x6, x7, [x30, #48]
    ldp x8, x9, [x30, #64]
    ldp x10, x11, [x30, #80]
    ldp x12, x13, [x30, #96]
    ldp x14, x15, [x30, #112]
    ldp x16, x17, [x30, #128]
    ldp x18, x19, [x30, #144]
    ldp x20, x21, [x30, #160]
    ldp x22, x23, [x30, #176]
    ldp x24, x25, [x30, #192]
    ldp x26, x27, [x30, #208]
    ldp x28, x29, [x30, #224]
    ldr x30, [x30, #240]        /* the sequence address */
    br x30
dt_seq_return:                  /* x30 = buffer middle */
    add x30, x30, #2048         /* DT_XFER_OFF */
    stp x0, x1, [x30, #0]
    stp x2, x3, [x30, #16]
    stp x4, x5, [x30, #32]
    stp x6, x7, [x30, #48]
    stp x8, x9, [x30, #64]
    stp x10, x11, [x30, #80]
    stp x12, x13, [x30, #96]
    stp x14, x15, [x30, #112]
    stp x16, x17, [x30, #128]
    stp x18, x19, [x30, #144]
    stp x20, x21, [x30, #160]
    stp x22, x23, [x30, #176]
    stp x24, x25, [x30, #192]
    stp x26, x27, [x30, #208]
    stp x28, x29, [x30, #224]
    mov x0, sp
    str x0, [x30, #248]
    mrs x0, nzcv
    str x0, [x30, #256]
    adrp x0, dt_tramp_sp
    ldr x0, [x0, :lo12:dt_tramp_sp]
    mov sp, x0
    ldp x19, x20, [sp, #16]
    ldp x21, x22, [sp, #32]
    ldp x23, x24, [sp, #48]
    ldp x25, x26, [sp, #64]
    ldp x27, x28, [sp, #80]
    ldp x29, x30, [sp], #96
    ret
    .size dt_call, . - dt_call

    .bss
    .balign 8
dt_tramp_sp:
    .skip 8
