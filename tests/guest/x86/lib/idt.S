/*
 * idt.S — the 256 interrupt entry stubs and the ring-3 call helper of the x86-64 guest runtime.
 * Stub n sits at x86_idt_stubs + 16 * n. Vectors that push no error code (SDM vol. 3A 6.15:
 * only 8, 10-14, 17, 21, 29, 30 do) push a zero, so every frame has the same shape; then the
 * vector number; exc_common saves the 15 GPRs (struct x86_exc_frame, runtime.h), clears DF
 * (the C ABI needs DF = 0; IRETQ restores the interrupted RFLAGS) and calls x86_exc_dispatch.
 * In 64-bit mode the CPU aligns RSP to 16 before pushing (SDM 6.14.2), so after 22 pushes the
 * call is ABI-aligned. Runs on whichever CPU took the interrupt; no shared state here.
 */
#include "layout.h"

    .altmacro
    .macro STUB vec
    .align 16
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp exc_common
    .endm

    .section .text
    .align 16
    .global x86_idt_stubs
x86_idt_stubs:
    .set vec, 0
    .rept 256
    STUB %vec
    .set vec, vec + 1
    .endr

exc_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    mov %rsp, %rdi
    call x86_exc_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                   /* vector and error code */
    iretq

/* uint64_t user_call(uint64_t (*fn)(uint64_t), uint64_t arg): runs fn(arg) in ring 3 on
 * x86_user_stack (IRETQ to CS = X86_SEL_UCODE, IF = 0, IOPL = 0). fn returns into
 * x86_user_return, which raises INT X86_VEC_USER_RETURN; the dispatcher sends ring 0 back to
 * x86_user_resume on the saved stack with RAX = fn's result. */
    .global user_call, x86_user_return, x86_user_resume
user_call:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, x86_user_saved_rsp(%rip)
    lea x86_user_stack + X86_STACK_SIZE - 8(%rip), %rax
    lea x86_user_return(%rip), %rcx
    mov %rcx, (%rax)                /* fn's return address */
    pushq $X86_SEL_UDATA
    push %rax
    pushq $0x2                      /* RFLAGS: reserved bit 1 only */
    pushq $X86_SEL_UCODE
    push %rdi
    mov %rsi, %rdi
    iretq
x86_user_return:
    mov %rax, %rdi
    int $X86_VEC_USER_RETURN
    ud2
x86_user_resume:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .section .bss
    .align 4096
    .global x86_user_stack
x86_user_stack: .skip X86_STACK_SIZE
    .align 8
    .global x86_user_saved_rsp
x86_user_saved_rsp: .skip 8

    .section .note.GNU-stack, "", @progbits
