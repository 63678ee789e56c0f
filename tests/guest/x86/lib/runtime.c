/*
 * runtime.c — the x86-64 guest runtime: COM1 16550 output (register layout from the PC16550D
 * datasheet: THR at +0, LSR at +5 with THRE = bit 5), isa-debug-exit, failure counting, the
 * IDT and TSS (SDM vol. 3A 6.14.1 64-bit gate descriptors, 7.7 64-bit TSS), the exception
 * dispatcher called by idt.S, and 4 KiB page mapping from a static table pool.
 * Compiled with -mgeneral-regs-only: handlers must not clobber the interrupted code's XMM
 * registers. Single CPU; handlers run with IF = 0.
 */
#include "runtime.h"

#define COM1 0x3f8

uint32_t x86_mb_magic;
uint64_t x86_mb_info;
volatile struct exc_record exc_last;
volatile uint64_t exc_resume_at;

/* ---- output ---- */
void uart_putc(char c)
{
    if (c == '\n') {
        uart_putc('\r');
    }
    while (!(inb(COM1 + 5) & 0x20)) { /* LSR.THRE */
    }
    outb(COM1, (uint8_t)c);
}





void guest_vprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            uart_putc(*fmt);
            continue;
        }
        fmt++;
        int is_long = 0;
        while (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            print_dec(is_long ? va_arg(ap, int64_t) : va_arg(ap, int));
            break;
        case 'u':
            print_unsigned(is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 1);
            break;
        case 'x':
            print_unsigned(is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 1);
            break;
        case 'p':
            print_hex((uint64_t)va_arg(ap, void *));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            uart_puts(s ? s : "(null)");
            break;
        }
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case '%':
            uart_putc('%');
            break;
        case '\0':
            return;
        default:
            uart_putc('%');
            uart_putc(*fmt);
            break;
        }
    }
}

void guest_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    guest_vprintf(fmt, ap);
    va_end(ap);
}

void guest_exit(int code)
{
    outl(X86_DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;) {
        __asm__ volatile("cli\n hlt");
    }
}

/* ---- checks ---- */




/* ---- IDT and TSS ---- */
struct idt_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type_attr; /* type_attr: P | DPL << 5 | type */
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
} __attribute__((packed));

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static uint8_t exc_stack[X86_EXC_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t df_stack[X86_EXC_STACK_SIZE] __attribute__((aligned(16)));
static exc_handler_fn exc_handlers[256];
extern uint64_t x86_gdt[X86_GDT_ENTRIES];
extern uint64_t x86_user_saved_rsp;
extern char x86_user_resume[];

void idt_set_gate(int vector, void (*handler)(void), int type, int dpl, int ist)
{
    uint64_t a = (uint64_t)handler;
    struct idt_gate *g = &idt[vector & 0xff];
    g->offset_lo = (uint16_t)a;
    g->selector = X86_SEL_KCODE64;
    g->ist = (uint8_t)(ist & 7);
    g->type_attr = (uint8_t)(0x80 | (dpl & 3) << 5 | (type & 0xf));
    g->offset_mid = (uint16_t)(a >> 16);
    g->offset_hi = (uint32_t)(a >> 32);
    g->reserved = 0;
}

void exc_set_handler(int vector, exc_handler_fn fn)
{
    exc_handlers[vector & 0xff] = fn;
}

void exc_reset(void)
{
    exc_last.vector = (uint64_t)-1;
    exc_last.error_code = exc_last.rip = exc_last.cs = exc_last.cr2 = 0;
    exc_last.count = 0;
    exc_resume_at = 0;
}

void exc_record_handler(struct x86_exc_frame *frame)
{
    exc_last.vector = frame->vector;
    exc_last.error_code = frame->error_code;
    exc_last.rip = frame->rip;
    exc_last.cs = frame->cs;
    exc_last.cr2 = frame->vector == X86_EXC_PF ? READ_CR(2) : 0;
    exc_last.count++;
    if (exc_resume_at) {
        frame->rip = exc_resume_at;
        exc_resume_at = 0;
        return;
    }
    /* Traps report the address after the instruction (SDM 6.5); resuming there is safe. */
    if (frame->vector == X86_EXC_BP || frame->vector == X86_EXC_OF || frame->vector >= 32) {
        return;
    }
    guest_printf("FAIL unexpected exception vector %lu error %lx rip %lx cr2 %lx\n",
                 frame->vector, frame->error_code, frame->rip, READ_CR(2));
    guest_exit(1);
}

/* Called by idt.S with the frame on the stack. The DPL-3 user-return gate is handled first:
 * back to ring 0 at x86_user_resume on the stack user_call saved, RAX = fn's result. */
void x86_exc_dispatch(struct x86_exc_frame *frame);
void x86_exc_dispatch(struct x86_exc_frame *frame)
{
    if (frame->vector == X86_VEC_USER_RETURN && (frame->cs & 3) == 3) {
        frame->rax = frame->rdi;
        frame->rip = (uint64_t)x86_user_resume;
        frame->cs = X86_SEL_KCODE64;
        frame->ss = X86_SEL_KDATA;
        frame->rsp = x86_user_saved_rsp;
        frame->rflags = 0x2;
        return;
    }
    exc_handler_fn fn = exc_handlers[frame->vector & 0xff];
    (fn ? fn : exc_record_handler)(frame);
}

static void x86_init_tss(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    tss.rsp[0] = (uint64_t)(exc_stack + sizeof(exc_stack));
    tss.ist[0] = (uint64_t)(df_stack + sizeof(df_stack)); /* IST1 */
    tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
    /* SDM 7.2.3: type 0x9 (available 64-bit TSS), P; base 63:32 in the second quadword */
    x86_gdt[X86_SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                               ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    x86_gdt[X86_SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)X86_SEL_TSS) : "memory");
}

void x86_init(uint32_t magic, uint64_t mbi)
{
    /* 16550: 8N1, divisor 1 (115200), FIFOs on; QEMU ignores the rate */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0x07);
    uart_putc('\n'); /* the firmware's banner may have left a line open */
    for (int v = 0; v < 256; v++) {
        idt_set_gate(v, (void (*)(void))(x86_idt_stubs + 16 * v), 0xe, 0, v == X86_EXC_DF);
    }
    idt_set_gate(X86_VEC_USER_RETURN,
                 (void (*)(void))(x86_idt_stubs + 16 * X86_VEC_USER_RETURN), 0xe, 3, 0);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
    x86_init_tss();
    exc_reset();
}

/* ---- paging: 4 KiB mappings outside the identity-mapped first GiB ---- */
#define PT_POOL_PAGES 16
static uint64_t pt_pool[PT_POOL_PAGES][512] __attribute__((aligned(4096)));
static int pt_pool_used;

/* The table an entry points to, allocating it (P | RW | US) when absent; NULL on a large
 * page or an empty pool. */
static uint64_t *pt_next(uint64_t *entry, int alloc)
{
    if (*entry & X86_PTE_P) {
        return (*entry & X86_PTE_PS) ? NULL : (uint64_t *)(*entry & X86_PTE_ADDR);
    }
    if (!alloc || pt_pool_used == PT_POOL_PAGES) {
        return NULL;
    }
    uint64_t *t = pt_pool[pt_pool_used++];
    *entry = (uint64_t)t | X86_PTE_P | X86_PTE_RW | X86_PTE_US;
    return t;
}

static volatile uint64_t *pt_walk(uint64_t va, int alloc)
{
    uint64_t *pdpt = pt_next(&x86_pml4[(va >> 39) & 511], alloc);
    uint64_t *pd = pdpt ? pt_next(&pdpt[(va >> 30) & 511], alloc) : NULL;
    uint64_t *pt = pd ? pt_next(&pd[(va >> 21) & 511], alloc) : NULL;
    return pt ? &pt[(va >> 12) & 511] : NULL;
}

volatile uint64_t *x86_map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
    volatile uint64_t *pte = pt_walk(va, 1);
    if (pte) {
        *pte = (pa & X86_PTE_ADDR) | flags | X86_PTE_P;
    }
    return pte;
}

volatile uint64_t *x86_pte_of(uint64_t va)
{
    return pt_walk(va, 0);
}
