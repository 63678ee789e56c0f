# difftest-x86.mk — the x86-64 differential test against the host CPU
# (tests/difftest-x86/run-difftest-x86.sh), included by the Makefile through tests/*/*.mk.
#   make check-difftest-x86-oracle  10,000 sequences (seed 1) on qemu-system-x86_64 -cpu max
#   make check-difftest-x86         10,000 sequences (seed 1) on build/tandem
# Choose the seed / count: make check-difftest-x86 DTX_SEED=42 DTX_COUNT=50000 (DTX_SEED=random
# picks one and prints it). Not part of `make check` until Tandem runs x86 guests.

DTX_SEED ?= 1
DTX_COUNT ?= 10000
DTX_ORACLE ?= qemu-system-x86_64

build/difftest-x86/gen-x86: tests/difftest-x86/gen-x86.c tests/difftest-x86/dtx-features.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# (the runtime objects are named here: tests/guest/x86.mk, which builds them, is included later)
DIFFTEST_X86_DEPS := build/difftest-x86/gen-x86 build/guest/x86/lib/crt0.o \
  build/guest/x86/lib/idt.o build/guest/x86/lib/runtime.o build/guest/x86/lib/guest-common.o \
  $(wildcard tests/difftest-x86/*.c tests/difftest-x86/*.h tests/difftest-x86/*.S)

.PHONY: check-difftest-x86 check-difftest-x86-oracle
check-difftest-x86-oracle: $(DIFFTEST_X86_DEPS)
	DTX_NO_BUILD=1 EMU=$(DTX_ORACLE) DTX_EMU_ARGS="-cpu max" DTX_QUIRKS=3 DTX_SEED=$(DTX_SEED) \
	  DTX_COUNT=$(DTX_COUNT) tests/difftest-x86/run-difftest-x86.sh

check-difftest-x86: $(DIFFTEST_X86_DEPS) build/tandem
	DTX_NO_BUILD=1 EMU=build/tandem DTX_SEED=$(DTX_SEED) DTX_COUNT=$(DTX_COUNT) \
	  tests/difftest-x86/run-difftest-x86.sh
