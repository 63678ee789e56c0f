/*
 * test-singlestep.c — EFLAGS.TF single-stepping (Intel SDM vol. 3A 17.3.1.4, 17.2.3): after
 * every instruction that begins with TF = 1 the CPU takes #DB as a trap (the pushed RIP is the
 * next instruction, DR6.BS = 1, the pushed RFLAGS has TF). The POPF that sets TF is not
 * trapped (TF was 0 when it began); the POPF that clears it is, with TF = 0 in the frame. Covers straight-line code, a
 * taken jump, a call/ret pair and a stack store, and that the handler itself runs with TF = 0.
 * Single-threaded bare metal.
 */
#include "runtime.h"

#define MAX_STEPS 16
static uint64_t step_rip[MAX_STEPS];
static int steps, bad_dr6, tf_clear_step = -1, handler_tf;

static void db_handler(struct x86_exc_frame *f)
{
    uint64_t dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    if (!(dr6 & 0x4000)) {
        bad_dr6++;
    }
    if (!(f->rflags & X86_TF) && tf_clear_step < 0) {
        tf_clear_step = steps;
    }
    if (read_rflags() & X86_TF) {
        handler_tf++;
    }
    __asm__ volatile("mov %0, %%dr6" : : "r"(0xffff0ff0ull)); /* BS cleared (DR6 init) */
    if (steps < MAX_STEPS) {
        step_rip[steps] = f->rip;
    }
    steps++;
}

/* The labels the traps must report, in order (filled by the asm below). */
extern char ss_a[], ss_b[], ss_c[], ss_d[], ss_e[], ss_f[], ss_g[], ss_h[], ss_i[], ss_j[],
    ss_fn[], ss_end[];
__asm__(".text\n"
        "ss_fn: ret\n");

int main(void)
{
    exc_set_handler(X86_EXC_DB, db_handler);
    uint64_t tmp = 0;
    __asm__ volatile("pushfq\n orq $0x100, (%%rsp)\n popfq\n" /* sets TF: no trap */
                     "ss_a: nop\n"
                     "ss_b: mov $1, %%eax\n"
                     "ss_c: jmp ss_d\n"
                     " ud2\n"
                     "ss_d: add $2, %%eax\n"
                     "ss_e: call ss_fn\n"
                     "ss_f: mov %%rax, %0\n"
                     "ss_g: pushfq\n"
                     "ss_h: andq $~0x100, (%%rsp)\n"
                     "ss_i: popfq\n" /* TF was 1 when it began: trapped */
                     "ss_j: nop\n"
                     "ss_end:\n"
                     : "=m"(tmp) : : "rax", "memory", "cc");
    (void)ss_a;
    (void)ss_end;
    const char *want[] = {ss_b, ss_c, ss_d, ss_e, ss_fn, ss_f, ss_g, ss_h, ss_i, ss_j};
    int nwant = (int)(sizeof(want) / sizeof(want[0]));
    CHECK_EQ(steps, nwant);
    for (int i = 0; i < nwant && i < steps && i < MAX_STEPS; i++) {
        if (step_rip[i] != (uint64_t)want[i]) {
            guest_printf("FAIL step %d: rip %lx, want %lx\n", i, step_rip[i], (uint64_t)want[i]);
            guest_failures++;
        }
    }
    CHECK_EQ(tmp, 3);
    CHECK_EQ(bad_dr6, 0);
    CHECK_EQ(tf_clear_step, nwant - 1); /* only the trap after the POPF that cleared TF */
    CHECK_EQ(handler_tf, 0);
    CHECK_EQ(read_rflags() & X86_TF, 0);
    exc_set_handler(X86_EXC_DB, NULL);
    return guest_report();
}
