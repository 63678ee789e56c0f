# difftest.mk — the random differential test (tests/difftest/run-difftest.sh), included by the
# Makefile. `make check-difftest`: 5 files x 2,000 sequences with fixed seeds on Tandem's jit and
# interp backends against qemu-aarch64; `make check-difftest-full` (part of check-full):
# 20 x 5,000 = 100,000 sequences from a random seed, printed so a failure can be replayed with
# DT_SEED=<seed> DT_FILES=20 DT_PER_FILE=5000 tests/difftest/run-difftest.sh.

build/difftest/gen: tests/difftest/gen.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -D_GNU_SOURCE -o $@ $<

DIFFTEST_DEPS := build/tandem build/difftest/gen $(GUEST_RT_SRCS) \
  $(wildcard tests/difftest/*.c tests/difftest/*.h tests/difftest/*.S)

.PHONY: check-difftest check-difftest-full
check-difftest: $(DIFFTEST_DEPS)
	DT_NO_BUILD=1 EMU=build/tandem DT_SEED=1000 DT_FILES=5 DT_PER_FILE=2000 \
	  tests/difftest/run-difftest.sh

check-difftest-full: $(DIFFTEST_DEPS)
	DT_NO_BUILD=1 EMU=build/tandem DT_SEED=random DT_FILES=20 DT_PER_FILE=5000 \
	  tests/difftest/run-difftest.sh

CHECK_TARGETS += check-difftest
CHECK_FULL_TARGETS += check-difftest-full

CHECK_PREBUILD += build/difftest/gen
