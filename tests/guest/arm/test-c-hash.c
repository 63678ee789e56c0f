/*
 * test-c-hash.c — an open-addressing hash table (linear probing, tombstones, growth by
 * rehashing at 70% load) with string keys and 64-bit values, compiled with gcc -O2. A long
 * random sequence of insert / update / lookup / delete operations is mirrored in a plain array
 * searched linearly (the reference); every result of the table must equal the reference's, and
 * at the end a full iteration of the table must find exactly the reference's live entries.
 */
#include "runtime.h"

#define KEY_MAX 12
#define TABLE_MAX 4096
#define REF_MAX 1500

struct slot {
    char key[KEY_MAX];
    uint64_t value;
    uint8_t state; /* 0 empty, 1 live, 2 deleted (tombstone) */
};

static struct slot slots_a[TABLE_MAX], slots_b[TABLE_MAX];

struct table {
    struct slot *slots;
    struct slot *spare; /* the other array, target of the next rehash */
    uint32_t cap;       /* power of two */
    uint32_t live, used; /* used = live + tombstones */
};

static uint64_t key_hash(const char *k)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    while (*k) {
        h = (h ^ (unsigned char)*k++) * 0x100000001b3ull;
    }
    return h ^ (h >> 32);
}

static int key_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void key_copy(char *dst, const char *src)
{
    int i = 0;
    for (; src[i] && i < KEY_MAX - 1; i++) {
        dst[i] = src[i];
    }
    dst[i] = 0;
}

/* Returns the live slot holding k, or NULL. */
static struct slot *table_find(struct table *t, const char *k)
{
    uint32_t mask = t->cap - 1;
    for (uint32_t i = (uint32_t)key_hash(k) & mask, n = 0; n < t->cap; i = (i + 1) & mask, n++) {
        struct slot *s = &t->slots[i];
        if (s->state == 0) {
            return 0;
        }
        if (s->state == 1 && key_eq(s->key, k)) {
            return s;
        }
    }
    return 0;
}

static void table_insert_new(struct table *t, const char *k, uint64_t v)
{
    uint32_t mask = t->cap - 1;
    uint32_t i = (uint32_t)key_hash(k) & mask;
    while (t->slots[i].state == 1) {
        i = (i + 1) & mask;
    }
    if (t->slots[i].state == 0) {
        t->used++;
    }
    key_copy(t->slots[i].key, k);
    t->slots[i].value = v;
    t->slots[i].state = 1;
    t->live++;
}

/* Moves every live entry into the spare array of capacity new_cap (drops tombstones). */
static void table_rehash(struct table *t, uint32_t new_cap)
{
    struct slot *old = t->slots;
    uint32_t old_cap = t->cap;
    memset(t->spare, 0, sizeof(struct slot) * new_cap);
    t->slots = t->spare;
    t->spare = old;
    t->cap = new_cap;
    t->live = t->used = 0;
    for (uint32_t i = 0; i < old_cap; i++) {
        if (old[i].state == 1) {
            table_insert_new(t, old[i].key, old[i].value);
        }
    }
}

/* Inserts or updates; returns 1 if the key was new. */
static int table_put(struct table *t, const char *k, uint64_t v)
{
    struct slot *s = table_find(t, k);
    if (s) {
        s->value = v;
        return 0;
    }
    if ((t->used + 1) * 10 > t->cap * 7) {
        table_rehash(t, (t->live + 1) * 10 > t->cap * 5 ? t->cap * 2 : t->cap);
    }
    table_insert_new(t, k, v);
    return 1;
}

static int table_del(struct table *t, const char *k)
{
    struct slot *s = table_find(t, k);
    if (!s) {
        return 0;
    }
    s->state = 2;
    t->live--;
    return 1;
}

/* ---- reference: unsorted array, linear search ---- */
static struct {
    char key[KEY_MAX];
    uint64_t value;
} ref[REF_MAX];
static uint32_t ref_n;

static int ref_find(const char *k)
{
    for (uint32_t i = 0; i < ref_n; i++) {
        if (key_eq(ref[i].key, k)) {
            return (int)i;
        }
    }
    return -1;
}

static uint64_t prng_state = 0x9e3779b97f4a7c15ull;

static uint64_t prng_next(void)
{
    prng_state ^= prng_state << 13;
    prng_state ^= prng_state >> 7;
    prng_state ^= prng_state << 17;
    return prng_state;
}

/* Keys from a small space ("k" + up to 3 base-36 digits) so operations hit existing keys. */
static void make_key(char *k, uint32_t n)
{
    int i = 0;
    k[i++] = 'k';
    do {
        k[i++] = "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36];
        n /= 36;
    } while (n);
    k[i] = 0;
}

int main(void)
{
    struct table t = { slots_a, slots_b, 16, 0, 0 };
    uint32_t mismatches = 0;
    char k[KEY_MAX];
    for (int op = 0; op < 40000; op++) {
        make_key(k, (uint32_t)(prng_next() % 1400));
        int r = ref_find(k);
        uint32_t kind = (uint32_t)(prng_next() % 10);
        if (kind < 4) { /* put */
            uint64_t v = prng_next();
            int is_new = table_put(&t, k, v);
            mismatches += is_new != (r < 0);
            if (r < 0) {
                key_copy(ref[ref_n].key, k);
                r = (int)ref_n++;
            }
            ref[r].value = v;
        } else if (kind < 7) { /* get */
            struct slot *s = table_find(&t, k);
            mismatches += (s != 0) != (r >= 0);
            mismatches += s && r >= 0 && s->value != ref[r].value;
        } else { /* delete */
            int gone = table_del(&t, k);
            mismatches += gone != (r >= 0);
            if (r >= 0) {
                ref[r] = ref[--ref_n];
            }
        }
        mismatches += t.live != ref_n;
        if (mismatches) {
            check_eq("hash table disagrees with reference at op", (uint64_t)op, ~0ull);
            break;
        }
    }
    /* iteration finds exactly the reference set */
    uint32_t seen = 0;
    for (uint32_t i = 0; i < t.cap; i++) {
        if (t.slots[i].state == 1) {
            int r = ref_find(t.slots[i].key);
            seen += r >= 0 && ref[r].value == t.slots[i].value;
        }
    }
    check_eq("live entries matching the reference", seen, ref_n);
    CHECK_EQ(t.cap >= 1024, 1); /* it grew */
    return guest_report();
}
