/*
 * dt-core.c — the loop shared by both differential-test harnesses (Linux user mode under
 * qemu-aarch64, the oracle; bare metal under the emulator being tested). For each generated
 * case: fill the scratch buffer from the case's seed, run the sequence through dt_call, make
 * the final state position-independent (the pinned buffer register, the sequence-address
 * register and x30 relative to what they held on entry, SP relative to the buffer middle) and
 * print "index hash" where the hash covers x0-x30, SP, NZCV and the whole buffer. Verbose mode
 * prints the full final state instead (used to show a mismatching case). Freestanding code:
 * no libc, output only through the harness's dt_write. Single-threaded.
 */
#include "dt-case.h"

/* the buffer the sequences may touch, then the transfer area for the final state */
static uint64_t dt_buf[DT_BUF_SIZE / 8 + sizeof(struct dt_state) / 8 + 2]
    __attribute__((aligned(16)));

/* ---- output formatting ---- */
static char out_line[96];
static unsigned out_len;

static void out_str(const char *s)
{
    while (*s && out_len < sizeof(out_line)) {
        out_line[out_len++] = *s++;
    }
}

static void out_hex(uint64_t v, int digits)
{
    for (int i = (digits - 1) * 4; i >= 0 && out_len < sizeof(out_line); i -= 4) {
        out_line[out_len++] = "0123456789abcdef"[(v >> i) & 0xf];
    }
}

static void out_dec(uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && out_len < sizeof(out_line)) {
        out_line[out_len++] = tmp[--n];
    }
}

static void out_flush(void)
{
    out_str("\n");
    dt_write(out_line, out_len);
    out_len = 0;
}

/* ---- buffer contents and hashing ---- */
static uint64_t buf_word(uint64_t seed, unsigned i)
{
    uint64_t z = seed + (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ull;
    return h ^ (h >> 29);
}

static void dt_run_case(const struct dt_case *c, int verbose)
{
    uint8_t *mid = (uint8_t *)dt_buf + DT_BUF_SIZE / 2;
    uint64_t fn = (uint64_t)(uintptr_t)c->fn;
    struct dt_state in, *out = (struct dt_state *)(void *)(mid + DT_XFER_OFF);
    for (unsigned i = 0; i < DT_BUF_SIZE / 8; i++) {
        dt_buf[i] = buf_word(c->buf_seed, i);
    }
    for (int i = 0; i < DT_NREGS; i++) {
        in.x[i] = c->regs[i];
    }
    in.x[c->base_reg] = (uint64_t)(uintptr_t)mid;
    in.x[c->pc_reg] = fn;
    in.x[30] = fn;
    in.sp = (uint64_t)(uintptr_t)mid + (uint64_t)c->sp_off;
    in.nzcv = c->nzcv;
    dt_call(&in, mid);

    struct dt_state r = *out;
    r.x[c->base_reg] -= (uint64_t)(uintptr_t)mid;
    r.x[c->pc_reg] -= fn;
    r.x[30] -= fn;
    r.sp -= (uint64_t)(uintptr_t)mid;

    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 31; i++) {
        h = hash_mix(h, r.x[i]);
    }
    h = hash_mix(h, r.sp);
    h = hash_mix(h, r.nzcv);
    for (unsigned i = 0; i < DT_BUF_SIZE / 8; i++) {
        h = hash_mix(h, dt_buf[i]);
    }
    if (!verbose) {
        out_dec(c->index);
        out_str(" ");
        out_hex(h, 16);
        out_flush();
        return;
    }
    out_str("case ");
    out_dec(c->index);
    out_str(" hash ");
    out_hex(h, 16);
    out_str("  B=x");
    out_dec(c->base_reg);
    out_str(" S=x");
    out_dec(c->pc_reg);
    out_flush();
    for (int i = 0; i < 31; i++) {
        out_str(i < 10 ? "  x" : " x");
        out_dec((uint64_t)i);
        out_str(" = ");
        out_hex(r.x[i], 16);
        if (i < DT_NREGS && i != (int)c->base_reg && i != (int)c->pc_reg) {
            out_str("   (in ");
            out_hex(c->regs[i], 16);
            out_str(")");
        }
        out_flush();
    }
    out_str("  sp = B");
    out_str((int64_t)r.sp < 0 ? "-" : "+");
    out_dec((int64_t)r.sp < 0 ? -r.sp : r.sp);
    out_str("   (in B");
    out_str(c->sp_off < 0 ? "-" : "+");
    out_dec(c->sp_off < 0 ? (uint64_t)-c->sp_off : (uint64_t)c->sp_off);
    out_str(")");
    out_flush();
    out_str("nzcv = ");
    out_hex(r.nzcv >> 28, 1);
    out_str("   (in ");
    out_hex(c->nzcv >> 28, 1);
    out_str(")");
    out_flush();
    for (unsigned i = 0; i < DT_BUF_SIZE / 8; i++) {
        if (dt_buf[i] != buf_word(c->buf_seed, i)) {
            out_str("  mem[B");
            int off = (int)(i * 8) - DT_BUF_SIZE / 2;
            out_str(off < 0 ? "-" : "+");
            out_dec((uint64_t)(off < 0 ? -off : off));
            out_str("] = ");
            out_hex(dt_buf[i], 16);
            out_flush();
        }
    }
}

void dt_run_all(int verbose)
{
    for (uint64_t k = 0; k < dt_ncases; k++) {
        dt_run_case(&dt_cases[k], verbose);
    }
    out_str("done ");
    out_dec(dt_ncases);
    out_flush();
}
