# Makefile — builds Tandem into build/ (and a ThreadSanitizer variant into build-tsan/).
#   make            the emulator: build/tandem
#   make check      unit tests, guest tests on both backends, the differential test, TSan tests
#   make check-full the same with long stress counts
#   make check-tsan concurrency tests under ThreadSanitizer
#   make bench      benchmark: Tandem (jit, interp) vs qemu-system-aarch64 vs native
#   make demo       builds and runs the demo guest
# Sources are found by folder; sub-makefiles (tests/*.mk, bench/*.mk) add their own targets.

SHELL := /bin/bash
.DEFAULT_GOAL := all
# configure writes build/config.mk; make remakes it (and restarts) when it is missing.
-include build/config.mk
build/config.mk: configure
	./configure

SRC_DIRS := tcg tcg/x86-64 tcg/interp cpu-exec target-arm target-x86 hw/core hw/arm hw/x86 hw/char hw/input hw/intc hw/timer hw/rtc hw/misc system
SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))
MAIN_SRC := system/main.c
LIB_SRCS := $(filter-out $(MAIN_SRC),$(SRCS))

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS := -std=gnu11 -g -I. $(LIB_CFLAGS) $(WARN) -D_GNU_SOURCE
CFLAGS ?= -O2
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS)

OBJ := build/obj
LIB_OBJS := $(LIB_SRCS:%.c=$(OBJ)/%.o)
MAIN_OBJ := $(MAIN_SRC:%.c=$(OBJ)/%.o)

TSAN_OBJ := build-tsan/obj
TSAN_FLAGS := -O1 -fsanitize=thread
TSAN_LIB_OBJS := $(LIB_SRCS:%.c=$(TSAN_OBJ)/%.o)

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/unit/%)
# The unit tests that exercise threads, run again under ThreadSanitizer.
TSAN_UNIT_TESTS := test-tb-cache test-cpu-work test-vclock test-gtimer test-apic test-atomic
TSAN_UNIT_BINS := $(TSAN_UNIT_TESTS:%=build-tsan/tests/unit/%)

.PHONY: all check check-unit check-full check-tsan bench demo clean
all: build/tandem

build/tandem: $(LIB_OBJS) $(MAIN_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build-tsan/tandem: $(TSAN_LIB_OBJS) $(MAIN_SRC:%.c=$(TSAN_OBJ)/%.o)
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) -o $@ $^ $(LIBS)

$(TSAN_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) -MMD -MP -c -o $@ $<

# Unit tests link against an archive, so a test may define its own doubles of functions (e.g.
# the softmmu slow paths) and only the library members it really needs are pulled in.
build/libtandem.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

build-tsan/libtandem.a: $(TSAN_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

build/tests/unit/%: tests/unit/%.c build/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libtandem.a $(LIBS) $(TEST_LIBS)

# Under ThreadSanitizer the concurrency tests build against tests/unit/tsan-shim (criterion
# itself cannot start under TSan; see the shim's header).
build-tsan/tests/unit/%: tests/unit/%.c build-tsan/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(TSAN_FLAGS) -Itests/unit/tsan-shim -o $@ $< build-tsan/libtandem.a $(LIBS)

check-unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t --jobs 2; done

# Sub-makefiles append to these: CHECK_TARGETS run by `make check`, CHECK_FULL_TARGETS by
# `make check-full`, TSAN_TARGETS by `make check-tsan`.
CHECK_TARGETS := check-unit
CHECK_FULL_TARGETS :=
TSAN_TARGETS := $(TSAN_UNIT_BINS)

-include tests/*.mk tests/*/*.mk bench/*.mk

# `make check` builds everything in parallel first, then runs the suites one after another (so
# their outputs do not interleave) and ends with one line totalling every suite's results.
CHECK_BUILD := all $(UNIT_BINS) $(TSAN_UNIT_BINS) build-tsan/tandem
check:
	@$(MAKE) --no-print-directory $(CHECK_BUILD) $(CHECK_PREBUILD)
	@set -o pipefail; $(MAKE) --no-print-directory -j1 $(CHECK_TARGETS) check-tsan 2>&1 \
	  | tee build/check.log; status=$$?; tests/summarize-check.sh build/check.log; exit $$status

check-full:
	@$(MAKE) --no-print-directory $(CHECK_BUILD) $(CHECK_PREBUILD)
	@set -o pipefail; $(MAKE) --no-print-directory -j1 $(CHECK_TARGETS) check-tsan \
	  $(CHECK_FULL_TARGETS) 2>&1 | tee build/check.log; status=$$?; \
	  tests/summarize-check.sh build/check.log; exit $$status

check-tsan: $(TSAN_TARGETS)
	@set -e; for t in $(TSAN_UNIT_BINS); do echo "== (tsan) $$t"; \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" $$t; done

clean:
	rm -rf build build-tsan

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TSAN_LIB_OBJS:.o=.d) $(MAIN_SRC:%.c=$(TSAN_OBJ)/%.d)
