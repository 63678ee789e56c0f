/*
 * workload.c — the benchmark's integer workload, one source for every platform: sieve of
 * Eratosthenes, bitwise CRC-32, integer matrix multiply, a small bytecode interpreter,
 * recursion (fib, Ackermann), quicksort and heapsort of PRNG data. Each kernel prints one
 * checksum line, so runs on different emulators (and natively) can be compared byte for byte.
 * Built bare metal for virt (with the guest runtime, shim-virt.c) and for the host
 * (shim-native.c). Integer only: the guest is built with -mgeneral-regs-only.
 * BENCH_SCALE multiplies the repetitions of every kernel (bench/bench.mk sets it).
 */
#include <stdint.h>

#include "bench.h"

#ifndef BENCH_SCALE
#define BENCH_SCALE 1
#endif

/* ---- output ---- */
static void print_result(const char *name, uint64_t sum)
{
    char line[64];
    int n = 0;
    while (*name) {
        line[n++] = *name++;
    }
    line[n++] = ' ';
    for (int i = 60; i >= 0; i -= 4) {
        line[n++] = "0123456789abcdef"[(sum >> i) & 0xf];
    }
    line[n++] = '\n';
    line[n] = 0;
    bench_puts(line);
}

static uint64_t prng_state;

static uint64_t prng_next(void)
{
    prng_state ^= prng_state << 13;
    prng_state ^= prng_state >> 7;
    prng_state ^= prng_state << 17;
    return prng_state;
}

/* ---- sieve ---- */
static uint8_t sieve_flags[1 << 20];

static uint64_t kernel_sieve(void)
{
    uint64_t sum = 0;
    for (int rep = 0; rep < 4 * BENCH_SCALE; rep++) {
        uint32_t n = sizeof(sieve_flags) - (uint32_t)rep * 1000;
        for (uint32_t i = 0; i < n; i++) {
            sieve_flags[i] = 1;
        }
        sieve_flags[0] = sieve_flags[1] = 0;
        for (uint32_t i = 2; i * i < n; i++) {
            if (sieve_flags[i]) {
                for (uint32_t j = i * i; j < n; j += i) {
                    sieve_flags[j] = 0;
                }
            }
        }
        uint32_t count = 0, last = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (sieve_flags[i]) {
                count++;
                last = i;
            }
        }
        sum = sum * 31 + count * 1000003ull + last;
    }
    return sum;
}

/* ---- CRC-32 (IEEE, reflected, bit by bit) ---- */
static uint8_t crc_data[64 * 1024];

static uint64_t kernel_crc32(void)
{
    prng_state = 0x1234567887654321ull;
    for (uint32_t i = 0; i < sizeof(crc_data); i++) {
        crc_data[i] = (uint8_t)prng_next();
    }
    uint64_t sum = 0;
    for (int rep = 0; rep < 6 * BENCH_SCALE; rep++) {
        uint32_t crc = 0xffffffffu ^ (uint32_t)rep;
        for (uint32_t i = 0; i < sizeof(crc_data); i++) {
            crc ^= crc_data[i];
            for (int b = 0; b < 8; b++) {
                crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
            }
        }
        sum = (sum << 7 | sum >> 57) ^ (crc ^ 0xffffffffu);
    }
    return sum;
}

/* ---- integer matrix multiply ---- */
#define MAT_N 96
static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static uint64_t kernel_matmul(void)
{
    prng_state = 0xfeedfacecafebeefull;
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (int32_t)(prng_next() % 201) - 100;
            mat_b[i][j] = (int32_t)(prng_next() % 201) - 100;
        }
    }
    uint64_t sum = 0;
    for (int rep = 0; rep < 3 * BENCH_SCALE; rep++) {
        for (int i = 0; i < MAT_N; i++) {
            for (int j = 0; j < MAT_N; j++) {
                int32_t acc = rep;
                for (int k = 0; k < MAT_N; k++) {
                    acc += mat_a[i][k] * mat_b[k][j];
                }
                mat_c[i][j] = acc;
            }
        }
        for (int i = 0; i < MAT_N; i++) {
            for (int j = 0; j < MAT_N; j++) {
                sum = sum * 1099511628211ull + (uint32_t)mat_c[i][j];
                mat_a[i][j] = mat_c[i][j] % 127; /* feed back so reps differ */
            }
        }
    }
    return sum;
}

/* ---- bytecode interpreter: a stack machine running a counting loop with arithmetic ---- */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_JNZ, OP_HALT };

static uint64_t vm_run(const int32_t *code, int64_t *vars)
{
    int64_t stack[16];
    int sp = 0, pc = 0;
    uint64_t steps = 0;
    for (;;) {
        steps++;
        int32_t op = code[pc++];
        switch (op) {
        case OP_PUSH: stack[sp++] = code[pc++]; break;
        case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
        case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> stack[sp]); break;
        case OP_JNZ: {
            int32_t target = code[pc++];
            if (stack[--sp]) {
                pc = target;
            }
            break;
        }
        default:
            return steps;
        }
    }
}

static uint64_t kernel_bytecode(void)
{
    /* v0 = counter, v1 = accumulator:
     * loop: v1 = (v1 * 31 + v0) ^ (v1 >> 7); v0 = v0 - 1; if v0 goto loop */
    static const int32_t prog[] = {
        OP_LOAD, 1, OP_PUSH, 31, OP_MUL, OP_LOAD, 0, OP_ADD,    /* 0..7 */
        OP_LOAD, 1, OP_PUSH, 7, OP_SHR, OP_XOR, OP_STORE, 1,   /* 8..15 */
        OP_LOAD, 0, OP_PUSH, 1, OP_SUB, OP_STORE, 0,           /* 16..22 */
        OP_LOAD, 0, OP_JNZ, 0, OP_HALT,                        /* 23..27 */
    };
    uint64_t sum = 0;
    for (int rep = 0; rep < 2 * BENCH_SCALE; rep++) {
        int64_t vars[2] = { 300000, rep };
        uint64_t steps = vm_run(prog, vars);
        sum = sum * 7 + steps + (uint64_t)vars[1];
    }
    return sum;
}

/* ---- recursion ---- */
static uint64_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t ackermann(uint64_t m, uint64_t n)
{
    while (m) {
        n = n ? ackermann(m, n - 1) : 1;
        m--;
    }
    return n + 1;
}

static uint64_t kernel_recursion(void)
{
    uint64_t sum = 0;
    for (int rep = 0; rep < BENCH_SCALE; rep++) {
        sum = sum * 3 + fib(27 + (uint32_t)(rep & 1));
        sum = sum * 3 + ackermann(2, 600 + (uint64_t)rep);
        sum = sum * 3 + ackermann(3, 6);
    }
    return sum;
}

/* ---- sorting ---- */
#define SORT_N 50000
static uint32_t sort_data[SORT_N];

static void quicksort(uint32_t *v, int64_t lo, int64_t hi)
{
    while (lo < hi) {
        uint32_t pivot = v[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i <= j) {
                uint32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}

static void sift_down(uint32_t *v, uint32_t root, uint32_t n)
{
    for (;;) {
        uint32_t child = 2 * root + 1;
        if (child >= n) {
            return;
        }
        if (child + 1 < n && v[child + 1] > v[child]) {
            child++;
        }
        if (v[root] >= v[child]) {
            return;
        }
        uint32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heapsort(uint32_t *v, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;) {
        sift_down(v, i, n);
    }
    for (uint32_t end = n; end-- > 1;) {
        uint32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

static uint64_t sorted_checksum(const uint32_t *v, uint32_t n)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        sum = sum * 0x100000001b3ull + v[i] + (i && v[i - 1] > v[i] ? 0x8000000000000000ull : 0);
    }
    return sum;
}

static uint64_t kernel_sort(void)
{
    uint64_t sum = 0;
    for (int rep = 0; rep < 2 * BENCH_SCALE; rep++) {
        prng_state = 0x9e3779b97f4a7c15ull + (uint64_t)rep;
        for (int i = 0; i < SORT_N; i++) {
            sort_data[i] = (uint32_t)prng_next();
        }
        if (rep & 1) {
            heapsort(sort_data, SORT_N);
        } else {
            quicksort(sort_data, 0, SORT_N - 1);
        }
        sum = sum * 5 + sorted_checksum(sort_data, SORT_N);
    }
    return sum;
}

int bench_main(void)
{
    print_result("sieve", kernel_sieve());
    print_result("crc32", kernel_crc32());
    print_result("matmul", kernel_matmul());
    print_result("bytecode", kernel_bytecode());
    print_result("recursion", kernel_recursion());
    print_result("sort", kernel_sort());
    return 0;
}
