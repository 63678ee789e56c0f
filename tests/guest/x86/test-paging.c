/*
 * test-paging.c — 4-level paging with 4 KiB pages (SDM vol. 3A 4.5, 4.8, 4.10): a mapping at a
 * high canonical address, aliases, remapping made visible by INVLPG and by a CR3 reload (which
 * drops non-global translations, 4.10.4.1), and the accessed/dirty bits the CPU sets in the
 * PTE (A on any access, D on a write) and A in the upper-level entries (4.8).
 * Single-threaded bare metal.
 */
#include "runtime.h"

#define HIGH_VA 0xffff800000201000ull /* PML4 index 256 */
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));

int main(void)
{
    volatile uint64_t *hi = (volatile uint64_t *)HIGH_VA;
    page_a[0] = 0xa1;
    page_b[0] = 0xb2;

    volatile uint64_t *pte = x86_map_page(HIGH_VA, (uint64_t)page_a, X86_PTE_RW);
    CHECK(pte != NULL);
    CHECK_EQ(*pte, (uint64_t)page_a | X86_PTE_P | X86_PTE_RW);
    CHECK_EQ(*(volatile uint8_t *)HIGH_VA, 0xa1);
    /* read: A set, D clear; the PML4 entry got A too */
    CHECK_EQ(*pte, (uint64_t)page_a | X86_PTE_P | X86_PTE_RW | X86_PTE_A);
    CHECK_EQ(x86_pml4[256] & X86_PTE_A, X86_PTE_A);
    hi[1] = 0x1122334455667788ull;
    CHECK_EQ(*pte, (uint64_t)page_a | X86_PTE_P | X86_PTE_RW | X86_PTE_A | X86_PTE_D);
    CHECK_EQ(((volatile uint64_t *)page_a)[1], 0x1122334455667788ull);

    /* clear A/D, flush: the CPU sets them again */
    *pte = (uint64_t)page_a | X86_PTE_P | X86_PTE_RW;
    invlpg((void *)HIGH_VA);
    hi[2] = 7;
    CHECK_EQ(*pte, (uint64_t)page_a | X86_PTE_P | X86_PTE_RW | X86_PTE_A | X86_PTE_D);

    /* remap to page_b + INVLPG */
    *pte = (uint64_t)page_b | X86_PTE_P | X86_PTE_RW;
    invlpg((void *)HIGH_VA);
    CHECK_EQ(*(volatile uint8_t *)HIGH_VA, 0xb2);
    hi[3] = 0xdeadbeefull;
    CHECK_EQ(((volatile uint64_t *)page_b)[3], 0xdeadbeefull);
    CHECK_EQ(((volatile uint64_t *)page_a)[3], 0);

    /* remap back + CR3 reload */
    *pte = (uint64_t)page_a | X86_PTE_P | X86_PTE_RW;
    WRITE_CR(3, READ_CR(3));
    CHECK_EQ(*(volatile uint8_t *)HIGH_VA, 0xa1);

    /* an alias in the second GiB: both names reach the same byte */
    volatile uint64_t *pte2 = x86_map_page(0x40005000ull, (uint64_t)page_a, X86_PTE_RW);
    CHECK(pte2 != NULL);
    *(volatile uint32_t *)0x40005010ull = 0xcafe;
    CHECK_EQ(*(volatile uint32_t *)(HIGH_VA + 0x10), 0xcafe);
    CHECK_EQ(*pte2 & (X86_PTE_A | X86_PTE_D), X86_PTE_A | X86_PTE_D);

    /* the identity map is 2 MiB pages: no 4 KiB PTE there */
    CHECK(x86_pte_of((uint64_t)page_a) == NULL);
    CHECK_EQ(x86_pd[0] & X86_PTE_PS, X86_PTE_PS);
    return guest_report();
}
