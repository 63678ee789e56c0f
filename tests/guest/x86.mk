# x86.mk — builds the bare-metal x86-64 guest tests (multiboot v1, -M pc) and runs them on
# Tandem and on the oracle (included by the Makefile through tests/*/*.mk).
#   tests/guest/x86/test-*.c / test-*.S -> build/guest/x86/test-*.elf
#     each linked with crt0.S + idt.S + ap-start.S + runtime.c + smp.c at 1 MiB as ELF64 (test-*.elf64, for gdb and
#     objdump), then converted with objcopy to ELF32: QEMU's multiboot loader refuses ELF64
#     ("Cannot load x86-64 image, give a 32bit one"), while an ELF32 whose entry is the 32-bit
#     crt0 loads through the plain ELF path, so no a.out-kludge address fields are needed.
#   make guest-x86-elfs          build them all
#   make check-guest-x86         run them all on build/tandem, backend=jit and interp (exit
#                                status 1 = PASS); part of `make check` once the x87 and SSE
#                                translators exist (crt0 runs FNINIT; test-fp-* use SSE)
#   make check-guest-x86-oracle  run them on qemu-system-x86_64 (exit status 1 = PASS, see
#                                tests/guest/x86/lib/runtime.h), except the tests whose .args
#                                ask for a Tandem-only device (tandem-*), which QEMU refuses
#   make check-guest-x86-tsan    the multi-CPU tests (test-smp-*, test-apic-swdisable) on
#                                build-tsan/tandem, one at a time (part of make check-tsan)
#   make check-guest-x86-full    the tests with a <name>.full.args (long stress counts) on
#                                both backends and under TSan (part of make check-full)
#   make check-x86-alu-native    check test-alu's expected table on the host CPU
# Every rule writes only its own target, so `make -j` is safe.

X86_GUEST_CC ?= gcc
X86_GUEST_LIB := tests/guest/x86/lib
X86_GUEST_BASE_CFLAGS := -m64 -O2 -g -ffreestanding -nostdlib -static -no-pie -fno-pic \
  -mno-red-zone -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
  -Wall -Wextra -Werror -Wno-unused-parameter -I$(X86_GUEST_LIB) -Itests/guest/common
X86_GUEST_LDFLAGS := -Wl,--no-warn-rwx-segments -Wl,-z,max-page-size=0x1000 \
  -Wl,--build-id=none -T $(X86_GUEST_LIB)/link.ld
# Tests named test-sse-* / test-fp-* may use XMM registers; the runtime never does.
X86_GUEST_REGS_ONLY = $(if $(filter test-fp-% test-sse-%,$(notdir $(basename $@))),,-mgeneral-regs-only)
X86_GUEST_RT_HDRS := $(X86_GUEST_LIB)/runtime.h $(X86_GUEST_LIB)/layout.h \
  tests/guest/common/guest-common.h
X86_GUEST_RT_OBJS := build/guest/x86/lib/crt0.o build/guest/x86/lib/idt.o \
  build/guest/x86/lib/ap-start.o build/guest/x86/lib/runtime.o build/guest/x86/lib/smp.o \
  build/guest/x86/lib/guest-common.o
X86_GUEST_HDRS := $(wildcard tests/guest/x86/*.h)

GUEST_X86_SRCS := $(wildcard tests/guest/x86/test-*.c tests/guest/x86/test-*.S)
GUEST_X86_ELFS := $(patsubst tests/guest/x86/%,build/guest/x86/%.elf,$(basename $(GUEST_X86_SRCS)))

build/guest/x86/lib/%.o: $(X86_GUEST_LIB)/%.S $(X86_GUEST_RT_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) -c $< -o $@

build/guest/x86/lib/guest-common.o: tests/guest/common/guest-common.c $(X86_GUEST_RT_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) -mgeneral-regs-only -c $< -o $@

build/guest/x86/lib/%.o: $(X86_GUEST_LIB)/%.c $(X86_GUEST_RT_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) -mgeneral-regs-only -c $< -o $@

build/guest/x86/%.elf64: tests/guest/x86/%.c $(X86_GUEST_RT_OBJS) $(X86_GUEST_LIB)/link.ld \
  $(X86_GUEST_RT_HDRS) $(X86_GUEST_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) $(X86_GUEST_REGS_ONLY) $(X86_GUEST_LDFLAGS) \
	  $(X86_GUEST_RT_OBJS) $< -o $@

build/guest/x86/%.elf64: tests/guest/x86/%.S $(X86_GUEST_RT_OBJS) $(X86_GUEST_LIB)/link.ld \
  $(X86_GUEST_RT_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) $(X86_GUEST_LDFLAGS) $(X86_GUEST_RT_OBJS) $< -o $@

.PRECIOUS: build/guest/x86/%.elf64 build/guest/x86/lib/%.o
build/guest/x86/%.elf: build/guest/x86/%.elf64
	objcopy -O elf32-i386 $< $@

.PHONY: guest-x86-elfs check-guest-x86-oracle check-x86-alu-native
guest-x86-elfs: $(GUEST_X86_ELFS)

X86_ORACLE ?= qemu-system-x86_64
X86_GUEST_RUN = GUEST_NO_BUILD=1 GUEST_SRC_DIR=tests/guest/x86 GUEST_ELF_DIR=build/guest/x86 \
  GUEST_PASS_STATUS=1 GUEST_MACHINE_ARGS="-M pc -nographic -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x4" tests/run-guest-tests.sh
# The oracle has no tandem-testdev: run-guest-tests.sh drops it from a test's args there, and
# the tests that need it find it missing and skip those checks.
check-guest-x86-oracle: $(GUEST_X86_ELFS)
	EMU=$(X86_ORACLE) $(X86_GUEST_RUN) $(GUEST_X86_ELFS)

.PHONY: check-guest-x86
check-guest-x86: build/tandem $(GUEST_X86_ELFS)
	EMU=build/tandem $(X86_GUEST_RUN) $(GUEST_X86_ELFS)

# The multi-CPU tests under ThreadSanitizer (vCPU threads racing through the APIC bus,
# INIT/SIPI and HLT wake-ups), and the long stress counts of make check-full.
GUEST_X86_TSAN_TESTS := $(filter build/guest/x86/test-smp-% build/guest/x86/test-smm% \
  build/guest/x86/test-reset-% build/guest/x86/test-apic-swdisable.elf, $(GUEST_X86_ELFS))
GUEST_X86_FULL_TESTS := $(patsubst tests/guest/x86/%.full.args,build/guest/x86/%.elf, \
  $(wildcard tests/guest/x86/*.full.args))
# Under TSan (about 10 times slower) the full counts of the SMI relocation (1,000 machine
# resets) and the IPI storm (20,000 rounds) would take over half an hour: check-full runs
# those two under TSan with make check's counts (check-guest-x86-tsan) and the rest in full.
GUEST_X86_FULL_TSAN_TESTS := $(filter-out build/guest/x86/test-smm-reloc.elf \
  build/guest/x86/test-smp-ipi-storm.elf, $(GUEST_X86_FULL_TESTS))
.PHONY: check-guest-x86-tsan check-guest-x86-full
check-guest-x86-tsan: build-tsan/tandem $(GUEST_X86_TSAN_TESTS)
	EMU=build-tsan/tandem GUEST_TIMEOUT=120 GUEST_JOBS=1 \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(X86_GUEST_RUN) $(GUEST_X86_TSAN_TESTS)
check-guest-x86-full: build/tandem build-tsan/tandem $(GUEST_X86_FULL_TESTS)
	GUEST_FULL=1 GUEST_TIMEOUT=300 EMU=build/tandem $(X86_GUEST_RUN) $(GUEST_X86_FULL_TESTS)
	GUEST_FULL=1 GUEST_TIMEOUT=600 GUEST_JOBS=1 EMU=build-tsan/tandem \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" $(X86_GUEST_RUN) $(GUEST_X86_FULL_TSAN_TESTS)

# Every test needs the x87 translator (crt0's FNINIT) and test-fp-* the SSE one: until both
# exist, check-guest-x86 stays out of `make check` (run it by hand).
ifneq ($(wildcard target-x86/translate-x87.c),)
ifneq ($(wildcard target-x86/translate-sse.c),)
CHECK_TARGETS += check-guest-x86
TSAN_TARGETS += check-guest-x86-tsan
CHECK_FULL_TARGETS += check-guest-x86-full
endif
endif

# test-alu's expected values are facts of the host CPU: this runs the same asm on the host.
build/guest/x86/alu-native: tests/guest/x86/tools/alu-native.c tests/guest/x86/alu-table.h \
  tests/guest/x86/alu-expected.h tests/guest/x86/tools/alu-inputs.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -mno-red-zone -Wall -Wextra -Werror -Wno-missing-field-initializers -Itests/guest/x86 \
	  -o $@ $<

check-x86-alu-native: build/guest/x86/alu-native
	build/guest/x86/alu-native
