/*
 * test-nmi.c — NMI blocking (Intel SDM vol. 3A 6.7.1): after an NMI is delivered, the CPU holds
 * further NMIs until the next IRET executes. The handler sends itself an NMI through the local
 * APIC ICR (delivery mode NMI, physical destination = own APIC ID, SDM 10.6.1) and checks:
 *   1. it is not taken inside the handler; it is taken right after the handler's IRETQ;
 *   2. an IRETQ executed inside the handler (to the next instruction) unblocks NMIs, so the
 *      pending one nests there;
 *   3. INT 2 runs the handler without blocking NMIs (SDM 6.7: only a real NMI does).
 * Single CPU bare metal; the NMI handler runs on the interrupted stack (no IST).
 */
#include "runtime.h"

#define APIC_BASE 0xfee00000ull
#define LAPIC_ID 0x020
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define ICR_DM_NMI (4u << 8)
#define ICR_ASSERT (1u << 14)
#define ICR_BUSY (1u << 12)

static uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(APIC_BASE + reg); }
static void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(APIC_BASE + reg) = v; }

static void send_self_nmi(void)
{
    lapic_write(LAPIC_ICR_HIGH, lapic_read(LAPIC_ID) & 0xff000000u);
    lapic_write(LAPIC_ICR_LOW, ICR_DM_NMI | ICR_ASSERT);
}

/* Long enough for a pending event to be taken many times over (many TBs, ICR polls). */
static void delay(void)
{
    for (volatile int i = 0; i < 200000; i++) {
        (void)lapic_read(LAPIC_ICR_LOW);
    }
}

/* IRETQ to the next instruction, same CS/SS/RSP/RFLAGS. */
static void iret_to_self(void)
{
    __asm__ volatile("mov %%rsp, %%rax\n\t"
                     "mov %%ss, %%ecx\n\t"
                     "push %%rcx\n\t"
                     "push %%rax\n\t"
                     "pushfq\n\t"
                     "mov %%cs, %%ecx\n\t"
                     "push %%rcx\n\t"
                     "lea 1f(%%rip), %%rcx\n\t"
                     "push %%rcx\n\t"
                     "iretq\n"
                     "1:"
                     ::: "rax", "rcx", "memory");
}

static volatile int mode;
static volatile int nmi_count, depth, max_depth;
static volatile int count_in_handler, count_before_iret, count_after_iret;

static void on_nmi(struct x86_exc_frame *f)
{
    int n = ++nmi_count;
    if (++depth > max_depth) {
        max_depth = depth;
    }
    if (n == 1 && mode == 1) {
        send_self_nmi();
        delay();
        count_in_handler = nmi_count;
    } else if (n == 1 && mode == 2) {
        send_self_nmi();
        delay();
        count_before_iret = nmi_count;
        iret_to_self();
        delay();
        count_after_iret = nmi_count;
    } else if (n == 1 && mode == 3) {
        send_self_nmi();
        delay();
        count_in_handler = nmi_count;
    }
    depth--;
}

static void reset_counts(int m)
{
    mode = m;
    nmi_count = depth = max_depth = 0;
    count_in_handler = count_before_iret = count_after_iret = -1;
}

int main(void)
{
    CHECK(x86_map_page(APIC_BASE, APIC_BASE, X86_PTE_RW | 0x18) != NULL);
    exc_set_handler(X86_EXC_NMI, on_nmi);

    /* 1: the second NMI waits for the handler's IRETQ. */
    reset_counts(1);
    send_self_nmi();
    delay();
    CHECK_EQ(count_in_handler, 1);
    CHECK_EQ(nmi_count, 2);
    CHECK_EQ(max_depth, 1);
    CHECK_EQ(lapic_read(LAPIC_ICR_LOW) & ICR_BUSY, 0);

    /* 2: any IRET unblocks, even one inside the handler. */
    reset_counts(2);
    send_self_nmi();
    delay();
    CHECK_EQ(count_before_iret, 1);
    CHECK_EQ(count_after_iret, 2);
    CHECK_EQ(max_depth, 2);
    CHECK_EQ(nmi_count, 2);

    /* 3: INT 2 does not block NMIs: the NMI sent from it nests at once. */
    reset_counts(3);
    __asm__ volatile("int $2" ::: "memory");
    CHECK_EQ(count_in_handler, 2);
    CHECK_EQ(max_depth, 2);
    CHECK_EQ(nmi_count, 2);

    /* Blocking ended with the last IRETQ: one more NMI is taken at once. */
    reset_counts(0);
    send_self_nmi();
    delay();
    CHECK_EQ(nmi_count, 1);
    return guest_report();
}
