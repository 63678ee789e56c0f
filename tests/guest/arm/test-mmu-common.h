/*
 * test-mmu-common.h — shared by the test-mmu-*.c guest tests (included by exactly one .c per
 * program): an EL1 exception vector table whose synchronous handler records ESR_EL1, FAR_EL1,
 * ELR_EL1 and returns past the faulting instruction (for an instruction abort: to x30, the
 * return address of the BLR that jumped to the unexecutable page), probes that load, store or
 * call through an address, and MMU control helpers (ARM ARM D8, D17.2: SCTLR/TCR/MAIR/TTBR,
 * TLBI, AT). Single-threaded bare metal at EL1.
 *
 * The page-table layout is each test's own; they all keep the image (text and rodata) read-only
 * and executable and everything else writable and PXN, so SCTLR.WXN can be turned on.
 */
#ifndef TEST_MMU_COMMON_H
#define TEST_MMU_COMMON_H

#include <stdbool.h>

#include "runtime.h"

#define MRS(reg)                                                                                   \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define MSR(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

/* Written by the handler below. */
volatile uint64_t exc_count, exc_esr, exc_far, exc_elr, exc_vector;

/* VBAR_EL1 needs 2 KiB alignment; 16 entries of 128 bytes (D1.10.2). Every entry records its
 * index; only synchronous exceptions from the current EL (entry 4) are expected. */
__asm__(".section .text.mmu_vectors, \"ax\"\n"
        ".balign 2048\n"
        ".global mmu_vectors\n"
        "mmu_vectors:\n"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
        ".balign 128\n"
        "    stp x0, x1, [sp, #-32]!\n"
        "    stp x2, x30, [sp, #16]\n"
        "    mov x0, #\\n\n"
        "    b mmu_exc_common\n"
        ".endr\n"
        "mmu_exc_common:\n"
        "    adrp x1, exc_vector\n"
        "    str x0, [x1, :lo12:exc_vector]\n"
        "    mrs x0, esr_el1\n"
        "    adrp x1, exc_esr\n"
        "    str x0, [x1, :lo12:exc_esr]\n"
        "    mrs x2, far_el1\n"
        "    adrp x1, exc_far\n"
        "    str x2, [x1, :lo12:exc_far]\n"
        "    mrs x2, elr_el1\n"
        "    adrp x1, exc_elr\n"
        "    str x2, [x1, :lo12:exc_elr]\n"
        "    adrp x1, exc_count\n"
        "    ldr x2, [x1, :lo12:exc_count]\n"
        "    add x2, x2, #1\n"
        "    str x2, [x1, :lo12:exc_count]\n"
        "    mrs x2, elr_el1\n"
        "    add x2, x2, #4\n"
        "    lsr x0, x0, #26\n"
        "    cmp x0, #0x21\n" /* instruction abort, same EL: back to the caller */
        "    b.ne 1f\n"
        "    ldr x2, [sp, #24]\n"
        "1:  msr elr_el1, x2\n"
        "    ldp x2, x30, [sp, #16]\n"
        "    ldp x0, x1, [sp], #32\n"
        "    eret\n"
        ".text\n");

extern char mmu_vectors[];
extern char __bss_start[];

static inline void mmu_install_vectors(void) {
    MSR(vbar_el1, (uint64_t)mmu_vectors);
    __asm__ volatile("isb" ::: "memory");
}

static inline void mmu_exc_reset(void) {
    exc_count = 0;
    exc_esr = exc_far = exc_elr = 0;
    exc_vector = ~0ull;
}

/* ---- Probes ---- */

static inline uint64_t probe_load(uint64_t va) {
    uint64_t v = 0xdeadbeefdeadbeefull;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static inline void probe_store(uint64_t va, uint64_t v) {
    __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

/* LDTR / STTR: unprivileged (EL0) accesses from EL1 (C6.2.146). */
static inline uint64_t probe_load_el0(uint64_t va) {
    uint64_t v = 0xdeadbeefdeadbeefull;
    __asm__ volatile("ldtr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
    return v;
}

static inline void probe_store_el0(uint64_t va, uint64_t v) {
    __asm__ volatile("sttr %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

/* Calls the code at va (BLR); returns its w0, or `none` if it never ran. */
static inline uint64_t probe_call(uint64_t va, uint64_t none) {
    register uint64_t x0 __asm__("x0") = none;
    register uint64_t x9 __asm__("x9") = va;
    __asm__ volatile("blr x9"
                     : "+r"(x0), "+r"(x9)
                     :
                     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x10", "x11", "x12", "x13",
                       "x14", "x15", "x16", "x17", "x30", "memory", "cc");
    return x0;
}

/* Expects exactly one exception since mmu_exc_reset() with this ESR and FAR. */
static inline void check_fault(const char *what, uint64_t esr, uint64_t far) {
    if (exc_count != 1 || exc_esr != esr || exc_far != far) {
        uart_puts("FAIL ");
        uart_puts(what);
        uart_puts(": count ");
        print_dec((int64_t)exc_count);
        uart_puts(" esr ");
        print_hex(exc_esr);
        uart_puts(" (want ");
        print_hex(esr);
        uart_puts(") far ");
        print_hex(exc_far);
        uart_puts(" (want ");
        print_hex(far);
        uart_puts(")\n");
        guest_failures++;
    }
}

static inline void check_no_fault(const char *what) {
    if (exc_count != 0) {
        uart_puts("FAIL ");
        uart_puts(what);
        uart_puts(": unexpected exception, esr ");
        print_hex(exc_esr);
        uart_puts(" far ");
        print_hex(exc_far);
        uart_puts("\n");
        guest_failures++;
    }
}

/* ESR_EL1 of a data abort from EL1 (EC 0x25, IL = 1), D17.2.37. */
static inline uint64_t esr_dabt(uint32_t dfsc, bool write) {
    return 0x96000000ull | (write ? 1u << 6 : 0) | dfsc;
}

/* ESR_EL1 of an instruction abort from EL1 (EC 0x21, IL = 1). */
static inline uint64_t esr_iabt(uint32_t ifsc) {
    return 0x86000000ull | ifsc;
}

/* ---- MMU control ---- */

#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

/* MAIR: index 0 Device-nGnRnE, 1 Normal WB RW-allocate, 2 Normal non-cacheable. */
#define TEST_MAIR 0x44ff00ull

/* Descriptor bits (D8.3). */
#define D_VALID 1ull
#define D_TABLE 3ull /* table (levels 0-2) or page (level 3) */
#define D_BLOCK 1ull
#define D_ATTR(i) ((uint64_t)(i) << 2)
#define D_AP_EL1_RW (0ull << 6)
#define D_AP_RW (1ull << 6)
#define D_AP_EL1_RO (2ull << 6)
#define D_AP_RO (3ull << 6)
#define D_SH_INNER (3ull << 8)
#define D_AF (1ull << 10)
#define D_NG (1ull << 11)
#define D_PXN (1ull << 53)
#define D_UXN (1ull << 54)
#define D_NORMAL (D_ATTR(1) | D_SH_INNER | D_AF)
#define D_DEVICE (D_ATTR(0) | D_AF | D_PXN | D_UXN)

static inline void tlbi_all(void) {
    __asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n isb" ::: "memory");
}

static inline void tlbi_va(uint64_t va) {
    __asm__ volatile("dsb ishst\n tlbi vae1, %0\n dsb ish\n isb" : : "r"(va >> 12) : "memory");
}

static inline void mmu_enable(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1) {
    MSR(mair_el1, TEST_MAIR);
    MSR(tcr_el1, tcr);
    MSR(ttbr0_el1, ttbr0);
    MSR(ttbr1_el1, ttbr1);
    __asm__ volatile("dsb sy\n isb" ::: "memory");
    tlbi_all();
    MSR(sctlr_el1, MRS(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
    __asm__ volatile("isb" ::: "memory");
}

static inline void mmu_disable(void) {
    MSR(sctlr_el1, MRS(sctlr_el1) & ~(SCTLR_M | SCTLR_WXN));
    __asm__ volatile("isb" ::: "memory");
    tlbi_all();
}

static inline uint64_t at_s1e1r(uint64_t va) {
    __asm__ volatile("at s1e1r, %0\n isb" : : "r"(va) : "memory");
    return MRS(par_el1);
}

static inline uint64_t at_s1e1w(uint64_t va) {
    __asm__ volatile("at s1e1w, %0\n isb" : : "r"(va) : "memory");
    return MRS(par_el1);
}

static inline uint64_t at_s1e0r(uint64_t va) {
    __asm__ volatile("at s1e0r, %0\n isb" : : "r"(va) : "memory");
    return MRS(par_el1);
}

/* Writes `mov w0, #imm; ret` at pa (through the identity map) and makes it visible to
 * instruction fetch (B2.4.4). */
static inline void put_code(uint64_t pa, uint32_t imm) {
    volatile uint32_t *p = (volatile uint32_t *)pa;
    p[0] = 0x52800000u | (imm & 0xffff) << 5; /* MOVZ w0, #imm */
    p[1] = 0xd65f03c0u;                       /* RET */
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic iallu\n dsb ish\n isb" : : "r"(pa) : "memory");
}

#endif
