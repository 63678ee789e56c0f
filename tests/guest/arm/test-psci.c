/*
 * test-psci.c — PSCI over HVC #0 (Arm DEN 0022) with the answers QEMU 7.2's virt board gives,
 * which Tandem matches: PSCI_VERSION 1.1; PSCI_FEATURES 0 for exactly the implemented
 * functions (VERSION, CPU_SUSPEND, CPU_OFF, CPU_ON, AFFINITY_INFO, MIGRATE_INFO_TYPE,
 * SYSTEM_OFF, SYSTEM_RESET, FEATURES; SMC64 forms of CPU_SUSPEND, CPU_ON, AFFINITY_INFO) and
 * NOT_SUPPORTED otherwise; AFFINITY_INFO of this CPU is ON and of an absent MPIDR
 * INVALID_PARAMETERS; CPU_ON of this CPU is ALREADY_ON; MIGRATE_INFO_TYPE 2; unknown IDs
 * NOT_SUPPORTED; x1..x3 survive a call. The final exit through SYSTEM_OFF is exercised by
 * the runtime whenever semihosting is off. Single vCPU, bare metal.
 */
#include "runtime.h"

#define NOT_SUPPORTED ((uint64_t)-1)
#define INVALID_PARAMETERS ((uint64_t)-2)
#define ALREADY_ON ((uint64_t)-4)

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
    };
    static const uint32_t unsupported[] = {
        0x84000005, 0x84000007, 0x8400000b, 0x8400000c, 0x8400000e, 0x84000012,
        0xc4000000, 0xc4000002, 0xc4000005, 0xc4000007, 0xc400000e, 0x80000000,
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

int main(void)
{
    test_version_and_features();
    test_cpu_calls();
    return guest_report();
}
