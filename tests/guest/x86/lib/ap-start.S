/*
 * ap-start.S — the application-processor start-up path of the x86-64 guest runtime.
 * x86_smp_tramp_start..x86_smp_tramp_end is copied by smp_init (smp.c) to X86_SMP_TRAMP_BASE;
 * a STARTUP IPI with vector X86_SMP_TRAMP_BASE >> 12 starts an AP there in real mode with
 * CS = vector << 8, IP = 0 (SDM vol. 3A 8.4.4.1, 10.6.1). It counts itself in tramp_entries,
 * loads the runtime's GDT (x86_gdt, crt0.S), enters 32-bit protected mode, then long mode
 * with the BSP's page tables (x86_pml4) exactly as crt0 does (SDM 10.8.5), and jumps to
 * x86_ap_start64 in the image, which finds its CPU index from its own APIC ID
 * (x86_smp_apic_ids, filled by smp_init from the MADT), takes that CPU's stack and calls
 * x86_ap_entry(index) (smp.c). An AP whose APIC ID is unknown halts with IF = 0.
 * The trampoline only reads the copied page and the shared GDT/page tables: any number of APs
 * may run it at once.
 */
#include "layout.h"

#define TRAMP_OFF(label) ((label) - x86_smp_tramp_start)
#define TRAMP_ABS(label) (X86_SMP_TRAMP_BASE + TRAMP_OFF(label))

    .section .text
    .code16
    .global x86_smp_tramp_start, x86_smp_tramp_end, x86_smp_tramp_entries_off
x86_smp_tramp_start:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lock incl TRAMP_OFF(tramp_entries)
    lgdtl TRAMP_OFF(tramp_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax                     /* PE */
    mov %eax, %cr0
    ljmpl $X86_SEL_KCODE32, $TRAMP_ABS(tramp32)

    .code32
tramp32:
    mov $X86_SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    X86_ENTER_LONG_MODE x86_ap_start64

    .align 4
tramp_entries:
    .long 0
    .align 4
    .word 0
tramp_gdt_ptr:
    .word 8 * X86_GDT_ENTRIES - 1
    .long x86_gdt
x86_smp_tramp_end:

    .section .rodata
    .align 4
x86_smp_tramp_entries_off:
    .long TRAMP_OFF(tramp_entries)

    .section .text
    .code64
    .global x86_ap_start64
x86_ap_start64:
    mov $X86_SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $0xfee00020, %ebx           /* xAPIC ID register (SDM 10.4.6); zero-extended */
    mov (%rbx), %eax
    shr $24, %eax
    xor %ecx, %ecx
    mov x86_smp_ncpus(%rip), %edx
    lea x86_smp_apic_ids(%rip), %rsi
1:  cmp %edx, %ecx
    jae 3f
    cmp (%rsi,%rcx,4), %eax
    je 2f
    inc %ecx
    jmp 1b
2:  mov %ecx, %eax
    inc %eax
    imul $X86_STACK_SIZE, %rax
    lea x86_cpu_stacks(%rip), %rsp
    add %rax, %rsp
    xor %eax, %eax
    push %rax                       /* a zero return address ends backtraces */
    fninit
    mov %ecx, %edi
    call x86_ap_entry
3:  cli
    hlt
    jmp 3b

    .section .note.GNU-stack, "", @progbits
