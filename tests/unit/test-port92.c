/*
 * test-port92.c — System Control Port A: read-back, INIT_NOW's 0 -> 1 edge requesting a
 * reset (a test double counts runstate_request_reset calls), and the A20 combiner in both
 * modes with the keyboard controller's gate as the other input.
 */
#include <criterion/criterion.h>

#include "hw/x86/port92.h"
#include "system/runstate.h"

static Port92State p92;
static int a20 = -1, a20_calls;
static int resets;

void runstate_request_reset(void) { resets++; }

static void a20_line(void *opaque, int n, int level)
{
    a20 = level;
    a20_calls++;
}

static void setup_mode(A20Combine mode)
{
    resets = 0;
    a20 = -1;
    a20_calls = 0;
    port92_init(&p92, mode, (IRQLine){a20_line, NULL, 0});
}

static uint8_t in(void) { return (uint8_t)port92_ops.read(&p92, 0, 1); }
static void out(uint8_t v) { port92_ops.write(&p92, 0, v, 1); }
static void kbc(int level)
{
    IRQLine l = port92_a20_kbc_line(&p92);
    irq_set_level(&l, level);
}

Test(port92, read_back_and_reset)
{
    setup_mode(A20_COMBINE_OR);
    cr_assert_eq(in(), 0);
    cr_assert_eq(a20, 0);
    out(0x02);
    cr_assert_eq(in(), 0x02);
    cr_assert_eq(a20, 1);
    cr_assert_eq(resets, 0);
    out(0x03);
    cr_assert_eq(resets, 1, "INIT_NOW 0 -> 1 resets");
    cr_assert_eq(in(), 0x03);
    out(0x03);
    cr_assert_eq(resets, 1, "no new edge");
    out(0xff);
    cr_assert_eq(in(), 0x03, "other bits read 0");
    port92_reset(&p92);
    cr_assert_eq(in(), 0);
    cr_assert_eq(a20, 0);
    out(0x01);
    cr_assert_eq(resets, 2);
}

Test(port92, a20_or_of_both_gates)
{
    setup_mode(A20_COMBINE_OR);
    kbc(1);
    cr_assert_eq(a20, 1);
    out(0x00);
    cr_assert_eq(a20, 1, "the keyboard controller still enables A20");
    kbc(0);
    cr_assert_eq(a20, 0);
    cr_assert(!port92_a20_enabled(&p92));
    out(0x02);
    cr_assert_eq(a20, 1);
    int calls = a20_calls;
    kbc(1);
    cr_assert_eq(a20_calls, calls, "no change, no call");
    port92_reset(&p92);
    cr_assert_eq(a20, 1, "KBC gate survives a port 0x92 reset");
}

Test(port92, a20_last_writer_wins)
{
    setup_mode(A20_COMBINE_LAST);
    kbc(1);
    cr_assert_eq(a20, 1);
    out(0x00);
    cr_assert_eq(a20, 0, "QEMU: the port 0x92 write decides");
    kbc(1);
    cr_assert_eq(a20, 1);
}
