/*
 * cpuid.c — CPUID (Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 appendix E) from the CPU model
 * tables of cpu-models.c, the CPU's APIC ID and the machine's CPU count.
 * Dynamic bits: leaf 1 EDX.APIC (and 0x80000001 EDX.APIC on AMD) reads 0 while
 * IA32_APIC_BASE.EN = 0 (SDM vol. 3A 10.4.3); leaf 1 ECX.OSXSAVE mirrors CR4.OSXSAVE (only
 * ever set with XSAVE, which no model advertises yet).
 * Caches (consistent across leaves 2, 4, 0x80000005/6): Intel: leaf 2 says "use leaf 4"
 * (descriptor 0xff); L1D and L1I 32 KiB 8-way, L2 4 MiB 16-way per core, L3 16 MiB 16-way per
 * package, 64-byte lines. AMD (qemu64): leaves 2 and 4 read 0 and 0x80000005/6 give QEMU 7.2's
 * measured values (L1 64 KiB 2-way, L2 512 KiB 16-way).
 * Pure reads of the CPU state: owner vCPU thread (helper_cpuid) or any thread for a CPU that
 * is not running.
 */
#include <string.h>

#include "cpu-exec/cpu.h"
#include "hw/core/machine.h"
#include "target-x86/cpu.h"
#include "target-x86/cpuid.h"

bool x86_cpu_is_intel(const X86CPU *cpu)
{
    return strcmp(cpu->model->vendor, "GenuineIntel") == 0;
}

int x86_cpu_count(const X86CPU *cpu)
{
    const Machine *m = cpu->parent.machine;
    return m && m->ncpus > 0 ? m->ncpus : 1;
}

uint64_t x86_cpu_cr4_valid_mask(const X86CPU *cpu)
{
    const X86CPUModel *m = cpu->model;
    /* Always present on an x86-64 CPU: TSD, PCE, OSFXSR, OSXMMEXCPT (SDM vol. 3A 2.5). */
    uint64_t mask = CR4_TSD | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (m->features_edx & CPUID_VME) {
        mask |= CR4_VME | CR4_PVI;
    }
    if (m->features_edx & CPUID_DE) {
        mask |= CR4_DE;
    }
    if (m->features_edx & CPUID_PSE) {
        mask |= CR4_PSE;
    }
    if (m->features_edx & CPUID_PAE) {
        mask |= CR4_PAE;
    }
    if (m->features_edx & CPUID_MCE) {
        mask |= CR4_MCE;
    }
    if (m->features_edx & CPUID_PGE) {
        mask |= CR4_PGE;
    }
    if (m->features_ecx & CPUID_EXT_PCID) {
        mask |= CR4_PCIDE;
    }
    if (m->features_ecx & CPUID_EXT_XSAVE) {
        mask |= CR4_OSXSAVE;
    }
    if (m->leaf7_ebx & CPUID_7_EBX_FSGSBASE) {
        mask |= CR4_FSGSBASE;
    }
    if (m->leaf7_ebx & CPUID_7_EBX_SMEP) {
        mask |= CR4_SMEP;
    }
    if (m->leaf7_ebx & CPUID_7_EBX_SMAP) {
        mask |= CR4_SMAP;
    }
    if (m->leaf7_ecx & CPUID_7_ECX_UMIP) {
        mask |= CR4_UMIP;
    }
    return mask;
}

uint64_t x86_cpu_efer_valid_mask(const X86CPU *cpu)
{
    const X86CPUModel *m = cpu->model;
    uint64_t mask = 0;
    if (m->ext_features_edx & CPUID_EXT2_SYSCALL) {
        mask |= EFER_SCE;
    }
    if (m->ext_features_edx & CPUID_EXT2_LM) {
        mask |= EFER_LME | EFER_LMA;
    }
    if (m->ext_features_edx & CPUID_EXT2_NX) {
        mask |= EFER_NXE;
    }
    return mask;
}

/* ---- topology (SDM vol. 3A 8.9: x2APIC ID fields, leaf 0xb) ---- */

/* Bits of the APIC ID that number the cores of the package. */
static unsigned cpuid_core_bits(int ncpus)
{
    unsigned bits = 0;
    while ((1 << bits) < ncpus) {
        bits++;
    }
    return bits;
}

static void cpuid_vendor_regs(const X86CPUModel *m, uint32_t out[4])
{
    /* EBX, EDX, ECX hold the 12 vendor characters in that order */
    memcpy(&out[1], m->vendor, 4);
    memcpy(&out[3], m->vendor + 4, 4);
    memcpy(&out[2], m->vendor + 8, 4);
}

/* Leaf 1 EAX: stepping 3:0, model 7:4, family 11:8, extended model 19:16 (family 6 or 15),
 * extended family 27:20 (family 15 + it) — SDM vol. 2A figure 3-6. */
static uint32_t cpuid_signature(const X86CPUModel *m)
{
    uint32_t fam = m->family > 15 ? 15 : m->family;
    uint32_t ext_fam = m->family > 15 ? m->family - 15 : 0;
    return (m->stepping & 0xf) | (m->model & 0xf) << 4 | fam << 8 | ((m->model >> 4) & 0xf) << 16 |
           (ext_fam & 0xff) << 20;
}

/* Intel leaf 4 (deterministic cache parameters), subleaf n: L1D, L1I, L2, L3, then none. */
static void cpuid_leaf4(unsigned core_bits, uint32_t subleaf, uint32_t out[4])
{
    static const struct {
        uint32_t type, level, ways, size_kib;
        bool shared; /* by the whole package (else per core) */
    } caches[] = {
        { 1, 1, 8, 32, false },       /* data */
        { 2, 1, 8, 32, false },       /* instruction */
        { 3, 2, 16, 4096, false },    /* unified */
        { 3, 3, 16, 16384, true },    /* unified */
    };
    const uint32_t line = 64;
    if (subleaf >= sizeof(caches) / sizeof(caches[0])) {
        return; /* type 0: no more caches */
    }
    uint32_t sets = caches[subleaf].size_kib * 1024 / (caches[subleaf].ways * line);
    uint32_t sharing = caches[subleaf].shared ? (1u << core_bits) - 1 : 0;
    out[0] = caches[subleaf].type | caches[subleaf].level << 5 | 1u << 8 /* self-init */ |
             sharing << 14 | ((1u << core_bits) - 1) << 26;
    out[1] = (caches[subleaf].ways - 1) << 22 | (line - 1);
    out[2] = sets - 1;
    out[3] = caches[subleaf].level >= 2 ? 1u << 1 : 0; /* L2/L3 inclusive of lower levels */
}

void x86_cpuid_query(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    const X86CPUModel *m = cpu->model;
    const CPUX86State *env = &cpu->env;
    bool intel = x86_cpu_is_intel(cpu);
    int ncpus = x86_cpu_count(cpu);
    unsigned core_bits = cpuid_core_bits(ncpus);
    bool apic_on = (env->apic_base & (1u << 11)) != 0;

    out[0] = out[1] = out[2] = out[3] = 0;
    /* Out-of-range leaves: Intel returns the highest basic leaf's data, AMD zeros (SDM vol. 2A
     * CPUID, "INPUT EAX = 0: Returns CPUID's Highest Value..." note; APM vol. 3 E.2). */
    bool basic = leaf <= m->level;
    bool extended = leaf >= 0x80000000u && leaf <= m->xlevel;
    if (!basic && !extended) {
        if (!intel) {
            return;
        }
        leaf = m->level;
    }

    switch (leaf) {
    case 0:
        out[0] = m->level;
        cpuid_vendor_regs(m, out);
        break;
    case 1:
        out[0] = cpuid_signature(m);
        /* EBX: CLFLUSH line 8 x 8 bytes; logical processors per package (valid with HTT);
         * initial APIC ID. */
        out[1] = 8u << 8 | (cpu->apic_id & 0xff) << 24;
        out[2] = m->features_ecx;
        out[3] = m->features_edx;
        if (ncpus > 1) {
            out[1] |= (uint32_t)(ncpus > 255 ? 255 : ncpus) << 16;
            out[3] |= CPUID_HTT;
        }
        if (!apic_on) {
            out[3] &= ~CPUID_APIC;
        }
        if ((m->features_ecx & CPUID_EXT_XSAVE) && (env->cr[4] & CR4_OSXSAVE)) {
            out[2] |= CPUID_EXT_OSXSAVE;
        }
        break;
    case 2:
        if (intel) {
            out[0] = 0x01 | 0xffu << 8; /* one iteration; descriptor 0xff: see leaf 4 */
        }
        break;
    case 4:
        if (intel) {
            cpuid_leaf4(core_bits, subleaf, out);
        }
        break;
    case 6:
        if (intel) {
            out[0] = CPUID_6_EAX_ARAT; /* the emulated APIC timer never stops */
        }
        break;
    case 7:
        if (subleaf == 0) {
            out[0] = 0; /* highest subleaf */
            out[1] = m->leaf7_ebx;
            out[2] = m->leaf7_ecx;
            out[3] = m->leaf7_edx;
        }
        break;
    case 0xb:
        /* SDM vol. 2A CPUID leaf 0BH: level 0 SMT (one thread per core), level 1 core. */
        out[3] = cpu->apic_id;
        if (subleaf == 0) {
            out[0] = 0;
            out[1] = 1;
            out[2] = 1u << 8 | subleaf;
        } else if (subleaf == 1) {
            out[0] = core_bits;
            out[1] = (uint32_t)ncpus;
            out[2] = 2u << 8 | subleaf;
        } else {
            out[2] = subleaf & 0xff; /* level type 0: invalid */
        }
        break;
    case 0x80000000u:
        out[0] = m->xlevel;
        cpuid_vendor_regs(m, out);
        break;
    case 0x80000001u:
        if (!intel) {
            out[0] = cpuid_signature(m);
        }
        out[2] = m->ext_features_ecx;
        out[3] = m->ext_features_edx;
        if (!intel && ncpus > 1) {
            out[2] |= CPUID_EXT3_CMP_LEGACY;
        }
        if (!apic_on) {
            out[3] &= ~CPUID_APIC; /* the AMD alias of leaf 1's bit */
        }
        break;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u: {
        char brand[48] = { 0 };
        size_t len = strlen(m->model_id);
        memcpy(brand, m->model_id, len < 47 ? len : 47);
        memcpy(out, brand + 16 * (leaf - 0x80000002u), 16);
        break;
    }
    case 0x80000005u:
        if (!intel) {
            /* AMD APM E.4.4: L1 TLBs (2M/4M, 4K) and L1D / L1I: 64 KiB, 2-way, 64-byte lines */
            out[0] = 0x01ff01ff;
            out[1] = 0x01ff01ff;
            out[2] = 0x40020140;
            out[3] = 0x40020140;
        }
        break;
    case 0x80000006u:
        if (intel) {
            /* ECX: L2 size in KiB 31:16, associativity 15:12 (8 = 16-way), line 7:0 */
            out[2] = 4096u << 16 | 0x8u << 12 | 64;
        } else {
            out[1] = 0x42004200; /* L2 TLBs */
            out[2] = 0x02008140; /* L2: 512 KiB, 16-way, 64-byte lines */
            out[3] = 0x00808140; /* L3 */
        }
        break;
    case 0x80000008u:
        out[0] = X86_VIRT_ADDR_BITS << 8 | X86_PHYS_ADDR_BITS;
        if (!intel) {
            out[2] = (uint32_t)(ncpus - 1) & 0xff; /* NC: cores in the package - 1 */
        }
        break;
    default:
        break; /* reserved leaves in range (3, 5, 8-0xa, 0xc, 0xd without XSAVE...) read 0 */
    }
}

void helper_cpuid(CPUX86State *env)
{
    uint32_t out[4];
    x86_cpuid_query(x86_cpu(cpu_from_env(env)), (uint32_t)env->regs[R_EAX],
                    (uint32_t)env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
}
