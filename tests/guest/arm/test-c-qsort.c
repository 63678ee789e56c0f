/*
 * test-c-qsort.c — a generic quicksort (median of three, insertion sort below 12 elements,
 * comparator through a function pointer, element swap by bytes) compiled with gcc -O2, run on
 * arrays of 64-bit integers, of structs and of strings. Results are checked by properties, not
 * by stored answers: the output is ordered, it is a permutation of the input (order-independent
 * sum/xor/product fingerprints), and small arrays agree with a plain insertion sort.
 */
#include "runtime.h"

typedef int (*cmp_fn)(const void *, const void *);

static uint64_t prng_state = 0x853c49e6748fea9bull;

static uint64_t prng_next(void)
{
    prng_state ^= prng_state << 13;
    prng_state ^= prng_state >> 7;
    prng_state ^= prng_state << 17;
    return prng_state;
}

static void swap_bytes(char *a, char *b, size_t size)
{
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void insertion_sort(char *base, size_t n, size_t size, cmp_fn cmp)
{
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--) {
            swap_bytes(base + (j - 1) * size, base + j * size, size);
        }
    }
}

static void quick_sort(void *vbase, size_t n, size_t size, cmp_fn cmp)
{
    char *base = vbase;
    while (n >= 12) {
        char *lo = base, *mid = base + (n / 2) * size, *hi = base + (n - 1) * size;
        if (cmp(mid, lo) < 0) {
            swap_bytes(mid, lo, size);
        }
        if (cmp(hi, mid) < 0) {
            swap_bytes(hi, mid, size);
            if (cmp(mid, lo) < 0) {
                swap_bytes(mid, lo, size);
            }
        }
        /* pivot kept at n-2; Hoare-style partition of [1, n-2) */
        char *pivot = base + (n - 2) * size;
        swap_bytes(mid, pivot, size);
        size_t i = 0, j = n - 2;
        for (;;) {
            while (cmp(base + (++i) * size, pivot) < 0) {
            }
            while (cmp(base + (--j) * size, pivot) > 0) {
            }
            if (i >= j) {
                break;
            }
            swap_bytes(base + i * size, base + j * size, size);
        }
        swap_bytes(base + i * size, pivot, size);
        /* recurse into the smaller side, loop on the larger: O(log n) stack */
        size_t left = i, right = n - i - 1;
        if (left < right) {
            quick_sort(base, left, size, cmp);
            base += (i + 1) * size;
            n = right;
        } else {
            quick_sort(base + (i + 1) * size, right, size, cmp);
            n = left;
        }
    }
    insertion_sort(base, n, size, cmp);
}

/* ---- 64-bit signed integers ---- */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

struct fingerprint {
    uint64_t sum, xor, prod;
};

static struct fingerprint fingerprint_i64(const int64_t *v, size_t n)
{
    struct fingerprint f = { 0, 0, 1 };
    for (size_t i = 0; i < n; i++) {
        f.sum += (uint64_t)v[i];
        f.xor ^= (uint64_t)v[i] * 0x9e3779b97f4a7c15ull;
        f.prod *= (uint64_t)v[i] | 1;
    }
    return f;
}

static int64_t ints[20000];

static void test_ints(size_t n, uint64_t range)
{
    for (size_t i = 0; i < n; i++) {
        ints[i] = range ? (int64_t)(prng_next() % range) - (int64_t)(range / 2)
                        : (int64_t)prng_next();
    }
    struct fingerprint before = fingerprint_i64(ints, n);
    quick_sort(ints, n, sizeof(ints[0]), cmp_i64);
    struct fingerprint after = fingerprint_i64(ints, n);
    size_t disorder = 0;
    for (size_t i = 1; i < n; i++) {
        disorder += ints[i - 1] > ints[i];
    }
    check_eq("int sort: elements out of order", disorder, 0);
    check_eq("int sort: sum changed", after.sum, before.sum);
    check_eq("int sort: xor changed", after.xor, before.xor);
    check_eq("int sort: product changed", after.prod, before.prod);
}

/* Already sorted, reversed and all-equal inputs (the classic quicksort worst cases). */
static void test_patterns(void)
{
    size_t n = 5000;
    for (int pattern = 0; pattern < 3; pattern++) {
        for (size_t i = 0; i < n; i++) {
            ints[i] = pattern == 0 ? (int64_t)i : pattern == 1 ? (int64_t)(n - i) : 42;
        }
        quick_sort(ints, n, sizeof(ints[0]), cmp_i64);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            bad += ints[i] != (pattern == 2 ? 42 : (int64_t)(i + (pattern == 1)));
        }
        check_eq("pattern sort: misplaced elements", bad, 0);
    }
}

/* ---- structs: sort by (key, id), compare against insertion sort on small arrays ---- */
struct rec {
    uint16_t key;
    uint32_t id;
    char tag[6];
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    return (x->id > y->id) - (x->id < y->id);
}

static struct rec recs_a[300], recs_b[300];

static void test_structs(void)
{
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + prng_next() % 300;
        for (size_t i = 0; i < n; i++) {
            recs_a[i].key = (uint16_t)(prng_next() % 50);
            recs_a[i].id = (uint32_t)i;
            for (int c = 0; c < 5; c++) {
                recs_a[i].tag[c] = (char)('a' + (i + c) % 26);
            }
            recs_a[i].tag[5] = 0;
        }
        memcpy(recs_b, recs_a, n * sizeof(recs_a[0]));
        quick_sort(recs_a, n, sizeof(recs_a[0]), cmp_rec);
        insertion_sort((char *)recs_b, n, sizeof(recs_b[0]), cmp_rec);
        if (memcmp(recs_a, recs_b, n * sizeof(recs_a[0])) != 0) {
            check_eq("struct sort differs from insertion sort (round)", (uint64_t)round, ~0ull);
        }
    }
}

/* ---- strings through an array of pointers ---- */
static int str_cmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_strp(const void *a, const void *b)
{
    return str_cmp(*(const char *const *)a, *(const char *const *)b);
}

static char words[2000][9];
static const char *wordp[2000];

static void test_strings(void)
{
    size_t n = 2000;
    uint64_t hash_before = 0, hash_after = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 1 + prng_next() % 8;
        for (size_t c = 0; c < len; c++) {
            words[i][c] = (char)('a' + prng_next() % 4); /* few letters: many shared prefixes */
        }
        words[i][len] = 0;
        wordp[i] = words[i];
        hash_before += (uint64_t)(uintptr_t)wordp[i] * 0x9e3779b97f4a7c15ull;
    }
    quick_sort(wordp, n, sizeof(wordp[0]), cmp_strp);
    size_t disorder = 0;
    for (size_t i = 0; i < n; i++) {
        hash_after += (uint64_t)(uintptr_t)wordp[i] * 0x9e3779b97f4a7c15ull;
        if (i && str_cmp(wordp[i - 1], wordp[i]) > 0) {
            disorder++;
        }
    }
    check_eq("string sort: out of order", disorder, 0);
    check_eq("string sort: not a permutation", hash_after, hash_before);
    check_eq("string sort: first is shortest a-word", (uint64_t)wordp[0][0], 'a');
}

int main(void)
{
    test_ints(20000, 0);
    test_ints(20000, 100);
    test_ints(1, 0);
    test_ints(13, 10);
    test_patterns();
    test_structs();
    test_strings();
    return guest_report();
}
