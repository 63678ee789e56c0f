/*
 * misc-helper.c — the x86 system instructions as C helpers: RDMSR/WRMSR and the MSR file,
 * MOV CR / LMSW / CLTS / INVLPG, RDTSC/RDTSCP, SYSCALL/SYSRET, SYSENTER/SYSEXIT, HLT, PAUSE.
 * Facts from the Intel SDM (vol. 2B instruction pages, vol. 3A 2.5 control registers, 9.8.5
 * IA-32e mode, 11.11 MTRRs, 11.12 PAT, 10.12 x2APIC, 17.17 TSC; vol. 4 MSR tables) and the
 * AMD APM vol. 2/3 where the qemu64 model (AuthenticAMD) differs (legacy-mode SYSCALL).
 * Every helper runs on the owner vCPU thread with env->rip = the current instruction; a
 * helper that changes CR0/CR4/EFER, a segment or EFLAGS calls x86_update_hflags and the
 * translator ends the TB after it. Privilege checks (#GP(0) at CPL > 0) are all done here.
 * Guest mistakes raise #GP/#UD; nothing here aborts the emulator.
 */
#include "target-x86/misc-helper.h"

#include "cpu-exec/cpu.h"
#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "hw/core/machine.h"
#include "target-x86/cpuid.h"

enum { VEC_UD = 6, VEC_GP = 13 };

const X86APICHooks *x86_apic_hooks;

/* CR8 while no APIC device is attached: one slot per vCPU, written only by its owner. */
static uint8_t x86_cr8_fallback[MACHINE_MAX_CPUS];

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define PHYS_ADDR_MASK ((1ull << X86_PHYS_ADDR_BITS) - 1)
#define EFLAGS_ALL_BITS                                                                        \
    (CC_ARITH | TF_MASK | IF_MASK | DF_MASK | IOPL_MASK | NT_MASK | RF_MASK | VM_MASK |        \
     AC_MASK | VIF_MASK | VIP_MASK | ID_MASK)

static X86CPU *env_cpu(CPUX86State *env) { return x86_cpu(cpu_from_env(env)); }
static int cpl(const CPUX86State *env) { return (int)(env->hflags & HF_CPL_MASK); }

static void check_cpl0(CPUX86State *env)
{
    if (cpl(env) != 0) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
}

static bool is_canonical(uint64_t a)
{
    return (uint64_t)((int64_t)(a << (64 - X86_VIRT_ADDR_BITS)) >> (64 - X86_VIRT_ADDR_BITS)) == a;
}

/* ---- MTRR / PAT memory types (SDM vol. 3A table 11-8, 11.12.2) ---- */

static bool mtrr_type_ok(uint64_t t) { return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; }

static bool mtrr_types_ok(uint64_t v) /* eight type bytes, as in fixed-range MTRRs */
{
    for (int i = 0; i < 8; i++) {
        if (!mtrr_type_ok((v >> (8 * i)) & 0xff)) {
            return false;
        }
    }
    return true;
}

static bool pat_ok(uint64_t v) /* PAT also has 7 = UC- */
{
    for (int i = 0; i < 8; i++) {
        uint64_t t = (v >> (8 * i)) & 0xff;
        if (!mtrr_type_ok(t) && t != 7) {
            return false;
        }
    }
    return true;
}

/* Index into env->mtrr_fixed of a fixed-range MTRR, or -1. */
static int mtrr_fixed_index(uint32_t msr)
{
    if (msr == MSR_MTRRfix64K_00000) {
        return 0;
    }
    if (msr == MSR_MTRRfix16K_80000 || msr == MSR_MTRRfix16K_A0000) {
        return 1 + (int)(msr - MSR_MTRRfix16K_80000);
    }
    if (msr >= MSR_MTRRfix4K_C0000 && msr <= MSR_MTRRfix4K_C0000 + 7) {
        return 3 + (int)(msr - MSR_MTRRfix4K_C0000);
    }
    return -1;
}

/* ---- MSRs that exist only as read values (SDM vol. 4 table 2-2) ---- */
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_MCG_CAP 0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_AMD_HWCR 0xc0010015
/* AMD SYSCFG (BKDG for family 0Fh, MSRC001_0010): Linux's MTRR code reads it on every AMD
 * family 0Fh-11h CPU (qemu64 is family 0Fh). Bits 18-22 are the fixed/variable MTRR DRAM
 * extensions and TOM2 controls, bit 23 enables memory encryption (SME); Tandem models no
 * memory types and no SME, so the register reads 0 and writes to those bits are accepted and
 * dropped. Any other bit is reserved (#GP). */
#define MSR_AMD_SYSCFG 0xc0010010
#define AMD_SYSCFG_WRITABLE (0x3full << 18)
/* AMD Interrupt Pending Message (MSRC001_0055, family 0Fh): Linux reads it at boot on family
 * 0Fh CPUs to see whether C1E can stop the local APIC timer. Tandem has no C1E: reads 0, and
 * only 0 may be written. */
#define MSR_AMD_INT_PENDING 0xc0010055
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
/* VCNT = 8 variable ranges, FIX (fixed ranges), WC supported: what QEMU 7.2 reports. */
#define MTRRCAP_VALUE (X86_MTRR_VAR_COUNT | 1u << 8 | 1u << 10)
/* IA32_FEATURE_CONTROL reads "locked by firmware, VMX/SMX off": no model has VMX, and a
 * locked register makes every WRMSR to it #GP (SDM vol. 3C 23.7). */
#define FEATURE_CONTROL_LOCKED 1u

bool x86_msr_read(X86CPU *cpu, uint32_t msr, uint64_t *value)
{
    CPUX86State *env = &cpu->env;
    int fix = mtrr_fixed_index(msr);

    if (fix >= 0) {
        *value = env->mtrr_fixed[fix];
        return true;
    }
    if (msr >= MSR_MTRRphysBase(0) && msr <= MSR_MTRRphysMask(X86_MTRR_VAR_COUNT - 1)) {
        unsigned n = (msr - MSR_MTRRphysBase(0)) / 2;
        *value = (msr & 1) ? env->mtrr_var_mask[n] : env->mtrr_var_base[n];
        return true;
    }
    if ((msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) || msr == MSR_IA32_TSC_DEADLINE) {
        if (x86_apic_hooks && x86_apic_hooks->msr_read) {
            return x86_apic_hooks->msr_read(cpu, msr, value);
        }
        if (msr != MSR_IA32_TSC_DEADLINE) {
            return false; /* no APIC device: no x2APIC registers */
        }
        *value = env->tsc_deadline;
        return true;
    }
    switch (msr) {
    case MSR_IA32_TSC:
        *value = x86_cpu_get_tsc(env);
        return true;
    case MSR_IA32_APICBASE:
        *value = env->apic_base;
        return true;
    case MSR_IA32_FEATURE_CONTROL:
        *value = FEATURE_CONTROL_LOCKED;
        return true;
    case MSR_IA32_TSC_ADJUST:
        *value = env->tsc_adjust;
        return true;
    case MSR_IA32_PLATFORM_ID:
    case MSR_IA32_MCG_CAP: /* no machine-check banks */
    case MSR_IA32_MCG_STATUS:
        *value = 0;
        return true;
    case MSR_IA32_BIOS_SIGN_ID:
        /* microcode revision: Intel in EDX, AMD the patch level QEMU 7.2 reports */
        *value = x86_cpu_is_intel(cpu) ? 1ull << 32 : 0x01000065;
        return true;
    case MSR_AMD_HWCR:
    case MSR_AMD_SYSCFG:
    case MSR_AMD_INT_PENDING:
        if (x86_cpu_is_intel(cpu)) {
            return false;
        }
        *value = 0;
        return true;
    case MSR_MTRRcap:
        *value = MTRRCAP_VALUE;
        return true;
    case MSR_MTRRdefType:
        *value = env->mtrr_deftype;
        return true;
    case MSR_PAT:
        *value = env->pat;
        return true;
    case MSR_IA32_SYSENTER_CS:
        *value = env->sysenter_cs;
        return true;
    case MSR_IA32_SYSENTER_ESP:
        *value = env->sysenter_esp;
        return true;
    case MSR_IA32_SYSENTER_EIP:
        *value = env->sysenter_eip;
        return true;
    case MSR_IA32_MISC_ENABLE:
        *value = env->misc_enable;
        return true;
    case MSR_EFER:
        *value = env->efer;
        return true;
    case MSR_STAR:
        *value = env->star;
        return true;
    case MSR_LSTAR:
        *value = env->lstar;
        return true;
    case MSR_CSTAR:
        *value = env->cstar;
        return true;
    case MSR_FMASK:
        *value = env->fmask;
        return true;
    case MSR_FSBASE:
        *value = env->segs[R_FS].base;
        return true;
    case MSR_GSBASE:
        *value = env->segs[R_GS].base;
        return true;
    case MSR_KERNELGSBASE:
        *value = env->kernel_gs_base;
        return true;
    case MSR_TSC_AUX:
        if (!(cpu->model->ext_features_edx & CPUID_EXT2_RDTSCP) && x86_cpu_is_intel(cpu)) {
            return false;
        }
        *value = env->tsc_aux;
        return true;
    default:
        return false;
    }
}

/* IA32_EFER (SDM vol. 3A 9.8.5, 2.2.1): LMA is read-only (the CPU sets it from CR0.PG and
 * LME); LME may not change while paging is on; NXE changes what page-table bit 63 means. */
static bool efer_write(X86CPU *cpu, uint64_t value)
{
    CPUX86State *env = &cpu->env;
    if (value & ~x86_cpu_efer_valid_mask(cpu)) {
        return false;
    }
    value = (value & ~(uint64_t)EFER_LMA) | (env->efer & EFER_LMA);
    if ((env->cr[0] & CR0_PG) && ((value ^ env->efer) & EFER_LME)) {
        return false;
    }
    uint64_t old = env->efer;
    env->efer = value;
    if ((old ^ value) & EFER_NXE) {
        tlb_flush(&cpu->parent);
    }
    x86_update_hflags(env);
    return true;
}

/* IA32_APIC_BASE (SDM vol. 3A 10.4.4, 10.12.5 figure 10-27): BSP is read-only; EXTD needs
 * x2APIC; the only legal state changes are disabled <-> xAPIC, xAPIC -> x2APIC, any ->
 * disabled. */
static bool apic_base_write(X86CPU *cpu, uint64_t value)
{
    CPUX86State *env = &cpu->env;
    uint64_t ok = (PHYS_ADDR_MASK & ~0xfffull) | APIC_BASE_BSP | APIC_BASE_EN;
    if (cpu->model->features_ecx & CPUID_EXT_X2APIC) {
        ok |= APIC_BASE_EXTD;
    }
    if (value & ~ok) {
        return false;
    }
    uint64_t old = env->apic_base;
    value = (value & ~APIC_BASE_BSP) | (old & APIC_BASE_BSP);
    bool old_x2 = (old & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
    bool new_en = value & APIC_BASE_EN, new_extd = value & APIC_BASE_EXTD;
    if (!new_en && new_extd) {
        return false; /* invalid state */
    }
    if (old_x2 && new_en && !new_extd) {
        return false; /* x2APIC -> xAPIC */
    }
    if (!(old & APIC_BASE_EN) && new_extd) {
        return false; /* disabled -> x2APIC */
    }
    env->apic_base = value;
    if (x86_apic_hooks && x86_apic_hooks->apic_base_changed) {
        x86_apic_hooks->apic_base_changed(cpu, old);
    }
    return true;
}

static bool mtrr_var_write(CPUX86State *env, uint32_t msr, uint64_t value)
{
    unsigned n = (msr - MSR_MTRRphysBase(0)) / 2;
    if (msr & 1) { /* PhysMask: bits 10:0 reserved, V = bit 11 */
        if (value & ~((PHYS_ADDR_MASK & ~0xfffull) | 1ull << 11)) {
            return false;
        }
        env->mtrr_var_mask[n] = value;
    } else { /* PhysBase: type 7:0, bits 11:8 reserved */
        if ((value & ~((PHYS_ADDR_MASK & ~0xfffull) | 0xff)) || !mtrr_type_ok(value & 0xff)) {
            return false;
        }
        env->mtrr_var_base[n] = value;
    }
    return true;
}

bool x86_msr_write(X86CPU *cpu, uint32_t msr, uint64_t value)
{
    CPUX86State *env = &cpu->env;
    int fix = mtrr_fixed_index(msr);

    if (fix >= 0) {
        if (!mtrr_types_ok(value)) {
            return false;
        }
        env->mtrr_fixed[fix] = value;
        return true;
    }
    if (msr >= MSR_MTRRphysBase(0) && msr <= MSR_MTRRphysMask(X86_MTRR_VAR_COUNT - 1)) {
        return mtrr_var_write(env, msr, value);
    }
    if ((msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) || msr == MSR_IA32_TSC_DEADLINE) {
        if (x86_apic_hooks && x86_apic_hooks->msr_write) {
            return x86_apic_hooks->msr_write(cpu, msr, value);
        }
        if (msr != MSR_IA32_TSC_DEADLINE) {
            return false;
        }
        env->tsc_deadline = value;
        return true;
    }
    switch (msr) {
    case MSR_IA32_TSC: {
        /* SDM 17.17.3: a TSC write also moves IA32_TSC_ADJUST by the same amount */
        uint64_t delta = value - x86_cpu_get_tsc(env);
        x86_tsc_offset_add(env, delta);
        env->tsc_adjust += delta;
        return true;
    }
    case MSR_IA32_TSC_ADJUST:
        x86_tsc_offset_add(env, value - env->tsc_adjust);
        env->tsc_adjust = value;
        return true;
    case MSR_IA32_APICBASE:
        return apic_base_write(cpu, value);
    case MSR_IA32_BIOS_SIGN_ID: /* software writes 0 before CPUID to latch the revision */
    case MSR_AMD_HWCR:
        return msr == MSR_IA32_BIOS_SIGN_ID || !x86_cpu_is_intel(cpu);
    case MSR_AMD_SYSCFG:
        return !x86_cpu_is_intel(cpu) && !(value & ~AMD_SYSCFG_WRITABLE);
    case MSR_AMD_INT_PENDING:
        return !x86_cpu_is_intel(cpu) && value == 0;
    case MSR_IA32_MCG_STATUS:
        return value == 0;
    case MSR_MTRRdefType: /* type 7:0, FE bit 10, E bit 11 */
        if ((value & ~0xcffull) || !mtrr_type_ok(value & 0xff)) {
            return false;
        }
        env->mtrr_deftype = value;
        return true;
    case MSR_PAT:
        if (!pat_ok(value)) {
            return false;
        }
        env->pat = value;
        return true;
    case MSR_IA32_SYSENTER_CS:
        env->sysenter_cs = value & 0xffff;
        return true;
    case MSR_IA32_SYSENTER_ESP:
    case MSR_IA32_SYSENTER_EIP:
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_FSBASE:
    case MSR_GSBASE:
    case MSR_KERNELGSBASE:
        /* addresses: non-canonical values raise #GP (SDM vol. 4 table 2-2) */
        if (!is_canonical(value)) {
            return false;
        }
        switch (msr) {
        case MSR_IA32_SYSENTER_ESP: env->sysenter_esp = value; break;
        case MSR_IA32_SYSENTER_EIP: env->sysenter_eip = value; break;
        case MSR_LSTAR: env->lstar = value; break;
        case MSR_CSTAR: env->cstar = value; break;
        case MSR_FSBASE: env->segs[R_FS].base = value; break;
        case MSR_GSBASE: env->segs[R_GS].base = value; break;
        default: env->kernel_gs_base = value; break;
        }
        return true;
    case MSR_IA32_MISC_ENABLE:
        env->misc_enable = value;
        return true;
    case MSR_EFER:
        return efer_write(cpu, value);
    case MSR_STAR:
        env->star = value;
        return true;
    case MSR_FMASK: /* bits 63:32 reserved */
        if (value >> 32) {
            return false;
        }
        env->fmask = value;
        return true;
    case MSR_TSC_AUX: /* bits 63:32 reserved */
        if ((value >> 32) ||
            (!(cpu->model->ext_features_edx & CPUID_EXT2_RDTSCP) && x86_cpu_is_intel(cpu))) {
            return false;
        }
        env->tsc_aux = value;
        return true;
    default: /* unknown, read-only (MTRRcap, FEATURE_CONTROL locked, MCG_CAP, PLATFORM_ID) */
        return false;
    }
}

void helper_rdmsr(CPUX86State *env)
{
    uint64_t v;
    check_cpl0(env);
    if (!x86_msr_read(env_cpu(env), (uint32_t)env->regs[R_ECX], &v)) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
}

void helper_wrmsr(CPUX86State *env)
{
    check_cpl0(env);
    uint64_t v = (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32);
    if (!x86_msr_write(env_cpu(env), (uint32_t)env->regs[R_ECX], v)) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
}

/* ---- control registers ---- */

#define CR0_DEFINED                                                                            \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | \
     CR0_PG)

static uint8_t cr8_read(X86CPU *cpu)
{
    if (x86_apic_hooks && x86_apic_hooks->tpr_read) {
        return x86_apic_hooks->tpr_read(cpu) >> 4;
    }
    return x86_cr8_fallback[cpu->parent.cpu_index];
}

uint64_t helper_read_cr(CPUX86State *env, uint32_t n)
{
    check_cpl0(env);
    switch (n) {
    case 0:
    case 2:
    case 3:
    case 4:
        return env->cr[n];
    case 8:
        return cr8_read(env_cpu(env));
    default:
        x86_raise_exception(env, VEC_UD);
    }
}

/* MOV to CR0 (SDM vol. 2B MOV CR, vol. 3A 2.5 and 9.8.5). Reserved bits 31:0 are ignored;
 * bits 63:32 set raise #GP. ET is hardwired to 1 (P6 and later). */
static void write_cr0(CPUX86State *env, uint64_t value)
{
    uint64_t old = env->cr[0];
    if (value >> 32) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    value = (value & CR0_DEFINED) | CR0_ET;
    if (((value & CR0_PG) && !(value & CR0_PE)) || ((value & CR0_NW) && !(value & CR0_CD))) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    if (!(old & CR0_PG) && (value & CR0_PG) && (env->efer & EFER_LME)) {
        /* activating IA-32e mode: needs PAE, and not from a 64-bit code segment */
        if (!(env->cr[4] & CR4_PAE) || (env->segs[R_CS].flags & DESC_L_MASK)) {
            x86_raise_exception_err(env, VEC_GP, 0);
        }
        env->efer |= EFER_LMA;
    }
    if ((old & CR0_PG) && !(value & CR0_PG) && (env->efer & EFER_LMA)) {
        /* leaving IA-32e mode is only possible from compatibility mode */
        if (env->hflags & HF_CS64) {
            x86_raise_exception_err(env, VEC_GP, 0);
        }
        env->efer &= ~(uint64_t)EFER_LMA;
    }
    env->cr[0] = value;
    if ((old ^ value) & (CR0_PG | CR0_WP | CR0_PE)) {
        tlb_flush(cpu_from_env(env));
    }
    x86_update_hflags(env);
}

static void write_cr3(CPUX86State *env, uint64_t value)
{
    if (env->efer & EFER_LMA) {
        uint64_t ok = PHYS_ADDR_MASK;
        if (env->cr[4] & CR4_PCIDE) {
            ok |= 1ull << 63; /* "do not invalidate this PCID": not stored */
        }
        if (value & ~ok) {
            x86_raise_exception_err(env, VEC_GP, 0);
        }
        value &= PHYS_ADDR_MASK;
    } else {
        value = (uint32_t)value;
    }
    env->cr[3] = value;
    /* The TLB is not tagged with PCIDs, so even a no-flush CR3 write drops the non-global
     * translations (the old PCID's entries must not be used for the new one). */
    if (env->cr[4] & CR4_PGE) {
        tlb_flush_nonglobal(cpu_from_env(env));
    } else {
        tlb_flush(cpu_from_env(env));
    }
}

static void write_cr4(CPUX86State *env, uint64_t value)
{
    X86CPU *cpu = env_cpu(env);
    uint64_t old = env->cr[4];
    if (value & ~x86_cpu_cr4_valid_mask(cpu)) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    if ((env->efer & EFER_LMA) && !(value & CR4_PAE)) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    if ((value & CR4_PCIDE) && !(old & CR4_PCIDE) &&
        (!(env->efer & EFER_LMA) || (env->cr[3] & 0xfff))) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    env->cr[4] = value;
    if ((old ^ value) & (CR4_PGE | CR4_PAE | CR4_PSE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)) {
        tlb_flush(cpu_from_env(env));
    }
    x86_update_hflags(env);
}

void helper_write_cr(CPUX86State *env, uint32_t n, uint64_t value)
{
    check_cpl0(env);
    switch (n) {
    case 0:
        write_cr0(env, value);
        break;
    case 2:
        env->cr[2] = value;
        break;
    case 3:
        write_cr3(env, value);
        break;
    case 4:
        write_cr4(env, value);
        break;
    case 8: {
        X86CPU *cpu = env_cpu(env);
        if (value & ~0xfull) {
            x86_raise_exception_err(env, VEC_GP, 0);
        }
        if (x86_apic_hooks && x86_apic_hooks->tpr_write) {
            x86_apic_hooks->tpr_write(cpu, (uint8_t)(value << 4));
        } else {
            x86_cr8_fallback[cpu->parent.cpu_index] = (uint8_t)value;
        }
        break;
    }
    default:
        x86_raise_exception(env, VEC_UD);
    }
}

/* LMSW: loads CR0 bits 3:0 (PE MP EM TS); it can set PE but never clear it. */
void helper_lmsw(CPUX86State *env, uint32_t value)
{
    check_cpl0(env);
    uint64_t cr0 = (env->cr[0] & ~0xfull) | (value & 0xf) | (env->cr[0] & CR0_PE);
    write_cr0(env, cr0);
}

void helper_clts(CPUX86State *env)
{
    check_cpl0(env);
    env->cr[0] &= ~(uint64_t)CR0_TS;
    x86_update_hflags(env);
}

void helper_invlpg(CPUX86State *env, uint64_t linear)
{
    check_cpl0(env);
    tlb_flush_page(cpu_from_env(env), linear);
}

/* ---- time stamp counter (SDM vol. 2B RDTSC, RDTSCP) ---- */

static uint64_t tsc_read_checked(CPUX86State *env)
{
    if ((env->cr[4] & CR4_TSD) && cpl(env) != 0) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    return x86_cpu_get_tsc(env);
}

void helper_rdtsc(CPUX86State *env)
{
    uint64_t t = tsc_read_checked(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = t >> 32;
}

void helper_rdtscp(CPUX86State *env)
{
    if (!(env_cpu(env)->model->ext_features_edx & CPUID_EXT2_RDTSCP)) {
        x86_raise_exception(env, VEC_UD);
    }
    helper_rdtsc(env);
    env->regs[R_ECX] = (uint32_t)env->tsc_aux;
}

/* ---- SYSCALL / SYSRET / SYSENTER / SYSEXIT: flat segments loaded without descriptors ---- */

/* Flat 4 GiB code (type execute/read, accessed) or data (read/write, accessed) segment. */
static void load_flat(CPUX86State *env, int seg, uint32_t selector, int dpl, bool code,
                      bool lmode)
{
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_G_MASK | DESC_A_MASK |
                     (uint32_t)dpl << DESC_DPL_SHIFT;
    if (code) {
        flags |= DESC_CS_MASK | DESC_R_MASK | (lmode ? DESC_L_MASK : DESC_B_MASK);
    } else {
        flags |= DESC_W_MASK | DESC_B_MASK;
    }
    x86_seg_cache_set(env, seg, selector, 0, 0xffffffffu, flags);
}

void helper_syscall(CPUX86State *env, uint64_t next_eip)
{
    bool intel = x86_cpu_is_intel(env_cpu(env));
    uint32_t sel = (uint32_t)(env->star >> 32) & 0xffff;
    if (!(env->efer & EFER_SCE) || (intel && !(env->hflags & HF_CS64))) {
        x86_raise_exception(env, VEC_UD);
    }
    bool from64 = env->hflags & HF_CS64; /* LSTAR from 64-bit mode, CSTAR from compatibility */
    uint32_t flags = x86_eflags_get(env);
    if (env->efer & EFER_LMA) {
        env->regs[R_ECX] = next_eip;
        env->regs[R_R11] = flags & ~RF_MASK;
        load_flat(env, R_CS, sel & 0xfffc, 0, true, true);
        load_flat(env, R_SS, (sel + 8) & 0xfffc, 0, false, false);
        x86_eflags_set(env, flags & ~((uint32_t)env->fmask | RF_MASK), EFLAGS_ALL_BITS);
        env->rip = from64 ? env->lstar : env->cstar;
    } else {
        /* AMD APM vol. 3 SYSCALL, legacy mode: 32-bit flat CS/SS, EIP = STAR[31:0] */
        env->regs[R_ECX] = (uint32_t)next_eip;
        load_flat(env, R_CS, sel & 0xfffc, 0, true, false);
        load_flat(env, R_SS, (sel + 8) & 0xfffc, 0, false, false);
        x86_eflags_set(env, flags & ~(VM_MASK | IF_MASK | RF_MASK), EFLAGS_ALL_BITS);
        env->rip = (uint32_t)env->star;
    }
    x86_update_hflags(env);
}

void helper_sysret(CPUX86State *env, uint32_t dflag)
{
    bool intel = x86_cpu_is_intel(env_cpu(env));
    uint32_t sel = (uint32_t)(env->star >> 48);
    if (!(env->efer & EFER_SCE) || (intel && !(env->hflags & HF_CS64))) {
        x86_raise_exception(env, VEC_UD);
    }
    check_cpl0(env);
    if (env->efer & EFER_LMA) {
        uint64_t rip;
        if (dflag == MO_64) {
            rip = env->regs[R_ECX];
            if (intel && !is_canonical(rip)) {
                x86_raise_exception_err(env, VEC_GP, 0); /* delivered at CPL 0 (SDM) */
            }
            load_flat(env, R_CS, (sel + 16) | 3, 3, true, true);
        } else {
            rip = (uint32_t)env->regs[R_ECX];
            load_flat(env, R_CS, sel | 3, 3, true, false);
        }
        load_flat(env, R_SS, (sel + 8) | 3, 3, false, false);
        x86_eflags_set(env, ((uint32_t)env->regs[R_R11] & 0x3c7fd7u) | EFLAGS_FIXED1,
                       EFLAGS_ALL_BITS);
        env->rip = rip;
    } else {
        /* AMD legacy mode: EFLAGS.IF = 1, 32-bit flat CS/SS at RPL 3 */
        load_flat(env, R_CS, sel | 3, 3, true, false);
        load_flat(env, R_SS, (sel + 8) | 3, 3, false, false);
        x86_eflags_set(env, IF_MASK, IF_MASK);
        env->rip = (uint32_t)env->regs[R_ECX];
    }
    x86_update_hflags(env);
}

/* SYSENTER/SYSEXIT in long mode are #UD on AMD (APM vol. 3; QEMU 7.2's qemu64 does that). */
static void check_sep_mode(CPUX86State *env)
{
    if ((env->efer & EFER_LMA) && !x86_cpu_is_intel(env_cpu(env))) {
        x86_raise_exception(env, VEC_UD);
    }
}

/* SYSENTER (SDM vol. 2B): #GP(0) in real mode or with a null IA32_SYSENTER_CS. */
void helper_sysenter(CPUX86State *env)
{
    uint32_t cs = (uint32_t)env->sysenter_cs;
    check_sep_mode(env);
    if (!(env->cr[0] & CR0_PE) || (cs & 0xfffc) == 0) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    bool lma = env->efer & EFER_LMA;
    x86_eflags_set(env, 0, VM_MASK | IF_MASK | RF_MASK);
    load_flat(env, R_CS, cs & 0xfffc, 0, true, lma);
    load_flat(env, R_SS, (cs + 8) & 0xfffc, 0, false, false);
    if (lma) {
        env->regs[R_ESP] = env->sysenter_esp;
        env->rip = env->sysenter_eip;
    } else {
        env->regs[R_ESP] = (uint32_t)env->sysenter_esp;
        env->rip = (uint32_t)env->sysenter_eip;
    }
    x86_update_hflags(env);
}

void helper_sysexit(CPUX86State *env, uint32_t dflag)
{
    uint32_t cs = (uint32_t)env->sysenter_cs;
    check_sep_mode(env);
    if (!(env->cr[0] & CR0_PE) || (cs & 0xfffc) == 0 || cpl(env) != 0) {
        x86_raise_exception_err(env, VEC_GP, 0);
    }
    if (dflag == MO_64) {
        if (!is_canonical(env->regs[R_ECX]) || !is_canonical(env->regs[R_EDX])) {
            x86_raise_exception_err(env, VEC_GP, 0);
        }
        load_flat(env, R_CS, ((cs + 32) & 0xfffc) | 3, 3, true, true);
        load_flat(env, R_SS, ((cs + 40) & 0xfffc) | 3, 3, false, false);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->rip = env->regs[R_EDX];
    } else {
        load_flat(env, R_CS, ((cs + 16) & 0xfffc) | 3, 3, true, false);
        load_flat(env, R_SS, ((cs + 24) & 0xfffc) | 3, 3, false, false);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->rip = (uint32_t)env->regs[R_EDX];
    }
    x86_update_hflags(env);
}

/* ---- HLT, PAUSE ---- */

/* HLT: privileged; the CPU resumes after it when an interrupt (or NMI/SMI/INIT) arrives,
 * whatever EFLAGS.IF says about delivering it (cpu-exec wakes a halted vCPU). */
void helper_hlt(CPUX86State *env, uint64_t next_eip)
{
    check_cpl0(env);
    env->rip = next_eip;
    env->hflags &= ~HF_INHIBIT_IRQ;
    env->hflags2 |= HF2_HLT; /* an SMI now saves auto-HALT restart = 1 */
    cpu_halt(cpu_from_env(env));
}

void helper_pause(CPUX86State *env)
{
}
