/*
 * test-msr.c — RDMSR/WRMSR, RDTSC and CPUID as seen by a guest (Intel SDM vol. 2B RDMSR,
 * WRMSR, RDTSC, RDTSCP; vol. 4 MSR tables; vol. 2A CPUID): round trips through the SYSCALL,
 * SYSENTER, segment-base, PAT and MTRR MSRs, FS/GS base visible to %fs:/%gs: accesses, SWAPGS,
 * #GP(0) for RDMSR at CPL 3, RDTSC monotonic and #GP at CPL 3 under
 * CR4.TSD, RDTSCP's ECX = TSC_AUX (when advertised), and CPUID self-consistency.
 * An unknown MSR and a reserved PAT type must raise #GP(0) (SDM); QEMU 7.2 TCG reads the
 * unknown MSR as 0 and stores the bad PAT, the only other results accepted so that the test
 * runs on the oracle. Single-threaded bare metal.
 */
#include "runtime.h"

#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_PAT 0x277u
#define MSR_MTRR_BASE3 0x206u
#define MSR_MTRR_MASK3 0x207u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_FMASK 0xc0000084u

/* RDMSR/WRMSR that report a fault: returns the vector taken or -1. */
static int try_rdmsr(uint32_t msr, uint64_t *v)
{
    uint32_t lo = 0, hi = 0;
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "rdmsr\n1:" : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
    *v = (uint64_t)hi << 32 | lo;
    int vec = exc_last.count ? (int)exc_last.vector : -1;
    exc_reset();
    return vec;
}
static int try_wrmsr(uint32_t msr, uint64_t v)
{
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "wrmsr\n1:"
                     : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "r11", "memory");
    int vec = exc_last.count ? (int)exc_last.vector : -1;
    exc_reset();
    return vec;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t user_rdmsr(uint64_t msr)
{
    uint64_t v;
    return (uint64_t)try_rdmsr((uint32_t)msr, &v);
}
static uint64_t user_rdtsc(uint64_t unused)
{
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "rdtsc\n1:" : : : "rax", "rdx", "r11", "memory");
    return exc_last.count ? exc_last.vector : (uint64_t)-1;
}

static uint64_t fs_word[2] = { 0x1111, 0x2222 }, gs_word[2] = { 0x3333, 0x4444 };

int main(void)
{
    uint64_t v;
    /* ---- round trips ---- */
    static const struct { uint32_t msr; uint64_t v; } rt[] = {
        { MSR_STAR, 0x0018000800000000ull }, { MSR_LSTAR, 0xffffffff81000000ull },
        { MSR_FMASK, 0x47700 }, { MSR_KERNEL_GS_BASE, 0xffff888000001000ull },
        { MSR_SYSENTER_CS, 0x08 }, { MSR_SYSENTER_ESP, 0x12345000 },
        { MSR_SYSENTER_EIP, 0x23456000 }, { MSR_PAT, 0x0007010600070106ull },
        { MSR_MTRR_BASE3, 0x40000006 }, { MSR_MTRR_MASK3, 0xffc0000800ull },
    };
    for (unsigned i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
        uint64_t old;
        CHECK_EQ(try_rdmsr(rt[i].msr, &old), -1);
        CHECK_EQ(try_wrmsr(rt[i].msr, rt[i].v), -1);
        CHECK_EQ(try_rdmsr(rt[i].msr, &v), -1);
        if (v != rt[i].v) {
            guest_printf("FAIL msr %x: got %lx want %lx\n", rt[i].msr, v, rt[i].v);
            guest_failures++;
        }
        try_wrmsr(rt[i].msr, old);
    }
    CHECK_EQ(rdmsr(MSR_EFER) & 0x500, 0x500); /* LME | LMA, as crt0 set */

    /* ---- FS/GS bases are what %fs: and %gs: add; SWAPGS exchanges GS and KERNEL_GS ---- */
    wrmsr(MSR_FS_BASE, (uint64_t)fs_word);
    wrmsr(MSR_GS_BASE, (uint64_t)gs_word);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)fs_word);
    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    CHECK_EQ(v, 0x2222);
    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    CHECK_EQ(v, 0x3333);
    __asm__ volatile("swapgs\n mov %%gs:0, %0\n swapgs" : "=r"(v) : : "memory");
    CHECK_EQ(v, 0x1111);
    CHECK_EQ(rdmsr(MSR_GS_BASE), (uint64_t)gs_word);
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    /* ---- faults ---- */
    int vec = try_rdmsr(0x1234, &v);
    CHECK(vec == X86_EXC_GP || (vec == -1 && v == 0));
    uint64_t pat = rdmsr(MSR_PAT);
    vec = try_wrmsr(MSR_PAT, 0x0007040600070402ull); /* type 2 reserved: #GP (QEMU 7.2: kept) */
    CHECK(vec == X86_EXC_GP || (vec == -1 && rdmsr(MSR_PAT) == 0x0007040600070402ull));
    wrmsr(MSR_PAT, pat);
    CHECK_EQ(user_call(user_rdmsr, MSR_EFER), X86_EXC_GP);            /* CPL 3 */

    /* ---- TSC ---- */
    uint64_t prev = rdtsc();
    int backwards = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t t = rdtsc();
        backwards += t < prev;
        prev = t;
    }
    CHECK_EQ(backwards, 0);
    CHECK_EQ(user_call(user_rdtsc, 0), (uint64_t)-1); /* CR4.TSD = 0: allowed at CPL 3 */
    WRITE_CR(4, READ_CR(4) | 4);
    CHECK_EQ(user_call(user_rdtsc, 0), X86_EXC_GP);
    WRITE_CR(4, READ_CR(4) & ~4ull);
    if (cpuid(0x80000001u, 0).edx & (1u << 27)) {
        uint32_t aux;
        wrmsr(MSR_TSC_AUX, 0x5a);
        __asm__ volatile("rdtscp" : "=c"(aux) : : "rax", "rdx");
        CHECK_EQ(aux, 0x5a);
    }

    /* ---- CPUID consistency ---- */
    struct cpuid_regs l0 = cpuid(0, 0), l1 = cpuid(1, 0);
    if (l0.eax >= 0xb) {
        CHECK_EQ(cpuid(0xb, 0).edx, l1.ebx >> 24); /* x2APIC ID = initial APIC ID */
    }
    CHECK_EQ(l1.edx & (1u << 9), 1u << 9); /* APIC on (IA32_APIC_BASE.EN = 1) */
    CHECK_EQ(rdmsr(MSR_APIC_BASE) & 0xfffff000ull, 0xfee00000ull);
    CHECK_EQ(rdmsr(MSR_APIC_BASE) & 0x900, 0x900); /* BSP, enabled */
    uint32_t phys = cpuid(0x80000008u, 0).eax & 0xff;
    CHECK(phys >= 36 && phys <= 52);
    char brand[49];
    for (uint32_t i = 0; i < 3; i++) {
        struct cpuid_regs r = cpuid(0x80000002u + i, 0);
        memcpy(brand + 16 * i, &r, 16);
    }
    brand[48] = 0;
    CHECK(strlen(brand) > 0);
    guest_printf("brand \"%s\"\n", brand);
    return guest_report();
}
