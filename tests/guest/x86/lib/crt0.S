/*
 * crt0.S — entry of every x86-64 guest test, loaded by a multiboot v1 loader (-kernel).
 * Multiboot spec 0.6.96 section 3.2: entry in 32-bit protected mode, paging off, IF = 0,
 * EAX = 0x2BADB002, EBX = physical address of the multiboot information; the GDT is
 * undefined, so this loads its own before touching a segment register.
 * Steps: own GDT, zero .bss, identity page tables (PML4 -> PDPT -> one PD of 512 2 MiB pages
 * = the first 1 GiB, all user-accessible and writable), CR4.PAE, CR3, EFER.LME, CR0.PG
 * (SDM vol. 3A 10.8.5 initializing IA-32e mode), far jump to 64-bit code, stack, x86_init,
 * main(magic, mbi), guest_exit(main's value). Runs on CPU 0 only.
 */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: give memory information */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .section .text.boot, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    mov %eax, %ebp                  /* magic; EBX (the MBI) is kept as it is */
    lgdt x86_gdt_ptr
    ljmp $X86_SEL_KCODE32, $1f
1:  mov $X86_SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    /* zero .bss (page tables and stacks live there) */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    /* PML4[0] -> PDPT, PDPT[0] -> PD: P | RW | US (SDM 4.5 table 4-15/4-17) */
    mov $x86_pdpt, %eax
    or $7, %eax
    mov %eax, x86_pml4
    mov $x86_pd, %eax
    or $7, %eax
    mov %eax, x86_pdpt
    /* PD[i] = i * 2 MiB | PS | US | RW | P (table 4-18) */
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x87, %eax
    mov %eax, x86_pd(,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jb 2b
    X86_ENTER_LONG_MODE start64

    .code64
start64:
    mov $X86_SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    lea x86_cpu_stacks + X86_STACK_SIZE(%rip), %rsp
    xor %eax, %eax
    push %rax                       /* a zero return address ends backtraces */
    fninit
    mov %ebp, %edi
    mov %ebx, %esi                  /* zero-extends: the MBI is below 4 GiB */
    mov %edi, x86_mb_magic(%rip)
    mov %rsi, x86_mb_info(%rip)
    call x86_init
    mov x86_mb_magic(%rip), %edi
    mov x86_mb_info(%rip), %rsi
    call main
    mov %eax, %edi
    call guest_exit
3:  hlt
    jmp 3b

    .section .data
    .align 16
    .global x86_gdt, x86_gdt_ptr
x86_gdt:
    .quad 0
    .quad 0x00af9b000000ffff        /* 0x08 code64: G, L, P, DPL 0, type 0xB (accessed) */
    .quad 0x00cf93000000ffff        /* 0x10 data: G, D/B, P, DPL 0, type 0x3 */
    .quad 0x00cf9b000000ffff        /* 0x18 code32: G, D, P, DPL 0, type 0xB */
    .quad 0x00cff3000000ffff        /* 0x20 data, DPL 3 */
    .quad 0x00affb000000ffff        /* 0x28 code64, DPL 3 */
    .quad 0, 0                      /* 0x30 TSS, filled by x86_init */
x86_gdt_end:
    .align 4
    .word 0
x86_gdt_ptr:
    .word x86_gdt_end - x86_gdt - 1
    .quad x86_gdt                   /* lgdt in 32-bit mode reads 4 bytes of base */

    .section .bss
    .align 4096
    .global x86_pml4, x86_pdpt, x86_pd, x86_cpu_stacks
x86_pml4:   .skip 4096
x86_pdpt:   .skip 4096
x86_pd:     .skip 4096
x86_cpu_stacks: .skip X86_STACK_SIZE * X86_MAX_CPUS

    .section .note.GNU-stack, "", @progbits
