/*
 * test-exc-sync.c — synchronous exceptions taken from EL1 to EL1 (ARM ARM D1.10, ESR_EL1
 * encodings D17.2.37): SVC (EC 0x15, ISS = imm16, ELR = next instruction), BRK (EC 0x3c,
 * ELR = the BRK), UNDEFINED (EC 0x00: UDF, unallocated encodings, an unallocated system
 * register, EL2/EL3 registers, SMC without EL3, ELR = the instruction), PC alignment (EC 0x22,
 * FAR = ELR = the misaligned target), exact SPSR_EL1 on entry (M, DAIF, NZCV), DAIF masked and
 * SPSel = 1 in the handler, the vector offset for EL1t (0x000) vs EL1h (0x200), ERET restoring
 * NZCV and DAIF, an illegal exception return (SPSR.M = EL2h: PSTATE.IL, then EC 0x0e) and the
 * read-back of ELR/ESR/FAR/SPSR_EL1, and an exception nested inside a handler. Bare metal at
 * EL1, single-threaded; uses the exc_* runtime.
 */
#include "runtime.h"

#define ESR_UNDEF ESR_MAKE(0x00, 1, 0)
#define VEC_EL1H_SYNC (EXC_CUR_SPX * 4 + EXC_SYNC)
#define VEC_EL1T_SYNC (EXC_CUR_SP0 * 4 + EXC_SYNC)

/* Executes one instruction; addr = its address. Registers survive (the vector saves them). */
#define TRAP_AT(insn, addr) __asm__ volatile("adr %0, 1f\n1: " insn : "=&r"(addr) : : "memory")

/* One expected exception: count, vector, ESR, ELR (and FAR when far_valid). */
static void expect(const char *what, int vector, uint64_t esr, uint64_t elr)
{
    if (exc_last.count != 1 || exc_last.vector != vector || exc_last.esr != esr ||
        exc_last.elr != elr) {
        uart_puts(what);
        uart_puts(":\n");
    }
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, vector);
    CHECK_EQ(exc_last.esr, esr);
    CHECK_EQ(exc_last.elr, elr);
}

static void test_svc_brk(void)
{
    uint64_t a;
    exc_reset();
    TRAP_AT("svc #0", a);
    expect("svc #0", VEC_EL1H_SYNC, ESR_MAKE(0x15, 1, 0), a + 4);
    exc_reset();
    TRAP_AT("svc #0x1234", a);
    expect("svc #0x1234", VEC_EL1H_SYNC, 0x56001234, a + 4);
    exc_reset();
    TRAP_AT("svc #0xffff", a);
    expect("svc #0xffff", VEC_EL1H_SYNC, 0x5600ffff, a + 4);
    /* BRK: the preferred return address is the BRK itself (the handler steps over it). */
    exc_reset();
    TRAP_AT("brk #0", a);
    expect("brk #0", VEC_EL1H_SYNC, 0xf2000000, a);
    exc_reset();
    TRAP_AT("brk #0xabcd", a);
    expect("brk #0xabcd", VEC_EL1H_SYNC, 0xf200abcd, a);
}

static void test_undef(void)
{
    uint64_t a;
    exc_reset();
    TRAP_AT("udf #0", a);
    expect("udf #0", VEC_EL1H_SYNC, ESR_UNDEF, a);
    exc_reset();
    TRAP_AT("udf #0xbeef", a);
    expect("udf #0xbeef", VEC_EL1H_SYNC, ESR_UNDEF, a);
    /* op0 = 0b0001 and 0b0011 are unallocated (ARM ARM C4.1 top-level encoding). */
    exc_reset();
    TRAP_AT(".inst 0x02000000", a);
    expect("unallocated 0x02000000", VEC_EL1H_SYNC, ESR_UNDEF, a);
    exc_reset();
    TRAP_AT(".inst 0x07ffffff", a);
    expect("unallocated 0x07ffffff", VEC_EL1H_SYNC, ESR_UNDEF, a);
    /* An unallocated system register (op0=3 op1=0 CRn=4 CRm=7 op2=7): UNDEFINED at EL1. */
    exc_reset();
    TRAP_AT("mrs x3, s3_0_c4_c7_7", a);
    expect("mrs s3_0_c4_c7_7", VEC_EL1H_SYNC, ESR_UNDEF, a);
    exc_reset();
    TRAP_AT("msr s3_0_c4_c7_7, x3", a);
    expect("msr s3_0_c4_c7_7", VEC_EL1H_SYNC, ESR_UNDEF, a);
    /* EL2/EL3-only registers do not exist for EL1 without EL2/EL3. */
    exc_reset();
    TRAP_AT("mrs x3, sctlr_el2", a);
    expect("mrs sctlr_el2", VEC_EL1H_SYNC, ESR_UNDEF, a);
    exc_reset();
    TRAP_AT("mrs x3, scr_el3", a);
    expect("mrs scr_el3", VEC_EL1H_SYNC, ESR_UNDEF, a);
    /* SMC with no EL3 is UNDEFINED (ARM ARM C6.2 HVC, SMC); x0 = 0 is no
     * PSCI function. HVC #1 at EL1 is in test-exc-hvc.c (QEMU differs there). */
    exc_reset();
    __asm__ volatile("mov x0, #0\n adr %0, 1f\n1: smc #0" : "=&r"(a) : : "x0", "memory");
    expect("smc #0", VEC_EL1H_SYNC, ESR_UNDEF, a);
    exc_reset();
    __asm__ volatile("mov x0, #0\n adr %0, 1f\n1: smc #0x55" : "=&r"(a) : : "x0", "memory");
    expect("smc #0x55", VEC_EL1H_SYNC, ESR_UNDEF, a);
}

/* BR to a misaligned address: PC alignment fault on the fetch, FAR = ELR = the target. */
static void test_pc_alignment(void)
{
    for (int off = 1; off <= 3; off++) {
        uint64_t target, resume;
        exc_reset();
        __asm__ volatile("adr %[r], 2f\n str %[r], [%[p]]\n adr %[t], 3f\n add %[t], %[t], %[o]\n"
                         " br %[t]\n3: nop\n nop\n2:"
                         : [r] "=&r"(resume), [t] "=&r"(target)
                         : [p] "r"(&exc_resume_at), [o] "r"((uint64_t)off)
                         : "memory");
        expect("pc alignment", VEC_EL1H_SYNC, ESR_MAKE(0x22, 1, 0), target);
        CHECK_EQ(exc_last.far, target);
        CHECK_EQ(target & 3, off);
    }
}

/* SPSR_EL1 on entry holds NZCV, DAIF and M = EL1h; the handler runs with DAIF all masked,
 * SPSel = 1 and CurrentEL = 1 (ARM ARM D1.10.3). */
static volatile uint64_t seen_daif, seen_spsel, seen_el;
static void handler_state(struct exc_frame *f, int vector)
{
    seen_daif = READ_SYSREG(daif);
    seen_spsel = READ_SYSREG(spsel);
    seen_el = READ_SYSREG(CurrentEL);
    exc_record_handler(f, vector);
}

static void test_spsr_on_entry(void)
{
    static const uint64_t nzcv[] = {0x00000000, 0x90000000, 0x60000000, 0xf0000000};
    static const uint64_t daif[] = {0x000, 0x280, 0x3c0, 0x140};
    exc_set_handler(EXC_SYNC, handler_state);
    for (int i = 0; i < 4; i++) {
        uint64_t a, saved = READ_SYSREG(daif);
        exc_reset();
        seen_daif = seen_spsel = seen_el = 0;
        __asm__ volatile("msr nzcv, %[n]\n msr daif, %[d]\n adr %[a], 1f\n1: svc #42\n"
                         " msr daif, %[s]"
                         : [a] "=&r"(a)
                         : [n] "r"(nzcv[i]), [d] "r"(daif[i]), [s] "r"(saved)
                         : "cc", "memory");
        expect("svc #42 spsr", VEC_EL1H_SYNC, 0x5600002a, a + 4);
        CHECK_EQ(exc_last.spsr, nzcv[i] | daif[i] | 0x5);
        CHECK_EQ(seen_daif, 0x3c0);
        CHECK_EQ(seen_spsel, 1);
        CHECK_EQ(seen_el, 1 << 2);
    }
    exc_set_handler(EXC_SYNC, NULL);
}

/* With SPSel = 0 (EL1t) an exception uses the "current EL with SP0" vectors at VBAR + 0x000,
 * SPSR.M = 0b0100; the handler still runs on SP_EL1. */
static uint64_t el1t_stack[256] __attribute__((aligned(16)));
static void test_spsel(void)
{
    uint64_t a, sp_seen, spsel_seen, sp_el0_before = (uint64_t)&el1t_stack[256];
    WRITE_SYSREG(sp_el0, sp_el0_before);
    exc_reset();
    __asm__ volatile("msr spsel, #0\n mrs %[s], spsel\n adr %[a], 1f\n1: svc #0x77\n"
                     " mov %[p], sp\n msr spsel, #1"
                     : [a] "=&r"(a), [p] "=&r"(sp_seen), [s] "=&r"(spsel_seen)
                     :
                     : "memory");
    expect("svc from EL1t", VEC_EL1T_SYNC, 0x56000077, a + 4);
    CHECK_EQ(exc_last.spsr & 0x3ff, 0x3c4);
    CHECK_EQ(sp_seen, sp_el0_before); /* SP_EL0 untouched by the handler */
    CHECK_EQ(spsel_seen, 0);
    CHECK_EQ(READ_SYSREG(spsel), 1);
    /* Back on EL1h: the same SVC uses VBAR + 0x200. */
    exc_reset();
    TRAP_AT("svc #0x78", a);
    expect("svc from EL1h", VEC_EL1H_SYNC, 0x56000078, a + 4);
    CHECK_EQ(exc_last.spsr & 0x3ff, 0x3c5);
}

/* ERET takes PC from ELR_EL1 and NZCV, DAIF, SPSel from SPSR_EL1 (ARM ARM D1.11). */
static void test_eret_restores(void)
{
    static const uint64_t spsr[] = {0xa0000005, 0x50000145, 0x00000285, 0xf00003c5, 0x000003c4};
    for (int i = 0; i < 5; i++) {
        uint64_t nzcv, daif, spsel, saved = READ_SYSREG(daif);
        __asm__ volatile("adr x9, 1f\n msr elr_el1, x9\n msr spsr_el1, %[v]\n eret\n"
                         "1: mrs %[n], nzcv\n mrs %[d], daif\n mrs %[s], spsel\n msr spsel, #1\n"
                         " msr daif, %[old]"
                         : [n] "=&r"(nzcv), [d] "=&r"(daif), [s] "=&r"(spsel)
                         : [v] "r"(spsr[i]), [old] "r"(saved)
                         : "x9", "cc", "memory");
        CHECK_EQ(nzcv, spsr[i] & 0xf0000000);
        CHECK_EQ(daif, spsr[i] & 0x3c0);
        CHECK_EQ(spsel, spsr[i] & 1);
    }
}

/* ERET with SPSR.M = EL2h (not implemented): an illegal exception return (ARM ARM D1.11.4):
 * PC = ELR, EL and SP unchanged, NZCV/DAIF from SPSR, PSTATE.IL = 1; the next instruction
 * takes an Illegal Execution state exception (EC 0x0e) whose SPSR has IL (bit 20) set. */
static void handler_clear_il(struct exc_frame *f, int vector)
{
    exc_record_handler(f, vector);
    f->spsr &= ~(1ull << 20);
}

static void test_illegal_return(void)
{
    static const uint64_t bad_m[] = {0x9, 0x8, 0xd, 0x2};
    exc_set_handler(EXC_SYNC, handler_clear_il);
    for (int i = 0; i < 4; i++) {
        uint64_t a, saved = READ_SYSREG(daif);
        exc_reset();
        __asm__ volatile("adr %[a], 1f\n msr elr_el1, %[a]\n msr spsr_el1, %[v]\n eret\n"
                         "1: nop\n msr daif, %[old]"
                         : [a] "=&r"(a)
                         : [v] "r"(0x60000280 | bad_m[i]), [old] "r"(saved)
                         : "cc", "memory");
        expect("illegal return", VEC_EL1H_SYNC, ESR_MAKE(0x0e, 1, 0), a);
        CHECK_EQ(exc_last.spsr, 0x60100285);
    }
    exc_set_handler(EXC_SYNC, NULL);
}

/* A synchronous exception inside a handler (ARM ARM D1.10: ELR/SPSR/ESR are overwritten; the
 * vector saved the outer ones in its frame): the outer SVC still returns to its caller with
 * its NZCV, and the handler sees the nested ESR and an ELR inside itself. */
static volatile uint64_t nested_esr, nested_elr, nested_spsr, outer_esr;
static volatile int nested_depth;
static void handler_nested(struct exc_frame *f, int vector)
{
    if (nested_depth++ == 0) {
        outer_esr = f->esr;
        uint64_t a;
        __asm__ volatile("msr nzcv, xzr\n adr %0, 1f\n1: svc #0x101" : "=&r"(a) : : "cc", "memory");
        nested_elr = READ_SYSREG(elr_el1) - a; /* 4: the nested SVC's next instruction */
        nested_esr = READ_SYSREG(esr_el1);
        nested_spsr = READ_SYSREG(spsr_el1);
    }
}

static void test_nested(void)
{
    uint64_t nzcv;
    nested_depth = 0;
    exc_set_handler(EXC_SYNC, handler_nested);
    __asm__ volatile("mov x9, #0x60000000\n msr nzcv, x9\n svc #0x100\n mrs %0, nzcv"
                     : "=r"(nzcv)
                     :
                     : "x9", "cc", "memory");
    exc_set_handler(EXC_SYNC, NULL);
    CHECK_EQ(nested_depth, 2);
    CHECK_EQ(outer_esr, 0x56000100);
    CHECK_EQ(nested_esr, 0x56000101);
    CHECK_EQ(nested_elr, 4);
    CHECK_EQ(nested_spsr, 0x3c5); /* from the handler: DAIF masked, NZCV cleared, EL1h */
    CHECK_EQ(nzcv, 0x60000000);
}

static void test_readback(void)
{
    WRITE_SYSREG(elr_el1, 0xfedcba9876543210ull);
    CHECK_EQ(READ_SYSREG(elr_el1), 0xfedcba9876543210ull);
    WRITE_SYSREG(esr_el1, 0x8badf00d);
    CHECK_EQ(READ_SYSREG(esr_el1), 0x8badf00d);
    WRITE_SYSREG(far_el1, 0x0123456789abcdefull);
    CHECK_EQ(READ_SYSREG(far_el1), 0x0123456789abcdefull);
    WRITE_SYSREG(spsr_el1, 0xf00003c5);
    CHECK_EQ(READ_SYSREG(spsr_el1), 0xf00003c5);
    WRITE_SYSREG(vbar_el1, 0x40001800);
    CHECK_EQ(READ_SYSREG(vbar_el1), 0x40001800);
    exc_install();
    /* An exception writes ESR_EL1 and ELR_EL1 (FAR_EL1 is UNKNOWN after an SVC: unchecked). */
    uint64_t a;
    exc_reset();
    TRAP_AT("svc #5", a);
    CHECK_EQ(READ_SYSREG(esr_el1), 0x56000005);
    CHECK_EQ(READ_SYSREG(elr_el1), a + 4);
}

int main(void)
{
    exc_install();
    test_svc_brk();
    test_undef();
    test_pc_alignment();
    test_spsr_on_entry();
    test_spsel();
    test_eret_restores();
    test_illegal_return();
    test_nested();
    test_readback();
    return guest_report();
}
