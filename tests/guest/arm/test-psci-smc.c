/*
 * test-psci-smc.c — PSCI over SMC #0, with test-psci-smc.args: -machine psci-conduit=smc (a
 * Tandem extension: QEMU picks SMC only for a guest with EL2). The device tree's psci node
 * says method = "smc"; SMC #0 answers PSCI_VERSION 1.1, FEATURES, AFFINITY_INFO and the
 * CPU_SUSPEND argument errors; HVC #0, as well as SMC with an immediate other than 0, is
 * UNDEFINED (no EL2 or EL3, ARM ARM C6.2.87, C6.2.234: EC 0, ELR at the instruction).
 * Single vCPU; does not run on QEMU (no such machine property there).
 */
#include "runtime.h"

#define INVALID_PARAMETERS ((uint64_t)-2)
#define DTB_ADDR 0x40000000ul /* the loader puts the DTB at the start of RAM (link.ld) */

static uint64_t smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

static uint32_t be32(const volatile uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* True if the blob holds the NUL-terminated string s (a property value here). */
static int dtb_has_string(const char *s)
{
    const volatile uint8_t *dtb = (const volatile uint8_t *)DTB_ADDR;
    uint32_t size = be32(dtb + 4), n = 0;
    while (s[n]) {
        n++;
    }
    for (uint32_t i = 0; i + n + 1 <= size; i++) {
        uint32_t k = 0;
        while (k <= n && dtb[i + k] == (uint8_t)s[k]) {
            k++;
        }
        if (k > n) {
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    CHECK_EQ(be32((const volatile uint8_t *)DTB_ADDR), 0xd00dfeed);
    CHECK_EQ(dtb_has_string("smc"), 1);
    CHECK_EQ(dtb_has_string("hvc"), 0);

    CHECK_EQ(smc(0x84000000, 0, 0, 0), 0x00010001);
    CHECK_EQ(smc(0x8400000a, 0xc4000003, 0, 0), 0);
    CHECK_EQ(smc(0x8400000a, 0x84000005, 0, 0), (uint64_t)-1);
    uint64_t self = READ_SYSREG(mpidr_el1) & 0xff00ffffffull;
    CHECK_EQ(smc(0xc4000004, self, 0, 0), 0);
    CHECK_EQ(smc(0xc4000001, 1u << 24, 0x40080000, 0), INVALID_PARAMETERS);

    exc_install();
    exc_reset();
    register uint64_t x0 __asm__("x0") = 0x84000000;
    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
    uint64_t after = x0;
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(ESR_EC(exc_last.esr), 0);
    CHECK_EQ(after, 0x84000000);

    exc_reset();
    x0 = 0x84000000;
    __asm__ volatile("smc #1" : "+r"(x0) : : "memory");
    after = x0;
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(ESR_EC(exc_last.esr), 0);
    CHECK_EQ(after, 0x84000000);
    return guest_report();
}
