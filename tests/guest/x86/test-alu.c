/*
 * test-alu.c — integer ALU instructions and their flags (alu-table.h): every case runs with
 * RFLAGS preset (so preserved flags such as CF across INC are checked too) and compares the
 * result, RDX / the second result and the flags the SDM defines. The expected values are what
 * the same code gives natively on an x86-64 host (`make check-x86-alu-native` re-checks them).
 * Single-threaded bare metal.
 */
#include "runtime.h"

#include "alu-table.h"

int main(void)
{
    size_t n = sizeof(alu_cases) / sizeof(alu_cases[0]);
    for (size_t i = 0; i < n; i++) {
        const struct alu_case *c = &alu_cases[i];
        uint64_t r2, f, r = alu_run(c->op, c->a, c->b, c->c, c->fin, &r2, &f);
        f &= alu_defined_flags(c->op, c->b);
        if (r != c->r || r2 != c->r2 || f != c->f) {
            guest_printf("FAIL case %lu op %d a %lx b %lx: got %lx %lx flags %lx, want %lx %lx "
                         "flags %lx\n", (uint64_t)i, c->op, c->a, c->b, r, r2, f, c->r, c->r2,
                         c->f);
            guest_failures++;
        }
    }
    guest_printf("%lu ALU cases\n", (uint64_t)n);
    CHECK(n >= 70);
    return guest_report();
}
