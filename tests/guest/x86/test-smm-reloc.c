/*
 * test-smm-reloc.c — per-CPU SMBASE relocation as edk2's SmmRelocateBases does it (-smp 4),
 * repeated from full machine resets (smmreloc.runs=N on the command line: .args / .full.args).
 * SMM facts: AMD64 APM vol. 2 10.2 (SMBASE, entry at SMBASE + 0x8000 in big real mode, the
 * save-state map at SMBASE + 0xFE00: revision at +0xFEFC, SMBASE at +0xFF00, auto-halt restart
 * byte at +0xFEC9, RSM takes the SMBASE field as the new SMBASE); SDM vol. 3C 34.11 (SMBASE
 * relocation), 34.10 (auto HALT restart), 10.6.1 (ICR delivery mode SMI, level assert).
 * One run (after a machine reset, i.e. every boot):
 *  1. The BSP copies one 16-bit SMI handler (smm_blob below) to 0x38000 (default SMBASE
 *     0x30000 + 0x8000) marked KIND_DEFAULT and told to relocate, and to new_base(id) + 0x8000
 *     for every CPU (new_base(id) = 0x800000 + id * 0x10000: above the test image, its stacks
 *     and page-table pool, below -m 128's top), marked KIND_NEW | id and not relocating. It
 *     zeroes the save areas first, so nothing from the previous run can satisfy a check. The
 *     handler reads its APIC ID from 0xFEE00020, its own save area's SMBASE and revision
 *     (CS-relative: CS.base = SMBASE), fills the mailbox smm_mbox, and the relocating copy
 *     writes new_base(its APIC ID) into its save area's SMBASE field; then RSM.
 *  2. The BSP starts the 3 APs (INIT-SIPI-SIPI; they idle in `cli; hlt` counting HLT returns
 *     in smp_cpus[i].hlt_wakeups) and sends each one an SMI IPI in turn (physical
 *     destination), waiting for its mailbox entry before the next (they share 0x3FE00).
 *  3. The BSP relocates itself (SMI to its own APIC ID), then sends every CPU a second SMI:
 *     each must arrive at its new base (KIND_NEW | its id) and find SMBASE = new base saved.
 *  4. INIT + SIPI of one AP (a different one each run), then an SMI: still at its new base.
 *  5. The run count (CMOS RAM 0x70-0x73: magic 0xA5 0x5A, then the count little-endian; the
 *     RTC keeps its RAM across a reset on both emulators) goes up and the BSP resets the
 *     machine through port 0xCF9 (0x06: full reset); after N runs the test passes.
 * Needs reboots: the runner's -no-reboot is overridden by `-action reboot=reset` in the .args.
 * How a broken emulator shows:
 *  - wrong APIC ID in SMM (e.g. the BSP's): "apic id" check of that AP's SMI fails, and its
 *    relocated base is another CPU's (the second SMI lands at KIND_NEW | other id);
 *  - SMI lost on a halted AP: "SMI to CPU i not handled within 1 s" (mailbox seq unchanged);
 *  - no auto-HALT restart: the AP's HLT returns after RSM, hlt_wakeups goes up (checked 2 ms
 *    after each SMI and at the end of the run: nothing else may wake an AP halted with IF = 0);
 *  - SMBASE not relocated by RSM: the second SMI enters at 0x38000 again (kind DEFAULT);
 *  - SMBASE not reset by machine reset: from the second run on, the first SMI enters at the
 *    previous run's new base (kind KIND_NEW | id instead of KIND_DEFAULT, saved SMBASE not
 *    0x30000);
 *  - INIT clearing SMBASE: step 4's SMI enters at 0x38000 (kind DEFAULT);
 *  - reset not happening (reboot turned into exit): the emulator exits with status 0 after run 1.
 * Threads: the BSP does everything; the APs only run the runtime's idle loop and the SMI
 * handler, which writes smm_mbox (read by the BSP after seq moves: x86 stores are ordered).
 */
#include "runtime.h"

#define SMBASE_DEFAULT 0x30000u
#define NEW_BASE0 0x800000u
#define NEW_BASE_STEP 0x10000u
#define SMM_REVISION 0x00020064u
#define KIND_DEFAULT 0x100u
#define KIND_NEW 0x200u
#define MAX_RELOC_CPUS 16 /* new bases up to 0x900000 */

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_MAGIC_IDX 0x70 /* 0x70, 0x71: magic; 0x72, 0x73: runs done */
#define PORT_RESET_CONTROL 0xcf9

/* The handler's mailbox: one SMI at a time (the BSP waits for seq before the next). */
struct smm_mbox {
    uint32_t seq, apic_id, smbase, revision, kind, new_smbase, halt_restart;
};
volatile struct smm_mbox smm_mbox;

/* The SMI handler, 16-bit code copied to SMBASE + 0x8000 (entered with CS.base = SMBASE,
 * IP = 0x8000, DS/ES/SS base 0 with 4 GiB limits: big real mode). Data outside the save area
 * is addressed with 32-bit address size (0x67 prefix), the save area through %cs. The two
 * .long after RSM are patched per copy: kind, and the relocation base (0: keep SMBASE). */
extern const char smm_blob[], smm_blob_kind[], smm_blob_reloc[], smm_blob_end[];
__asm__(".section .rodata\n"
        ".global smm_blob, smm_blob_kind, smm_blob_reloc, smm_blob_end\n"
        ".code16\n"
        "smm_blob:\n"
        "  movl $0xfee00020, %esi\n"           /* local APIC ID register */
        "  addr32 movl (%esi), %eax\n"
        "  shrl $24, %eax\n"
        "  movl %eax, %ebx\n"                  /* ebx = own APIC ID */
        "  movl $smm_mbox, %edi\n"
        "  addr32 movl %eax, 4(%edi)\n"        /* mbox.apic_id */
        "  movl %cs:0xff00, %eax\n"            /* save area: SMBASE */
        "  addr32 movl %eax, 8(%edi)\n"
        "  movl %cs:0xfefc, %eax\n"            /* save area: revision */
        "  addr32 movl %eax, 12(%edi)\n"
        "  movl %cs:0x8000 + (smm_blob_kind - smm_blob), %eax\n"
        "  addr32 movl %eax, 16(%edi)\n"       /* mbox.kind */
        "  movzbl %cs:0xfec9, %eax\n"          /* save area: auto-halt restart byte */
        "  addr32 movl %eax, 24(%edi)\n"
        "  movl %cs:0x8000 + (smm_blob_reloc - smm_blob), %eax\n"
        "  testl %eax, %eax\n"
        "  jz 1f\n"
        "  shll $16, %ebx\n"                   /* id * NEW_BASE_STEP */
        "  addl %ebx, %eax\n"
        "  movl %eax, %cs:0xff00\n"            /* the new SMBASE, taken by RSM */
        "  addr32 movl %eax, 20(%edi)\n"       /* mbox.new_smbase */
        "1:\n"
        "  addr32 lock incl (%edi)\n"          /* mbox.seq, last */
        "  rsm\n"
        "smm_blob_kind: .long 0\n"
        "smm_blob_reloc: .long 0\n"
        "smm_blob_end:\n"
        ".code64\n"
        ".previous\n");

static unsigned ncpus;
static uint64_t run;
static int on_qemu;                       /* the oracle's known differences, see main */
static unsigned wake_base[MAX_RELOC_CPUS]; /* hlt_wakeups once the AP idles */

static uint32_t new_base(unsigned id) { return NEW_BASE0 + id * NEW_BASE_STEP; }

static uint8_t cmos_read(uint8_t idx)
{
    outb(CMOS_INDEX, idx);
    return inb(CMOS_DATA);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(CMOS_INDEX, idx);
    outb(CMOS_DATA, v);
}

static void smm_install(uint32_t smbase, uint32_t kind, uint32_t reloc)
{
    uint8_t *save = (uint8_t *)(uint64_t)(smbase + 0xfe00);
    memset(save, 0, 0x200);
    uint8_t *at = (uint8_t *)(uint64_t)(smbase + 0x8000);
    size_t len = (size_t)(smm_blob_end - smm_blob);
    memcpy(at, smm_blob, len);
    memcpy(at + (smm_blob_kind - smm_blob), &kind, 4);
    memcpy(at + (smm_blob_reloc - smm_blob), &reloc, 4);
}

static const char *kind_name(uint32_t kind)
{
    static char buf[32];
    if (kind == KIND_DEFAULT) {
        return "the default base 0x30000";
    }
    if ((kind & ~0xffu) == KIND_NEW) {
        /* a tiny formatter: guest_printf has no snprintf */
        const char *p = "the new base of APIC ID ";
        size_t n = strlen(p);
        memcpy(buf, p, n);
        unsigned id = kind & 0xff;
        if (id >= 10) {
            buf[n++] = (char)('0' + id / 10);
        }
        buf[n++] = (char)('0' + id % 10);
        buf[n] = 0;
        return buf;
    }
    return "nowhere known";
}

/* Sends an SMI to CPU idx and checks where it entered; returns 0 if it did not arrive. */
static int smi_check(const char *step, unsigned idx, uint32_t want_kind, uint32_t want_smbase,
                     uint32_t want_new)
{
    unsigned id = x86_smp_apic_ids[idx];
    unsigned w0 = smp_cpus[idx].hlt_wakeups;
    smm_mbox.new_smbase = 0;
    smm_mbox.kind = 0;
    uint32_t s0 = smm_mbox.seq;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (apic_send_ipi(id, XAPIC_DM_SMI | XAPIC_LEVEL_ASSERT) < 0) {
        guest_printf("FAIL run %lu %s: ICR busy sending the SMI to CPU %u\n", run, step, idx);
        guest_failures++;
        return 0;
    }
    if (!smp_wait_eq(&smm_mbox.seq, s0 + 1, 1000000)) {
        guest_printf("FAIL run %lu %s: SMI to CPU %u (APIC ID %u) not handled within 1 s\n", run,
                     step, idx, id);
        guest_failures++;
        return 0;
    }
    int bad = 0;
    if (smm_mbox.kind != want_kind) {
        guest_printf("FAIL run %lu %s: CPU %u entered SMM at %s, want %s\n", run, step, idx,
                     kind_name(smm_mbox.kind), want_kind == KIND_DEFAULT ? "the default base"
                                                                         : "its new base");
        bad = 1;
    }
    if (smm_mbox.apic_id != id) {
        guest_printf("FAIL run %lu %s: CPU %u read APIC ID %u in SMM, want %u\n", run, step, idx,
                     smm_mbox.apic_id, id);
        bad = 1;
    }
    if (smm_mbox.smbase != want_smbase) {
        guest_printf("FAIL run %lu %s: CPU %u saved SMBASE %x, want %x\n", run, step, idx,
                     smm_mbox.smbase, want_smbase);
        bad = 1;
    }
    if (smm_mbox.revision != SMM_REVISION) {
        guest_printf("FAIL run %lu %s: CPU %u saved revision %x, want %x\n", run, step, idx,
                     smm_mbox.revision, SMM_REVISION);
        bad = 1;
    }
    if (smm_mbox.new_smbase != want_new) {
        guest_printf("FAIL run %lu %s: CPU %u relocated to %x, want %x\n", run, step, idx,
                     smm_mbox.new_smbase, want_new);
        bad = 1;
    }
    if (idx != 0 && !on_qemu) {
        /* The AP had time to run its loop's increment if RSM returned past its HLT. */
        delay_us(2000);
        if (smp_cpus[idx].hlt_wakeups != w0) {
            guest_printf("FAIL run %lu %s: CPU %u's HLT returned after the SMI (%u -> %u; "
                         "auto-halt byte %u): no auto-HALT restart\n",
                         run, step, idx, w0, smp_cpus[idx].hlt_wakeups, smm_mbox.halt_restart);
            bad = 1;
        }
    }
    guest_failures += bad;
    return 1;
}

static void reboot(void)
{
    outb(PORT_RESET_CONTROL, 0x02);
    outb(PORT_RESET_CONTROL, 0x06);
    for (;;) {
        __asm__ volatile("cli\n hlt");
    }
}

int main(uint32_t magic, uint64_t mbi)
{
    uint64_t runs = x86_cmdline_num("smmreloc.runs", 3);
    if (cmos_read(CMOS_MAGIC_IDX) != 0xa5 || cmos_read(CMOS_MAGIC_IDX + 1) != 0x5a) {
        cmos_write(CMOS_MAGIC_IDX + 2, 0);
        cmos_write(CMOS_MAGIC_IDX + 3, 0);
        cmos_write(CMOS_MAGIC_IDX, 0xa5);
        cmos_write(CMOS_MAGIC_IDX + 1, 0x5a);
    }
    run = cmos_read(CMOS_MAGIC_IDX + 2) | (uint64_t)cmos_read(CMOS_MAGIC_IDX + 3) << 8;

    /* The oracle, qemu-system-x86_64 7.2 with SeaBIOS, differs in two known ways: SeaBIOS
     * relocates the BSP's SMBASE to 0xA0000 (closed SMRAM) at every boot, so the BSP steps
     * run on Tandem only (no firmware); and its RSM resumes after the HLT (no auto-HALT
     * restart: save-area byte 0xFEC9 stays 0), so the HLT-return checks run on Tandem only. */
    on_qemu = x86_on_qemu_tcg();
    ncpus = smp_init();
    if (ncpus < 2 || ncpus > MAX_RELOC_CPUS) {
        guest_printf("FAIL run %lu: %u CPUs (want 2-%d: run with -smp 4)\n", run, ncpus,
                     MAX_RELOC_CPUS);
        return 1;
    }
    for (unsigned i = 0; i < ncpus; i++) {
        if (x86_smp_apic_ids[i] >= MAX_RELOC_CPUS) {
            guest_printf("FAIL APIC ID %u too large for the new-base layout\n",
                         x86_smp_apic_ids[i]);
            return 1;
        }
    }
    extern char __bss_end[];
    if ((uint64_t)__bss_end > NEW_BASE0) {
        guest_printf("FAIL test image ends at %p, above the new SMBASEs\n", __bss_end);
        return 1;
    }

    /* 1: handlers at the default base and at every new base, save areas cleared. */
    smm_install(SMBASE_DEFAULT, KIND_DEFAULT, NEW_BASE0);
    for (unsigned i = 0; i < ncpus; i++) {
        unsigned id = x86_smp_apic_ids[i];
        smm_install(new_base(id), KIND_NEW | id, 0);
    }

    /* 2: start the APs, then relocate each one in turn. */
    for (unsigned i = 1; i < ncpus; i++) {
        if (smp_start_ap(i, NULL) < 0 || !smp_wait_eq(&smp_cpus[i].done, 1, 1000000)) {
            guest_printf("FAIL run %lu: CPU %u did not start\n", run, i);
            return 1;
        }
    }
    delay_us(1000); /* let the last one reach its HLT (not needed for correctness) */
    for (unsigned i = 1; i < ncpus; i++) {
        wake_base[i] = smp_cpus[i].hlt_wakeups;
    }
    for (unsigned i = 1; i < ncpus; i++) {
        unsigned id = x86_smp_apic_ids[i];
        if (!smi_check("relocation", i, KIND_DEFAULT, SMBASE_DEFAULT, new_base(id))) {
            return guest_report();
        }
    }
    /* 3: the BSP relocates itself, then every CPU's second SMI must use its new base. */
    unsigned bsp_id = x86_smp_apic_ids[0];
    if (!on_qemu &&
        !smi_check("BSP relocation", 0, KIND_DEFAULT, SMBASE_DEFAULT, new_base(bsp_id))) {
        return guest_report();
    }
    for (unsigned i = on_qemu ? 1 : 0; i < ncpus; i++) {
        unsigned id = x86_smp_apic_ids[i];
        if (!smi_check("after relocation", i, KIND_NEW | id, new_base(id), 0)) {
            return guest_report();
        }
    }
    /* 4: INIT keeps SMBASE. */
    unsigned again = 1 + (unsigned)(run % (ncpus - 1));
    unsigned w_again = smp_cpus[again].hlt_wakeups;
    if (smp_start_ap(again, NULL) < 0 || !smp_wait_eq(&smp_cpus[again].done, 2, 1000000)) {
        guest_printf("FAIL run %lu: CPU %u did not restart after INIT/SIPI\n", run, again);
        return 1;
    }
    delay_us(1000);
    /* On QEMU the second SIPI ends the HLT the first one's start reached (a woken HLT). */
    wake_base[again] += smp_cpus[again].hlt_wakeups - w_again;
    unsigned again_id = x86_smp_apic_ids[again];
    if (!smi_check("after INIT", again, KIND_NEW | again_id, new_base(again_id), 0)) {
        return guest_report();
    }
    /* Nothing may have woken an AP halted with IF = 0 during the run. */
    delay_us(2000);
    for (unsigned i = 1; i < ncpus && !on_qemu; i++) {
        if (smp_cpus[i].hlt_wakeups != wake_base[i]) {
            guest_printf("FAIL run %lu: CPU %u's HLT returned %u times during the SMIs\n", run,
                         i, smp_cpus[i].hlt_wakeups - wake_base[i]);
            guest_failures++;
        }
    }
    if (guest_failures) {
        return guest_report();
    }

    /* 5: count the run, reset the machine. */
    run++;
    guest_printf("run %lu of %lu: %u CPUs relocated\n", run, runs, ncpus);
    if (run < runs) {
        cmos_write(CMOS_MAGIC_IDX + 2, (uint8_t)run);
        cmos_write(CMOS_MAGIC_IDX + 3, (uint8_t)(run >> 8));
        reboot();
    }
    cmos_write(CMOS_MAGIC_IDX, 0);
    (void)magic;
    (void)mbi;
    return guest_report();
}
