/*
 * test-smm.c — System Management Mode on -M pc (single CPU): SMI through APM port 0xB2, the
 * AMD64 state-save map at SMBASE+0xFE00 (revision 0x00020064 at +0xFEFC, SMBASE at +0xFF00,
 * saved RIP/CR0/CR3/EFER; AMD64 APM vol. 2 table 10-2), the SMM environment (CS = SMBASE >> 4,
 * entry at SMBASE+0x8000, SDM vol. 3C 32.5.1), SMBASE relocation taking effect at the next
 * SMI, the local APIC ID read from 0xFEE00020 inside SMM, RSM outside SMM raising #UD, and
 * SMRAM (docs/smram.md): TSEG closed hides it from non-SMM code (reads all ones, writes
 * lost) while the SMM handler sees the real contents; SMRAMC D_OPEN / D_LCK semantics.
 * The handler is 16-bit code (.code16 below) copied to SMBASE+0x8000; it addresses SMBASE
 * through CS (base = SMBASE) and everything else with 32-bit addresses (4 GiB limits).
 * Oracle: QEMU's pc runs SeaBIOS, which relocates SMBASE into closed SMRAM at 0xA0000 and owns
 * the handler, so only the RSM #UD and APMS (0xB3 read/write) checks run there; the rest runs
 * where the SMRAMC register at port 0x5F0 reads its reset value 0x02 (Tandem only).
 */
#include "runtime.h"

#define APMC 0xb2
#define APMS 0xb3
#define SMRAMC 0x5f0
#define ESMRAMC 0x5f1
#define SMBASE_DEFAULT 0x30000u
#define SMBASE_NEW 0x50000u

/* What the handler records (all 32-bit; 64-bit fields as two halves). */
struct smm_rec {
    uint32_t count, apic_id, revision, smbase, cs;
    uint32_t rip_lo, rip_hi, cr0, cr3, efer, auto_halt, peek;
    /* commands from the test */
    uint32_t new_smbase, peek_addr;
} __attribute__((packed));
volatile struct smm_rec rec __attribute__((aligned(16)));

extern char smm_handler[], smm_handler_end[];
__asm__(".pushsection .text\n"
        ".code16\n"
        ".globl smm_handler\n"
        "smm_handler:\n"
        "  xorl %eax, %eax\n"
        "  movw %ax, %ds\n"
        "  addr32 incl rec+0\n"
        "  addr32 movl 0xfee00020, %eax\n"
        "  shrl $24, %eax\n"
        "  addr32 movl %eax, rec+4\n"
        "  movl %cs:0xfefc, %eax\n"
        "  addr32 movl %eax, rec+8\n"
        "  movl %cs:0xff00, %eax\n"
        "  addr32 movl %eax, rec+12\n"
        "  movw %cs, %ax\n"
        "  movzwl %ax, %eax\n"
        "  addr32 movl %eax, rec+16\n"
        "  movl %cs:0xff78, %eax\n"
        "  addr32 movl %eax, rec+20\n"
        "  movl %cs:0xff7c, %eax\n"
        "  addr32 movl %eax, rec+24\n"
        "  movl %cs:0xff58, %eax\n"
        "  addr32 movl %eax, rec+28\n"
        "  movl %cs:0xff50, %eax\n"
        "  addr32 movl %eax, rec+32\n"
        "  movl %cs:0xfed0, %eax\n"
        "  addr32 movl %eax, rec+36\n"
        "  movzbl %cs:0xfec9, %eax\n"
        "  addr32 movl %eax, rec+40\n"
        "  addr32 movl rec+52, %ebx\n"
        "  testl %ebx, %ebx\n"
        "  jz 1f\n"
        "  addr32 movl (%ebx), %eax\n"
        "  addr32 movl %eax, rec+44\n"
        "1:\n"
        "  addr32 movl rec+48, %eax\n"
        "  testl %eax, %eax\n"
        "  jz 2f\n"
        "  movl %eax, %cs:0xff00\n"
        "2:\n"
        "  rsm\n"
        ".globl smm_handler_end\n"
        "smm_handler_end:\n"
        ".code64\n"
        ".popsection\n");

static void install_handler(uint32_t smbase)
{
    uint8_t *dst = (uint8_t *)(uintptr_t)(smbase + 0x8000);
    for (char *p = smm_handler; p < smm_handler_end; p++) {
        *dst++ = (uint8_t)*p;
    }
}

static uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }

/* SMI from port 0xB2; returns the address of the instruction after the OUT's TB... the SMI
 * is taken at a boundary at or after the instruction following the OUT: at most a few
 * instructions later (the saved RIP lies in [after, end)). */
static void smi_now(uint64_t *after, uint64_t *end)
{
    uint64_t a, e;
    __asm__ volatile("lea 1f(%%rip), %0\n\t"
                     "lea 2f(%%rip), %1\n\t"
                     "mov $0x5a, %%al\n\t"
                     "outb %%al, $0xb2\n"
                     "1:\n\t"
                     "nop\n\tnop\n\tnop\n\t"
                     "jmp 2f\n"
                     "2:\n"
                     : "=&r"(a), "=&r"(e) : : "rax", "memory");
    *after = a;
    *end = e;
}

static void check_rsm_ud(void)
{
    exc_reset();
    __asm__ volatile(EXC_RESUME_AT_1 "rsm\n1:" ::: "r11", "memory");
    CHECK_EQ(exc_last.count, 1);
    CHECK_EQ(exc_last.vector, X86_EXC_UD);
}

static void check_apms(void)
{
    outb(APMS, 0xa5);
    CHECK_EQ(inb(APMS), 0xa5);
    outb(APMS, 0x3c);
    CHECK_EQ(inb(APMS), 0x3c);
}

static void check_smi(uint32_t smbase, uint32_t relocate_to)
{
    uint32_t before = rec.count;
    rec.new_smbase = relocate_to;
    uint64_t after, end;
    smi_now(&after, &end);
    CHECK_EQ(rec.count, before + 1);
    CHECK_EQ(rec.revision, 0x00020064u);
    CHECK_EQ(rec.smbase, smbase);
    CHECK_EQ(rec.cs, smbase >> 4);
    CHECK_EQ(rec.apic_id, 0);
    uint64_t rip = (uint64_t)rec.rip_hi << 32 | rec.rip_lo;
    CHECK(rip >= after && rip <= end);
    CHECK_EQ(rec.cr0, (uint32_t)read_cr0());
    CHECK_EQ(rec.cr3, (uint32_t)read_cr3());
    CHECK_EQ(rec.efer & 0xd01u, X86_EFER_VALUE);
    CHECK_EQ(rec.auto_halt, 0);
    rec.new_smbase = 0;
}

static void check_smram(uint32_t smbase)
{
    const struct { uint32_t flags, mem_lower, mem_upper; } *mbi = (void *)(uintptr_t)x86_mb_info;
    uint64_t low_end = ((uint64_t)mbi->mem_upper + 1024) * 1024;
    volatile uint32_t *tseg = (volatile uint32_t *)(uintptr_t)(low_end - (1u << 20) + 0x100);
    volatile uint32_t *aseg = (volatile uint32_t *)(uintptr_t)0xa0100;
    guest_printf("low RAM ends at 0x%lx\n", low_end);

    CHECK_EQ(inb(ESMRAMC), 0x38);
    *tseg = 0x5eed1234;
    *aseg = 0xa5e6a5e6;
    outb(ESMRAMC, 0x39);                /* T_EN */
    outb(SMRAMC, 0x08);                 /* G_SMRAME, closed */
    CHECK_EQ(inb(SMRAMC), 0x0a);
    CHECK_EQ(*tseg, 0xffffffffu);       /* hidden outside SMM */
    CHECK_EQ(*aseg, 0xffffffffu);
    *tseg = 0x0badc0de;                 /* lost */
    rec.peek_addr = (uint32_t)(uintptr_t)tseg;
    uint64_t a, e;
    smi_now(&a, &e);
    CHECK_EQ(rec.peek, 0x5eed1234u);    /* the handler sees SMRAM */
    CHECK_EQ(rec.smbase, smbase);
    rec.peek_addr = 0;

    outb(SMRAMC, 0x48);                 /* D_OPEN: the A-segment becomes visible, TSEG not */
    CHECK_EQ(*aseg, 0xa5e6a5e6u);
    CHECK_EQ(*tseg, 0xffffffffu);
    outb(SMRAMC, 0x58);                 /* D_LCK together with D_OPEN: D_OPEN is cleared */
    CHECK_EQ(inb(SMRAMC), 0x1a);
    CHECK_EQ(*aseg, 0xffffffffu);
    outb(SMRAMC, 0x40);                 /* read-only until reset */
    CHECK_EQ(inb(SMRAMC), 0x1a);
    outb(ESMRAMC, 0x38);
    CHECK_EQ(inb(ESMRAMC), 0x39);
    CHECK_EQ(*tseg, 0xffffffffu);
}

int main(void)
{
    check_rsm_ud();
    check_apms();
    if (inb(SMRAMC) != 0x02) {
        guest_printf("SMRAMC at 0x5f0 absent: SMM checks are Tandem-only, skipped\n");
        return guest_report();
    }
    install_handler(SMBASE_DEFAULT);
    install_handler(SMBASE_NEW);
    check_smi(SMBASE_DEFAULT, SMBASE_NEW); /* relocates */
    check_smi(SMBASE_NEW, 0);              /* enters at the new base */
    check_smram(SMBASE_NEW);
    return guest_report();
}
