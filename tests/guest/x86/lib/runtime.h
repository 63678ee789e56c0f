/*
 * runtime.h — the tiny runtime of x86-64 guest tests on the PC board (-M pc): 16550 output on
 * COM1, exit through isa-debug-exit, CHECK helpers that count failures (same output lines as
 * the AArch64 runtime: "FAIL name: got X want Y", then "PASS" or "N failures"), port I/O,
 * CPUID, MSR and CR access, an IDT whose 256 vectors record or dispatch exceptions, 4 KiB page
 * mapping above the identity-mapped first GiB, and a ring-3 call.
 * Exit convention: guest_exit(v) writes v to port 0xf4; QEMU's isa-debug-exit ends the
 * emulator with status (v << 1) | 1. PASS writes 0 -> status 1; a failure writes 1 ->
 * status 3. A triple fault under -no-reboot ends with status 0, which is therefore never PASS.
 * Single CPU bare metal; handlers run in ring 0 with IF = 0 on the interrupted stack (or the
 * TSS RSP0 stack when coming from ring 3, IST1 for #DF).
 */
#ifndef GUEST_X86_RUNTIME_H
#define GUEST_X86_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "guest-common.h"
#include "layout.h"

/* ---- output (16550 UART at I/O 0x3f8: uart_putc turns \n into CR LF) and exit; printing,
 * CHECK/CHECK_EQ, guest_report and the C library functions are in guest-common.h ---- */
/* printf-lite: %d %i %u %x %s %c %p %%, with an optional l / ll (64-bit) on d i u x. */
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void guest_vprintf(const char *fmt, va_list ap);
/* Writes code to isa-debug-exit (port 0xf4); if no such device, halts forever. */
void guest_exit(int code) __attribute__((noreturn));
#define X86_DEBUG_EXIT_PORT 0xf4

/* ---- port I/O, CPUID, MSRs, control registers (SDM vol. 2) ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_APIC_BASE 0x1bu
static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#define READ_CR(n)                                                                     \
    ({                                                                                 \
        uint64_t v_;                                                                   \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_));                             \
        v_;                                                                            \
    })
#define WRITE_CR(n, v) __asm__ volatile("mov %0, %%cr" #n : : "r"((uint64_t)(v)) : "memory")
static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq\n pop %0" : "=r"(v));
    return v;
}
static inline void invlpg(const volatile void *va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* RFLAGS bits (SDM vol. 1 3.4.3) */
#define X86_CF 0x001u
#define X86_PF 0x004u
#define X86_AF 0x010u
#define X86_ZF 0x040u
#define X86_SF 0x080u
#define X86_TF 0x100u
#define X86_IF 0x200u
#define X86_DF 0x400u
#define X86_OF 0x800u

/* ---- multiboot v1 (set by crt0) ---- */
extern uint32_t x86_mb_magic; /* EAX at entry: 0x2BADB002 from a multiboot loader */
extern uint64_t x86_mb_info;  /* EBX at entry: physical address of the multiboot information */

/* ---- exceptions and interrupts (idt.S + runtime.c; SDM vol. 3A chapter 6) ----
 * Every vector 0-255 has a stub that builds a struct x86_exc_frame and calls the C handler set
 * with exc_set_handler(vector, fn), or exc_record_handler. The handler may change any field
 * (rip, rflags, registers); IRETQ returns with them. exc_record_handler records the event in
 * exc_last (CR2 for #PF) and resumes at exc_resume_at if set (then clears it); else it returns
 * to frame->rip for traps (#BP, #OF, software INT n >= 32), and for any other fault prints
 * "unexpected exception" and exits with failure (a fault would repeat forever). */
struct x86_exc_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
typedef void (*exc_handler_fn)(struct x86_exc_frame *frame);
struct exc_record {
    uint64_t vector, error_code, rip, cs, cr2;
    int count; /* events recorded since exc_reset() */
};
enum {
    X86_EXC_DE = 0, X86_EXC_DB = 1, X86_EXC_NMI = 2, X86_EXC_BP = 3, X86_EXC_OF = 4,
    X86_EXC_BR = 5, X86_EXC_UD = 6, X86_EXC_NM = 7, X86_EXC_DF = 8, X86_EXC_TS = 10,
    X86_EXC_NP = 11, X86_EXC_SS = 12, X86_EXC_GP = 13, X86_EXC_PF = 14, X86_EXC_MF = 16,
    X86_EXC_AC = 17, X86_EXC_MC = 18, X86_EXC_XM = 19,
};
/* #PF error code bits (SDM vol. 3A 4.7) */
#define X86_PFEC_P 0x1u
#define X86_PFEC_W 0x2u
#define X86_PFEC_U 0x4u
#define X86_PFEC_RSVD 0x8u
#define X86_PFEC_I 0x10u
extern volatile struct exc_record exc_last;
extern volatile uint64_t exc_resume_at;
void exc_set_handler(int vector, exc_handler_fn fn); /* NULL: back to exc_record_handler */
void exc_record_handler(struct x86_exc_frame *frame);
void exc_reset(void); /* exc_last.vector = -1, count = 0, exc_resume_at = 0 */
/* Raw gate: vector -> handler at CPL 0 (type 0xE interrupt gate, 0xF trap gate), usable by
 * INT n from rings <= dpl, ist = 0 (no stack switch) or 1-7. */
void idt_set_gate(int vector, void (*handler)(void), int type, int dpl, int ist);
extern char x86_idt_stubs[]; /* stub of vector n: x86_idt_stubs + 16 * n */
/* An asm fragment for tests: makes the label "1:" that follows the faulting instruction the
 * resume address of exc_record_handler. Clobbers r11. Use:
 *   __asm__ volatile(EXC_RESUME_AT_1 "ud2\n1:" ::: "r11", "memory"); */
#define EXC_RESUME_AT_1 "lea 1f(%%rip), %%r11\n\tmov %%r11, exc_resume_at(%%rip)\n\t"

/* ---- paging (SDM vol. 3A 4.5, 4-level) ----
 * crt0 identity-maps the first 1 GiB with 2 MiB pages (P | RW | US). x86_map_page maps one
 * 4 KiB page va -> pa with flags (X86_PTE_*; P is added) elsewhere, allocating tables from a
 * static pool; returns the PTE or NULL (va in the 2 MiB-mapped GiB, or pool empty). It does
 * not flush: call invlpg when replacing a present mapping. x86_pte_of returns the 4 KiB PTE
 * mapping va or NULL. */
#define X86_PTE_P 0x1ull
#define X86_PTE_RW 0x2ull
#define X86_PTE_US 0x4ull
#define X86_PTE_A 0x20ull
#define X86_PTE_D 0x40ull
#define X86_PTE_PS 0x80ull
#define X86_PTE_G 0x100ull
#define X86_PTE_NX (1ull << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ull
extern uint64_t x86_pml4[512], x86_pdpt[512], x86_pd[512];
volatile uint64_t *x86_map_page(uint64_t va, uint64_t pa, uint64_t flags);
volatile uint64_t *x86_pte_of(uint64_t va);

/* ---- ring 3 ----
 * Runs fn(arg) at CPL 3 on x86_user_stack (all identity-mapped memory is user-accessible;
 * IOPL 0, so fn cannot use the UART) and returns its result. An exception in fn goes through
 * the IDT as usual (the CPU switches to the TSS RSP0 stack). */
uint64_t user_call(uint64_t (*fn)(uint64_t), uint64_t arg);

/* Called by crt0 before main: IDT, TSS, COM1 init. */
void x86_init(uint32_t magic, uint64_t mbi);

#endif
