/*
 * test-reset-inflight.c — a machine reset that lands while CPU 0 waits in an IN from the test
 * device's BLOCK port drops that read's result (DESIGN.md rule 5; issue 7 point 5), on 2 vCPUs
 * with -device tandem-testdev,arg=N. Each boot is one round; the device's SCRATCH registers
 * (they survive resets) carry the round number and the failures.
 * Every boot: CPU 0 (the BSP) starts CPU 1 with INIT/SIPI at a real-mode stub (ap_stub below,
 * at 0x70000, no long mode needed) and reads BLOCK; the AP sees it PENDING, kicks CPU 0 1000
 * times through the KICK port (each kick makes the IN leave unretired and retry from the
 * in-flight slot) and releases AP_RELEASE, which must arrive exactly. Then CPU 0 checks the
 * loader state the reset gave it (EAX = 0x2BADB002 and EBX = the same multiboot info pointer
 * as on the first boot, as crt0 saved them) and that the STALE count equals the round, and
 * reads BLOCK again; the AP sees it pending and resets the machine (port 0xCF9 = 0x06), so the
 * read's result arrives after the reset as the poison 0xdeadbeef and must reach no register.
 * Code after that second read must never run. After N rounds the test checks the counts.
 * Checked to fail with io-pending's reset check broken (cpu_io_reset not emptying the slot and
 * the generation compare removed): the first BLOCK read of the next boot then returns the late
 * poison ("FAIL first BLOCK read after reset: 0x00000000deadbeef").
 * On an emulator without the test device (the oracle) it prints "skipped: no tandem-testdev".
 * Threads: each CPU runs its own code; they share only the device registers.
 */
#include "runtime.h"

#define TD_BASE 0xfeb00000ull
#define TD_STALE 0x28
#define TD_ARG 0x30
#define TD_SCRATCH(n) (0x40 + 8 * (n))
#define PWR_BASE 0xfeb01000ull
#define PWR_ID_VALUE 0x54505752u /* "TPWR" */
#define TD_ID_VALUE 0x54544456u  /* "TTDV" */
#define PORT_ID 0x5e0
#define PORT_BLOCK 0x5e4
#define APIC_BASE 0xfee00000ull
#define AP_VECTOR 0x70 /* SIPI vector: the stub runs at CS = 0x7000, base 0x70000 */
#define AP_RELEASE 0x600dd00du
#define MB_MAGIC 0x2badb002u

enum { SCR_ROUND = 0, SCR_FAILS = 1, SCR_MBI = 2, SCR_LOST = 3 };

/* The AP: phase 1 waits for a pending read, kicks CPU 0 1000 times, releases AP_RELEASE;
 * phase 2 waits for the next pending read and resets the machine. Real mode, 16-bit code
 * with 32-bit IN/OUT; only relative jumps, so it runs wherever it is copied. */
__asm__(".section .text\n"
        ".global ap_stub, ap_stub_end\n"
        ".code16\n"
        "ap_stub:\n"
        "  cli\n"
        "  mov $0x5ec, %dx\n"
        "1: inl %dx, %eax\n"
        "  test %eax, %eax\n"
        "  jz 1b\n"
        "  mov $0x5e0, %dx\n"
        "  mov $1000, %cx\n"
        "2: xor %eax, %eax\n"
        "  outl %eax, %dx\n"
        "  loop 2b\n"
        "  mov $0x5e8, %dx\n"
        "  mov $0x600dd00d, %eax\n"
        "  outl %eax, %dx\n"
        "  mov $0x5ec, %dx\n"
        "3: inl %dx, %eax\n"
        "  test %eax, %eax\n"
        "  jz 3b\n"
        "  mov $0xcf9, %dx\n"
        "  mov $6, %al\n"
        "  outb %al, %dx\n"
        "4: hlt\n"
        "  jmp 4b\n"
        "ap_stub_end:\n"
        ".code64\n");
extern char ap_stub[], ap_stub_end[];

static inline uint64_t rd64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void wr64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static uint64_t scratch(int n) { return rd64(TD_BASE + TD_SCRATCH(n)); }
static void set_scratch(int n, uint64_t v) { wr64(TD_BASE + TD_SCRATCH(n), v); }

static void fail(const char *what, uint64_t got)
{
    guest_printf("FAIL %s: ", what);
    print_hex(got);
    uart_puts("\n");
    set_scratch(SCR_FAILS, scratch(SCR_FAILS) + 1);
}

/* INIT then SIPI to APIC ID 1 (SDM vol. 3A 8.4.4.1, the MP initialization protocol); the
 * delay between them does not matter to an emulator. */
static void start_ap(void)
{
    for (char *p = ap_stub; p < ap_stub_end; p++) {
        ((volatile char *)(uint64_t)(AP_VECTOR << 12))[p - ap_stub] = *p;
    }
    wr32(APIC_BASE + 0xf0, 0x1ff); /* SVR: software enable, spurious vector 0xff */
    wr32(APIC_BASE + 0x310, 1u << 24);
    wr32(APIC_BASE + 0x300, 0x4500); /* INIT, level assert */
    while (rd32(APIC_BASE + 0x300) & 0x1000) {
    }
    wr32(APIC_BASE + 0x310, 1u << 24);
    wr32(APIC_BASE + 0x300, 0x4600 | AP_VECTOR); /* Start-up */
    while (rd32(APIC_BASE + 0x300) & 0x1000) {
    }
}

int main(uint32_t magic, uint64_t mbi)
{
    x86_map_page(TD_BASE, TD_BASE, X86_PTE_RW);
    x86_map_page(PWR_BASE, PWR_BASE, X86_PTE_RW);
    x86_map_page(APIC_BASE, APIC_BASE, X86_PTE_RW);
    /* The power controller's ID (a plain register) tells whether the test device is there;
     * the test device is not touched before the first BLOCK read, so that read is the first
     * deferred operation of the boot (a stale slot with its key would hand it the poison). */
    if (rd32(PWR_BASE) != PWR_ID_VALUE) {
        uart_puts("skipped: no tandem-testdev\n");
        return guest_report();
    }
    start_ap();
    uint32_t first = inl(PORT_BLOCK);
    uint64_t round = scratch(SCR_ROUND), rounds = rd64(TD_BASE + TD_ARG);
    CHECK_EQ(rd32(TD_BASE), TD_ID_VALUE);
    CHECK_EQ(inl(PORT_ID), TD_ID_VALUE);
    if (first != AP_RELEASE) {
        fail(round ? "first BLOCK read after reset" : "first BLOCK read", first);
    }
    if (magic != MB_MAGIC) {
        fail("EAX at entry", magic);
    }
    if (round == 0) {
        set_scratch(SCR_MBI, mbi);
    }
    if (mbi != scratch(SCR_MBI)) {
        fail("EBX at entry", mbi);
    }
    /* Every reset round left exactly one read behind. */
    if (rd64(TD_BASE + TD_STALE) != round) {
        fail("STALE count", rd64(TD_BASE + TD_STALE));
    }
    if (round == rounds) {
        CHECK_EQ(scratch(SCR_FAILS), 0);
        CHECK_EQ(scratch(SCR_LOST), 0);
        guest_printf("rounds %lu\n", (unsigned long)rounds);
        return guest_report();
    }
    set_scratch(SCR_ROUND, round + 1);
    uint32_t v = inl(PORT_BLOCK); /* the AP resets the machine under this read */
    set_scratch(SCR_LOST, scratch(SCR_LOST) + 1);
    fail("BLOCK read completed in a reset round", v);
    for (;;) {
        __asm__ volatile("hlt");
    }
}
