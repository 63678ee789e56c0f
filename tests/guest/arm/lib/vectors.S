// vectors.S — the EL1 exception vector table of the guest tests (ARM ARM D1.10.2: VBAR_EL1
// aligned to 2 KiB, 16 entries of 0x80 bytes: current EL with SP0, current EL with SPx, lower EL
// AArch64, lower EL AArch32; each Synchronous, IRQ, FIQ, SError). Every entry saves x0-x30,
// ELR/SPSR/ESR/FAR in a struct exc_frame (runtime.h) on SP_EL1, calls
// exc_dispatch(frame, vector index 0-15), writes back ELR/SPSR and x0-x30 from the frame (so
// a handler may change them) and ERETs. Also el0_call: run a function at EL0t, back to EL1 by
// SVC #EXC_SVC_EL0_RETURN. Plain gas (no cpp): runtime.c pulls it in with .include (gcc passes
// its -I folders to the assembler). Single-threaded bare metal.
    .equ EXC_FRAME_SIZE, 288
    .equ EXC_SVC_EL0_RETURN, 0xfffe

    .macro exc_entry idx
    .balign 0x80
    sub sp, sp, #EXC_FRAME_SIZE
    stp x0, x1, [sp, #0]
    mov x1, #\idx
    b exc_common
    .endm

    .text
    .balign 2048
    .global exc_vector_table
exc_vector_table:
    exc_entry 0
    exc_entry 1
    exc_entry 2
    exc_entry 3
    exc_entry 4
    exc_entry 5
    exc_entry 6
    exc_entry 7
    exc_entry 8
    exc_entry 9
    exc_entry 10
    exc_entry 11
    exc_entry 12
    exc_entry 13
    exc_entry 14
    exc_entry 15

exc_common:
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x19, [sp, #144]
    stp x20, x21, [sp, #160]
    stp x22, x23, [sp, #176]
    stp x24, x25, [sp, #192]
    stp x26, x27, [sp, #208]
    stp x28, x29, [sp, #224]
    str x30, [sp, #240]
    mrs x2, elr_el1
    mrs x3, spsr_el1
    stp x2, x3, [sp, #248]
    mrs x2, esr_el1
    mrs x3, far_el1
    stp x2, x3, [sp, #264]
    mov x0, sp
    bl exc_dispatch
    ldp x2, x3, [sp, #248]
    msr elr_el1, x2
    msr spsr_el1, x3
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x19, [sp, #144]
    ldp x20, x21, [sp, #160]
    ldp x22, x23, [sp, #176]
    ldp x24, x25, [sp, #192]
    ldp x26, x27, [sp, #208]
    ldp x28, x29, [sp, #224]
    ldr x30, [sp, #240]
    ldp x0, x1, [sp, #0]
    add sp, sp, #EXC_FRAME_SIZE
    eret

// uint64_t el0_call(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t spsr): runs fn(arg) in
// the state spsr describes (normally EL0t with DAIF masked: 0x3c0) on the EL0 stack; fn
// returns to el0_return, whose SVC brings exc_dispatch to resume at el0_resume at EL1h with
// x0 = fn's result. Callee-saved registers are kept on SP_EL1, which EL0 cannot touch.
    .global el0_call
el0_call:
    sub sp, sp, #96
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    msr elr_el1, x0
    msr spsr_el1, x2
    ldr x3, =el0_stack_top
    msr sp_el0, x3
    mov x0, x1
    adr x30, el0_return
    eret
    .global el0_return
el0_return:
    svc #EXC_SVC_EL0_RETURN
    .global el0_resume
el0_resume:
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    add sp, sp, #96
    ret

    .bss
    .balign 16
el0_stack:
    .skip 0x4000
el0_stack_top:
    .text
