/*
 * test-modes.c — the machine state crt0 leaves (tests/guest/x86/lib/layout.h): CR0, CR4, EFER
 * (LME and LMA, SDM vol. 3A 10.8.5), CR3 = the PML4, CS.L = 1 / CS.D = 0 through LAR (SDM
 * vol. 2A LAR: access rights masked with 00F0FF00H), 8-byte pushes, REX.W decoding, the
 * selectors, GDTR/IDTR limits and TR, RFLAGS with IF = 0. Single-threaded bare metal.
 */
#include "runtime.h"

extern uint64_t x86_gdt[];

int main(void)
{
    CHECK_EQ(READ_CR(0), X86_CR0_VALUE);
    CHECK_EQ(READ_CR(4), X86_CR4_VALUE);
    CHECK_EQ(rdmsr(MSR_EFER), X86_EFER_VALUE);
    CHECK_EQ(READ_CR(3), (uint64_t)x86_pml4);

    uint16_t cs, ss, ds, tr;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    __asm__ volatile("str %0" : "=r"(tr));
    CHECK_EQ(cs, X86_SEL_KCODE64);
    CHECK_EQ(ss, X86_SEL_KDATA);
    CHECK_EQ(ds, X86_SEL_KDATA);
    CHECK_EQ(tr, X86_SEL_TSS);

    /* LAR of CS: G = 1, D = 0, L = 1, P = 1, DPL 0, S = 1, type 0xB */
    uint32_t ar = 0, ok;
    __asm__ volatile("lar %2, %0\n setz %b1" : "=r"(ar), "=q"(ok) : "r"((uint32_t)cs) : "cc");
    CHECK_EQ(ok & 1, 1);
    CHECK_EQ(ar, 0x00a09b00);
    __asm__ volatile("lar %2, %0\n setz %b1" : "=r"(ar), "=q"(ok) : "r"(0x18u) : "cc");
    CHECK_EQ(ar, 0x00c09b00); /* the 32-bit code segment: D = 1, L = 0 */
    /* the TSS became busy (type 0xB) when LTR loaded it */
    CHECK_EQ((x86_gdt[X86_SEL_TSS / 8] >> 40) & 0xff, 0x8b);

    /* PUSH in 64-bit mode moves RSP by 8 */
    uint64_t before, after;
    __asm__ volatile("mov %%rsp, %0\n push %%rcx\n mov %%rsp, %1\n pop %%rcx"
                     : "=&r"(before), "=&r"(after) : : "rcx", "memory");
    CHECK_EQ(before - after, 8);
    /* 0x48 is REX.W here (in compatibility mode it would be DEC EAX): mov rax, rcx */
    uint64_t r;
    __asm__ volatile("mov %1, %%rcx\n .byte 0x48, 0x89, 0xc8\n mov %%rax, %0"
                     : "=r"(r) : "r"(0x123456789abcdef0ull) : "rax", "rcx");
    CHECK_EQ(r, 0x123456789abcdef0ull);
    /* a 32-bit destination zero-extends into the full register */
    __asm__ volatile("mov $-1, %0\n mov $5, %k0" : "=r"(r));
    CHECK_EQ(r, 5);

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr, idtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));
    CHECK_EQ(gdtr.limit, X86_GDT_ENTRIES * 8 - 1);
    CHECK_EQ(gdtr.base, (uint64_t)x86_gdt);
    CHECK_EQ(idtr.limit, 256 * 16 - 1);

    CHECK_EQ(read_rflags() & (X86_IF | X86_DF | X86_TF | 0x2 | 0x3000), 0x2);
    return guest_report();
}
