/*
 * test-string.c — REP string instructions (SDM vol. 2B MOVS, STOS, CMPS, SCAS, REP prefixes)
 * with DF = 0 and DF = 1: final RSI/RDI/RCX, the bytes moved, ZF where REPE/REPNE stop, and
 * RCX = 0 doing nothing. Every asm block that sets DF clears it again (the C ABI needs
 * DF = 0). Single-threaded bare metal.
 */
#include "runtime.h"

static uint8_t src[256], dst[256];
static uint64_t q[16];

struct regs {
    uint64_t rsi, rdi, rcx, flags;
};

int main(void)
{
    struct regs r;
    for (int i = 0; i < 256; i++) {
        src[i] = (uint8_t)(i * 7 + 1);
    }

    /* REP MOVSB forward */
    __asm__ volatile("cld\n rep movsb" : "=S"(r.rsi), "=D"(r.rdi), "=c"(r.rcx)
                     : "S"(src), "D"(dst), "c"(100) : "memory");
    CHECK_EQ(r.rsi, (uint64_t)(src + 100));
    CHECK_EQ(r.rdi, (uint64_t)(dst + 100));
    CHECK_EQ(r.rcx, 0);
    CHECK_EQ(memcmp(src, dst, 100), 0);
    CHECK_EQ(dst[100], 0);
    /* REP MOVSB backward (DF = 1): an overlapping move up by 3, as memmove does it */
    __asm__ volatile("std\n rep movsb\n cld" : "=S"(r.rsi), "=D"(r.rdi), "=c"(r.rcx)
                     : "S"(dst + 99), "D"(dst + 102), "c"(100) : "memory");
    CHECK_EQ(r.rsi, (uint64_t)dst - 1);
    CHECK_EQ(r.rdi, (uint64_t)(dst + 2));
    CHECK_EQ(r.rcx, 0);
    CHECK_EQ(memcmp(dst + 3, src, 100), 0);
    CHECK_EQ(dst[2], src[2]);

    /* REP STOSQ both ways */
    __asm__ volatile("cld\n rep stosq" : "=D"(r.rdi), "=c"(r.rcx)
                     : "D"(q + 2), "c"(5), "a"(0x0102030405060708ull) : "memory");
    CHECK_EQ(r.rdi, (uint64_t)(q + 7));
    CHECK_EQ(r.rcx, 0);
    CHECK_EQ(q[1], 0);
    CHECK_EQ(q[2], 0x0102030405060708ull);
    CHECK_EQ(q[6], 0x0102030405060708ull);
    CHECK_EQ(q[7], 0);
    __asm__ volatile("std\n rep stosq\n cld" : "=D"(r.rdi), "=c"(r.rcx)
                     : "D"(q + 12), "c"(3), "a"(0xaaull) : "memory");
    CHECK_EQ(r.rdi, (uint64_t)(q + 9));
    CHECK_EQ(q[9], 0);
    CHECK_EQ(q[10], 0xaa);
    CHECK_EQ(q[12], 0xaa);
    CHECK_EQ(q[13], 0);
    /* RCX = 0: nothing stored, registers unchanged */
    __asm__ volatile("cld\n rep stosq" : "=D"(r.rdi), "=c"(r.rcx)
                     : "D"(q + 14), "c"(0), "a"(1ull) : "memory");
    CHECK_EQ(r.rdi, (uint64_t)(q + 14));
    CHECK_EQ(q[14], 0);

    /* REPE CMPSB: dst = src except at 37 */
    memcpy(dst, src, 256);
    dst[37] ^= 0xff;
    __asm__ volatile("cld\n repe cmpsb\n pushfq\n pop %3"
                     : "=S"(r.rsi), "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "S"(src), "D"(dst), "c"(64) : "memory", "cc");
    CHECK_EQ(r.rsi, (uint64_t)(src + 38));
    CHECK_EQ(r.rdi, (uint64_t)(dst + 38));
    CHECK_EQ(r.rcx, 64 - 38);
    CHECK_EQ(r.flags & X86_ZF, 0);
    /* backward from 63: stops at 37 too */
    __asm__ volatile("std\n repe cmpsb\n pushfq\n pop %3\n cld"
                     : "=S"(r.rsi), "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "S"(src + 63), "D"(dst + 63), "c"(64) : "memory", "cc");
    CHECK_EQ(r.rsi, (uint64_t)(src + 36));
    CHECK_EQ(r.rcx, 37);
    CHECK_EQ(r.flags & X86_ZF, 0);
    /* equal run: RCX reaches 0 with ZF = 1 */
    __asm__ volatile("cld\n repe cmpsb\n pushfq\n pop %3"
                     : "=S"(r.rsi), "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "S"(src), "D"(dst), "c"(37) : "memory", "cc");
    CHECK_EQ(r.rcx, 0);
    CHECK_EQ(r.rsi, (uint64_t)(src + 37));
    CHECK_EQ(r.flags & X86_ZF, X86_ZF);

    /* REPNE SCASB: src[20] = 141 is its first occurrence */
    __asm__ volatile("cld\n repne scasb\n pushfq\n pop %2"
                     : "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "D"(src), "c"(256), "a"(141) : "memory", "cc");
    CHECK_EQ(r.rdi, (uint64_t)(src + 21));
    CHECK_EQ(r.rcx, 256 - 21);
    CHECK_EQ(r.flags & X86_ZF, X86_ZF);
    __asm__ volatile("std\n repne scasb\n pushfq\n pop %2\n cld"
                     : "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "D"(src + 30), "c"(31), "a"(141) : "memory", "cc");
    CHECK_EQ(r.rdi, (uint64_t)(src + 19));
    CHECK_EQ(r.rcx, 20);
    CHECK_EQ(r.flags & X86_ZF, X86_ZF);
    /* not found: RCX = 0, ZF = 0 */
    __asm__ volatile("cld\n repne scasb\n pushfq\n pop %2"
                     : "=D"(r.rdi), "=c"(r.rcx), "=r"(r.flags)
                     : "D"(src), "c"(20), "a"(141) : "memory", "cc");
    CHECK_EQ(r.rcx, 0);
    CHECK_EQ(r.rdi, (uint64_t)(src + 20));
    CHECK_EQ(r.flags & X86_ZF, 0);
    CHECK_EQ(read_rflags() & X86_DF, 0);
    return guest_report();
}
