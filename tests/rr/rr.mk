# rr.mk — the deterministic single-thread mode (-accel tcg,thread=single), included by the
# Makefile: check-rr runs test-smp-rr and test-smp-rtc (the PL031 with -rtc base=2020-01-01 on
# the virtual clock) twice per backend and compares the outputs (tests/rr/run.sh, which also runs
# tests/rr/<name>.check on them), then runs every multi-CPU guest test (test-smp*, test-psci*,
# test-reset-inflight) in single mode on both backends (a WFE that finds its event register
# clear ends the vCPU's turn there); check-rr-tsan repeats the determinism check under
# ThreadSanitizer (the guest tests named test-smp-* already run there
# with the thread=single in their .args where they have it).
RR_GUEST_TESTS = $(filter build/guest/arm/test-smp% build/guest/arm/test-psci% \
  build/guest/arm/test-reset-inflight.elf, $(GUEST_ARM_ELFS))

RR_DETERMINISM_TESTS := build/guest/arm/test-smp-rr.elf build/guest/arm/test-smp-rtc.elf

.PHONY: check-rr check-rr-tsan
check-rr: build/tandem $(RR_DETERMINISM_TESTS) $(RR_GUEST_TESTS)
	@set -e; for t in $(RR_DETERMINISM_TESTS); do tests/rr/run.sh build/tandem $$t; done
	GUEST_NO_BUILD=1 EMU=build/tandem GUEST_ACCEL=thread=single \
	  tests/run-guest-tests.sh $(RR_GUEST_TESTS)

check-rr-tsan: build-tsan/tandem $(RR_DETERMINISM_TESTS)
	@set -e; for t in $(RR_DETERMINISM_TESTS); do \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" RR_TIMEOUT=180 \
	  tests/rr/run.sh build-tsan/tandem $$t jit; done

CHECK_TARGETS += check-rr
TSAN_TARGETS += check-rr-tsan
