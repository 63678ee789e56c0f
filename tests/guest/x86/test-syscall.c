/*
 * test-syscall.c — fast system calls (Intel SDM vol. 2B SYSCALL, SYSRET, SYSENTER, SYSEXIT):
 * SYSRETQ from ring 0 enters 64-bit ring 3 at RCX with RFLAGS from R11 and CS/SS from
 * STAR[63:48] + 16 / + 8 (RPL 3); SYSCALL comes back to LSTAR at ring 0 with RCX = the next
 * RIP, R11 = RFLAGS, CS/SS from STAR[47:32] / + 8, and RFLAGS masked by IA32_FMASK. Then
 * SYSEXITQ to ring 3 at RDX with RSP = RCX, CS = SYSENTER_CS + 32 | 3, SS = + 40 | 3, and
 * SYSENTER back to SYSENTER_EIP/ESP with CS = SYSENTER_CS, SS = + 8 (Intel; AMD: #UD in long
 * mode). SYSCALL with
 * EFER.SCE = 0 raises #UD. The GDT layout (lib/layout.h) puts user data right below user code
 * for SYSRET. Single-threaded bare metal, interrupts off throughout.
 */
#include "runtime.h"

#define MSR_FMASK 0xc0000084u
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u

static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));
/* filled by the assembly below */
uint64_t sc_saved_rsp, sc_rcx, sc_r11, sc_cs, sc_ss, sc_rax, sc_user_cs, sc_user_ss, sc_rsp,
    sc_user_rip;

/* uint64_t sc_run(uint64_t user_rsp, uint64_t rflags): SYSRETQ to sc_user with R11 = rflags;
 * the user part records CS/SS, sets RAX and SYSCALLs to sc_entry, which returns from sc_run. */
void sc_run(uint64_t user_rsp, uint64_t rflags);
void sc_entry(void);
/* void se_run(uint64_t user_rsp): SYSEXITQ to se_user; SYSENTER lands in se_entry. */
void se_run(uint64_t user_rsp);
void se_entry(void);
__asm__(".text\n"
        "sc_run:\n"
        "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "  mov %rsp, sc_saved_rsp(%rip)\n"
        "  mov %rsi, %r11\n"
        "  lea sc_user(%rip), %rcx\n"
        "  mov %rdi, %rsp\n"
        "  sysretq\n"
        "sc_user:\n"
        "  mov %cs, %rbx\n mov %rbx, sc_user_cs(%rip)\n"
        "  mov %ss, %rbx\n mov %rbx, sc_user_ss(%rip)\n"
        "  mov $0x5ca11, %eax\n"
        "  syscall\n"
        "sc_after:\n"
        "  ud2\n"
        "sc_entry:\n"
        "  mov %rcx, sc_rcx(%rip)\n mov %r11, sc_r11(%rip)\n mov %rax, sc_rax(%rip)\n"
        "  lea sc_after(%rip), %rax\n mov %rax, sc_user_rip(%rip)\n"
        "  mov %cs, %rax\n mov %rax, sc_cs(%rip)\n"
        "  mov %ss, %rax\n mov %rax, sc_ss(%rip)\n"
        "  pushfq\n pop %rax\n mov %rax, sc_rsp(%rip)\n" /* RFLAGS inside the handler */
        "  mov sc_saved_rsp(%rip), %rsp\n"
        "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
        "  ret\n"
        "se_run:\n"
        "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "  mov %rsp, sc_saved_rsp(%rip)\n"
        "  mov %rdi, %rcx\n"
        "  lea se_user(%rip), %rdx\n"
        "  sysexitq\n"
        "se_user:\n"
        "  mov %cs, %rbx\n mov %rbx, sc_user_cs(%rip)\n"
        "  mov %ss, %rbx\n mov %rbx, sc_user_ss(%rip)\n"
        "  sysenter\n"
        "  ud2\n"
        "se_entry:\n"
        "  mov %rsp, sc_rsp(%rip)\n"
        "  mov %cs, %rax\n mov %rax, sc_cs(%rip)\n"
        "  mov %ss, %rax\n mov %rax, sc_ss(%rip)\n"
        "  mov sc_saved_rsp(%rip), %rsp\n"
        "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
        "  ret\n");

int main(void)
{
    /* #UD while EFER.SCE = 0 */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~1ull);
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "syscall\n1:" : : : "rcx", "r11", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, X86_EXC_UD);
    exc_reset();

    /* SYSCALL CS 0x08 / SS 0x10; SYSRET base 0x18: CS 0x28 | 3 = user code, SS 0x20 | 3 */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
    wrmsr(MSR_STAR, (uint64_t)(X86_SEL_UCODE - 16 - 3) << 48 | (uint64_t)X86_SEL_KCODE64 << 32);
    wrmsr(MSR_LSTAR, (uint64_t)sc_entry);
    wrmsr(MSR_FMASK, X86_DF | X86_TF);
    sc_run((uint64_t)(user_stack + sizeof(user_stack)), 0x2 | X86_DF | X86_CF);
    CHECK_EQ(sc_user_cs, X86_SEL_UCODE);
    CHECK_EQ(sc_user_ss, X86_SEL_UDATA);
    CHECK_EQ(sc_rax, 0x5ca11);
    CHECK_EQ(sc_rcx, sc_user_rip);
    CHECK_EQ(sc_r11 & 0xffff, 0x2 | X86_DF | X86_CF);
    CHECK_EQ(sc_cs, X86_SEL_KCODE64);
    CHECK_EQ(sc_ss, X86_SEL_KDATA);
    CHECK_EQ(sc_rsp & X86_DF, 0); /* masked by FMASK */
    __asm__ volatile("cld");

    /* SYSENTER/SYSEXIT in long mode: #UD on AMD (APM vol. 3), as QEMU's qemu64 does */
    wrmsr(MSR_SYSENTER_CS, X86_SEL_KCODE64);
    struct cpuid_regs v = cpuid(0, 0);
    if (v.ebx != 0x756e6547u) { /* "Genu" */
        exc_reset();
        __asm__ volatile(EXC_RESUME_AT_1 "sysenter\n1:" : : : "rcx", "rdx", "r11", "memory");
        CHECK_EQ(exc_last.count, 1);
        CHECK_EQ(exc_last.vector, X86_EXC_UD);
        exc_reset();
        return guest_report();
    }
    /* Intel: SYSENTER_CS 0x08: SYSEXITQ to CS 0x28 | 3 (user code), SS 0x30 | 3 */
    wrmsr(MSR_SYSENTER_ESP, (uint64_t)(sysenter_stack + sizeof(sysenter_stack)));
    wrmsr(MSR_SYSENTER_EIP, (uint64_t)se_entry);
    sc_cs = sc_ss = sc_user_cs = sc_user_ss = 0;
    se_run((uint64_t)(user_stack + sizeof(user_stack)));
    CHECK_EQ(sc_user_cs, X86_SEL_UCODE);
    CHECK_EQ(sc_user_ss, X86_SEL_KCODE64 + 40 + 3);
    CHECK_EQ(sc_cs, X86_SEL_KCODE64);
    CHECK_EQ(sc_ss, X86_SEL_KDATA);
    CHECK_EQ(sc_rsp, (uint64_t)(sysenter_stack + sizeof(sysenter_stack)));
    __asm__ volatile("mov %0, %%ss" : : "r"((uint64_t)X86_SEL_KDATA)); /* tidy: SS was reloaded */
    return guest_report();
}
