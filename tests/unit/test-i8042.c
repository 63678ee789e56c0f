/*
 * test-i8042.c — the keyboard controller through its port callbacks, as Linux's i8042 driver
 * (self test, command byte, AUX loopback and interrupt test, port enable/disable), atkbd
 * (reset, identify, LEDs) and arch/x86/boot/a20.c (0xD1 0xDF, 0xFF) use it: status bits,
 * IRQ 1/12 levels, the output port's A20 and reset outputs, the PS/2 mouse answers.
 * runstate_request_reset is a test double that counts requests.
 */
#include <criterion/criterion.h>

#include "hw/input/i8042.h"
#include "system/runstate.h"

static I8042State kbc;
static int irq1 = -1, irq12 = -1, a20 = -1;
static int resets;
static int rises1, rises12; /* rising edges seen on IRQ 1 / IRQ 12 */

void runstate_request_reset(void) { resets++; }

static void line(void *opaque, int n, int level)
{
    int *lvl = opaque;
    if (level && *lvl == 0) {
        rises1 += n == 1;
        rises12 += n == 12;
    }
    *lvl = level;
}

static void setup(void)
{
    resets = 0;
    irq1 = irq12 = 0; /* low until driven */
    rises1 = rises12 = 0;
    a20 = -1;
    i8042_init(&kbc, (IRQLine){line, &irq1, 1}, (IRQLine){line, &irq12, 12},
               (IRQLine){line, &a20, 0});
}

static uint8_t status(void) { return (uint8_t)i8042_cmd_ops.read(&kbc, 0, 1); }
static uint8_t data(void) { return (uint8_t)i8042_data_ops.read(&kbc, 0, 1); }
static void cmd(uint8_t v) { i8042_cmd_ops.write(&kbc, 0, v, 1); }
static void out(uint8_t v) { i8042_data_ops.write(&kbc, 0, v, 1); }

/* Reads one byte, which must be there. */
static uint8_t get(void)
{
    cr_assert(status() & I8042_STR_OBF, "output buffer empty");
    return data();
}

static void expect_empty(void) { cr_assert_not(status() & I8042_STR_OBF); }

TestSuite(i8042, .init = setup);

Test(i8042, reset_state)
{
    cr_assert_eq(a20, 1, "A20 enabled after reset");
    uint8_t st = status();
    cr_assert_eq(st & (I8042_STR_OBF | I8042_STR_IBF | I8042_STR_AUXOBF), 0);
    cr_assert(st & I8042_STR_UNLOCK);
    cmd(0x20);
    cr_assert_eq(get(), I8042_CTR_KBDINT | I8042_CTR_AUXINT);
    expect_empty();
    cr_assert_eq(resets, 0);
}

Test(i8042, self_test_and_interface_tests)
{
    cr_assert_not(status() & I8042_STR_SYS);
    cmd(0xaa);
    cr_assert(status() & I8042_STR_CMD);
    cr_assert_eq(get(), 0x55);
    cr_assert(status() & I8042_STR_SYS);
    cmd(0xab);
    cr_assert_eq(get(), 0x00);
    cmd(0xa9);
    cr_assert_eq(get(), 0x00);
    cmd(0xc0);
    cr_assert(get() & 0x80, "input port: keyboard not inhibited");
    expect_empty();
}

Test(i8042, command_byte_and_irq1)
{
    cmd(0x60);
    out(0x00); /* interrupts off */
    cr_assert_not(status() & I8042_STR_CMD);
    cmd(0x20);
    cr_assert_eq(irq1, 0, "no IRQ 1 with the interrupt bit clear");
    cr_assert_eq(get(), 0x00);
    cmd(0x60);
    out(I8042_CTR_KBDINT | I8042_CTR_SYS | I8042_CTR_XLATE);
    cr_assert(status() & I8042_STR_SYS);
    cmd(0x20);
    cr_assert_eq(irq1, 1, "reply with KBDINT set raises IRQ 1");
    cr_assert_eq(irq12, 0);
    cr_assert_eq(get(), I8042_CTR_KBDINT | I8042_CTR_SYS | I8042_CTR_XLATE);
    cr_assert_eq(irq1, 0, "reading the data port lowers IRQ 1");
    /* Controller RAM bytes 1..31 */
    cmd(0x65);
    out(0x5a);
    cmd(0x25);
    cr_assert_eq(get(), 0x5a);
}

Test(i8042, port_disable_bits)
{
    cmd(0xad);
    cmd(0xa7);
    cmd(0x20);
    cr_assert_eq(get() & (I8042_CTR_KBDDIS | I8042_CTR_AUXDIS), I8042_CTR_KBDDIS | I8042_CTR_AUXDIS);
    cmd(0xae);
    cmd(0x20);
    cr_assert_eq(get() & (I8042_CTR_KBDDIS | I8042_CTR_AUXDIS), I8042_CTR_AUXDIS);
    cmd(0xa8);
    cmd(0x20);
    cr_assert_eq(get() & (I8042_CTR_KBDDIS | I8042_CTR_AUXDIS), 0);
}

Test(i8042, keyboard_reset_identify_and_commands)
{
    out(0xff);
    cr_assert_eq(irq1, 1);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(irq1, 1, "the next byte raises IRQ 1 again");
    cr_assert_eq(get(), 0xaa);
    expect_empty();
    cr_assert_eq(irq1, 0);
    out(0xf2);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0xab);
    cr_assert_eq(get(), 0x83, "untranslated ID");
    out(0xed);
    cr_assert_eq(get(), 0xfa);
    out(0x07);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(kbc.kbd.leds, 7);
    out(0xf3);
    cr_assert_eq(get(), 0xfa);
    out(0x20);
    cr_assert_eq(get(), 0xfa);
    out(0xee);
    cr_assert_eq(get(), 0xee, "echo has no ACK");
    expect_empty();
    out(0xf5);
    cr_assert_eq(get(), 0xfa);
    cr_assert_not(kbc.kbd.scanning);
    out(0xf4);
    cr_assert_eq(get(), 0xfa);
    cr_assert(kbc.kbd.scanning);
    out(0xf6);
    cr_assert_eq(get(), 0xfa);
    out(0xf0);
    cr_assert_eq(get(), 0xfa);
    out(0x00);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 2, "scan code set 2");
    out(0x12);
    cr_assert_eq(get(), 0xfe, "unknown command: resend");
    out(0xfe);
    cr_assert_eq(get(), 0xfe, "resend repeats the last byte");
    expect_empty();
}

Test(i8042, translated_id)
{
    cmd(0x60);
    out(I8042_CTR_KBDINT | I8042_CTR_XLATE);
    out(0xf2);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0xab);
    cr_assert_eq(get(), 0x41, "0x83 translated to set 1");
}

Test(i8042, keyboard_disabled_holds_data_until_enabled)
{
    out(0xf4); /* enables the interface; queues 0xFA */
    cmd(0xad); /* disable before it was read: the byte already in the buffer stays */
    cr_assert_eq(get(), 0xfa);
    kbc.kbd_q.count = 0;
    /* With the keyboard disabled, a keyboard byte waits; a controller reply still comes. */
    cmd(0xad);
    kbc.kbd_q.data[0] = 0x1c;
    kbc.kbd_q.head = 0;
    kbc.kbd_q.count = 1;
    cmd(0xab);
    cr_assert_eq(get(), 0x00);
    expect_empty();
    cmd(0xae);
    cr_assert_eq(get(), 0x1c);
}

Test(i8042, aux_loopback_and_irq12)
{
    /* Linux i8042_check_aux: 0xD3 loopback with the aux interrupt enabled */
    cmd(0xd3);
    out(0x5a);
    uint8_t st = status();
    cr_assert(st & I8042_STR_OBF);
    cr_assert(st & I8042_STR_AUXOBF);
    cr_assert_eq(irq12, 1);
    cr_assert_eq(irq1, 0);
    cr_assert_eq(data(), 0x5a);
    cr_assert_eq(irq12, 0);
    /* 0xD2: as if from the keyboard */
    cmd(0xd2);
    out(0x33);
    cr_assert_eq(status() & (I8042_STR_OBF | I8042_STR_AUXOBF), I8042_STR_OBF);
    cr_assert_eq(irq1, 1);
    cr_assert_eq(data(), 0x33);
}

Test(i8042, mouse_commands)
{
    cmd(0xd4);
    out(0xff);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0xaa);
    cr_assert_eq(get(), 0x00);
    expect_empty();
    cmd(0xd4);
    out(0xf2);
    cr_assert(status() & I8042_STR_AUXOBF);
    cr_assert_eq(irq12, 1);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0x00, "standard PS/2 mouse ID");
    /* IntelliMouse probe: rates 200, 100, 80 then ID stays 0 (no wheel) */
    const uint8_t rates[] = {200, 100, 80};
    for (int i = 0; i < 3; i++) {
        cmd(0xd4);
        out(0xf3);
        cr_assert_eq(get(), 0xfa);
        cmd(0xd4);
        out(rates[i]);
        cr_assert_eq(get(), 0xfa);
    }
    cmd(0xd4);
    out(0xf2);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0x00);
    cmd(0xd4);
    out(0xe9);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(get(), 0x00);
    cr_assert_eq(get(), 2);
    cr_assert_eq(get(), 80);
    cmd(0xd4);
    out(0x42);
    cr_assert_eq(get(), 0xfe);
    /* aux port disabled: the reply waits */
    cmd(0xa7);
    cmd(0xd4);
    out(0xf4);
    expect_empty();
    cmd(0xa8);
    cr_assert_eq(get(), 0xfa);
    expect_empty();
}

Test(i8042, a20_through_output_port)
{
    /* arch/x86/boot/a20.c enable_a20_kbc: 0xD1, 0xDF, then a null command 0xFF */
    cmd(0xd1);
    out(0xdd);
    cr_assert_eq(a20, 0);
    cmd(0xd0);
    cr_assert_eq(get() & 3, 1);
    cmd(0xd1);
    out(0xdf);
    cr_assert_eq(a20, 1);
    cmd(0xff);
    cr_assert_eq(resets, 0);
    cmd(0xd0);
    cr_assert_eq(get() & 3, 3);
    cmd(0xdd);
    cr_assert_eq(a20, 0);
    cmd(0xdf);
    cr_assert_eq(a20, 1);
    expect_empty();
}

Test(i8042, reset_requests)
{
    cmd(0xfe); /* pulse output port bit 0: the classic keyboard-controller reboot */
    cr_assert_eq(resets, 1);
    cmd(0xfd); /* bit 0 set: no reset */
    cr_assert_eq(resets, 1);
    cmd(0xf0);
    cr_assert_eq(resets, 2);
    cmd(0xd1);
    out(0x02); /* reset line low */
    cr_assert_eq(resets, 3);
    i8042_reset(&kbc);
    cr_assert_eq(a20, 1);
    cmd(0xd0);
    cr_assert_eq(get() & 3, 3);
}

Test(i8042, unknown_command_is_harmless)
{
    cmd(0xc8);
    expect_empty();
    cmd(0xa5);
    expect_empty();
    cr_assert_eq(resets, 0);
    /* an abandoned 0x60 (a new command came) does not eat the next data byte */
    cmd(0x60);
    cmd(0xab);
    cr_assert_eq(get(), 0x00);
    out(0xf2);
    cr_assert_eq(get(), 0xfa, "went to the keyboard");
}

Test(i8042, empty_read_repeats_last_byte)
{
    cmd(0xaa);
    cr_assert_eq(get(), 0x55);
    cr_assert_eq(data(), 0x55);
    expect_empty();
}

/* An edge-triggered interrupt controller needs a new rising edge for every byte: the line must
 * drop when a byte is read even if the next byte of a multi-byte reply moves in at once. */
Test(i8042, every_byte_is_a_new_edge)
{
    out(0xf2); /* keyboard identify: FA AB 83 */
    cr_assert_eq(rises1, 1);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(rises1, 2, "the ID's first byte is a new IRQ 1 edge");
    cr_assert_eq(get(), 0xab);
    cr_assert_eq(rises1, 3, "the ID's second byte is a new IRQ 1 edge");
    cr_assert_eq(get(), 0x83);
    cr_assert_eq(irq1, 0);
    cmd(0xd4);
    out(0xf2); /* mouse identify: FA 00 */
    cr_assert_eq(rises12, 1);
    cr_assert_eq(get(), 0xfa);
    cr_assert_eq(rises12, 2, "the mouse ID is a new IRQ 12 edge");
    cr_assert_eq(get(), 0x00);
    cr_assert_eq(irq12, 0);
}
