/*
 * test-psci.c — PSCI over HVC #0 (Arm DEN 0022) with the answers QEMU 7.2's virt board gives,
 * which Tandem matches: PSCI_VERSION 1.1; PSCI_FEATURES 0 for exactly the implemented
 * functions (VERSION, CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE,
 * SYSTEM_OFF, SYSTEM_RESET, FEATURES; SMC64 forms of CPU_SUSPEND, CPU_ON, AFFINITY_INFO) and
 * NOT_SUPPORTED otherwise; AFFINITY_INFO of this CPU is ON and of an absent MPIDR
 * INVALID_PARAMETERS; CPU_ON of this CPU is ALREADY_ON; MIGRATE_INFO_TYPE 2; unknown IDs
 * NOT_SUPPORTED; x1..x3 survive a call; CPU_SUSPEND with reserved bits or a power level above
 * 0 is INVALID_PARAMETERS; SMC #0 is UNDEFINED (HVC is the conduit, no EL3). The final exit
 * through SYSTEM_OFF is exercised by the runtime whenever semihosting is off. Single vCPU.
 * Tandem goes further than QEMU 7.2 (README "PSCI"), checked unless built with -DORACLE_QEMU:
 * SYSTEM_RESET2 (SMC32 and SMC64) is implemented: FEATURES 0, reset types other than
 * SYSTEM_WARM_RESET INVALID_PARAMETERS (architectural) or NOT_SUPPORTED (vendor, bit 31); and
 * a power-down CPU_SUSPEND with an entry point outside RAM or misaligned is INVALID_ADDRESS
 * (QEMU 7.2 ignores the entry point and waits for an interrupt, which never comes here).
 */
#include "runtime.h"

#define NOT_SUPPORTED ((uint64_t)-1)
#define INVALID_PARAMETERS ((uint64_t)-2)
#define ALREADY_ON ((uint64_t)-4)
#define INVALID_ADDRESS ((uint64_t)-9)

static uint64_t saved_x1, saved_x2, saved_x3;

static uint64_t hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t after[3];
    uint64_t ret = psci_hvc(fn, a1, a2, a3, after);
    saved_x1 = after[0];
    saved_x2 = after[1];
    saved_x3 = after[2];
    return ret;
}

static void test_version_and_features(void)
{
    CHECK_EQ(hvc(0x84000000, 0, 0, 0), 0x00010001);
    static const uint32_t supported[] = {
        0x84000000, 0x84000001, 0x84000002, 0x84000003, 0x84000004, 0x84000006,
        0x84000008, 0x84000009, 0x8400000a, 0xc4000001, 0xc4000003, 0xc4000004,
#ifndef ORACLE_QEMU
        0x84000012, 0xc4000012, /* SYSTEM_RESET2 */
#endif
    };
    /* Every other PSCI 1.1 function ID: MIGRATE, MIGRATE_INFO_UP_CPU, CPU_FREEZE,
     * CPU_DEFAULT_SUSPEND, NODE_HW_STATE, SYSTEM_SUSPEND, SET_SUSPEND_MODE, STAT_RESIDENCY,
     * STAT_COUNT, MEM_PROTECT, MEM_PROTECT_CHECK_RANGE (SMC32 and SMC64 forms). */
    static const uint32_t unsupported[] = {
        0x84000005, 0x84000007, 0x8400000b, 0x8400000c, 0x8400000d, 0x8400000e,
        0x8400000f, 0x84000010, 0x84000011, 0x84000013, 0x84000014,
        0xc4000000, 0xc4000002, 0xc4000005, 0xc4000007, 0xc400000c, 0xc400000d,
        0xc400000e, 0xc4000010, 0xc4000011, 0xc4000014, 0x80000000,
#ifdef ORACLE_QEMU
        0x84000012, 0xc4000012,
#endif
    };
    for (unsigned i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
        uint64_t r = hvc(0x8400000a, supported[i], 0, 0);
        if (r != 0) {
            uart_puts("FEATURES of supported ");
            print_hex(supported[i]);
            uart_putc('\n');
        }
        CHECK_EQ(r, 0);
    }
    for (unsigned i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
        uint64_t r = hvc(0x8400000a, unsupported[i], 0, 0);
        if (r != NOT_SUPPORTED) {
            uart_puts("FEATURES of unsupported ");
            print_hex(unsupported[i]);
            uart_putc('\n');
        }
        CHECK_EQ(r, NOT_SUPPORTED);
    }
}

static void test_cpu_calls(void)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    uint64_t self = mpidr & 0xff00ffffffull;
    CHECK_EQ(hvc(0xc4000004, self, 0, 0), 0);       /* AFFINITY_INFO: ON */
    CHECK_EQ(hvc(0x84000004, self, 0, 0), 0);       /* SMC32 form */
    CHECK_EQ(hvc(0xc4000004, 0x55, 0, 0), INVALID_PARAMETERS);
    CHECK_EQ(hvc(0xc4000003, self, 0x40080000, 0), ALREADY_ON);
    CHECK_EQ(hvc(0x84000003, self, 0x40080000, 0), ALREADY_ON);
    CHECK_EQ(hvc(0xc4000003, 0x0100, 0x40080000, 0), INVALID_PARAMETERS);
    CHECK_EQ(hvc(0x84000006, 0, 0, 0), 2);          /* MIGRATE_INFO_TYPE */
    CHECK_EQ(hvc(0x84000007, 0, 0, 0), NOT_SUPPORTED); /* MIGRATE_INFO_UP_CPU */
    CHECK_EQ(hvc(0x8400001f, 0, 0, 0), NOT_SUPPORTED);
    CHECK_EQ(hvc(0x12345, 0, 0, 0), NOT_SUPPORTED);
    /* the call returns in x0 only */
    hvc(0x84000000, 0x11, 0x22, 0x33);
    CHECK_EQ(saved_x1, 0x11);
    CHECK_EQ(saved_x2, 0x22);
    CHECK_EQ(saved_x3, 0x33);
}

/* CPU_SUSPEND argument errors (DEN 0022 5.4.2): the call returns at once. */
static void test_suspend_errors(void)
{
    CHECK_EQ(hvc(0xc4000001, 1u << 30, 0x40080000, 0), INVALID_PARAMETERS); /* reserved */
    CHECK_EQ(hvc(0xc4000001, 1u << 17, 0x40080000, 0), INVALID_PARAMETERS); /* reserved */
    CHECK_EQ(hvc(0xc4000001, 1u << 24, 0x40080000, 0), INVALID_PARAMETERS); /* level 1 */
    CHECK_EQ(hvc(0x84000001, 3u << 24 | 1u << 16, 0x40080000, 0), INVALID_PARAMETERS);
#ifndef ORACLE_QEMU
    CHECK_EQ(hvc(0xc4000001, 1u << 16, 0x40080002, 0), INVALID_ADDRESS); /* misaligned */
    CHECK_EQ(hvc(0xc4000001, 1u << 16, 0x1000, 0), INVALID_ADDRESS);     /* not RAM */
    CHECK_EQ(hvc(0x84000001, 1u << 16, 0x10, 0), INVALID_ADDRESS);
#endif
}

/* SYSTEM_RESET2 argument errors (DEN 0022 5.16); a warm reset itself: test-psci-reset2. */
static void test_reset2_errors(void)
{
#ifndef ORACLE_QEMU
    static const uint32_t fns[] = {0x84000012, 0xc4000012};
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(hvc(fns[i], 1, 0, 0), INVALID_PARAMETERS);
        CHECK_EQ(hvc(fns[i], 0x7fffffff, 0, 0), INVALID_PARAMETERS);
        CHECK_EQ(hvc(fns[i], 0x80000000, 0, 0), NOT_SUPPORTED);
        CHECK_EQ(hvc(fns[i], 0xffffffff, 0x1234, 0), NOT_SUPPORTED);
    }
    /* SMC32: bits 63:32 of reset_type are ignored, so this is type 1, not a warm reset */
    CHECK_EQ(hvc(0x84000012, 0x100000001ull, 0, 0), INVALID_PARAMETERS);
#else
    CHECK_EQ(hvc(0x84000012, 1, 0, 0), NOT_SUPPORTED);
#endif
}

/* SMC #0 with HVC as the conduit and no EL3: UNDEFINED (EC 0, ARM ARM C6.2.234). */
static void test_smc_undefined(void)
{
    exc_install();
    exc_reset();
    register uint64_t x0 __asm__("x0") = 0x84000000;
    __asm__ volatile("smc #0" : "+r"(x0) : : "memory");
    uint64_t after = x0; /* x0 is only bound to the variable at the asm statement */
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(ESR_EC(exc_last.esr), 0);
    CHECK_EQ(after, 0x84000000);
}

int main(void)
{
    test_version_and_features();
    test_cpu_calls();
    test_suspend_errors();
    test_reset2_errors();
    test_smc_undefined();
    return guest_report();
}
