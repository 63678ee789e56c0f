/*
 * test-x86-cpuid.c — target-x86/cpuid.c and cpu-models.c: CPUID leaves of the qemu64 and max
 * models on an X86CPU built here (no vCPU thread, no machine unless a test adds one).
 * The qemu64 values are those qemu-system-x86_64 7.2 (TCG, -M pc) returns, measured with a
 * guest, minus SVM and the hypervisor bit (leaf 1 ECX 0x80002001 there, 0x00002001 here;
 * 0x80000001 ECX 5 there, 1 here). Single-threaded.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/machine.h"
#include "target-x86/cpuid.h"

static X86CPU *cpu_make(const char *model, uint32_t apic_id)
{
    X86CPU *cpu = aligned_alloc(64, (sizeof(X86CPU) + 63) & ~(size_t)63);
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = x86_cpu_model_find(model);
    cr_assert_not_null(cpu->model, "model %s", model);
    cpu->apic_id = apic_id;
    cpu->env.apic_base = 0xfee00000u | 1u << 11 | (apic_id == 0 ? 1u << 8 : 0);
    return cpu;
}

static void q(X86CPU *cpu, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    x86_cpuid_query(cpu, leaf, sub, out);
}

static void expect(X86CPU *cpu, uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t c,
                   uint32_t d)
{
    uint32_t r[4];
    q(cpu, leaf, sub, r);
    cr_expect(r[0] == a && r[1] == b && r[2] == c && r[3] == d,
              "leaf %x.%u: got %x %x %x %x want %x %x %x %x", leaf, sub, r[0], r[1], r[2], r[3],
              a, b, c, d);
}

Test(x86_cpuid, models)
{
    cr_expect_not_null(x86_cpu_model_find("qemu64"));
    cr_expect_not_null(x86_cpu_model_find("max"));
    cr_expect_null(x86_cpu_model_find("pentium9"));
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    x86_cpu_models_list(f);
    fclose(f);
    cr_expect(strstr(buf, "qemu64") && strstr(buf, "max"));
    free(buf);
}

Test(x86_cpuid, qemu64_matches_qemu)
{
    X86CPU *cpu = cpu_make("qemu64", 0);
    expect(cpu, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
    expect(cpu, 1, 0, 0x60fb1, 0x800, 0x2001, 0x078bfbfd);
    expect(cpu, 2, 0, 0, 0, 0, 0);
    expect(cpu, 4, 0, 0, 0, 0, 0);
    expect(cpu, 7, 0, 0, 0, 0, 0);
    expect(cpu, 0xb, 0, 0, 1, 0x100, 0);
    expect(cpu, 0xb, 1, 0, 1, 0x201, 0);
    expect(cpu, 0xb, 2, 0, 0, 2, 0);
    expect(cpu, 0xd, 0, 0, 0, 0, 0);
    expect(cpu, 0x80000000u, 0, 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65);
    expect(cpu, 0x80000001u, 0, 0x60fb1, 0, 1, 0x2193fbfd);
    expect(cpu, 0x80000002u, 0, 0x554d4551, 0x72695620, 0x6c617574, 0x55504320);
    expect(cpu, 0x80000003u, 0, 0x72657620, 0x6e6f6973, 0x352e3220, 0x2b);
    expect(cpu, 0x80000004u, 0, 0, 0, 0, 0);
    expect(cpu, 0x80000005u, 0, 0x1ff01ff, 0x1ff01ff, 0x40020140, 0x40020140);
    expect(cpu, 0x80000006u, 0, 0, 0x42004200, 0x2008140, 0x808140);
    expect(cpu, 0x80000008u, 0, 0x3028, 0, 0, 0);
    /* AMD: leaves beyond the maxima read 0 */
    expect(cpu, 0xe, 0, 0, 0, 0, 0);
    expect(cpu, 0x8000000bu, 0, 0, 0, 0, 0);
    expect(cpu, 0x40000000u, 0, 0, 0, 0, 0);
    free(cpu);
}

Test(x86_cpuid, helper_uses_eax_ecx_and_clears_high_halves)
{
    X86CPU *cpu = cpu_make("qemu64", 0);
    CPUX86State *env = &cpu->env;
    env->regs[R_EAX] = 0xdead00000000000bull; /* only EAX counts */
    env->regs[R_ECX] = 0xffffffff00000001ull;
    env->regs[R_EBX] = env->regs[R_EDX] = ~0ull;
    helper_cpuid(env);
    cr_expect_eq(env->regs[R_EAX], 0);
    cr_expect_eq(env->regs[R_EBX], 1);
    cr_expect_eq(env->regs[R_ECX], 0x201);
    cr_expect_eq(env->regs[R_EDX], 0);
    free(cpu);
}

Test(x86_cpuid, apic_bit_follows_apic_base_enable)
{
    X86CPU *cpu = cpu_make("qemu64", 0);
    uint32_t r[4];
    cpu->env.apic_base &= ~(uint64_t)(1u << 11);
    q(cpu, 1, 0, r);
    cr_expect_eq(r[3] & CPUID_APIC, 0);
    q(cpu, 0x80000001u, 0, r);
    cr_expect_eq(r[3] & CPUID_APIC, 0);
    cpu->env.apic_base |= 1u << 11;
    q(cpu, 1, 0, r);
    cr_expect_eq(r[3] & CPUID_APIC, CPUID_APIC);
    free(cpu);
}

Test(x86_cpuid, max_is_intel_with_exact_features)
{
    X86CPU *cpu = cpu_make("max", 3);
    uint32_t r[4];
    q(cpu, 0, 0, r);
    cr_expect_eq(r[0], 0xb);
    cr_expect(memcmp(&r[1], "Genu", 4) == 0 && memcmp(&r[3], "ineI", 4) == 0 &&
              memcmp(&r[2], "ntel", 4) == 0);
    q(cpu, 1, 0, r);
    cr_expect_eq(r[0], 0x663);
    cr_expect_eq(r[1] >> 24, 3, "APIC ID in EBX[31:24]");
    cr_expect_eq((r[1] >> 8) & 0xff, 8);
    cr_expect_eq(r[2], CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_CX16 | CPUID_EXT_SSE41 |
                           CPUID_EXT_SSE42 | CPUID_EXT_X2APIC | CPUID_EXT_POPCNT |
                           CPUID_EXT_TSC_DEADLINE);
    cr_expect_eq(r[2] & (CPUID_EXT_XSAVE | CPUID_EXT_OSXSAVE | 1u << 28 /* AVX */), 0);
    cr_expect_eq(r[3] & CPUID_HTT, 0, "one CPU: no HTT");
    q(cpu, 0x80000001u, 0, r);
    cr_expect_eq(r[0], 0);
    cr_expect_eq(r[2], CPUID_EXT3_LAHF_LM);
    cr_expect_eq(r[3], CPUID_EXT2_SYSCALL | CPUID_EXT2_NX | CPUID_EXT2_RDTSCP | CPUID_EXT2_LM);
    expect(cpu, 0xb, 0, 0, 1, 0x100, 3);
    expect(cpu, 0x80000008u, 0, 0x3028, 0, 0, 0);
    /* brand string: NUL-terminated across 0x80000002-4 */
    char brand[49] = { 0 };
    for (uint32_t l = 0; l < 3; l++) {
        q(cpu, 0x80000002u + l, 0, r);
        memcpy(brand + 16 * l, r, 16);
    }
    cr_expect_str_eq(brand, "Tandem x86-64 CPU");
    free(cpu);
}

Test(x86_cpuid, intel_out_of_range_leaf_gives_highest_basic)
{
    X86CPU *cpu = cpu_make("max", 2);
    uint32_t hi[4], r[4];
    q(cpu, 0xb, 1, hi);
    q(cpu, 0x40000000u, 1, r);
    cr_expect(memcmp(hi, r, sizeof(r)) == 0);
    q(cpu, 0x80000009u, 1, r);
    cr_expect(memcmp(hi, r, sizeof(r)) == 0);
    q(cpu, 3, 0, r); /* in range but reserved: zeros */
    cr_expect(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0);
    free(cpu);
}

Test(x86_cpuid, intel_caches_consistent)
{
    X86CPU *cpu = cpu_make("max", 0);
    uint32_t r[4];
    q(cpu, 2, 0, r);
    cr_expect_eq(r[0], 0xff01, "one iteration, descriptor 0xff: use leaf 4");
    uint32_t l2_kib = 0;
    int n = 0;
    for (uint32_t s = 0; s < 8; s++) {
        q(cpu, 4, s, r);
        if ((r[0] & 0x1f) == 0) {
            break;
        }
        n++;
        uint32_t ways = (r[1] >> 22) + 1, parts = ((r[1] >> 12) & 0x3ff) + 1,
                 line = (r[1] & 0xfff) + 1, sets = r[2] + 1;
        uint32_t kib = ways * parts * line * sets / 1024;
        cr_expect_eq(line, 64);
        if (((r[0] >> 5) & 7) == 2) {
            l2_kib = kib;
        }
    }
    cr_expect_eq(n, 4);
    q(cpu, 0x80000006u, 0, r);
    cr_expect_eq(r[2] >> 16, l2_kib, "leaf 4 L2 and 0x80000006 agree");
    cr_expect_eq(r[2] & 0xff, 64);
    free(cpu);
}

Test(x86_cpuid, topology_with_four_cpus)
{
    Machine *m = calloc(1, sizeof(Machine));
    m->ncpus = 4;
    X86CPU *cpu = cpu_make("max", 2);
    cpu->parent.machine = m;
    uint32_t r[4];
    q(cpu, 1, 0, r);
    cr_expect_eq((r[1] >> 16) & 0xff, 4);
    cr_expect_eq(r[3] & CPUID_HTT, CPUID_HTT);
    expect(cpu, 0xb, 1, 2, 4, 0x201, 2);
    q(cpu, 4, 3, r);
    cr_expect_eq(r[0] >> 26, 3, "cores per package - 1");
    cr_expect_eq((r[0] >> 14) & 0xfff, 3, "L3 shared by the package");
    X86CPU *amd = cpu_make("qemu64", 1);
    amd->parent.machine = m;
    q(amd, 0x80000008u, 0, r);
    cr_expect_eq(r[2] & 0xff, 3);
    q(amd, 0x80000001u, 0, r);
    cr_expect_eq(r[2] & CPUID_EXT3_CMP_LEGACY, CPUID_EXT3_CMP_LEGACY);
    free(cpu);
    free(amd);
    free(m);
}

Test(x86_cpuid, valid_masks)
{
    X86CPU *cpu = cpu_make("qemu64", 0);
    uint64_t cr4 = x86_cpu_cr4_valid_mask(cpu);
    cr_expect(cr4 & CR4_PAE && cr4 & CR4_PGE && cr4 & CR4_PSE && cr4 & CR4_OSFXSR);
    cr_expect_eq(cr4 & (CR4_OSXSAVE | CR4_SMEP | CR4_SMAP | CR4_PCIDE | CR4_FSGSBASE | CR4_VME), 0);
    cr_expect_eq(x86_cpu_efer_valid_mask(cpu), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
    free(cpu);
}
