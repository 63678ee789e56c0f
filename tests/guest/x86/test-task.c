/*
 * test-task.c — hardware task switches in 32-bit protected mode (Intel SDM vol. 3A chapter 7).
 * main (64-bit) builds a GDT with three 32-bit TSSs (A = the test, B, C) and a task gate to B,
 * and a 32-bit IDT whose #GP and #DF vectors are task gates to C; then it leaves IA-32e mode
 * (compatibility mode, CR0.PG = 0, EFER.LME = 0, SDM 10.8.5.4) and runs the 32-bit code below:
 *   1. JMP to TSS B: B sees NT = 0, TR = B, CR0.TS = 1, its EAX from the TSS; JMP back to A
 *      resumes after A's JMP with A's registers; busy bits: A busy, B available;
 *   2. CALL through the task gate: B sees NT = 1 and its link = A, B stays busy; IRET returns;
 *   3. #GP(0x1000) from MOV DS through the IDT task gate to C: the error code is on C's stack,
 *      C's link = A; C patches A's saved EAX and IRETs, so A retries the MOV;
 *   4. JMP to the busy TSS A itself: #GP(A's selector), C skips the 7-byte JMP;
 *   5. #GP with its gate not present: #NP while delivering #GP becomes #DF (table 6-5), taken
 *      through the #DF task gate (error code 0).
 * Failure prints "FAIL task step N" and exits 1; there is no way back to the 64-bit runtime.
 * Single CPU bare metal, IF = 0, paging off in the 32-bit part.
 */
#include "runtime.h"

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_TSS_A 0x18
#define SEL_TSS_B 0x20
#define SEL_TSS_C 0x28
#define SEL_GATE_B 0x30

uint64_t gdt32[8] __attribute__((aligned(16)));
uint64_t idt32[256] __attribute__((aligned(16)));
uint32_t tss_a[26] __attribute__((aligned(16)));
uint32_t tss_b[26] __attribute__((aligned(16)));
uint32_t tss_c[26] __attribute__((aligned(16)));
uint8_t stack_a[4096] __attribute__((aligned(16)));
uint8_t stack_b[4096] __attribute__((aligned(16)));
uint8_t stack_c[4096] __attribute__((aligned(16)));
volatile uint32_t step, b_seen, c_err;

extern char pm32_entry[], task_b_entry[], task_c_entry[];

static uint64_t desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)access << 40) |
           ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(flags & 0xf) << 52) |
           ((uint64_t)(base >> 24) << 56);
}

/* A task gate (SDM figure 7-6): TSS selector in bits 31:16, type 5, P. */
static uint64_t task_gate(uint32_t tss_sel) { return ((uint64_t)tss_sel << 16) | (0x85ull << 40); }

/* 32-bit TSS (SDM figure 7-2) in dword units: EIP 8, EFLAGS 9, EAX 10, ESP 14, ES 18 .. GS 23 */
static void tss_init(uint32_t *t, void *eip, uint8_t *stack_top, uint32_t eax)
{
    t[8] = (uint32_t)(uintptr_t)eip;
    t[9] = 0x2;
    t[10] = eax;
    t[14] = (uint32_t)(uintptr_t)stack_top;
    t[18] = SEL_DATA;
    t[19] = SEL_CODE32;
    for (int i = 20; i < 24; i++) {
        t[i] = SEL_DATA;
    }
}

__asm__(
    ".code32\n"
    ".global pm32_entry, task_b_entry, task_c_entry\n"
    "pm32_entry:\n"
    /* compatibility mode -> legacy protected mode */
    "  mov %cr0, %eax\n  and $0x7fffffff, %eax\n  mov %eax, %cr0\n"
    "  mov $0xc0000080, %ecx\n  rdmsr\n  and $~0x100, %eax\n  wrmsr\n"
    "  mov $0x10, %ax\n  mov %ax, %ds\n  mov %ax, %es\n  mov %ax, %fs\n  mov %ax, %gs\n"
    "  mov %ax, %ss\n  mov $stack_a+4096, %esp\n"
    "  lidt idt32_ptr\n"
    "  mov $0x18, %ax\n  ltr %ax\n"
    /* 1: JMP to TSS B */
    "  movl $1, step\n  mov $0x5555, %ebx\n"
    "  ljmp $0x20, $0\n"
    "  cmp $0x5555, %ebx\n  jne fail\n"
    "  cmpl $1, b_seen\n  jne fail\n"
    "  clts\n"
    "  movzbl gdt32+0x20+5, %eax\n  cmp $0x89, %eax\n  jne fail\n"
    "  movzbl gdt32+0x18+5, %eax\n  cmp $0x8b, %eax\n  jne fail\n"
    /* 2: CALL through the task gate, IRET back */
    "  movl $2, step\n"
    "  lcall $0x30, $0\n"
    "  cmpl $2, b_seen\n  jne fail\n"
    "  pushf\n  pop %eax\n  test $0x4000, %eax\n  jnz fail\n"
    "  movzbl gdt32+0x20+5, %eax\n  cmp $0x89, %eax\n  jne fail\n"
    "  mov %cr0, %eax\n  test $8, %eax\n  jz fail\n  clts\n"
    /* 3: #GP through the task gate */
    "  movl $3, step\n"
    "  mov $0x1000, %eax\n  mov %ax, %ds\n"
    "  cmpl $0x1000, c_err\n  jne fail\n"
    "  mov %ds, %ax\n  cmp $0x10, %ax\n  jne fail\n"
    /* 4: JMP to the busy TSS A: #GP(0x18) */
    "  movl $4, step\n"
    "  ljmp $0x18, $0\n"
    "  cmpl $0x18, c_err\n  jne fail\n"
    /* 5: #DF through the task gate */
    "  movl $5, step\n  movl $0xffff, c_err\n"
    "  andb $0x7f, idt32+13*8+5\n"
    "  mov $0x1000, %eax\n  mov %ax, %ds\n"
    "  cmpl $0, c_err\n  jne fail\n"
    "  orb $0x80, idt32+13*8+5\n"
    "  mov $pass_msg, %esi\n  call puts32\n"
    "  mov $0, %al\n  out %al, $0xf4\n"
    "1: hlt\n  jmp 1b\n"
    "fail:\n"
    "  mov $fail_msg, %esi\n  call puts32\n"
    "  mov step, %al\n  add $'0', %al\n  mov $0x3f8, %dx\n  out %al, %dx\n"
    "  mov $'\\n', %al\n  out %al, %dx\n"
    "  mov $1, %al\n  out %al, $0xf4\n"
    "2: hlt\n  jmp 2b\n"
    "puts32:\n  mov $0x3f8, %dx\n"
    "3: lodsb\n  test %al, %al\n  jz 4f\n  out %al, %dx\n  jmp 3b\n4: ret\n"
    /* task B */
    "task_b_entry:\n"
    "  cmpl $1, step\n  jne 5f\n"
    "  pushf\n  pop %ecx\n  test $0x4000, %ecx\n  jnz fail\n"
    "  str %cx\n  cmp $0x20, %cx\n  jne fail\n"
    "  mov %cr0, %ecx\n  test $8, %ecx\n  jz fail\n"
    "  cmp $0x1234, %eax\n  jne fail\n"
    "  movl $1, b_seen\n"
    "  ljmp $0x18, $0\n"
    "  jmp task_b_entry\n"
    "5:\n"
    "  pushf\n  pop %ecx\n  test $0x4000, %ecx\n  jz fail\n"
    "  movzwl tss_b, %ecx\n  cmp $0x18, %ecx\n  jne fail\n"
    "  movzbl gdt32+0x20+5, %ecx\n  cmp $0x8b, %ecx\n  jne fail\n"
    "  movzbl gdt32+0x18+5, %ecx\n  cmp $0x8b, %ecx\n  jne fail\n"
    "  movl $2, b_seen\n"
    "  iret\n"
    "  jmp task_b_entry\n"
    /* task C: #GP / #DF handler */
    "task_c_entry:\n"
    "  pop %eax\n  mov %eax, c_err\n"
    "  movzwl tss_c, %ecx\n  cmp $0x18, %ecx\n  jne fail\n"
    "  cmpl $4, step\n  jne 6f\n"
    "  addl $7, tss_a+0x20\n  jmp 7f\n"
    "6: movl $0x10, tss_a+0x28\n"
    "7: iret\n"
    "  jmp task_c_entry\n"
    ".data\n"
    "pass_msg: .asciz \"PASS\\n\"\n"
    "fail_msg: .asciz \"FAIL task step \"\n"
    ".balign 8\n"
    "idt32_ptr: .word 256*8-1\n  .long idt32\n"
    ".text\n"
    ".code64\n");

int main(void)
{
    gdt32[0] = 0;
    gdt32[1] = desc(0, 0xfffff, 0x9a, 0xc);
    gdt32[2] = desc(0, 0xfffff, 0x92, 0xc);
    gdt32[3] = desc((uint32_t)(uintptr_t)tss_a, 0x67, 0x89, 0);
    gdt32[4] = desc((uint32_t)(uintptr_t)tss_b, 0x67, 0x89, 0);
    gdt32[5] = desc((uint32_t)(uintptr_t)tss_c, 0x67, 0x89, 0);
    gdt32[6] = task_gate(SEL_TSS_B);
    tss_init(tss_b, task_b_entry, stack_b + sizeof(stack_b), 0x1234);
    tss_init(tss_c, task_c_entry, stack_c + sizeof(stack_c), 0);
    idt32[8] = task_gate(SEL_TSS_C);
    idt32[13] = task_gate(SEL_TSS_C);
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gp = { sizeof(gdt32) - 1, (uint64_t)(uintptr_t)gdt32 };
    __asm__ volatile("cli\n\t"
                     "lgdt %0\n\t"
                     "pushq $0x08\n\t"
                     "lea pm32_entry(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq"
                     : : "m"(gp) : "rax", "memory");
    return 1;
}
