/*
 * cpu-models.c — the x86 CPU models Tandem offers with -cpu: what CPUID reports for each
 * (target-x86/cpuid.c reads these tables). Read-only data; any thread.
 *   qemu64  QEMU 7.2's default for -M pc (AuthenticAMD, family 15 model 107 stepping 1, its
 *           feature list measured on qemu-system-x86_64 7.2 TCG) minus what Tandem does not
 *           implement: SVM (0x80000001 ECX bit 2) and the hypervisor bit with its 0x40000000
 *           leaves.
 *   max     GenuineIntel with exactly the features Tandem implements (issue 6): x87, MMX,
 *           SSE..SSE4.2, POPCNT, CX8/CX16, CMOV, PAE, PSE, PGE, NX, LM, SYSCALL, SEP, TSC, MSR,
 *           APIC, x2APIC, MTRR, PAT, CLFLUSH, FXSR, RDTSCP, LAHF_LM, TSC-deadline. No AVX, no
 *           XSAVE (no XSAVE helpers), no FSGSBASE (no RDFSBASE & co. in the translator).
 * The APIC bit of leaf 1 (and of 0x80000001 on AMD) is set here and cleared dynamically while
 * IA32_APIC_BASE.EN = 0 (SDM vol. 3A 10.4.3).
 */
#include <string.h>

#include "target-x86/cpu.h"
#include "target-x86/cpuid.h"

/* Leaf 1 EDX of QEMU 7.2's qemu64 (measured: 0x078bfbfd). */
#define QEMU64_EDX                                                                              \
    (CPUID_FPU | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE | CPUID_MCE |        \
     CPUID_CX8 | CPUID_APIC | CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_MCA | CPUID_CMOV |    \
     CPUID_PAT | CPUID_PSE36 | CPUID_CLFLUSH | CPUID_MMX | CPUID_FXSR | CPUID_SSE | CPUID_SSE2)
/* AMD APM vol. 3 E.4.2: leaf 0x80000001 EDX repeats leaf 1 EDX bits 0-9, 12-17, 23, 24. */
#define AMD_EXT2_ALIAS_MASK 0x0183f3ffu

#define MAX_EDX                                                                                 \
    (CPUID_FPU | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_PAE | CPUID_CX8 | CPUID_APIC |      \
     CPUID_SEP | CPUID_MTRR | CPUID_PGE | CPUID_CMOV | CPUID_PAT | CPUID_CLFLUSH | CPUID_MMX |  \
     CPUID_FXSR | CPUID_SSE | CPUID_SSE2)
#define MAX_ECX                                                                                 \
    (CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_CX16 | CPUID_EXT_SSE41 | CPUID_EXT_SSE42 |   \
     CPUID_EXT_X2APIC | CPUID_EXT_POPCNT | CPUID_EXT_TSC_DEADLINE)

static const X86CPUModel x86_cpu_models[] = {
    {
        .name = "qemu64",
        .vendor = "AuthenticAMD",
        .level = 0xd,
        .xlevel = 0x8000000a,
        .family = 15, .model = 107, .stepping = 1,
        .features_edx = QEMU64_EDX,
        .features_ecx = CPUID_EXT_SSE3 | CPUID_EXT_CX16,
        .ext_features_edx = (QEMU64_EDX & AMD_EXT2_ALIAS_MASK) | CPUID_EXT2_SYSCALL |
                            CPUID_EXT2_NX | CPUID_EXT2_LM,
        .ext_features_ecx = CPUID_EXT3_LAHF_LM,
        .model_id = "QEMU Virtual CPU version 2.5+",
    },
    {
        .name = "max",
        .vendor = "GenuineIntel",
        .level = 0xb,
        .xlevel = 0x80000008,
        .family = 6, .model = 6, .stepping = 3,
        .features_edx = MAX_EDX,
        .features_ecx = MAX_ECX,
        .ext_features_edx = CPUID_EXT2_SYSCALL | CPUID_EXT2_NX | CPUID_EXT2_RDTSCP | CPUID_EXT2_LM,
        .ext_features_ecx = CPUID_EXT3_LAHF_LM,
        .model_id = "Tandem x86-64 CPU",
    },
};

const X86CPUModel *x86_cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(x86_cpu_models) / sizeof(x86_cpu_models[0]); i++) {
        if (strcmp(x86_cpu_models[i].name, name) == 0) {
            return &x86_cpu_models[i];
        }
    }
    return NULL;
}

void x86_cpu_models_list(FILE *out)
{
    fprintf(out, "Available CPUs:\n");
    for (size_t i = 0; i < sizeof(x86_cpu_models) / sizeof(x86_cpu_models[0]); i++) {
        fprintf(out, "  %-10s %s (%s)\n", x86_cpu_models[i].name, x86_cpu_models[i].model_id,
                x86_cpu_models[i].vendor);
    }
}
