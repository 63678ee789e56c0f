/*
 * test-smp-realmode-kick.c — regression test for kicks of a real-mode CPU whose CS base is not
 * zero (fixed in the "x86 SMP core:" commit): a TB refused at its entry because of a kick
 * stored its linear pc into RIP, so the CPU went on at CS.base + linear pc. On 2 vCPUs with
 * -device tandem-testdev: CPU 1 is started by SIPI at vector 0x70 (CS = 0x7000, base 0x70000)
 * and runs ap_loop, a real-mode loop of short TBs (a branch every few instructions) computing a
 * checksum pass after pass and comparing each with the BSP's value, while the BSP kicks it
 * through the test device KICK register KICKS times; then the BSP stops it and checks that
 * every pass matched and the AP reported back. Checked to fail with the fix reverted (RIP =
 * refused->pc in cpu-exec.c): the AP runs from 0xe0000+ and never reports.
 * On an emulator without the test device (the oracle) it prints "skipped: no tandem-testdev".
 * Threads: the BSP and the AP share the mailbox at 0x70f00 (plain stores, polled).
 */
#include "runtime.h"

#define TD_BASE 0xfeb00000ull
#define TD_KICK 0x20
#define PWR_BASE 0xfeb01000ull
#define PWR_ID_VALUE 0x54505752u /* "TPWR" */
#define TD_ID_VALUE 0x54544456u  /* "TTDV" */
#define APIC_BASE 0xfee00000ull
#define AP_VECTOR 0x70
#define AP_BASE (AP_VECTOR << 12)
#define KICKS 50000
#define ITERS 1000 /* loop iterations per pass */

/* Mailbox at AP_BASE + 0xf00 (DS = CS in the AP). */
struct mailbox {
    uint32_t want;   /* +0x00 BSP: the checksum of one pass */
    uint32_t passes; /* +0x04 AP: passes that matched */
    uint32_t bad;    /* +0x08 AP: the wrong checksum of the failing pass */
    uint32_t badflag;/* +0x0c AP: 1 if a pass mismatched */
    uint32_t stop;   /* +0x10 BSP: 1 = finish */
    uint32_t done;   /* +0x14 AP: 1 = finished */
};
#define MBOX ((volatile struct mailbox *)(uint64_t)(AP_BASE + 0xf00))

__asm__(".section .text\n"
        ".global ap_loop, ap_loop_end\n"
        ".code16\n"
        "ap_loop:\n"
        "  cli\n"
        "  mov %cs, %bx\n"
        "  mov %bx, %ds\n"
        "0: xor %eax, %eax\n"
        "  xor %ecx, %ecx\n"
        "1: imul $31, %eax, %eax\n"
        "  add %ecx, %eax\n"
        "  test $1, %cl\n"
        "  jz 2f\n"
        "  xor $0x5a5a, %eax\n"
        "2: test $2, %cl\n"
        "  jnz 3f\n"
        "  rol $3, %eax\n"
        "3: inc %ecx\n"
        "  cmp $1000, %ecx\n"
        "  jb 1b\n"
        "  cmp 0xf00, %eax\n"
        "  je 4f\n"
        "  mov %eax, 0xf08\n"
        "  movl $1, 0xf0c\n"
        "  jmp 5f\n"
        "4: incl 0xf04\n"
        "  cmpl $0, 0xf10\n"
        "  je 0b\n"
        "5: movl $1, 0xf14\n"
        "6: hlt\n"
        "  jmp 6b\n"
        "ap_loop_end:\n"
        ".code64\n");
extern char ap_loop[], ap_loop_end[];

static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

/* The AP's pass, in C. */
static uint32_t checksum(void)
{
    uint32_t x = 0;
    for (uint32_t i = 0; i < ITERS; i++) {
        x = x * 31 + i;
        if (i & 1) {
            x ^= 0x5a5a;
        }
        if (!(i & 2)) {
            x = (x << 3) | (x >> 29);
        }
    }
    return x;
}

int main(uint32_t magic, uint64_t mbi)
{
    x86_map_page(TD_BASE, TD_BASE, X86_PTE_RW);
    x86_map_page(PWR_BASE, PWR_BASE, X86_PTE_RW);
    x86_map_page(APIC_BASE, APIC_BASE, X86_PTE_RW);
    if (rd32(PWR_BASE) != PWR_ID_VALUE || rd32(TD_BASE) != TD_ID_VALUE) {
        uart_puts("skipped: no tandem-testdev\n");
        return guest_report();
    }
    for (char *p = ap_loop; p < ap_loop_end; p++) {
        ((volatile char *)(uint64_t)AP_BASE)[p - ap_loop] = *p;
    }
    MBOX->want = checksum();
    MBOX->passes = MBOX->badflag = MBOX->stop = MBOX->done = 0;

    /* INIT, then SIPI at AP_VECTOR to APIC ID 1 (SDM vol. 3A 8.4.4.1). */
    wr32(APIC_BASE + 0xf0, 0x1ff);
    wr32(APIC_BASE + 0x310, 1u << 24);
    wr32(APIC_BASE + 0x300, 0x4500);
    while (rd32(APIC_BASE + 0x300) & 0x1000) {
    }
    wr32(APIC_BASE + 0x310, 1u << 24);
    wr32(APIC_BASE + 0x300, 0x4600 | AP_VECTOR);
    while (rd32(APIC_BASE + 0x300) & 0x1000) {
    }
    while (MBOX->passes == 0 && !MBOX->done) {
    }
    uint32_t kicked_while_running = 0;
    for (int i = 0; i < KICKS; i++) {
        *(volatile uint64_t *)(TD_BASE + TD_KICK) = 1;
        kicked_while_running += !MBOX->done;
    }
    MBOX->stop = 1;
    for (uint64_t spin = 0; !MBOX->done && spin < 20000000ull; spin++) {
    }
    CHECK_EQ(MBOX->done, 1);
    CHECK_EQ(MBOX->badflag, 0);
    CHECK(MBOX->passes >= 1);
    CHECK(kicked_while_running > KICKS / 2);
    guest_printf("passes %u, kicks while running %u\n", MBOX->passes, kicked_while_running);
    return guest_report();
}
