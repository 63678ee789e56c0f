/*
 * test-exc-el0.c — exceptions taken from EL0 to EL1 (ARM ARM D1.10: lower-EL AArch64 vectors at
 * VBAR_EL1 + 0x400) with exact ESR_EL1 (D17.2.37): SVC (EC 0x15, ELR = next), BRK (EC 0x3c),
 * UNDEFINED (EC 0x00: UDF, EL1 registers and CurrentEL at EL0, HVC and SMC at EL0), and the
 * SCTLR_EL1 traps of EL0 (D17.2.118): WFI with nTWI = 0 (EC 0x01, ISS CV = 1, COND = 0b1110,
 * TI = 0), DAIF access with UMA = 0, CTR_EL0 with UCT = 0, DC ZVA with DZE = 0 and DC CVAU with
 * UCI = 0 (EC 0x18, ISS = Op0 Op2 Op1 CRn Rt CRm Direction), plus DCZID_EL0.DZP reading 1 at EL0
 * when DZE = 0, SPSR_EL1 on entry from EL0 (M = EL0t, DAIF, NZCV), and aborts from EL0 (data
 * EC 0x24, instruction EC 0x20, PC alignment EC 0x22, with FAR). Each EL0 function runs
 * through el0_call and returns the address of its trapping instruction. Bare metal, one CPU.
 */
#include "runtime.h"

#define VEC_LOWER_SYNC (EXC_LOWER_A64 * 4 + EXC_SYNC)
#define ESR_UNDEF ESR_MAKE(0x00, 1, 0)
/* EC 0x18 ISS for an MRS/MSR/SYS (ARM ARM D17.2.37, ISS encoding for EC 0b011000). */
#define ISS_SYS(op0, op1, crn, crm, op2, rt, read)                                             \
    (((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) |          \
     ((uint64_t)(crn) << 10) | ((uint64_t)(rt) << 5) | ((uint64_t)(crm) << 1) | (read))
#define ESR_SYS(...) ESR_MAKE(0x18, 1, ISS_SYS(__VA_ARGS__))

#define SCTLR_UMA (1ull << 9)
#define SCTLR_DZE (1ull << 14)
#define SCTLR_UCT (1ull << 15)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_UCI (1ull << 26)

/* An EL0 function that executes insn once and returns its address. */
#define EL0_FN(name, insn)                                                                     \
    static uint64_t name(uint64_t arg)                                                         \
    {                                                                                          \
        uint64_t a;                                                                            \
        __asm__ volatile("mov x5, %1\n adr %0, 1f\n1: " insn                                   \
                         : "=&r"(a)                                                            \
                         : "r"(arg)                                                            \
                         : "x5", "x6", "cc", "memory");                                        \
        return a;                                                                              \
    }

EL0_FN(el0_svc, "svc #0x4321")
EL0_FN(el0_brk, "brk #0x77")
EL0_FN(el0_udf, "udf #3")
EL0_FN(el0_mrs_sctlr, "mrs x6, sctlr_el1")
EL0_FN(el0_msr_vbar, "msr vbar_el1, x5")
EL0_FN(el0_currentel, "mrs x6, CurrentEL")
EL0_FN(el0_hvc, "hvc #0")
EL0_FN(el0_smc, "smc #0")
EL0_FN(el0_wfi, "wfi")
EL0_FN(el0_mrs_daif, "mrs x5, daif")
EL0_FN(el0_msr_daif, "msr daif, x6")
EL0_FN(el0_ctr, "mrs x6, ctr_el0")
EL0_FN(el0_dczva, "dc zva, x5")
EL0_FN(el0_dccvau, "dc cvau, x5")

static uint64_t el0_double(uint64_t arg) { return arg * 2 + 1; }

/* Aborts from EL0 (EC 0x24 data, 0x20 instruction; PC alignment keeps EC 0x22): the handler
 * resumes at exc_resume_at, set by the EL0 code itself (memory is flat with the MMU off). */
static uint64_t el0_load_hole(uint64_t hole)
{
    uint64_t a;
    __asm__ volatile("adr %0, 1f\n1: ldr x6, [%1]" : "=&r"(a) : "r"(hole) : "x6", "memory");
    return a;
}

static uint64_t el0_store_hole(uint64_t hole)
{
    uint64_t a;
    __asm__ volatile("adr %0, 1f\n1: strb wzr, [%1]" : "=&r"(a) : "r"(hole) : "memory");
    return a;
}

static uint64_t el0_branch_to(uint64_t target)
{
    uint64_t resume;
    __asm__ volatile("adr %0, 2f\n str %0, [%1]\n blr %2\n2:"
                     : "=&r"(resume)
                     : "r"(&exc_resume_at), "r"(target)
                     : "x30", "memory");
    return 0;
}

static void test_aborts_from_el0(void)
{
    static const uint64_t hole = 0x0b000000;
    uint64_t a;
    exc_reset();
    a = el0_call(el0_load_hole, hole, EXC_SPSR_EL0);
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_LOWER_SYNC);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x24, 1, 0x10));
    CHECK_EQ(exc_last.far, hole);
    CHECK_EQ(exc_last.elr, a);
    exc_reset();
    a = el0_call(el0_store_hole, hole + 5, EXC_SPSR_EL0);
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x24, 1, 0x50));
    CHECK_EQ(exc_last.far, hole + 5);
    CHECK_EQ(exc_last.elr, a);
    exc_reset();
    el0_call(el0_branch_to, hole, EXC_SPSR_EL0);
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_LOWER_SYNC);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x20, 1, 0x10));
    CHECK_EQ(exc_last.far, hole);
    CHECK_EQ(exc_last.elr, hole);
    exc_reset();
    uint64_t odd = (uint64_t)el0_double + 2;
    el0_call(el0_branch_to, odd, EXC_SPSR_EL0);
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_LOWER_SYNC);
    CHECK_EQ(exc_last.esr, ESR_MAKE(0x22, 1, 0));
    CHECK_EQ(exc_last.far, odd);
    CHECK_EQ(exc_last.elr, odd);
}

static uint64_t el0_read_daif(uint64_t arg) { return READ_SYSREG(daif); }
static uint64_t el0_read_ctr(uint64_t arg) { return READ_SYSREG(ctr_el0); }
static uint64_t el0_read_dczid(uint64_t arg) { return READ_SYSREG(dczid_el0); }

static uint64_t scratch[16] __attribute__((aligned(64)));

/* Runs fn at EL0 and checks that exactly one exception with this ESR was taken at its
 * trapping instruction (ELR = that address + elr_off). */
static void expect_el0(const char *what, uint64_t (*fn)(uint64_t), uint64_t esr, int elr_off)
{
    exc_reset();
    uint64_t a = el0_call(fn, (uint64_t)scratch, EXC_SPSR_EL0);
    if (exc_last.count != 1 || exc_last.esr != esr || exc_last.elr != a + elr_off) {
        uart_puts(what);
        uart_puts(":\n");
    }
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, VEC_LOWER_SYNC);
    CHECK_EQ(exc_last.esr, esr);
    CHECK_EQ(exc_last.elr, a + elr_off);
    CHECK_EQ(exc_last.spsr & 0x3ff, EXC_SPSR_EL0);
}

static void sctlr_set(uint64_t set, uint64_t clear)
{
    WRITE_SYSREG(sctlr_el1, (READ_SYSREG(sctlr_el1) | set) & ~clear);
}

static void test_calls(void)
{
    exc_reset();
    CHECK_EQ(el0_call(el0_double, 20, EXC_SPSR_EL0), 41);
    CHECK_EQ(exc_last.count, 0);
    CHECK_EQ(READ_SYSREG(CurrentEL), 1 << 2);
    expect_el0("svc", el0_svc, 0x56004321, 4);
    expect_el0("brk", el0_brk, 0xf2000077, 0);
    expect_el0("udf", el0_udf, ESR_UNDEF, 0);
    expect_el0("mrs sctlr_el1", el0_mrs_sctlr, ESR_UNDEF, 0);
    expect_el0("msr vbar_el1", el0_msr_vbar, ESR_UNDEF, 0);
    expect_el0("mrs CurrentEL", el0_currentel, ESR_UNDEF, 0);
    expect_el0("hvc #0", el0_hvc, ESR_UNDEF, 0);
    expect_el0("smc #0", el0_smc, ESR_UNDEF, 0);
    CHECK_EQ(READ_SYSREG(vbar_el1) != (uint64_t)scratch, 1);
}

/* SPSR_EL1 on an SVC from EL0 keeps NZCV and DAIF of EL0 with M = 0b0000. */
static uint64_t el0_svc_nzcv(uint64_t nzcv)
{
    __asm__ volatile("msr nzcv, %0\n svc #1" : : "r"(nzcv) : "cc", "memory");
    return 0;
}

static void test_spsr_from_el0(void)
{
    static const uint64_t spsr[] = {0x000, 0x3c0, 0x140};
    static const uint64_t nzcv[] = {0xa0000000, 0x50000000, 0xf0000000};
    for (int i = 0; i < 3; i++) {
        exc_reset();
        el0_call(el0_svc_nzcv, nzcv[i], spsr[i]);
        CHECK_EQ(exc_last.count, 1);
        CHECK_EQ(exc_last.esr, 0x56000001);
        CHECK_EQ(exc_last.spsr, nzcv[i] | spsr[i]);
    }
    /* UMA = 1: EL0 reads its own DAIF. */
    sctlr_set(SCTLR_UMA, 0);
    CHECK_EQ(el0_call(el0_read_daif, 0, 0x140), 0x140);
    CHECK_EQ(el0_call(el0_read_daif, 0, 0x3c0), 0x3c0);
    sctlr_set(0, SCTLR_UMA);
}

static void test_sctlr_traps(void)
{
    /* WFI: EC 0x01, CV = 1, COND = 0b1110, TI = 0b00; ELR = the WFI. */
    sctlr_set(0, SCTLR_NTWI);
    expect_el0("wfi", el0_wfi, ESR_MAKE(0x01, 1, 0x1e00000), 0);
    sctlr_set(SCTLR_NTWI, 0);
    /* DAIF: op0=3 op1=3 CRn=4 CRm=2 op2=1 (MSR DAIFSet/DAIFClr: test-exc-armarm.c). */
    sctlr_set(0, SCTLR_UMA);
    expect_el0("mrs daif", el0_mrs_daif, ESR_SYS(3, 3, 4, 2, 1, 5, 1), 0);
    expect_el0("msr daif", el0_msr_daif, ESR_SYS(3, 3, 4, 2, 1, 6, 0), 0);
    /* CTR_EL0: op0=3 op1=3 CRn=0 CRm=0 op2=1. */
    sctlr_set(0, SCTLR_UCT);
    expect_el0("mrs ctr_el0", el0_ctr, ESR_SYS(3, 3, 0, 0, 1, 6, 1), 0);
    sctlr_set(SCTLR_UCT, 0);
    CHECK_EQ(el0_call(el0_read_ctr, 0, EXC_SPSR_EL0), READ_SYSREG(ctr_el0));
    /* DC ZVA: SYS #3, C7, C4, #1 (op0=1); DCZID_EL0.DZP reads 1 at EL0 while DZE = 0. */
    sctlr_set(0, SCTLR_DZE);
    expect_el0("dc zva", el0_dczva, ESR_SYS(1, 3, 7, 4, 1, 5, 0), 0);
    CHECK_EQ(el0_call(el0_read_dczid, 0, EXC_SPSR_EL0), 0x14);
    sctlr_set(SCTLR_DZE, 0);
    CHECK_EQ(el0_call(el0_read_dczid, 0, EXC_SPSR_EL0), 0x4);
    /* DC CVAU: SYS #3, C7, C11, #1 with UCI = 0. */
    sctlr_set(0, SCTLR_UCI);
    expect_el0("dc cvau", el0_dccvau, ESR_SYS(1, 3, 7, 11, 1, 5, 0), 0);
    sctlr_set(SCTLR_UCI, 0);
    exc_reset();
    el0_call(el0_dccvau, (uint64_t)scratch, EXC_SPSR_EL0);
    CHECK_EQ(exc_last.count, 0);
}

int main(void)
{
    exc_install();
    test_calls();
    test_spsr_from_el0();
    test_sctlr_traps();
    test_aborts_from_el0();
    return guest_report();
}
