/*
 * alu-native.c — host check of tests/guest/x86/alu-expected.h: runs every case of alu-table.h
 * on the host CPU (user mode; POPFQ may set the arithmetic flags there) and compares the
 * result, RDX and the defined flags with the table. `--generate` prints the table from
 * tools/alu-inputs.h instead (how alu-expected.h was made). Host program, single-threaded.
 */
#include <stdio.h>
#include <string.h>

#include "alu-table.h"

static const struct alu_case inputs[] = {
#include "tools/alu-inputs.h"
};

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--generate") == 0) {
        for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
            const struct alu_case *c = &inputs[i];
            uint64_t r2, f, r = alu_run(c->op, c->a, c->b, c->c, c->fin, &r2, &f);
            printf("{%d, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx},\n", c->op,
                   (unsigned long long)c->a, (unsigned long long)c->b, (unsigned long long)c->c,
                   (unsigned long long)c->fin, (unsigned long long)r, (unsigned long long)r2,
                   (unsigned long long)(f & alu_defined_flags(c->op, c->b)));
        }
        return 0;
    }
    int bad = 0;
    size_t n = sizeof(alu_cases) / sizeof(alu_cases[0]);
    for (size_t i = 0; i < n; i++) {
        const struct alu_case *c = &alu_cases[i];
        uint64_t r2, f, r = alu_run(c->op, c->a, c->b, c->c, c->fin, &r2, &f);
        f &= alu_defined_flags(c->op, c->b);
        if (r != c->r || r2 != c->r2 || f != c->f) {
            printf("FAIL case %zu op %d: got %llx %llx %llx\n", i, c->op, (unsigned long long)r,
                   (unsigned long long)r2, (unsigned long long)f);
            bad++;
        }
    }
    printf("%s: %zu cases, %d differ\n", bad ? "FAIL" : "PASS", n, bad);
    return bad != 0;
}
