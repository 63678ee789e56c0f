# linux.mk — the Linux boot test (included by the Makefile through tests/*/*.mk).
#   make check-linux   boots Debian 12's arm64 cloud kernel + busybox initramfs on build/tandem:
#                      backend=jit with GICv2, jit with GICv3, interp, -smp 4 with each GIC, and
#                      -cpu max -smp 4 (LSE), an idle -smp 4 system using under 2% of a
#                      host core, PSCI SYSTEM_RESET on 4 vCPUs (the kernel boots again; with -no-reboot
#                      Tandem exits) (tests/linux/run.sh)
#   make bench-linux   the same boot on Tandem (jit) and qemu-system-aarch64: both times, ratio
#   make check-linux-oracle  the flow on qemu-system-aarch64 alone (validates the test itself)
# The first run fetches the packages (tests/linux/fetch.sh arm64, cached under build/linux/; needs
# root and apt). check-linux is part of `make check` (LINUX_IN_CHECK=0 leaves it out, e.g. offline).

LINUX_IN_CHECK ?= 1

.PHONY: check-linux bench-linux check-linux-oracle
check-linux: build/tandem
	EMU=build/tandem tests/linux/run.sh jit-gic2 jit-gic3 interp smp4-gic2 smp4-gic3 smp4-max \
	  idle4 reboot reboot-exit

bench-linux: build/tandem
	EMU=build/tandem tests/linux/run.sh --bench
	EMU=build/tandem tests/linux/run.sh --bench-smp4

check-linux-oracle:
	EMU=qemu-system-aarch64 tests/linux/run.sh jit-gic2 jit-gic3 smp4-gic2 smp4-gic3 reboot reboot-exit

# make check-full: Linux on 16 and 64 vCPUs with a GICv3 (6 s and 33 s here).
.PHONY: check-linux-full
check-linux-full: build/tandem
	EMU=build/tandem tests/linux/run.sh smp16-gic3 smp64-gic3

ifeq ($(LINUX_IN_CHECK),1)
CHECK_TARGETS += check-linux
CHECK_FULL_TARGETS += check-linux-full
endif

# ---- x86-64 (issue 6): Debian 12's amd64 cloud kernel + busybox on -M pc (tests/linux/run.sh
# --arch x86; inputs from tests/linux/fetch.sh amd64 under build/linux/x86/).
#   make check-linux-x86         boots it on build/tandem, backend=jit and backend=interp
#   make bench-linux-x86         Tandem (jit) and qemu-system-x86_64: both times and the ratio,
#                                or "tandem failed: <reason>" (each run is bounded by a timeout)
#   make check-linux-x86-oracle  the flow on qemu-system-x86_64 alone (-smp 1 and -smp 2)
# check-linux-x86 is part of `make check` with check-linux (LINUX_IN_CHECK=0 leaves both out).
.PHONY: check-linux-x86 bench-linux-x86 check-linux-x86-oracle
check-linux-x86: build/tandem
	EMU=build/tandem tests/linux/run.sh --arch x86 jit interp smp4

bench-linux-x86: build/tandem
	EMU=build/tandem tests/linux/run.sh --arch x86 --bench

ifeq ($(LINUX_IN_CHECK),1)
CHECK_TARGETS += check-linux-x86
endif

check-linux-x86-oracle:
	EMU=qemu-system-x86_64 tests/linux/run.sh --arch x86 jit smp2 smp4
