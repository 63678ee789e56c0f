/*
 * criterion.h (ThreadSanitizer stand-in) — Debian's criterion cannot start under
 * -fsanitize=thread (its sandbox arena cannot be mapped beside TSan's shadow memory: "Could not
 * initialize inheritable arena"), so the concurrency unit tests are compiled against this small
 * replacement for `make check-tsan`. It supports the subset of the API those tests use: Test(),
 * cr_assert*() and cr_log_info(). Each test runs in a forked child, so a TSan report
 * (halt_on_error) or a failed assertion fails exactly that test. The normal build uses the real
 * criterion.
 */
#ifndef TANDEM_TSAN_CRITERION_SHIM_H
#define TANDEM_TSAN_CRITERION_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef void (*ShimTestFn)(void);
typedef struct ShimTest {
    const char *name;
    ShimTestFn fn;
    ShimTestFn init, fini;
} ShimTest;

static ShimTest shim_tests[256];
static int shim_nb_tests;

static inline void shim_register(const char *name, ShimTestFn fn, ShimTestFn init, ShimTestFn fini)
{
    if (shim_nb_tests == (int)(sizeof(shim_tests) / sizeof(shim_tests[0]))) {
        fprintf(stderr, "tsan shim: too many tests\n");
        exit(2);
    }
    shim_tests[shim_nb_tests++] = (ShimTest){name, fn, init, fini};
}

/* Test(suite, name, .init = f, .fini = g, .timeout = t): extra arguments are designated
 * initializers of this struct. */
struct shim_test_opts {
    ShimTestFn init, fini;
    double timeout;
    int disabled;
};

#define Test(suite, name, ...)                                                                     \
    static void suite##_##name(void);                                                              \
    __attribute__((constructor)) static void shim_reg_##suite##_##name(void)                       \
    {                                                                                              \
        struct shim_test_opts o = {__VA_ARGS__};                                                 \
        if (!o.disabled) {                                                                         \
            shim_register(#suite "::" #name, suite##_##name, o.init, o.fini);                      \
        }                                                                                          \
    }                                                                                              \
    static void suite##_##name(void)

#define cr_assert(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);           \
            exit(3);                                                                               \
        }                                                                                          \
    } while (0)
#define cr_expect(cond, ...) cr_assert(cond)
#define cr_assert_not(c, ...) cr_assert(!(c))
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b))
#define cr_assert_neq(a, b, ...) cr_assert((a) != (b))
#define cr_assert_null(a, ...) cr_assert((a) == NULL)
#define cr_assert_not_null(a, ...) cr_assert((a) != NULL)
#define cr_assert_geq(a, b, ...) cr_assert((a) >= (b))
#define cr_assert_leq(a, b, ...) cr_assert((a) <= (b))
#define cr_assert_gt(a, b, ...) cr_assert((a) > (b))
#define cr_assert_lt(a, b, ...) cr_assert((a) < (b))
#define cr_expect_eq(a, b, ...) cr_assert((a) == (b))
#define cr_log_info(...) ((void)0)

int main(void)
{
    int failed = 0;
    for (int i = 0; i < shim_nb_tests; i++) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            if (shim_tests[i].init) {
                shim_tests[i].init();
            }
            shim_tests[i].fn();
            if (shim_tests[i].fini) {
                shim_tests[i].fini();
            }
            exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        printf("[%s] %s\n", ok ? "PASS" : "FAIL", shim_tests[i].name);
        failed += !ok;
    }
    printf("tsan-unit: %d passed, %d failed\n", shim_nb_tests - failed, failed);
    return failed != 0;
}

#endif
