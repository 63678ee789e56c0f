/*
 * runtime.h — the tiny runtime of x86-64 guest tests on the PC board (-M pc): 16550 output on
 * COM1, exit through isa-debug-exit, CHECK helpers that count failures (same output lines as
 * the AArch64 runtime: "FAIL name: got X want Y", then "PASS" or "N failures"), port I/O,
 * CPUID, MSR and CR access, an IDT whose 256 vectors record or dispatch exceptions, 4 KiB page
 * mapping above the identity-mapped first GiB, and a ring-3 call.
 * Exit convention: guest_exit(v) writes v to port 0xf4; QEMU's isa-debug-exit ends the
 * emulator with status (v << 1) | 1. PASS writes 0 -> status 1; a failure writes 1 ->
 * status 3. A triple fault under -no-reboot ends with status 0, which is therefore never PASS.
 * Handlers run in ring 0 with IF = 0 on the interrupted stack (or the TSS RSP0 stack when
 * coming from ring 3, IST1 for #DF). CPU 0 (the BSP) runs main; smp.c starts the others
 * (section "SMP" below): every CPU shares the IDT, handler table and page tables and has its
 * own stack, GDT copy and TSS. guest_printf holds a lock, so lines from several CPUs do not
 * mix; exc_last/exc_resume_at are shared (use them from one CPU at a time).
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
/* The number after "key=" in the multiboot command line (-append; multiboot spec 3.3 flags
 * bit 2), or dflt when absent: how tests take counts (make check vs check-full .args). */
uint64_t x86_cmdline_num(const char *key, uint64_t dflt);

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
/* Called by each AP (smp.c) with its CPU index >= 1: its own GDT copy and TSS, the IDT. */
void x86_init_ap_tables(unsigned idx);

static inline uint64_t tsc_read(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* ---- local APIC, xAPIC MMIO mode (SDM vol. 3A chapter 10; register offsets table 10-1) ---- */
#define XAPIC_BASE 0xfee00000ull
#define XAPIC_ID 0x020
#define XAPIC_VER 0x030
#define XAPIC_TPR 0x080
#define XAPIC_PPR 0x0a0
#define XAPIC_EOI 0x0b0
#define XAPIC_LDR 0x0d0
#define XAPIC_DFR 0x0e0
#define XAPIC_SVR 0x0f0
#define XAPIC_ISR 0x100 /* 8 registers, 0x10 apart: vector v is bit v % 32 of reg v / 32 */
#define XAPIC_TMR 0x180
#define XAPIC_IRR 0x200
#define XAPIC_ESR 0x280
#define XAPIC_ICR_LO 0x300
#define XAPIC_ICR_HI 0x310
#define XAPIC_LVT_TIMER 0x320
#define XAPIC_LVT_LINT0 0x350
#define XAPIC_LVT_LINT1 0x360
#define XAPIC_LVT_ERROR 0x370
#define XAPIC_TIMER_ICR 0x380
#define XAPIC_TIMER_CCR 0x390
#define XAPIC_TIMER_DCR 0x3e0
#define XAPIC_SVR_ENABLE (1u << 8)
#define XAPIC_LVT_MASKED (1u << 16)
/* ICR low (SDM 10.6.1, figure 10-12) */
#define XAPIC_DM_FIXED (0u << 8)
#define XAPIC_DM_LOWEST (1u << 8)
#define XAPIC_DM_SMI (2u << 8)
#define XAPIC_DM_NMI (4u << 8)
#define XAPIC_DM_INIT (5u << 8)
#define XAPIC_DM_STARTUP (6u << 8)
#define XAPIC_DEST_LOGICAL (1u << 11)
#define XAPIC_ICR_BUSY (1u << 12) /* delivery status: send pending */
#define XAPIC_LEVEL_ASSERT (1u << 14)
#define XAPIC_TRIG_LEVEL (1u << 15)
#define XAPIC_SH_SELF (1u << 18)
#define XAPIC_SH_ALL (2u << 18)
#define XAPIC_SH_OTHERS (3u << 18)
static inline uint32_t apic_read(uint32_t reg) { return *(volatile uint32_t *)(XAPIC_BASE + reg); }
static inline void apic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(XAPIC_BASE + reg) = v; }
static inline unsigned apic_id_self(void) { return apic_read(XAPIC_ID) >> 24; }
static inline void apic_eoi(void) { apic_write(XAPIC_EOI, 0); }
/* 1 if vector v is set in the 256-bit register array at base (XAPIC_ISR/TMR/IRR). */
static inline int apic_vec_bit(uint32_t base, unsigned v)
{
    return (apic_read(base + 0x10 * (v / 32)) >> (v % 32)) & 1;
}
/* SVR = APIC software enable | spurious vector, or disabled (SDM 10.4.7.2, 10.9). */
static inline void apic_sw_enable(uint8_t spurious) { apic_write(XAPIC_SVR, XAPIC_SVR_ENABLE | spurious); }
static inline void apic_sw_disable(void) { apic_write(XAPIC_SVR, apic_read(XAPIC_SVR) & ~XAPIC_SVR_ENABLE); }
/* Sends an IPI: ICR high = dest << 24 (xAPIC destination field), then ICR low = icr_low, and
 * waits for the delivery status to clear. Returns 0, or -1 if it stayed busy for 100 ms. */
int apic_send_ipi(unsigned dest, uint32_t icr_low);
/* x2APIC (SDM 10.12): MSR 0x800 + offset / 16; the ICR is one 64-bit MSR (0x830) with the
 * 32-bit destination in its high half. */
#define X2APIC_MSR(reg) (0x800u + (reg) / 16)
static inline int x2apic_supported(void) { return (cpuid(1, 0).ecx >> 21) & 1; }
static inline void x2apic_enable(void) { wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | 0xc00); }
static inline void x2apic_send_ipi(uint32_t dest, uint32_t icr_low)
{
    wrmsr(X2APIC_MSR(XAPIC_ICR_LO), (uint64_t)dest << 32 | icr_low);
}

/* ---- SMP (smp.c, ap-start.S) ----
 * smp_init (BSP, once) maps the local APIC page (XAPIC_BASE, shared by every CPU), reads the CPUs from the ACPI MADT (RSDP found in the EBDA or
 * 0xE0000-0xFFFFF, ACPI 6.x 5.2.5.1), puts the BSP at index 0 and the other enabled local
 * APICs after it in MADT order, calibrates delay_us (TSC against the local APIC timer, which
 * counts at 1 GHz with divide-by-1 on Tandem and on QEMU), copies the trampoline to
 * X86_SMP_TRAMP_BASE and software-enables the BSP's APIC (spurious vector 0xff). Returns the
 * CPU count, or 0 when there is no usable MADT.
 * smp_start_ap(idx, fn) runs fn(idx) on CPU idx by the universal start-up algorithm (SDM vol.
 * 3A 8.4.4.1): INIT, 10 ms, SIPI, 200 us, SIPI, 200 us, and waits up to 1 s for the AP to
 * enter x86_ap_entry. The AP enables its APIC (SVR 0x1ff), calls fn(idx), counts fn's return
 * in .done, then loops on HLT with IF = 0, counting each HLT that returns in .hlt_wakeups.
 * Returns 0, or -1 if the AP did not come. */
struct smp_cpu {
    void (*volatile fn)(unsigned idx); /* what the AP runs after its next start */
    volatile unsigned entries;         /* times the AP came through the trampoline */
    volatile unsigned done;            /* times fn returned */
    volatile unsigned hlt_wakeups;     /* HLT returns in the idle loop after fn */
};
extern struct smp_cpu smp_cpus[X86_MAX_CPUS];
extern uint32_t x86_smp_ncpus;                   /* CPUs found by smp_init */
extern uint32_t x86_smp_apic_ids[X86_MAX_CPUS];  /* APIC ID of CPU index i */
unsigned smp_init(void);
int smp_start_ap(unsigned idx, void (*fn)(unsigned idx));
void smp_send_init(unsigned apic_id);  /* INIT (level assert, edge), physical destination */
void smp_send_sipi(unsigned apic_id);  /* STARTUP IPI with the trampoline's vector */
unsigned smp_tramp_entries(void);      /* all APs' trampoline entries since smp_init */
/* The calling CPU's index (its APIC ID looked up in x86_smp_apic_ids), or -1. */
int smp_cpu_index(void);
/* 1 on qemu-system-x86_64 with TCG (CPUID hypervisor leaf "TCGTCGTCGTCG"; Tandem sets no
 * hypervisor bit): for the few places where the oracle knowingly differs from the SDM. */
int x86_on_qemu_tcg(void);
/* Busy-waits us microseconds (TSC; smp_init calibrates it). */
void delay_us(uint64_t us);
extern uint64_t x86_tsc_per_us;
/* Spins until *p == want or timeout_us passes; returns 1 if it matched. */
int smp_wait_eq(const volatile unsigned *p, unsigned want, uint64_t timeout_us);

#endif
