# guest.mk — builds the bare-metal AArch64 guest tests and runs them (included by the Makefile).
#   tests/guest/arm/test-*.c / test-*.S  ->  build/guest/arm/test-*.elf (each with crt0 + runtime;
#   an assembly test that defines its own _start is linked without crt0).
#   make guest-elfs       build them all
#   make check-guest      run every test on backend=jit and backend=interp (tests/run-guest-tests.sh)
#   make check-guest-tsan run a few tests on build-tsan/tandem, failing on any TSan report
#   make demo             build and run the demo guest on build/tandem
# Oracle run, no Tandem needed: EMU=qemu-system-aarch64 tests/run-guest-tests.sh
# Every rule writes only its own target, so `make -j` is safe.

GUEST_CC ?= aarch64-linux-gnu-gcc
GUEST_LIB := tests/guest/arm/lib
GUEST_COMMON := tests/guest/common
GUEST_CFLAGS = -O2 -g -ffreestanding -nostdlib $(GUEST_REGS_ONLY) -static \
  -Wall -Wextra -Wno-unused-parameter -Wl,--no-warn-rwx-segments -I$(GUEST_LIB) -I$(GUEST_COMMON)
# FP and SIMD tests (test-fp-*, test-simd-*) may use V registers; crt0 enables FP (CPACR_EL1).
GUEST_REGS_ONLY = $(if $(filter test-fp-% test-simd-%,$(notdir $(basename $@))),,-mgeneral-regs-only)
GUEST_RT_SRCS := $(GUEST_LIB)/link.ld $(GUEST_LIB)/crt0.S $(GUEST_LIB)/runtime.c $(GUEST_LIB)/vectors.S \
  $(GUEST_COMMON)/guest-common.c $(GUEST_COMMON)/guest-common.h \
  $(GUEST_LIB)/runtime.h

GUEST_ARM_SRCS := $(wildcard tests/guest/arm/test-*.c tests/guest/arm/test-*.S)
GUEST_ARM_ELFS := $(patsubst tests/guest/arm/%,build/guest/arm/%.elf,$(basename $(GUEST_ARM_SRCS)))

# Links one guest program: $(1) = crt0 (or nothing), $(2) = the test's own source.
define guest_link
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -T $(GUEST_LIB)/link.ld $(1) $(GUEST_LIB)/runtime.c \
	  $(GUEST_COMMON)/guest-common.c $(2) -o $@
endef

# Tests share headers (test-gic-common.h, test-mmu-common.h, ...): any of them changing
# rebuilds every C test.
GUEST_ARM_HDRS := $(wildcard tests/guest/arm/*.h)

build/guest/arm/%.elf: tests/guest/arm/%.c $(GUEST_RT_SRCS) $(GUEST_ARM_HDRS)
	$(call guest_link,$(GUEST_LIB)/crt0.S,$<)

# An assembly test that defines the label _start brings its own entry code.
build/guest/arm/%.elf: tests/guest/arm/%.S $(GUEST_RT_SRCS)
	$(call guest_link,$(if $(shell grep -lE '^[[:space:]]*_start:' $<),,$(GUEST_LIB)/crt0.S),$<)

.PHONY: guest-elfs check-guest check-guest-tsan
guest-elfs: $(GUEST_ARM_ELFS)

check-guest: build/tandem $(GUEST_ARM_ELFS)
	GUEST_NO_BUILD=1 EMU=build/tandem tests/run-guest-tests.sh

# A few tests under ThreadSanitizer: the self-modifying-code test (TB invalidation racing
# nothing but itself still exercises the invalidation locks), a C program, and every
# multi-CPU test (PSCI, exclusives) that exists.
GUEST_TSAN_TESTS := $(filter $(GUEST_ARM_ELFS), build/guest/arm/test-smc.elf \
  build/guest/arm/test-c-qsort.elf $(filter build/guest/arm/test-psci% \
  build/guest/arm/test-excl% build/guest/arm/test-smp% build/guest/arm/test-reset%, \
  $(GUEST_ARM_ELFS)))

check-guest-tsan: build-tsan/tandem $(GUEST_TSAN_TESTS)
	GUEST_NO_BUILD=1 EMU=build-tsan/tandem GUEST_TIMEOUT=120 GUEST_JOBS=1 \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" tests/run-guest-tests.sh $(GUEST_TSAN_TESTS)

# make check-full: the tests with long stress counts (<name>.full.args) on both backends and
# under TSan.
GUEST_FULL_TESTS := $(patsubst tests/guest/arm/%.full.args,build/guest/arm/%.elf, \
  $(wildcard tests/guest/arm/*.full.args))

.PHONY: check-guest-full
check-guest-full: build/tandem build-tsan/tandem $(GUEST_FULL_TESTS)
	GUEST_NO_BUILD=1 GUEST_FULL=1 GUEST_TIMEOUT=300 EMU=build/tandem \
	  tests/run-guest-tests.sh $(GUEST_FULL_TESTS)
	GUEST_NO_BUILD=1 GUEST_FULL=1 GUEST_TIMEOUT=600 GUEST_JOBS=1 EMU=build-tsan/tandem \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" tests/run-guest-tests.sh $(GUEST_FULL_TESTS)

CHECK_TARGETS += check-guest
TSAN_TARGETS += check-guest-tsan
CHECK_FULL_TARGETS += check-guest-full

# ---- demo: Mandelbrot, Life and primes in integer arithmetic ----
DEMO_ELF := build/guest/demo/demo.elf
$(DEMO_ELF): tests/guest/arm/demo/demo.c $(GUEST_RT_SRCS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -T $(GUEST_LIB)/link.ld $(GUEST_LIB)/crt0.S \
	  $(GUEST_LIB)/runtime.c $(GUEST_COMMON)/guest-common.c $< -o $@

DEMO_EMU ?= build/tandem
.PHONY: demo demo-elf
demo-elf: $(DEMO_ELF)
demo: $(DEMO_ELF) $(if $(filter build/tandem,$(DEMO_EMU)),build/tandem)
	$(DEMO_EMU) -M virt -cpu cortex-a57 -nographic -semihosting -kernel $(DEMO_ELF) </dev/null

# Built in parallel before `make check` runs the suites one by one.
CHECK_PREBUILD += $(GUEST_ARM_ELFS)
