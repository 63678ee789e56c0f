/*
 * test-cpuid.c — CPUID as any x86-64 CPU must answer it (SDM vol. 2A CPUID): RFLAGS.ID is
 * writable, leaf 0 gives a max leaf >= 1 and a 12-character printable vendor, leaf 1 has the
 * x86-64 baseline features (FPU TSC MSR PAE CX8 CMOV MMX FXSR SSE SSE2; long mode needs PAE
 * and MSR) and CLFLUSH line size 8 (64 bytes), extended leaf 0x80000001 has LM and SYSCALL.
 * Only facts true of QEMU's qemu64 and of real CPUs are checked. Single-threaded bare metal.
 */
#include "runtime.h"

static int printable(uint32_t w)
{
    for (int i = 0; i < 4; i++) {
        uint8_t c = (uint8_t)(w >> (8 * i));
        if (c < 0x20 || c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

int main(void)
{
    /* RFLAGS.ID (bit 21) can be flipped: CPUID exists */
    uint64_t f0 = read_rflags(), f1;
    __asm__ volatile("pushfq\n xorq $0x200000, (%%rsp)\n popfq\n pushfq\n pop %0\n"
                     "push %1\n popfq" : "=r"(f1) : "r"(f0) : "cc", "memory");
    CHECK_EQ((f0 ^ f1) & 0x200000, 0x200000);

    struct cpuid_regs l0 = cpuid(0, 0);
    CHECK(l0.eax >= 1);
    CHECK(printable(l0.ebx) && printable(l0.edx) && printable(l0.ecx));
    char vendor[13];
    memcpy(vendor, &l0.ebx, 4);
    memcpy(vendor + 4, &l0.edx, 4);
    memcpy(vendor + 8, &l0.ecx, 4);
    vendor[12] = 0;
    CHECK_EQ(strlen(vendor), 12);

    struct cpuid_regs l1 = cpuid(1, 0);
    uint32_t base = 1u << 0 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 8 | 1u << 15 | 1u << 23 |
                    1u << 24 | 1u << 25 | 1u << 26;
    CHECK_EQ(l1.edx & base, base);
    CHECK_EQ((l1.ebx >> 8) & 0xff, 8);           /* CLFLUSH line size in 8-byte units */
    CHECK(((l1.eax >> 8) & 0xf) != 0);           /* family */
    struct cpuid_regs again = cpuid(1, 0);
    CHECK_EQ(again.eax, l1.eax);
    CHECK_EQ(again.edx, l1.edx);

    struct cpuid_regs e0 = cpuid(0x80000000u, 0);
    CHECK(e0.eax >= 0x80000001u && e0.eax < 0x80000100u);
    struct cpuid_regs e1 = cpuid(0x80000001u, 0);
    CHECK_EQ(e1.edx & (1u << 29 | 1u << 11), 1u << 29 | 1u << 11); /* LM, SYSCALL */

    guest_printf("vendor %s family %u max leaf %x max ext %x\n", vendor,
                 (l1.eax >> 8) & 0xf, l0.eax, e0.eax);
    return guest_report();
}
