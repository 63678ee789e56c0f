/*
 * layout.h — constants shared by the x86-64 guest runtime's assembly (crt0.S, idt.S) and C
 * (runtime.c): GDT selectors, stack sizes, control-register values crt0 establishes.
 * Only #defines, except one assembler macro under __ASSEMBLER__: included from .S files too.
 * GDT layout (Intel SDM vol. 3A 3.4.5 descriptors, 7.2.3 64-bit TSS descriptor): the user
 * data selector sits right below user code so SYSRET (STAR[63:48] + 8 / + 16) can use them.
 */
#ifndef GUEST_X86_LAYOUT_H
#define GUEST_X86_LAYOUT_H

#define X86_SEL_KCODE64 0x08 /* long-mode code, DPL 0 */
#define X86_SEL_KDATA 0x10   /* flat data, DPL 0 */
#define X86_SEL_KCODE32 0x18 /* 32-bit code used between lgdt and the jump to long mode */
#define X86_SEL_UDATA 0x23   /* flat data, DPL 3 (GDT index 4, RPL 3) */
#define X86_SEL_UCODE 0x2b   /* long-mode code, DPL 3 (GDT index 5, RPL 3) */
#define X86_SEL_TSS 0x30     /* 16-byte 64-bit TSS descriptor, GDT indices 6-7 */
#define X86_GDT_ENTRIES 8

/* One stack per CPU: CPU n (index in the MADT order, the BSP is 0) uses x86_cpu_stacks +
 * (n + 1) * X86_STACK_SIZE as its top. APs start through ap-start.S (see smp.c). */
#define X86_MAX_CPUS 16
#define X86_STACK_SIZE 0x10000
/* Stacks the CPU switches to: RSP0 for exceptions from ring 3, IST1 for #DF. */
#define X86_EXC_STACK_SIZE 0x4000

/* What crt0 leaves in the control registers (test-modes checks them exactly):
 * CR0 = PG | WP | NE | ET | MP | PE (SDM 2.5; CD/NW/EM/TS clear so SSE works),
 * CR4 = OSXMMEXCPT | OSFXSR | PAE, EFER = LMA | LME (LMA set by the CPU on paging enable). */
#define X86_CR0_VALUE 0x80010033
#define X86_CR4_VALUE 0x00000620
#define X86_EFER_VALUE 0x00000500

/* Where smp.c copies the AP start-up trampoline (ap-start.S): a page of conventional memory below
 * 1 MiB that neither the test image (at 1 MiB) nor the multiboot information uses (smp_init
 * checks the latter). SIPI vector = X86_SMP_TRAMP_BASE >> 12 (SDM vol. 3A 8.4.4.1). */
#define X86_SMP_TRAMP_BASE 0x8000

/* Vector of the DPL-3 gate that ends a user_call (runtime.c). */
#define X86_VEC_USER_RETURN 0x81

#ifdef __ASSEMBLER__
/* The switch to long mode that crt0.S (the BSP) and ap-start.S (each AP) share: from 32-bit
 * protected mode, CR4 (PAE), CR3 = x86_pml4, EFER.LME, then CR0 (paging on activates IA-32e
 * mode, SDM vol. 3A 9.8.5), and a far jump into 64-bit code at target. */
.macro X86_ENTER_LONG_MODE target
    mov $X86_CR4_VALUE, %eax
    mov %eax, %cr4
    mov $x86_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx           /* IA32_EFER */
    mov $0x100, %eax                /* LME */
    xor %edx, %edx
    wrmsr
    mov $X86_CR0_VALUE, %eax
    mov %eax, %cr0
    ljmp $X86_SEL_KCODE64, $\target
.endm
#endif

#endif
