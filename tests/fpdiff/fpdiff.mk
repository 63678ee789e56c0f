# fpdiff.mk — differential test of the floating-point executor against qemu-aarch64
# (included by the Makefile through its tests/*/*.mk wildcard).
#   build/fpdiff/oracle   static AArch64 Linux program: runs instruction words under qemu-aarch64
#   build/fpdiff/fpdiff   host harness: random FP instructions and special-biased inputs,
#                         compares target-arm/decode-a64-fp*.c + fpu*.c with the oracle
#   make check-fpdiff       2,000,000 records (about 15 s)
#   make check-fpdiff-full  20,000,000 records with a seed from the clock

FPDIFF_CC ?= aarch64-linux-gnu-gcc

build/fpdiff/oracle: tests/fpdiff/oracle.c tests/fpdiff/oracle-stub.S tests/fpdiff/fpdiff.h
	@mkdir -p $(dir $@)
	$(FPDIFF_CC) -O2 -static -Wall -Wextra -Wl,--no-warn-rwx-segments -o $@ \
	  tests/fpdiff/oracle.c tests/fpdiff/oracle-stub.S

build/fpdiff/fpdiff: tests/fpdiff/fpdiff.c tests/fpdiff/fpdiff.h build/libtandem.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< build/libtandem.a $(LIBS)

.PHONY: check-fpdiff check-fpdiff-full
check-fpdiff: build/fpdiff/fpdiff build/fpdiff/oracle
	build/fpdiff/fpdiff build/fpdiff/oracle 2000000

check-fpdiff-full: build/fpdiff/fpdiff build/fpdiff/oracle
	build/fpdiff/fpdiff build/fpdiff/oracle 20000000 $$(date +%s)

CHECK_TARGETS += check-fpdiff
CHECK_FULL_TARGETS += check-fpdiff-full
CHECK_PREBUILD += build/fpdiff/fpdiff build/fpdiff/oracle
