/*
 * test-i8259.c — the 8259A pair through its I/O callbacks, i8259_set_irq and i8259_intack, as
 * Linux (init_8259A, specific EOIs, ISR reads) and SeaBIOS (vectors 8/0x70, non-specific EOI)
 * program it: vectors, IRR/ISR/IMR, nesting by priority, the cascade, ELCR level inputs,
 * spurious IRQ 7 and 15, auto-EOI, poll, rotation, special mask and special fully nested mode.
 */
#include <criterion/criterion.h>

#include "hw/intc/i8259.h"

static I8259State pic;
static int intr = -1;

static void intr_handler(void *opaque, int n, int level) {
    intr = level;
}

static uint8_t in(int port) {
    if (port >= 0x4d0) {
        return (uint8_t)i8259_elcr_ops.read(&pic, port - 0x4d0, 1);
    }
    if (port >= 0xa0) {
        return (uint8_t)i8259_slave_ops.read(&pic, port - 0xa0, 1);
    }
    return (uint8_t)i8259_master_ops.read(&pic, port - 0x20, 1);
}

static void out(int port, uint8_t v) {
    if (port >= 0x4d0) {
        i8259_elcr_ops.write(&pic, port - 0x4d0, v, 1);
    } else if (port >= 0xa0) {
        i8259_slave_ops.write(&pic, port - 0xa0, v, 1);
    } else {
        i8259_master_ops.write(&pic, port - 0x20, v, 1);
    }
}

static void irq(int n, int level) {
    i8259_set_irq(&pic, n, level);
}
static void pulse(int n) {
    irq(n, 1), irq(n, 0);
}

/* arch/x86/kernel/i8259.c init_8259A(auto_eoi) with ISA_IRQ_VECTOR(0) = 0x30 */
static void linux_init(int auto_eoi) {
    out(0x21, 0xff);
    out(0xa1, 0xff);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 1 << 2);
    out(0x21, auto_eoi ? 0x03 : 0x01);
    out(0xa0, 0x11);
    out(0xa1, 0x38);
    out(0xa1, 2);
    out(0xa1, 0x01);
    out(0x21, 0x00);
    out(0xa1, 0x00);
}

static uint8_t isr(int port) {
    out(port, 0x0b);
    uint8_t v = in(port);
    out(port, 0x0a);
    return v;
}

static void setup(void) {
    intr = -1;
    i8259_init(&pic, (IRQLine){intr_handler, NULL, 0});
    cr_assert_eq(intr, -1, "INTR starts low: no call");
    intr = 0;
}

TestSuite(i8259, .init = setup);

Test(i8259, linux_timer_interrupt) {
    linux_init(0);
    cr_assert_eq(in(0x21), 0);
    irq(0, 1);
    cr_assert_eq(intr, 1);
    cr_assert_eq(in(0x20), 0x01, "IRR");
    cr_assert_eq(i8259_intack(&pic), 0x30);
    cr_assert_eq(intr, 0);
    cr_assert_eq(isr(0x20), 0x01);
    cr_assert_eq(in(0x20), 0x00, "IRR cleared by INTA");
    irq(0, 0);
    irq(0, 1); /* the next tick waits in IRR while IR0 is in service */
    cr_assert_eq(intr, 0);
    out(0x20, 0x60); /* specific EOI IR0 */
    cr_assert_eq(isr(0x20), 0);
    cr_assert_eq(intr, 1);
    cr_assert_eq(i8259_intack(&pic), 0x30);
}

Test(i8259, imr_masks_and_priority_nests) {
    linux_init(0);
    out(0x21, 0x02);
    pulse(1);
    cr_assert_eq(intr, 0, "masked");
    pulse(3);
    cr_assert_eq(i8259_intack(&pic), 0x33);
    pulse(5);
    cr_assert_eq(intr, 0, "IR5 is below IR3 in service");
    out(0x21, 0x00);
    cr_assert_eq(intr, 1, "IR1 unmasked, above IR3");
    cr_assert_eq(i8259_intack(&pic), 0x31);
    cr_assert_eq(isr(0x20), 0x0a);
    out(0x20, 0x20); /* non-specific EOI: IR1 */
    cr_assert_eq(isr(0x20), 0x08);
    cr_assert_eq(intr, 0);
    out(0x20, 0x20); /* IR3 */
    cr_assert_eq(intr, 1);
    cr_assert_eq(i8259_intack(&pic), 0x35);
}

Test(i8259, seabios_vectors_and_cascade) {
    out(0x20, 0x11);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0xa0, 0x11);
    out(0xa1, 0x70);
    out(0xa1, 0x02);
    out(0xa1, 0x01);
    out(0x21, 0xfb);
    out(0xa1, 0xfe);
    pulse(8);
    cr_assert_eq(intr, 1);
    pulse(12); /* masked on the slave */
    cr_assert_eq(i8259_intack(&pic), 0x70);
    cr_assert_eq(isr(0x20), 0x04);
    cr_assert_eq(isr(0xa0), 0x01);
    out(0xa1, 0xee);
    cr_assert_eq(intr, 0, "IR12 below IR8 in service on the slave");
    out(0xa0, 0x20);
    cr_assert_eq(intr, 0, "master IR2 still in service");
    out(0x20, 0x20);
    cr_assert_eq(intr, 1, "cascade raised again by IR12");
    cr_assert_eq(i8259_intack(&pic), 0x74);
    out(0x21, 0xfa);
    pulse(0);
    cr_assert_eq(intr, 1, "IR0 outranks the cascade in service");
    cr_assert_eq(i8259_intack(&pic), 0x08);
}

Test(i8259, elcr_level_inputs) {
    linux_init(0);
    out(0x4d0, 0xff);
    cr_assert_eq(in(0x4d0), 0xf8, "IRQ 0-2 are always edge");
    out(0x4d1, 0xff);
    cr_assert_eq(in(0x4d1), 0xde, "IRQ 8 and 13 are always edge");
    out(0x4d0, 0x00);
    out(0x4d1, 0x08); /* IRQ 11 level */
    irq(11, 1);
    cr_assert_eq(i8259_intack(&pic), 0x3b);
    out(0xa0, 0x63);
    out(0x20, 0x62);
    cr_assert_eq(intr, 1, "still asserted: requests again after EOI");
    cr_assert_eq(i8259_intack(&pic), 0x3b);
    irq(11, 0);
    out(0xa0, 0x63);
    out(0x20, 0x62);
    cr_assert_eq(intr, 0);
    irq(10, 1); /* edge: a pulse leaves IRR set, holding high does not repeat */
    cr_assert_eq(i8259_intack(&pic), 0x3a);
    out(0xa0, 0x62);
    out(0x20, 0x62);
    cr_assert_eq(intr, 0);
}

Test(i8259, spurious_irq7_and_irq15) {
    linux_init(0);
    out(0x4d0, 0x20); /* IRQ 5 level */
    irq(5, 1);
    cr_assert_eq(intr, 1);
    irq(5, 0);
    cr_assert_eq(intr, 0);
    cr_assert_eq(i8259_intack(&pic), 0x37, "spurious IRQ 7");
    cr_assert_eq(isr(0x20), 0, "a spurious IRQ 7 sets no ISR bit");
    out(0x4d1, 0x04); /* IRQ 10 level; master IR2 is edge and latches the cascade */
    irq(10, 1);
    irq(10, 0);
    cr_assert_eq(intr, 1, "master IR2 latched the edge");
    cr_assert_eq(i8259_intack(&pic), 0x3f, "spurious IRQ 15");
    cr_assert_eq(isr(0xa0), 0);
    cr_assert_eq(isr(0x20), 0x04, "the master saw a real cascade INTA");
}

Test(i8259, auto_eoi) {
    linux_init(1);
    pulse(4);
    cr_assert_eq(i8259_intack(&pic), 0x34);
    cr_assert_eq(isr(0x20), 0);
    pulse(6);
    cr_assert_eq(intr, 1, "nothing in service blocks IR6");
    cr_assert_eq(i8259_intack(&pic), 0x36);
}

Test(i8259, poll_command) {
    linux_init(0);
    out(0x21, 0xff); /* poll works with INTR masked off at the CPU; IMR still applies */
    out(0x21, 0xf7);
    pulse(3);
    pulse(6);
    out(0x20, 0x0c);
    cr_assert_eq(in(0x20), 0x83);
    cr_assert_eq(isr(0x20), 0x08, "poll read acts as INTA");
    out(0x20, 0x0c);
    cr_assert_eq(in(0x20), 0x00, "IR6 masked: nothing");
    cr_assert_eq(in(0x21), 0xf7, "poll is one-shot: IMR reads again");
}

Test(i8259, rotation_and_set_priority) {
    linux_init(0);
    out(0x20, 0xc3); /* IR3 lowest, IR4 highest */
    pulse(1);
    pulse(5);
    cr_assert_eq(i8259_intack(&pic), 0x35);
    cr_assert_eq(intr, 0, "IR1 now ranks below IR5");
    out(0x20, 0xa0); /* rotate on non-specific EOI: IR5 becomes lowest */
    cr_assert_eq(isr(0x20), 0);
    cr_assert_eq(i8259_intack(&pic), 0x31);
    out(0x20, 0xe1); /* rotate on specific EOI 1: IR2 highest */
    pulse(0);
    pulse(7);
    cr_assert_eq(i8259_intack(&pic), 0x37, "IR7 outranks IR0 after rotation");
}

Test(i8259, special_mask_mode) {
    linux_init(0);
    pulse(1);
    cr_assert_eq(i8259_intack(&pic), 0x31);
    pulse(4);
    cr_assert_eq(intr, 0);
    out(0x21, 0x02);
    out(0x20, 0x68); /* set special mask */
    cr_assert_eq(intr, 1, "masked IR1 in service no longer blocks IR4");
    cr_assert_eq(i8259_intack(&pic), 0x34);
    out(0x20, 0x64);
    out(0x20, 0x48); /* reset special mask */
    out(0x21, 0x00);
    cr_assert_eq(isr(0x20), 0x02);
}

Test(i8259, special_fully_nested) {
    linux_init(0);
    out(0x20, 0x11);
    out(0x21, 0x30);
    out(0x21, 0x04);
    out(0x21, 0x11); /* SFNM on the master */
    pulse(12);
    cr_assert_eq(i8259_intack(&pic), 0x3c);
    pulse(9);
    cr_assert_eq(intr, 1, "a higher slave request passes master IR2 in service");
    cr_assert_eq(i8259_intack(&pic), 0x39);
}

Test(i8259, icw1_resets_state) {
    linux_init(0);
    out(0x21, 0x55);
    pulse(3);
    cr_assert_eq(i8259_intack(&pic), 0x33);
    out(0x20, 0x11);
    cr_assert_eq(in(0x21), 0, "ICW1 clears IMR");
    out(0x21, 0x50);
    out(0x21, 0x04);
    out(0x21, 0x01);
    cr_assert_eq(isr(0x20), 0);
    pulse(3);
    cr_assert_eq(i8259_intack(&pic), 0x53, "new ICW2 base");
}
