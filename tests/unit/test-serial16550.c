/*
 * test-serial16550.c — the 16550A UART through its I/O callbacks as a PC guest sees it: reset
 * values, the probes Linux's 8250 autoconfig makes (scratch register, IER read-back, IIR FIFO
 * bits after FCR=1, loopback MSR), the divisor latch, transmit to a file chardev, receive with
 * and without FIFOs, trigger levels, overrun, and the interrupt priorities on a test IRQ line.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "hw/char/serial16550.h"

static Serial16550State uart;
static int irq_level = -1;

static void irq_handler(void *opaque, int n, int level) {
    cr_assert_eq(n, 4);
    irq_level = level;
}

static uint8_t in(uint64_t port) {
    return (uint8_t)serial16550_ops.read(&uart, port, 1);
}
static void out(uint64_t port, uint8_t v) {
    serial16550_ops.write(&uart, port, v, 1);
}
static void feed(const char *s) {
    serial16550_receive(&uart, (const uint8_t *)s, (int)strlen(s));
}

static void setup(void) {
    irq_level = -1;
    serial16550_init(&uart, NULL, (IRQLine){irq_handler, NULL, 4});
}

TestSuite(serial16550, .init = setup);

Test(serial16550, reset_values) {
    cr_assert_eq(in(UART_IER), 0);
    cr_assert_eq(in(UART_IIR), 0x01);
    cr_assert_eq(in(UART_LCR), 0);
    cr_assert_eq(in(UART_MCR), 0);
    cr_assert_eq(in(UART_LSR), 0x60);
    cr_assert_eq(in(UART_MSR), 0xb0);
    cr_assert_eq(in(UART_SCR), 0);
    cr_assert_eq(uart.io.size, 8);
    cr_assert_eq(irq_level, -1, "line already low: no edge");
}

Test(serial16550, linux_autoconfig_probes) {
    /* 8250_port.c autoconfig: IER read-back */
    out(UART_IER, 0);
    cr_assert_eq(in(UART_IER)&0x0f, 0);
    out(UART_IER, 0x0f);
    cr_assert_eq(in(UART_IER)&0x0f, 0x0f);
    out(UART_IER, 0);
    /* scratch register */
    out(UART_SCR, 0xa5);
    cr_assert_eq(in(UART_SCR), 0xa5);
    out(UART_SCR, 0x5a);
    cr_assert_eq(in(UART_SCR), 0x5a);
    /* loopback: MCR = LOOP|OUT2|RTS -> MSR status bits DCD|CTS */
    out(UART_MCR, UART_MCR_LOOP | 0x0a);
    cr_assert_eq(in(UART_MSR)&0xf0, 0x90);
    out(UART_MCR, 0);
    /* FIFO type: FCR enable, IIR bits 7:6 = 11 means 16550A */
    out(UART_IIR, UART_FCR_ENABLE);
    cr_assert_eq(in(UART_IIR) >> 6, 3);
    out(UART_IIR, 0);
    cr_assert_eq(in(UART_IIR) >> 6, 0);
    /* early console waits for THRE|TEMT */
    cr_assert_eq(in(UART_LSR)&0x60, 0x60);
}

Test(serial16550, divisor_latch) {
    out(UART_LCR, 0x83);
    out(UART_RBR, 0x01); /* 115200 */
    out(UART_IER, 0x00);
    cr_assert_eq(in(UART_RBR), 0x01);
    cr_assert_eq(in(UART_IER), 0x00);
    out(UART_IER, 0x12);
    cr_assert_eq(uart.divisor, 0x1201);
    out(UART_LCR, 0x03);
    cr_assert_eq(in(UART_IER), 0, "IER untouched by the DLM write");
    cr_assert_eq(in(UART_LCR), 0x03);
}

Test(serial16550, transmit_to_chardev) {
    char path[] = "/tmp/tandem-16550-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    char *spec = g_strdup_printf("file:%s", path);
    Chardev *chr = chardev_new(spec);
    cr_assert_not_null(chr);
    serial16550_init(&uart, chr, (IRQLine){irq_handler, NULL, 4});
    out(UART_LCR, 0x83);
    out(UART_RBR, 'X'); /* divisor, not data */
    out(UART_LCR, 0x03);
    out(UART_RBR, 'h');
    out(UART_RBR, 'i');
    out(UART_MCR, UART_MCR_LOOP);
    out(UART_RBR, '!'); /* loopback: not sent */
    gchar *text = NULL;
    gsize len = 0;
    cr_assert(g_file_get_contents(path, &text, &len, NULL));
    cr_assert_eq(len, 2);
    cr_assert_str_eq(text, "hi");
    cr_assert_eq(in(UART_LSR)&0x61, 0x61, "looped-back byte received");
    cr_assert_eq(in(UART_RBR), '!');
    g_free(text);
    g_free(spec);
    unlink(path);
}

Test(serial16550, receive_without_fifo_overrun) {
    cr_assert_eq(serial16550_can_receive(&uart), 1);
    feed("a");
    cr_assert_eq(serial16550_can_receive(&uart), 0);
    cr_assert_eq(in(UART_LSR), 0x61);
    feed("b"); /* overwrites, OE */
    cr_assert_eq(in(UART_LSR), 0x63);
    cr_assert_eq(in(UART_LSR), 0x61, "OE cleared by the LSR read");
    cr_assert_eq(in(UART_RBR), 'b');
    cr_assert_eq(in(UART_LSR), 0x60);
}

Test(serial16550, fifo_order_and_trigger) {
    out(UART_IIR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | 0x80); /* trigger 8 */
    out(UART_IER, UART_IER_ERBFI);
    cr_assert_eq(serial16550_can_receive(&uart), 16);
    feed("0123456");
    cr_assert_eq(in(UART_IIR), 0xcc, "7 < 8: character timeout");
    cr_assert_eq(irq_level, 1);
    feed("7");
    cr_assert_eq(in(UART_IIR), 0xc4, "trigger level reached");
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(in(UART_RBR), '0' + i);
    }
    cr_assert_eq(in(UART_IIR), 0xc1);
    cr_assert_eq(irq_level, 0);
    feed("ABCDEFGHIJKLMNOPQ"); /* 17th is lost */
    cr_assert_eq(in(UART_LSR)&UART_LSR_OE, UART_LSR_OE);
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(in(UART_RBR), 'A' + i);
    }
    cr_assert_eq(in(UART_LSR)&UART_LSR_DR, 0);
    feed("xy");
    out(UART_IIR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
    cr_assert_eq(in(UART_LSR)&UART_LSR_DR, 0, "FCR bit 1 flushes the receiver");
}

Test(serial16550, thre_interrupt_as_linux_tests_it) {
    /* serial8250_do_startup: enable THRI, IIR shows it, disable/enable shows it again */
    out(UART_IER, UART_IER_ETBEI);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(in(UART_IIR), 0x02);
    cr_assert_eq(irq_level, 0, "IIR read cleared THRE");
    cr_assert_eq(in(UART_IIR), 0x01);
    out(UART_IER, 0);
    out(UART_IER, UART_IER_ETBEI);
    cr_assert_eq(in(UART_IIR), 0x02);
    out(UART_RBR, 'z');
    cr_assert_eq(irq_level, 1, "THR empties at once after a write");
    out(UART_IER, 0);
    cr_assert_eq(irq_level, 0);
}

Test(serial16550, interrupt_priority) {
    out(UART_IER, 0x0f);
    cr_assert_eq(in(UART_IIR), 0x02, "THRE first");
    out(UART_MCR, UART_MCR_LOOP); /* MSR lines drop: deltas */
    cr_assert_eq(in(UART_IIR), 0x00, "modem status lowest");
    feed("q"); /* ignored by can_receive in loopback, but receive() still takes it */
    cr_assert_eq(in(UART_IIR), 0x04, "received data above modem status");
    feed("r"); /* overrun without FIFO */
    cr_assert_eq(in(UART_IIR), 0x06, "line status highest");
    cr_assert_eq(in(UART_LSR)&UART_LSR_OE, UART_LSR_OE);
    cr_assert_eq(in(UART_IIR), 0x04);
    cr_assert_eq(in(UART_RBR), 'r');
    cr_assert_eq(in(UART_MSR)&0x0f, UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    cr_assert_eq(in(UART_IIR), 0x01);
    cr_assert_eq(irq_level, 0);
}

Test(serial16550, loopback_ring_trailing_edge) {
    out(UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1);
    cr_assert_eq(in(UART_MSR), UART_MSR_RI | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    out(UART_MCR, UART_MCR_LOOP);
    cr_assert_eq(in(UART_MSR), UART_MSR_TERI);
    out(UART_MCR, 0);
    cr_assert_eq(in(UART_MSR), 0xb0 | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
}
