# monitor.mk — the monitor test (tests/monitor/run.sh) against its guest, mon-target.c, on
# the normal build and under ThreadSanitizer (without the idle-CPU measurement there, since
# TSan's own threads use CPU).
build/guest/arm/mon-target.elf: tests/monitor/mon-target.c $(GUEST_RT_SRCS) $(GUEST_ARM_HDRS)
	$(call guest_link,$(GUEST_LIB)/crt0.S,$<)

.PHONY: check-monitor check-monitor-tsan
check-monitor: build/tandem build/guest/arm/mon-target.elf
	tests/monitor/run.sh build/tandem build/guest/arm/mon-target.elf

check-monitor-tsan: build-tsan/tandem build/guest/arm/mon-target.elf
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" MON_NO_IDLE=1 \
	  tests/monitor/run.sh build-tsan/tandem build/guest/arm/mon-target.elf

CHECK_TARGETS += check-monitor
TSAN_TARGETS += check-monitor-tsan
