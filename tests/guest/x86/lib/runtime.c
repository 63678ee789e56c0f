/*
 * runtime.c — the x86-64 guest runtime: COM1 16550 output (register layout from the PC16550D
 * datasheet: THR at +0, LSR at +5 with THRE = bit 5), isa-debug-exit, failure counting, the
 * IDT and TSS (SDM vol. 3A 6.14.1 64-bit gate descriptors, 7.7 64-bit TSS), the exception
 * dispatcher called by idt.S, and 4 KiB page mapping from a static table pool.
 * Compiled with -mgeneral-regs-only: handlers must not clobber the interrupted code's XMM
 * registers. Handlers run with IF = 0. Several CPUs (smp.c) share the IDT and the handler
 * table; each AP gets its own GDT copy and TSS (x86_init_ap_tables); printf_lock serialises
 * guest_vprintf between CPUs (recursive per APIC ID, so a handler may print).
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





/* Defined here, not in smp.c, so programs that link only runtime.o (the x86 difftest) see
 * 0 and print without the lock. */
uint32_t x86_smp_ncpus;

/* Owner's APIC ID + 1, 0 when free; depth counts the owner's nested calls. */
static volatile uint32_t printf_owner;
static unsigned printf_depth;

/* Only once smp_init has run (it maps the APIC page): before that one CPU runs. */
static void printf_lock(void)
{
    if (!x86_smp_ncpus) {
        return;
    }
    uint32_t me = apic_id_self() + 1;
    if (printf_owner == me) {
        printf_depth++;
        return;
    }
    while (!__sync_bool_compare_and_swap(&printf_owner, 0, me)) {
        cpu_relax();
    }
    printf_depth = 1;
}

static void printf_unlock(void)
{
    if (!x86_smp_ncpus) {
        return;
    }
    if (--printf_depth == 0) {
        __atomic_store_n(&printf_owner, 0, __ATOMIC_RELEASE);
    }
}

static void guest_vprintf_locked(const char *fmt, va_list ap);
void guest_vprintf(const char *fmt, va_list ap)
{
    printf_lock();
    guest_vprintf_locked(fmt, ap);
    printf_unlock();
}

static void guest_vprintf_locked(const char *fmt, va_list ap)
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

uint64_t x86_cmdline_num(const char *key, uint64_t dflt)
{
    const uint32_t *mbi = (const uint32_t *)x86_mb_info;
    if (x86_mb_magic != 0x2BADB002u || !mbi || !(mbi[0] & 4) || !mbi[4]) {
        return dflt;
    }
    size_t klen = strlen(key);
    for (const char *p = (const char *)(uint64_t)mbi[4]; *p; p++) {
        if ((p == (const char *)(uint64_t)mbi[4] || p[-1] == ' ' || p[-1] == ',') &&
            !memcmp(p, key, klen) && p[klen] == '=') {
            uint64_t v = 0;
            for (p += klen + 1; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (uint64_t)(*p - '0');
            }
            return v;
        }
    }
    return dflt;
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

static void x86_init_tss(uint64_t *gdt, struct tss64 *t, uint8_t *exc_top, uint8_t *df_top)
{
    uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
    t->rsp[0] = (uint64_t)exc_top;
    t->ist[0] = (uint64_t)df_top; /* IST1 */
    t->iomap_base = sizeof(*t); /* no I/O permission bitmap */
    /* SDM 7.2.3: type 0x9 (available 64-bit TSS), P; base 63:32 in the second quadword */
    gdt[X86_SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                           ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[X86_SEL_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"((uint16_t)X86_SEL_TSS) : "memory");
}

static void x86_load_idt(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

/* Per-AP tables: a TSS is marked busy in the GDT that LTR used (SDM 7.2.4), so every CPU
 * needs its own descriptor, hence its own GDT copy (same selectors as x86_gdt). */
static uint64_t ap_gdt[X86_MAX_CPUS][X86_GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss64 ap_tss[X86_MAX_CPUS] __attribute__((aligned(16)));
static uint8_t ap_exc_stack[X86_MAX_CPUS][X86_EXC_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ap_df_stack[X86_MAX_CPUS][X86_EXC_STACK_SIZE] __attribute__((aligned(16)));

void x86_init_ap_tables(unsigned idx)
{
    uint64_t *gdt = ap_gdt[idx];
    memcpy(gdt, x86_gdt, sizeof(ap_gdt[0]));
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {sizeof(ap_gdt[0]) - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
    x86_init_tss(gdt, &ap_tss[idx], ap_exc_stack[idx] + X86_EXC_STACK_SIZE,
                 ap_df_stack[idx] + X86_EXC_STACK_SIZE);
    x86_load_idt();
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
    x86_load_idt();
    x86_init_tss(x86_gdt, &tss, exc_stack + sizeof(exc_stack), df_stack + sizeof(df_stack));
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
