/*
 * test-debug-exit.c — isa-debug-exit: the status arithmetic ((v << 1) | 1), that a port write
 * requests a shutdown with it through runstate (a test double records the request), and the
 * iobase/iosize checks.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "hw/misc/debug-exit.h"
#include "system/runstate.h"

static int shutdown_status = -1;
static int shutdown_count;

/* Test double of system/runstate.c (the archive member is then not linked in). */
void runstate_request_shutdown(int status)
{
    shutdown_status = status;
    shutdown_count++;
}

Test(debug_exit, status_arithmetic)
{
    cr_assert_eq(debug_exit_status(0), 1);
    cr_assert_eq(debug_exit_status(1), 3);
    cr_assert_eq(debug_exit_status(0x10), 0x21);
    cr_assert_eq(debug_exit_status(0x7f) & 0xff, 0xff);
}

Test(debug_exit, write_requests_shutdown)
{
    DebugExitState s;
    cr_assert_eq(debug_exit_init(&s, 0xf4, 4), 0);
    cr_assert_eq(s.io.size, 4);
    cr_assert_eq(shutdown_count, 0);
    debug_exit_ops.write(&s, 0, 0x31, 1);
    cr_assert_eq(shutdown_count, 1);
    cr_assert_eq(shutdown_status, 0x63);
    debug_exit_ops.write(&s, 0, 2, 4);
    cr_assert_eq(shutdown_status, 5);
}

Test(debug_exit, bad_ranges)
{
    DebugExitState s;
    cr_assert_eq(debug_exit_init(&s, 0xf4, 0), -EINVAL);
    cr_assert_eq(debug_exit_init(&s, 0xfffe, 4), -EINVAL);
    cr_assert_eq(debug_exit_init(&s, 0x501, 2), 0);
}
