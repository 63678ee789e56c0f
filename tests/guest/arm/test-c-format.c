/*
 * test-c-format.c — a small printf-like formatter (%d %i %u %x %X %o %c %s %p %%, flags '-' '0'
 * '+' ' ', width and precision incl. '*', 'l'/'ll'/'h'/'hh' sizes) with variadic arguments,
 * compiled with gcc -O2: exercises va_list handling, division by constants, byte stores and
 * string handling. Checked two ways: against expected strings written from the C standard's
 * definition of each conversion, and by round trips (format random values with %lld / %llx /
 * %llo, parse back) over thousands of values.
 */
#include <stdarg.h>

#include "runtime.h"

struct out {
    char *buf;
    size_t cap, len;
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->cap) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
    while (n-- > 0) {
        out_char(o, c);
    }
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

/* One integer conversion: digits of |v| in base, then sign/prefix, precision and width. */
static void fmt_int(struct out *o, uint64_t mag, int neg, unsigned base, int upper, int left,
                    int zero, char sign, int width, int prec)
{
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (mag) {
        digits[n++] = set[mag % base];
        mag /= base;
    }
    if (prec < 0 && n == 0) {
        digits[n++] = '0';
    }
    int zeros = prec > n ? prec - n : 0;
    char s = neg ? '-' : sign;
    int total = n + zeros + (s != 0);
    if (prec < 0 && zero && !left && width > total) {
        zeros += width - total; /* '0' flag is ignored when a precision is given (C11 7.21.6.1) */
        total = width;
    }
    if (!left) {
        out_pad(o, ' ', width - total);
    }
    if (s) {
        out_char(o, s);
    }
    out_pad(o, '0', zeros);
    while (n) {
        out_char(o, digits[--n]);
    }
    if (left) {
        out_pad(o, ' ', width - total);
    }
}

static size_t fmt_v(char *buf, size_t cap, const char *f, va_list ap)
{
    struct out o = { buf, cap, 0 };
    for (; *f; f++) {
        if (*f != '%') {
            out_char(&o, *f);
            continue;
        }
        int left = 0, zero = 0, width = 0, prec = -1, size = 0;
        char sign = 0;
        for (;; f++) {
            if (f[1] == '-') {
                left = 1;
            } else if (f[1] == '0') {
                zero = 1;
            } else if (f[1] == '+') {
                sign = '+';
            } else if (f[1] == ' ') {
                sign = sign ? sign : ' ';
            } else {
                break;
            }
        }
        f++;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            f++;
        }
        while (*f >= '0' && *f <= '9') {
            width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            prec = 0;
            f++;
            if (*f == '*') {
                prec = va_arg(ap, int);
                f++;
            }
            while (*f >= '0' && *f <= '9') {
                prec = prec * 10 + (*f++ - '0');
            }
        }
        while (*f == 'l' || *f == 'h') {
            size += *f == 'l' ? 1 : -1;
            f++;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = size >= 1 ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (size == -1) {
                v = (int16_t)v;
            } else if (size <= -2) {
                v = (int8_t)v;
            }
            fmt_int(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0, left, zero, sign,
                    width, prec);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = size >= 1 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (size == -1) {
                v = (uint16_t)v;
            } else if (size <= -2) {
                v = (uint8_t)v;
            }
            unsigned base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
            fmt_int(&o, v, 0, base, *f == 'X', left, zero, 0, width, prec);
            break;
        }
        case 'p':
            out_char(&o, '0');
            out_char(&o, 'x');
            fmt_int(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0, 0, 0, 0, 0, -1);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left) {
                out_pad(&o, ' ', width - 1);
            }
            out_char(&o, c);
            if (left) {
                out_pad(&o, ' ', width - 1);
            }
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n = (int)str_len(s);
            if (prec >= 0 && prec < n) {
                n = prec;
            }
            if (!left) {
                out_pad(&o, ' ', width - n);
            }
            for (int i = 0; i < n; i++) {
                out_char(&o, s[i]);
            }
            if (left) {
                out_pad(&o, ' ', width - n);
            }
            break;
        }
        case '%':
            out_char(&o, '%');
            break;
        default: /* unknown conversion: printed literally */
            out_char(&o, '%');
            out_char(&o, *f ? *f : '?');
            if (!*f) {
                f--;
            }
            break;
        }
    }
    if (cap) {
        buf[o.len < cap ? o.len : cap - 1] = 0;
    }
    return o.len;
}

static size_t fmt(char *buf, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    size_t n = fmt_v(buf, cap, f, ap);
    va_end(ap);
    return n;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static char line[128];

static void expect(const char *got, const char *want)
{
    if (!str_eq(got, want)) {
        guest_failures++;
        uart_puts("FAIL format: got \"");
        uart_puts(got);
        uart_puts("\" want \"");
        uart_puts(want);
        uart_puts("\"\n");
    }
}

/* Expected strings follow C11 7.21.6.1 for each flag/width/precision combination. */
static void test_fixed(void)
{
    fmt(line, sizeof(line), "%d|%i|%u", -42, 17, 4000000000u);
    expect(line, "-42|17|4000000000");
    fmt(line, sizeof(line), "[%5d][%-5d][%05d][%+d][% d]", 42, 42, -42, 7, 7);
    expect(line, "[   42][42   ][-0042][+7][ 7]");
    fmt(line, sizeof(line), "[%.3d][%8.3d][%-8.3x][%08.3d]", 5, -5, 255, 9);
    expect(line, "[005][    -005][0ff     ][     009]");
    fmt(line, sizeof(line), "%x %X %o %#", 0xdeadbeefu, 0xabcu, 8u);
    expect(line, "deadbeef ABC 10 %#");
    fmt(line, sizeof(line), "%lld %llu %llx", (int64_t)INT64_MIN, (uint64_t)UINT64_MAX,
        0x0123456789abcdefull);
    expect(line, "-9223372036854775808 18446744073709551615 123456789abcdef");
    fmt(line, sizeof(line), "%hd %hhd %hu %hhx", 70000, 200, 70000u, 0x1ffu);
    expect(line, "4464 -56 4464 ff");
    fmt(line, sizeof(line), "[%s][%6s][%-6s][%.2s][%*d][%-*d][%.*d]", "abc", "abc", "abc",
        "abc", 4, 1, 4, 1, 3, 1);
    expect(line, "[abc][   abc][abc   ][ab][   1][1   ][001]");
    fmt(line, sizeof(line), "%c%c%3c%-3c|%%|%.0d|%p", 'o', 'k', 'x', 'y', 0, (void *)0x1000);
    expect(line, "ok  xy  |%||0x1000");
    /* truncation: the return value is the full length, the buffer holds cap-1 chars */
    char small[6];
    size_t n = fmt(small, sizeof(small), "%d-%s", 123456, "tail");
    CHECK_EQ(n, 11);
    expect(small, "12345");
}

static uint64_t prng_state = 0x2545f4914f6cdd1dull;

static uint64_t prng_next(void)
{
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return prng_state * 0x2545f4914f6cdd1dull;
}

/* Parses what %lld / %llx / %llo wrote; returns the number of characters consumed. */
static size_t parse_u64(const char *s, unsigned base, uint64_t *v, int *neg)
{
    size_t i = 0;
    *neg = 0;
    *v = 0;
    if (s[i] == '-') {
        *neg = 1;
        i++;
    }
    for (;; i++) {
        unsigned d;
        if (s[i] >= '0' && s[i] <= '9') {
            d = (unsigned)(s[i] - '0');
        } else if (s[i] >= 'a' && s[i] <= 'f') {
            d = (unsigned)(s[i] - 'a' + 10);
        } else {
            break;
        }
        if (d >= base) {
            break;
        }
        *v = *v * base + d;
    }
    return i;
}

static void test_round_trip(void)
{
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        uint64_t r = prng_next();
        int shift = (int)(prng_next() % 64);
        int64_t v = (int64_t)(r >> shift);
        if (prng_next() & 1) {
            v = -v;
        }
        uint64_t back[3];
        int neg[3];
        size_t len = fmt(line, sizeof(line), "%lld %llx %llo", v, (uint64_t)v, (uint64_t)v);
        size_t p = parse_u64(line, 10, &back[0], &neg[0]);
        p += 1 + parse_u64(line + p + 1, 16, &back[1], &neg[1]);
        p += 1 + parse_u64(line + p + 1, 8, &back[2], &neg[2]);
        uint64_t dec = neg[0] ? -back[0] : back[0];
        if ((dec != (uint64_t)v || back[1] != (uint64_t)v || back[2] != (uint64_t)v ||
             p != len) && bad++ < 3) {
            uart_puts("FAIL round trip: ");
            uart_puts(line);
            uart_putc('\n');
            guest_failures++;
        }
    }
}

int main(void)
{
    test_fixed();
    test_round_trip();
    return guest_report();
}
