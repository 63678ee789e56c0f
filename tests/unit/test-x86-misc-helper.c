/*
 * test-x86-misc-helper.c — target-x86/misc-helper.c on an X86CPU built here, with doubles of
 * the functions it calls in cpu.c / excp-helper.c / softmmu.c (so it runs before the x86 core
 * exists): a raised exception longjmps back to the test with its vector and error code; TLB
 * flushes are counted. hflags are computed by a minimal double (CPL = CS.DPL, CS64 = LMA and
 * CS.L). Single-threaded.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "cpu-exec/exec.h"
#include "cpu-exec/softmmu.h"
#include "target-x86/cpuid.h"
#include "target-x86/misc-helper.h"

/* ---- doubles ---- */
static sigjmp_buf raise_jmp;
static int raised_vector, raised_error;
static int flushes, nonglobal_flushes, page_flushes;
static uint64_t fake_tsc;

void x86_raise_exception_err(CPUX86State *env, int vector, uint32_t error_code)
{
    raised_vector = vector;
    raised_error = (int)error_code;
    siglongjmp(raise_jmp, 1);
}
void x86_raise_exception(CPUX86State *env, int vector) { x86_raise_exception_err(env, vector, 0); }
void x86_update_hflags(CPUX86State *env)
{
    uint32_t h = (env->segs[R_CS].flags & DESC_DPL_MASK) >> DESC_DPL_SHIFT;
    if ((env->efer & EFER_LMA) && (env->segs[R_CS].flags & DESC_L_MASK)) {
        h |= HF_CS64 | HF_LMA;
    } else if (env->efer & EFER_LMA) {
        h |= HF_LMA;
    }
    env->hflags = h;
}
uint32_t x86_eflags_get(CPUX86State *env) { return env->eflags | EFLAGS_FIXED1; }
void x86_eflags_set(CPUX86State *env, uint32_t value, uint32_t mask)
{
    env->eflags = (env->eflags & ~mask) | (value & mask);
}
void x86_seg_cache_set(CPUX86State *env, int seg, uint32_t selector, uint64_t base,
                       uint32_t limit, uint32_t flags)
{
    env->segs[seg] = (X86Segment){ selector, base, limit, flags };
}
uint64_t x86_cpu_get_tsc(CPUX86State *env) { return fake_tsc + env->tsc_offset; }
void tlb_flush(CPUState *cpu) { flushes++; }
void tlb_flush_nonglobal(CPUState *cpu) { nonglobal_flushes++; }
void tlb_flush_page(CPUState *cpu, uint64_t vaddr) { page_flushes++; }
void cpu_halt(CPUState *cpu) { siglongjmp(raise_jmp, 2); }

/* ---- fixtures ---- */
static X86CPU *cpu_make(const char *model)
{
    X86CPU *cpu = aligned_alloc(64, (sizeof(X86CPU) + 63) & ~(size_t)63);
    memset(cpu, 0, sizeof(*cpu));
    cpu->model = x86_cpu_model_find(model);
    CPUX86State *env = &cpu->env;
    /* long mode, CPL 0, as crt0 leaves it */
    env->cr[0] = 0x80010033;
    env->cr[4] = 0x620;
    env->efer = EFER_LME | EFER_LMA;
    env->apic_base = 0xfee00900;
    x86_seg_cache_set(env, R_CS, 8, 0, 0xffffffff,
                      DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_L_MASK | DESC_G_MASK);
    x86_update_hflags(env);
    flushes = nonglobal_flushes = page_flushes = 0;
    raised_vector = -1;
    return cpu;
}

/* Runs body; returns the vector it raised, or -1. */
#define RAISES(stmt) (sigsetjmp(raise_jmp, 1) == 0 ? ((stmt), -1) : raised_vector)

static int wrmsr(CPUX86State *env, uint32_t msr, uint64_t v)
{
    env->regs[R_ECX] = msr;
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = v >> 32;
    return RAISES(helper_wrmsr(env));
}
static uint64_t rdmsr(CPUX86State *env, uint32_t msr, int *vec)
{
    env->regs[R_ECX] = msr;
    env->regs[R_EAX] = env->regs[R_EDX] = 0xdead;
    *vec = RAISES(helper_rdmsr(env));
    return (uint32_t)env->regs[R_EAX] | env->regs[R_EDX] << 32;
}

Test(x86_misc, msr_round_trips)
{
    X86CPU *cpu = cpu_make("qemu64");
    CPUX86State *env = &cpu->env;
    int vec;
    static const struct { uint32_t msr; uint64_t v; } cases[] = {
        { MSR_STAR, 0x0023001000080000ull }, { MSR_LSTAR, 0xffffffff81000000ull },
        { MSR_CSTAR, 0x1234 }, { MSR_FMASK, 0x47700 }, { MSR_FSBASE, 0x7fff12345678ull },
        { MSR_GSBASE, 0xffff888000000000ull }, { MSR_KERNELGSBASE, 0x1000 },
        { MSR_IA32_SYSENTER_CS, 0x10 }, { MSR_IA32_SYSENTER_ESP, 0x8000 },
        { MSR_IA32_SYSENTER_EIP, 0x9000 }, { MSR_TSC_AUX, 7 }, { MSR_PAT, 0x0007010600070106ull },
        { MSR_MTRRdefType, 0xc06 }, { MSR_MTRRphysBase(3), 0x80000006ull },
        { MSR_MTRRphysMask(3), 0xff80000800ull }, { MSR_MTRRfix4K_C0000 + 7, 0x0505050505050505ull },
        { MSR_IA32_MISC_ENABLE, 1 }, { MSR_EFER, EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_expect_eq(wrmsr(env, cases[i].msr, cases[i].v), -1, "wrmsr %x", cases[i].msr);
        cr_expect_eq(rdmsr(env, cases[i].msr, &vec), cases[i].v, "rdmsr %x", cases[i].msr);
        cr_expect_eq(vec, -1);
    }
    cr_expect_eq(env->segs[R_FS].base, 0x7fff12345678ull);
    cr_expect_eq(flushes, 1, "NXE change flushes the TLB");
    cr_expect_eq(rdmsr(env, MSR_MTRRcap, &vec), 0x508);
    free(cpu);
}

Test(x86_misc, msr_faults)
{
    X86CPU *cpu = cpu_make("qemu64");
    CPUX86State *env = &cpu->env;
    int vec;
    rdmsr(env, 0x1234, &vec);
    cr_expect_eq(vec, 13, "unknown MSR");
    cr_expect_eq(wrmsr(env, 0x1234, 0), 13);
    cr_expect_eq(wrmsr(env, MSR_LSTAR, 0x0000800000000000ull), 13, "non-canonical");
    cr_expect_eq(wrmsr(env, MSR_PAT, 0x0007040600070402ull), 13, "PAT type 2");
    cr_expect_eq(wrmsr(env, MSR_MTRRfix64K_00000, 0x0303030303030303ull), 13);
    cr_expect_eq(wrmsr(env, MSR_MTRRcap, 0), 13, "read-only");
    cr_expect_eq(wrmsr(env, MSR_EFER, EFER_LME | EFER_LMA | (1u << 12)), 13, "reserved EFER bit");
    cr_expect_eq(wrmsr(env, MSR_EFER, EFER_LMA), 13, "LME change while paging");
    cr_expect_eq(wrmsr(env, MSR_EFER, EFER_LME), -1, "LMA is read-only: the write keeps it");
    cr_expect_eq(env->efer, EFER_LME | EFER_LMA);
    cr_expect_eq(wrmsr(env, MSR_IA32_APICBASE, 0xfee00000ull | 1u << 10 | 1u << 11), 13,
                 "qemu64 has no x2APIC");
    cr_expect_eq(wrmsr(env, MSR_IA32_APICBASE, 0xfec00800ull), -1, "BSP bit is read-only");
    cr_expect_eq(rdmsr(env, MSR_IA32_APICBASE, &vec), 0xfec00900ull);
    /* CPL 3 */
    env->hflags |= 3;
    rdmsr(env, MSR_EFER, &vec);
    cr_expect_eq(vec, 13);
    free(cpu);
}

/* AMD SYSCFG (0xC0010010) and IntPend (0xC0010055): Linux reads both unchecked on qemu64
 * (AMD family 0Fh). */
Test(x86_misc, amd_syscfg)
{
    X86CPU *cpu = cpu_make("qemu64");
    CPUX86State *env = &cpu->env;
    int vec;
    cr_expect_eq(rdmsr(env, 0xc0010010, &vec), 0);
    cr_expect_eq(vec, -1, "AMD CPUs have SYSCFG");
    cr_expect_eq(wrmsr(env, 0xc0010010, 1ull << 19), -1, "MtrrFixDramModEn is writable");
    cr_expect_eq(rdmsr(env, 0xc0010010, &vec), 0, "and reads back 0: no memory types");
    cr_expect_eq(wrmsr(env, 0xc0010010, 1ull << 30), 13, "reserved bit");
    cr_expect_eq(rdmsr(env, 0xc0010055, &vec), 0, "interrupt pending message: no C1E");
    cr_expect_eq(vec, -1);
    cr_expect_eq(wrmsr(env, 0xc0010055, 1ull << 27), 13);
    free(cpu);
    cpu = cpu_make("max"); /* GenuineIntel */
    rdmsr(&cpu->env, 0xc0010010, &vec);
    cr_expect_eq(vec, 13, "no SYSCFG on an Intel model");
    free(cpu);
}

Test(x86_misc, tsc_and_adjust)
{
    X86CPU *cpu = cpu_make("max");
    CPUX86State *env = &cpu->env;
    int vec;
    fake_tsc = 1000;
    cr_expect_eq(wrmsr(env, MSR_IA32_TSC, 5000), -1);
    cr_expect_eq(rdmsr(env, MSR_IA32_TSC, &vec), 5000);
    cr_expect_eq(env->tsc_adjust, 4000);
    cr_expect_eq(wrmsr(env, MSR_IA32_TSC_ADJUST, 0), -1);
    cr_expect_eq(rdmsr(env, MSR_IA32_TSC, &vec), 1000);
    fake_tsc = 1500;
    cr_expect_eq(RAISES(helper_rdtsc(env)), -1);
    cr_expect_eq(env->regs[R_EAX], 1500);
    env->tsc_aux = 9;
    cr_expect_eq(RAISES(helper_rdtscp(env)), -1);
    cr_expect_eq(env->regs[R_ECX], 9);
    env->cr[4] |= CR4_TSD;
    env->hflags |= 3;
    cr_expect_eq(RAISES(helper_rdtsc(env)), 13);
    free(cpu);
}

Test(x86_misc, control_registers)
{
    X86CPU *cpu = cpu_make("qemu64");
    CPUX86State *env = &cpu->env;
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x80000000)), 13, "PG without PE");
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x80010033ull | 1ull << 32)), 13);
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x00010033)), 13, "clearing PG in 64-bit mode");
    cr_expect_eq(RAISES(helper_write_cr(env, 4, 0x600)), 13, "PAE off in long mode");
    cr_expect_eq(RAISES(helper_write_cr(env, 4, 0x620 | CR4_SMEP)), 13, "not in CPUID");
    cr_expect_eq(RAISES(helper_write_cr(env, 4, 0x620 | CR4_PGE)), -1);
    cr_expect_eq(flushes, 1);
    cr_expect_eq(RAISES(helper_write_cr(env, 3, 0x123000)), -1);
    cr_expect_eq(nonglobal_flushes, 1, "CR3 write with PGE keeps global pages");
    cr_expect_eq(RAISES(helper_write_cr(env, 3, 1ull << 45)), 13, "above MAXPHYADDR");
    cr_expect_eq(RAISES(helper_write_cr(env, 8, 0x10)), 13);
    cr_expect_eq(RAISES(helper_write_cr(env, 8, 0x9)), -1);
    cr_expect_eq(helper_read_cr(env, 8), 9);
    cr_expect_eq(RAISES(helper_read_cr(env, 5)), 6);
    cr_expect_eq(RAISES(helper_invlpg(env, 0x1000)), -1);
    cr_expect_eq(page_flushes, 1);
    env->cr[0] |= CR0_TS;
    helper_clts(env);
    cr_expect_eq(env->cr[0] & CR0_TS, 0);

    /* leave long mode from compatibility mode, then enter it again (SDM 9.8.5) */
    env->segs[R_CS].flags &= ~DESC_L_MASK;
    x86_update_hflags(env);
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x00010033)), -1);
    cr_expect_eq(env->efer & EFER_LMA, 0);
    cr_expect_eq(RAISES(helper_write_cr(env, 4, 0x600)), -1);
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x80010033)), 13, "LME without PAE");
    cr_expect_eq(RAISES(helper_write_cr(env, 4, 0x620)), -1);
    cr_expect_eq(RAISES(helper_write_cr(env, 0, 0x80010033)), -1);
    cr_expect_eq(env->efer & EFER_LMA, EFER_LMA);
    cr_expect_eq(helper_read_cr(env, 0), 0x80010033);
    /* LMSW cannot clear PE */
    cr_expect_eq(RAISES(helper_lmsw(env, 0x0)), -1);
    cr_expect_eq(env->cr[0] & CR0_PE, CR0_PE);
    env->hflags |= 3;
    cr_expect_eq(RAISES(helper_read_cr(env, 0)), 13);
    free(cpu);
}

Test(x86_misc, syscall_sysret)
{
    X86CPU *cpu = cpu_make("max");
    CPUX86State *env = &cpu->env;
    env->star = 0x0013000800000000ull; /* SYSCALL CS 0x08; SYSRET base 0x13 */
    env->lstar = 0xffffffff81000000ull;
    env->fmask = IF_MASK | DF_MASK;
    cr_expect_eq(RAISES(helper_syscall(env, 0x401000)), 6, "SCE = 0");
    env->efer |= EFER_SCE;
    env->eflags = IF_MASK | DF_MASK | CC_C;
    cr_expect_eq(RAISES(helper_syscall(env, 0x401000)), -1);
    cr_expect_eq(env->rip, 0xffffffff81000000ull);
    cr_expect_eq(env->regs[R_ECX], 0x401000);
    cr_expect_eq(env->regs[R_R11], IF_MASK | DF_MASK | CC_C | EFLAGS_FIXED1);
    cr_expect_eq(env->eflags & (IF_MASK | DF_MASK), 0);
    cr_expect_eq(env->segs[R_CS].selector, 8);
    cr_expect_eq(env->segs[R_SS].selector, 0x10);
    cr_expect_eq(env->hflags & (HF_CS64 | HF_CPL_MASK), HF_CS64);
    /* back to 64-bit ring 3 */
    cr_expect_eq(RAISES(helper_sysret(env, MO_64)), -1);
    cr_expect_eq(env->rip, 0x401000);
    cr_expect_eq(env->segs[R_CS].selector, 0x23); /* (0x13 + 16) | 3 */
    cr_expect_eq(env->segs[R_SS].selector, 0x1b);
    cr_expect_eq(env->hflags & (HF_CS64 | HF_CPL_MASK), HF_CS64 | 3);
    cr_expect_eq(env->eflags & (IF_MASK | DF_MASK), IF_MASK | DF_MASK);
    cr_expect_eq(RAISES(helper_sysret(env, MO_64)), 13, "SYSRET at CPL 3");
    /* non-canonical RCX on Intel: #GP at CPL 0 */
    helper_syscall(env, 0x401000);
    env->regs[R_ECX] = 0x0000800000000000ull;
    cr_expect_eq(RAISES(helper_sysret(env, MO_64)), 13);
    free(cpu);
}

Test(x86_misc, sysenter_sysexit_hlt)
{
    X86CPU *amd = cpu_make("qemu64");
    cr_expect_eq(RAISES(helper_sysenter(&amd->env)), 6, "AMD: #UD in long mode");
    free(amd);
    X86CPU *cpu = cpu_make("max");
    CPUX86State *env = &cpu->env;
    cr_expect_eq(RAISES(helper_sysenter(env)), 13, "SYSENTER_CS = 0");
    env->sysenter_cs = 0x08;
    env->sysenter_esp = 0x9000;
    env->sysenter_eip = 0xffffffff82000000ull;
    env->hflags |= 3;
    cr_expect_eq(RAISES(helper_sysenter(env)), -1);
    cr_expect_eq(env->rip, 0xffffffff82000000ull);
    cr_expect_eq(env->regs[R_ESP], 0x9000);
    cr_expect_eq(env->hflags & (HF_CS64 | HF_CPL_MASK), HF_CS64);
    env->regs[R_ECX] = 0x7000;
    env->regs[R_EDX] = 0x402000;
    cr_expect_eq(RAISES(helper_sysexit(env, MO_64)), -1);
    cr_expect_eq(env->segs[R_CS].selector, 0x2b);
    cr_expect_eq(env->segs[R_SS].selector, 0x33);
    cr_expect_eq(env->rip, 0x402000);
    cr_expect_eq(env->regs[R_ESP], 0x7000);
    cr_expect_eq(env->hflags & (HF_CS64 | HF_CPL_MASK), HF_CS64 | 3);
    cr_expect_eq(RAISES(helper_sysexit(env, MO_64)), 13, "CPL 3");
    cr_expect_eq(RAISES(helper_hlt(env, 0x1234)), 13, "HLT at CPL 3");
    env->hflags &= ~3u;
    int r = sigsetjmp(raise_jmp, 1);
    if (r == 0) {
        helper_hlt(env, 0x1234);
    }
    cr_expect_eq(r, 2, "halted");
    cr_expect_eq(env->rip, 0x1234);
    free(cpu);
}
