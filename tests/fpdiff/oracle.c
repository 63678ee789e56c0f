/*
 * oracle.c — the reference side of the floating-point differential test: a static AArch64
 * Linux program run under qemu-aarch64 -cpu cortex-a57. It reads FPDiffRecords from stdin,
 * executes each instruction on the (emulated) CPU through the patched stub of oracle-stub.S,
 * and writes the records back with the outputs. SIGILL marks the record undef.
 * Single-threaded; consecutive records with the same instruction reuse the patched stub.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fpdiff.h"

extern char fp_stub[];
extern uint32_t fp_stub_slot[];
static sigjmp_buf ill_jmp;

static void on_sigill(int sig)
{
    (void)sig;
    siglongjmp(ill_jmp, 1);
}

int main(void)
{
    uintptr_t page = (uintptr_t)fp_stub & ~(uintptr_t)4095;
    if (mprotect((void *)page, 8192, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("oracle: mprotect");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigill;
    sigaction(SIGILL, &sa, NULL);
    void (*run)(FPDiffState *) = (void (*)(FPDiffState *))(void *)fp_stub;
    static FPDiffRecord rec;
    uint32_t cur = 0xd503201f; /* NOP */
    while (fread(&rec, sizeof(rec), 1, stdin) == 1) {
        if (rec.insn != cur) {
            fp_stub_slot[0] = rec.insn;
            __builtin___clear_cache((char *)fp_stub_slot, (char *)(fp_stub_slot + 1));
            cur = rec.insn;
        }
        static FPDiffState st; /* static: survives the siglongjmp */
        st = rec.st;
        st.undef = 0;
        if (sigsetjmp(ill_jmp, 1) == 0) {
            run(&st);
        } else {
            st = rec.st;
            st.undef = 1;
        }
        rec.st = st;
        if (fwrite(&rec, sizeof(rec), 1, stdout) != 1)
            return 1;
    }
    return 0;
}
