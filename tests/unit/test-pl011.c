/*
 * test-pl011.c — the PL011 UART through its MemoryRegionOps, as a guest sees it: reset values,
 * PrimeCell IDs, transmit to a file chardev, the receive FIFO (1 entry without FEN, 32 with),
 * flags, overrun, trigger levels and the interrupt line (seen through a test IRQ handler).
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/char/pl011.h"

static int irq_level = -1;
static int irq_changes;

static void test_irq_handler(void *opaque, int n, int level)
{
    cr_assert_eq(n, 7);
    irq_level = level;
    irq_changes++;
}

static PL011State uart;

static uint32_t rd(uint64_t off) { return (uint32_t)pl011_ops.read(&uart, off, 4); }
static void wr(uint64_t off, uint32_t v) { pl011_ops.write(&uart, off, v, 4); }

static void setup(void)
{
    irq_level = -1;
    irq_changes = 0;
    pl011_init(&uart, NULL, (IRQLine){test_irq_handler, NULL, 7});
}

static void feed(const char *s) { pl011_receive(&uart, (const uint8_t *)s, (int)strlen(s)); }

TestSuite(pl011, .init = setup);

Test(pl011, reset_values)
{
    cr_assert_eq(rd(PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
    cr_assert_eq(rd(PL011_CR), 0x300);
    cr_assert_eq(rd(PL011_IFLS), 0x12);
    cr_assert_eq(rd(PL011_IMSC), 0);
    cr_assert_eq(rd(PL011_RIS), 0);
    cr_assert_eq(rd(PL011_LCR_H), 0);
    cr_assert_eq(uart.iomem.size, 0x1000);
    cr_assert_eq(uart.iomem.ops, &pl011_ops);
}

Test(pl011, primecell_ids)
{
    static const uint32_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(rd(0xfe0 + 4 * i), id[i], "ID register 0x%x", 0xfe0 + 4 * i);
    }
}

Test(pl011, transmit_goes_to_chardev)
{
    char path[] = "/tmp/tandem-pl011-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    char *spec = g_strdup_printf("file:%s", path);
    Chardev *chr = chardev_new(spec);
    cr_assert_not_null(chr);
    pl011_init(&uart, chr, (IRQLine){test_irq_handler, NULL, 7});
    wr(PL011_DR, 'o');
    wr(PL011_DR, 0x100 | 'k'); /* only the low 8 bits are data */
    pl011_ops.write(&uart, PL011_DR, '\n', 1);
    gchar *out = NULL;
    gsize len = 0;
    cr_assert(g_file_get_contents(path, &out, &len, NULL));
    cr_assert_eq(len, 3);
    cr_assert_str_eq(out, "ok\n");
    /* the transmit FIFO drains at once */
    cr_assert_eq(rd(PL011_FR) & (PL011_FR_TXFF | PL011_FR_BUSY), 0);
    cr_assert(rd(PL011_FR) & PL011_FR_TXFE);
    g_free(out);
    g_free(spec);
    unlink(path);
}

Test(pl011, receive_needs_uart_enabled)
{
    cr_assert_eq(pl011_can_receive(&uart), 0, "UARTEN is clear after reset");
    wr(PL011_CR, 0x301);
    cr_assert_eq(pl011_can_receive(&uart), 1, "FIFO disabled: one holding register");
    wr(PL011_CR, 0x101); /* RXE clear */
    cr_assert_eq(pl011_can_receive(&uart), 0);
}

Test(pl011, receive_without_fifo)
{
    wr(PL011_CR, 0x301);
    feed("a");
    cr_assert_eq(rd(PL011_FR) & (PL011_FR_RXFE | PL011_FR_RXFF), PL011_FR_RXFF);
    cr_assert_eq(pl011_can_receive(&uart), 0);
    cr_assert(rd(PL011_RIS) & PL011_INT_RX);
    feed("b"); /* overrun: lost, OE flagged */
    cr_assert(rd(PL011_RIS) & (1 << 10));
    cr_assert(rd(PL011_RSR) & (1 << 3));
    cr_assert_eq(rd(PL011_DR), 'a');
    cr_assert(rd(PL011_FR) & PL011_FR_RXFE);
    cr_assert_eq(rd(PL011_RIS) & (PL011_INT_RX | PL011_INT_RT), 0);
    wr(PL011_RSR, 0); /* ECR write clears errors */
    cr_assert_eq(rd(PL011_RSR), 0);
}

Test(pl011, fifo_holds_32_in_order)
{
    wr(PL011_CR, 0x301);
    wr(PL011_LCR_H, PL011_LCR_H_FEN | 0x60);
    cr_assert_eq(pl011_can_receive(&uart), 32);
    char in[33];
    for (int i = 0; i < 32; i++) {
        in[i] = (char)('A' + i);
    }
    in[32] = 0;
    feed(in);
    cr_assert(rd(PL011_FR) & PL011_FR_RXFF);
    cr_assert_eq(pl011_can_receive(&uart), 0);
    for (int i = 0; i < 32; i++) {
        cr_assert_eq(rd(PL011_DR), (uint32_t)('A' + i));
    }
    cr_assert(rd(PL011_FR) & PL011_FR_RXFE);
    cr_assert_eq(rd(PL011_DR), 0, "empty FIFO reads 0");
}

Test(pl011, rx_trigger_level_and_timeout)
{
    wr(PL011_CR, 0x301);
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    /* IFLS reset: RX trigger at 1/2 = 16 of 32 */
    feed("0123456789");
    cr_assert_eq(rd(PL011_RIS) & (PL011_INT_RX | PL011_INT_RT), PL011_INT_RT,
                 "below trigger: only the receive timeout");
    feed("abcdef");
    cr_assert(rd(PL011_RIS) & PL011_INT_RX, "16 characters reach the 1/2 trigger");
    rd(PL011_DR);
    cr_assert_eq(rd(PL011_RIS) & PL011_INT_RX, 0, "below the trigger again");
    cr_assert(rd(PL011_RIS) & PL011_INT_RT);
    wr(PL011_ICR, PL011_INT_RT);
    cr_assert_eq(rd(PL011_RIS) & PL011_INT_RT, 0);
    /* 1/8 trigger = 4 characters */
    wr(PL011_IFLS, 0);
    while (!(rd(PL011_FR) & PL011_FR_RXFE)) {
        rd(PL011_DR);
    }
    feed("xyz");
    cr_assert_eq(rd(PL011_RIS) & PL011_INT_RX, 0);
    feed("w");
    cr_assert(rd(PL011_RIS) & PL011_INT_RX);
}

Test(pl011, fen_change_empties_fifo)
{
    wr(PL011_CR, 0x301);
    wr(PL011_LCR_H, PL011_LCR_H_FEN);
    feed("abc");
    wr(PL011_LCR_H, 0);
    cr_assert(rd(PL011_FR) & PL011_FR_RXFE);
    cr_assert_eq(pl011_can_receive(&uart), 1);
}

Test(pl011, interrupt_line_follows_ris_and_imsc)
{
    wr(PL011_CR, 0x301);
    cr_assert_eq(irq_level, -1, "no edge at init when the line is already low");
    wr(PL011_DR, 'x'); /* TXRIS set, masked */
    cr_assert(rd(PL011_RIS) & PL011_INT_TX);
    cr_assert_eq(rd(PL011_MIS), 0);
    cr_assert_neq(irq_level, 1);
    wr(PL011_IMSC, PL011_INT_TX);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(rd(PL011_MIS), PL011_INT_TX);
    wr(PL011_ICR, PL011_INT_TX);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(rd(PL011_MIS), 0);

    wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
    int changes = irq_changes;
    feed("q");
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(irq_changes, changes + 1);
    cr_assert_eq(rd(PL011_MIS), PL011_INT_RX | PL011_INT_RT);
    cr_assert_eq(rd(PL011_DR), 'q');
    cr_assert_eq(irq_level, 0, "reading the only character clears RX and RT");

    feed("r");
    cr_assert_eq(irq_level, 1);
    wr(PL011_IMSC, 0);
    cr_assert_eq(irq_level, 0, "masking lowers the line");
    cr_assert(rd(PL011_RIS) & PL011_INT_RX, "the raw status stays");
}

Test(pl011, byte_and_halfword_access)
{
    wr(PL011_IBRD, 0x1234);
    uint64_t v;
    cr_assert_eq(memory_region_dispatch_read(&uart.iomem, PL011_IBRD, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0x34);
    cr_assert_eq(memory_region_dispatch_read(&uart.iomem, PL011_IBRD + 1, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0x12);
    cr_assert_eq(memory_region_dispatch_read(&uart.iomem, PL011_IBRD, &v, 2), MEMTX_OK);
    cr_assert_eq(v, 0x1234);
    /* 8-byte accesses are refused by the dispatcher */
    cr_assert_eq(memory_region_dispatch_read(&uart.iomem, PL011_FR, &v, 8), MEMTX_ERROR);
    cr_assert_eq(memory_region_dispatch_read(&uart.iomem, PL011_FR, &v, 4), MEMTX_OK);
    cr_assert_eq(v, PL011_FR_TXFE | PL011_FR_RXFE);
}

Test(pl011, registers_hold_values_and_reset_clears)
{
    wr(PL011_IBRD, 0x1ffff);
    wr(PL011_FBRD, 0xff);
    wr(PL011_LCR_H, 0x70);
    wr(PL011_IFLS, 0x3f);
    wr(PL011_DMACR, 0);
    cr_assert_eq(rd(PL011_IBRD), 0xffff);
    cr_assert_eq(rd(PL011_FBRD), 0x3f);
    cr_assert_eq(rd(PL011_LCR_H), 0x70);
    cr_assert_eq(rd(PL011_IFLS), 0x3f);
    wr(PL011_CR, 0x301);
    feed("z");
    pl011_reset(&uart);
    cr_assert_eq(rd(PL011_IBRD), 0);
    cr_assert_eq(rd(PL011_LCR_H), 0);
    cr_assert(rd(PL011_FR) & PL011_FR_RXFE);
    cr_assert_eq(rd(PL011_CR), 0x300);
}
