# difftest-x86.mk — the x86-64 differential test against the host CPU
# (tests/difftest-x86/run-difftest-x86.sh), included by the Makefile through tests/*/*.mk.
#   make check-difftest-x86         part of `make check`: 10,000 sequences (seed 1) on
#                                   build/tandem -cpu max, jit and interp backends (a few
#                                   seconds each); prints "N passed, N failed" over the runs
#   make check-difftest-x86-full    part of `make check-full`: 50,000 sequences from a random
#                                   seed (printed: replay with DTX_SEED=<seed> DTX_COUNT=50000)
#   make check-difftest-x86-oracle  10,000 sequences (seed 1) on qemu-system-x86_64 -cpu max
# Choose the seed / count: make check-difftest-x86 DTX_SEED=42 DTX_COUNT=50000 (DTX_SEED=random
# picks one and prints it). DTX_CPU=max because the board's default model (qemu64) lacks
# SSSE3/SSE4.x, which would skip about 30% of the sequences; DTX_CPU= runs the default model.
# Sequences needing LZCNT/TZCNT are skipped (-cpu max does not advertise ABM/BMI1).

DTX_SEED ?= 1
DTX_COUNT ?= 10000
DTX_CPU ?= max
DTX_BACKENDS ?= jit interp
DTX_ORACLE ?= qemu-system-x86_64

build/difftest-x86/gen-x86: tests/difftest-x86/gen-x86.c tests/difftest-x86/dtx-features.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# (the runtime objects are named here: tests/guest/x86.mk, which builds them, is included later)
DIFFTEST_X86_RT := build/guest/x86/lib/crt0.o build/guest/x86/lib/idt.o \
  build/guest/x86/lib/runtime.o build/guest/x86/lib/guest-common.o
DIFFTEST_X86_DEPS := build/difftest-x86/gen-x86 $(DIFFTEST_X86_RT) \
  $(wildcard tests/difftest-x86/*.c tests/difftest-x86/*.h tests/difftest-x86/*.S)

# $(call dtx_run_backends,seed,count): one run per backend, then the "N passed, N failed" line
# tests/summarize-check.sh totals; fails if any run failed.
dtx_run_backends = p=0; f=0; for b in $(DTX_BACKENDS); do \
	  if DTX_NO_BUILD=1 EMU=build/tandem DTX_TAG=$$b \
	    DTX_EMU_ARGS="$(if $(DTX_CPU),-cpu $(DTX_CPU)) -accel tcg,backend=$$b" \
	    DTX_SEED=$(1) DTX_COUNT=$(2) tests/difftest-x86/run-difftest-x86.sh; \
	  then p=$$((p + 1)); else f=$$((f + 1)); fi; done; \
	echo "difftest-x86: $$p passed, $$f failed"; [ $$f -eq 0 ]

.PHONY: check-difftest-x86 check-difftest-x86-full check-difftest-x86-oracle
check-difftest-x86-oracle: $(DIFFTEST_X86_DEPS)
	DTX_NO_BUILD=1 EMU=$(DTX_ORACLE) DTX_EMU_ARGS="-cpu max" DTX_QUIRKS=3 DTX_SEED=$(DTX_SEED) \
	  DTX_COUNT=$(DTX_COUNT) tests/difftest-x86/run-difftest-x86.sh

check-difftest-x86: $(DIFFTEST_X86_DEPS) build/tandem
	@$(call dtx_run_backends,$(DTX_SEED),$(DTX_COUNT))

check-difftest-x86-full: $(DIFFTEST_X86_DEPS) build/tandem
	@seed=$$(( $$(od -An -N4 -tu4 /dev/urandom) )); echo "difftest-x86-full: seed $$seed"; \
	  $(call dtx_run_backends,$$seed,50000)

CHECK_TARGETS += check-difftest-x86
CHECK_FULL_TARGETS += check-difftest-x86-full
CHECK_PREBUILD += build/difftest-x86/gen-x86 $(DIFFTEST_X86_RT)
