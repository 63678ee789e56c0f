/*
 * runtime.c — output through the PL011 at 0x09000000 (QEMU virt), exit through semihosting
 * (ARM semihosting spec: HLT #0xF000, SYS_EXIT_EXTENDED = 0x20, ADP_Stopped_ApplicationExit),
 * and the failure counting used by every guest test.
 */
#include "runtime.h"

#define PL011_DR ((volatile uint32_t *)0x09000000)
#define PL011_FR ((volatile uint32_t *)0x09000018)


void uart_putc(char c)
{
    while (*PL011_FR & (1u << 5)) { /* TXFF */
    }
    *PL011_DR = (uint32_t)(unsigned char)c;
}




static uint64_t semihost(uint64_t op, uint64_t param)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void guest_exit(int code)
{
    static uint64_t block[2];
    block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint64_t)(int64_t)code;
    semihost(0x20, (uint64_t)block); /* SYS_EXIT_EXTENDED */
    psci_system_off();
}

__asm__(".section .text\n"
        ".global secondary_entry\n"
        "secondary_entry:\n"
        "  mov sp, x0\n"
        "  bl secondary_main\n"
        "  b .\n");

__attribute__((weak)) void secondary_main(uint64_t context)
{
    for (;;) {
        __asm__ volatile("wfi");
    }
}

uint64_t psci_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t after[3])
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    if (after) {
        after[0] = x1;
        after[1] = x2;
        after[2] = x3;
    }
    return x0;
}

void psci_system_off(void)
{
    psci_hvc(0x84000008, 0, 0, 0, 0); /* PSCI SYSTEM_OFF */
    for (;;) {
    }
}



/* ---- Exceptions: the vector table is vectors.S (ARM ARM D1.10.2) ---- */
__asm__(".include \"vectors.S\"");

volatile struct exc_record exc_last;
volatile uint64_t exc_resume_at;
static exc_handler_fn exc_handlers[4];
extern char exc_vector_table[], el0_resume[];

void exc_install(void)
{
    __asm__ volatile("msr vbar_el1, %0\n isb" : : "r"((uint64_t)exc_vector_table) : "memory");
}

void exc_set_handler(int kind, exc_handler_fn fn)
{
    exc_handlers[kind & 3] = fn;
}

void exc_reset(void)
{
    exc_last.esr = exc_last.far = exc_last.elr = exc_last.spsr = 0;
    exc_last.vector = -1;
    exc_last.count = 0;
    exc_resume_at = 0;
}

void exc_record_handler(struct exc_frame *frame, int vector)
{
    exc_last.esr = frame->esr;
    exc_last.far = frame->far;
    exc_last.elr = frame->elr;
    exc_last.spsr = frame->spsr;
    exc_last.vector = vector;
    exc_last.count++;
    if (exc_resume_at) {
        frame->elr = exc_resume_at;
        exc_resume_at = 0;
    } else if (ESR_EC(frame->esr) < 0x15 || ESR_EC(frame->esr) > 0x17) {
        frame->elr += 4; /* SVC/HVC/SMC calls already return past the instruction */
    }
}

/* Called by vectors.S. The SVC that ends an el0_call is handled here, before any handler:
 * resume at el0_resume in EL1h with DAIF masked (SPSR.M = 0b0101). */
void exc_dispatch(struct exc_frame *frame, int vector);
void exc_dispatch(struct exc_frame *frame, int vector)
{
    if (vector == EXC_LOWER_A64 * 4 + EXC_SYNC &&
        frame->esr == ESR_MAKE(0x15, 1, EXC_SVC_EL0_RETURN)) {
        frame->elr = (uint64_t)el0_resume;
        frame->spsr = 0x3c5;
        return;
    }
    exc_handler_fn fn = exc_handlers[vector & 3];
    (fn ? fn : exc_record_handler)(frame, vector);
}
