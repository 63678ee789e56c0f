/*
 * runtime.h — the tiny runtime of AArch64 guest tests: PL011 output, semihosting exit,
 * PSCI power-off, CHECK helpers that count failures, and an exception API (EL1 vector table in
 * vectors.S, per-kind C handlers with the saved frame, el0_call to run a function at EL0).
 * Single-threaded bare metal; handlers run at EL1 with DAIF masked.
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "guest-common.h" /* printing, CHECK_EQ, guest_report, memcpy & co. */

/* uart_putc writes to the PL011. Exit the machine with status code through semihosting SYS_EXIT (needs -semihosting). */
void guest_exit(int code) __attribute__((noreturn));
/* A PSCI call over HVC #0 (SMCCC: function in x0, arguments in x1-x3): returns x0; after, if
 * not NULL, receives x1-x3 as the call left them. */
uint64_t psci_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t after[3]);
/* Entry point for a secondary CPU started with PSCI CPU_ON whose context id is the top of its
 * stack: sp = x0, then secondary_main(x0). A test that starts secondaries defines
 * secondary_main; the runtime's weak default parks the CPU in WFI. */
void secondary_entry(void);
void secondary_main(uint64_t context);
/* PSCI SYSTEM_OFF over HVC. */
void psci_system_off(void) __attribute__((noreturn));


/* ---- Exceptions (vectors.S + runtime.c): ARM ARM D1.10 exception entry to EL1 ----
 * exc_install() points VBAR_EL1 at the table. On every exception the table saves a frame and
 * calls the handler registered for the exception kind (EXC_SYNC/IRQ/FIQ/SERROR); the handler
 * may change frame->elr / frame->spsr / frame->x[] (written back before ERET). Without a
 * handler, exc_record_handler runs: it records the exception in exc_last and resumes at
 * exc_resume_at if set (then clears it), else past the instruction that trapped (ELR + 4, but
 * ELR itself for SVC/HVC/SMC, whose preferred return address is already the next one). */
struct exc_frame {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far;
    uint64_t pad;
};
enum { EXC_SYNC = 0, EXC_IRQ = 1, EXC_FIQ = 2, EXC_SERROR = 3 };
/* Vector index = group * 4 + kind; the group's offset from VBAR is group * 0x200. */
enum { EXC_CUR_SP0 = 0, EXC_CUR_SPX = 1, EXC_LOWER_A64 = 2, EXC_LOWER_A32 = 3 };
typedef void (*exc_handler_fn)(struct exc_frame *frame, int vector);
struct exc_record {
    uint64_t esr, far, elr, spsr;
    int vector; /* 0-15 */
    int count;  /* exceptions recorded since exc_reset() */
};
extern volatile struct exc_record exc_last;
extern volatile uint64_t exc_resume_at;
void exc_install(void);
void exc_set_handler(int kind, exc_handler_fn fn); /* NULL: back to exc_record_handler */
void exc_record_handler(struct exc_frame *frame, int vector);
void exc_reset(void); /* clears exc_last and exc_resume_at */
/* Runs fn(arg) with PSTATE from spsr (EXC_SPSR_EL0: EL0t, DAIF masked) on a separate EL0
 * stack and returns its result; fn returns through SVC #EXC_SVC_EL0_RETURN. */
#define EXC_SPSR_EL0 0x3c0u
#define EXC_SVC_EL0_RETURN 0xfffe
uint64_t el0_call(uint64_t (*fn)(uint64_t), uint64_t arg, uint64_t spsr);
/* Syndrome helpers (ARM ARM D17.2.37 ESR_ELx): EC in [31:26], IL in [25], ISS in [24:0]. */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_MAKE(ec, il, iss) (((uint64_t)(ec) << 26) | ((uint64_t)(il) << 25) | (uint64_t)(iss))

#define READ_SYSREG(reg)                                                               \
    ({                                                                                 \
        uint64_t v_;                                                                   \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                  \
        v_;                                                                            \
    })
#define WRITE_SYSREG(reg, v)                                                                   \
    __asm__ volatile("msr " #reg ", %0\n isb" : : "r"((uint64_t)(v)) : "memory")

#endif
