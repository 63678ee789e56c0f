/*
 * dtx-tramp.S — dtx_call(code): loads the general registers (except RSP), the arithmetic
 * flags, XMM0-15, MM0-7 and MXCSR from dtx_in, calls the generated sequence (which touches neither
 * RSP nor the stack and returns with RET), stores them into dtx_out and returns. RBP comes
 * from dtx_in like the others (the harness sets it to dtx_mem + 128). The caller's callee-saved
 * registers and MXCSR are restored, and EMMS leaves the x87 unit usable (SDM vol. 1, 9.5.1). Addressing is RIP-relative only, so the same object works
 * in a Linux process and in the bare-metal guest. Single-threaded (static save slots).
 */
    .text
    .globl dtx_call
    .type dtx_call, @function
dtx_call:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, dtx_saved_rsp(%rip)
    stmxcsr dtx_saved_mxcsr(%rip)
    mov %rdi, dtx_code(%rip)
    /* RFLAGS: keep the system bits, take CF PF AF ZF SF OF from dtx_in */
    pushfq
    pop %rax
    and $~0x8d5, %rax
    mov dtx_in+128(%rip), %rcx
    and $0x8d5, %rcx
    or %rcx, %rax
    mov %rax, dtx_saved_rflags(%rip)
    ldmxcsr dtx_in+136(%rip)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    movdqu dtx_in+144+16*\n(%rip), %xmm\n
    .endr
    .irp n, 0,1,2,3,4,5,6,7
    movq dtx_in+656+8*\n(%rip), %mm\n
    .endr
    push dtx_saved_rflags(%rip)
    popfq
    mov dtx_in+0(%rip), %rax
    mov dtx_in+8(%rip), %rcx
    mov dtx_in+16(%rip), %rdx
    mov dtx_in+24(%rip), %rbx
    mov dtx_in+40(%rip), %rbp
    mov dtx_in+48(%rip), %rsi
    mov dtx_in+56(%rip), %rdi
    mov dtx_in+64(%rip), %r8
    mov dtx_in+72(%rip), %r9
    mov dtx_in+80(%rip), %r10
    mov dtx_in+88(%rip), %r11
    mov dtx_in+96(%rip), %r12
    mov dtx_in+104(%rip), %r13
    mov dtx_in+112(%rip), %r14
    mov dtx_in+120(%rip), %r15
    call *dtx_code(%rip)
    mov %rax, dtx_out+0(%rip)
    mov %rcx, dtx_out+8(%rip)
    mov %rdx, dtx_out+16(%rip)
    mov %rbx, dtx_out+24(%rip)
    mov %rbp, dtx_out+40(%rip)
    mov %rsi, dtx_out+48(%rip)
    mov %rdi, dtx_out+56(%rip)
    mov %r8, dtx_out+64(%rip)
    mov %r9, dtx_out+72(%rip)
    mov %r10, dtx_out+80(%rip)
    mov %r11, dtx_out+88(%rip)
    mov %r12, dtx_out+96(%rip)
    mov %r13, dtx_out+104(%rip)
    mov %r14, dtx_out+112(%rip)
    mov %r15, dtx_out+120(%rip)
    pushfq
    pop dtx_out+128(%rip)
    stmxcsr dtx_out+136(%rip)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    movdqu %xmm\n, dtx_out+144+16*\n(%rip)
    .endr
    .irp n, 0,1,2,3,4,5,6,7
    movq %mm\n, dtx_out+656+8*\n(%rip)
    .endr
    emms
    mov dtx_saved_rsp(%rip), %rsp
    ldmxcsr dtx_saved_mxcsr(%rip)
    cld
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
    .size dtx_call, .-dtx_call

    .data
    .balign 64
    .globl dtx_in, dtx_out, dtx_mem
dtx_in: .skip 720
    .balign 64
dtx_out: .skip 720
    .balign 64
dtx_mem: .skip 256
dtx_saved_rsp: .quad 0
dtx_saved_rflags: .quad 0
dtx_code: .quad 0
dtx_saved_mxcsr: .long 0
    .section .note.GNU-stack,"",@progbits
