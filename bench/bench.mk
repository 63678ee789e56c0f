# bench.mk — make bench: builds the workload bare metal for virt, for pc (multiboot) and natively,
# then runs bench/run-bench.sh (Tandem jit and interp, qemu-system-aarch64 or qemu-system-x86_64,
# native; prints ratios).
# BENCH_SCALE sizes the work: at 5 qemu-system-aarch64 needs about 0.7 s on 2 cores.
BENCH_SCALE ?= 5
BENCH_SRCS := bench/workload.c bench/bench.h

build/bench/workload.elf: $(BENCH_SRCS) bench/shim-virt.c $(GUEST_RT_SRCS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -DBENCH_SCALE=$(BENCH_SCALE) -Ibench -T $(GUEST_LIB)/link.ld \
	  $(GUEST_LIB)/crt0.S $(GUEST_LIB)/runtime.c $(GUEST_COMMON)/guest-common.c bench/shim-virt.c bench/workload.c -o $@

build/bench/workload-mmu.elf: $(BENCH_SRCS) bench/shim-virt.c bench/mmu-identity.c $(GUEST_RT_SRCS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -DBENCH_SCALE=$(BENCH_SCALE) -DBENCH_MMU -Ibench -T $(GUEST_LIB)/link.ld \
	  $(GUEST_LIB)/crt0.S $(GUEST_LIB)/runtime.c $(GUEST_COMMON)/guest-common.c bench/shim-virt.c bench/mmu-identity.c \
	  bench/workload.c -o $@

build/bench/workload-native: $(BENCH_SRCS) bench/shim-native.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 $(WARN) -DBENCH_SCALE=$(BENCH_SCALE) -Ibench -o $@ \
	  bench/shim-native.c bench/workload.c

bench: build/tandem build/bench/workload.elf build/bench/workload-mmu.elf build/bench/workload-native \
    build/bench/workload-pc.elf
	bench/run-bench.sh
	GUEST=build/bench/workload-mmu.elf BENCH_LABEL="MMU and caches on" bench/run-bench.sh
	BENCH_ARCH=x86 bench/run-bench.sh

# ---- SMP scaling: two copies of the workload on -smp 2 against one after the other on -smp 1
build/bench/workload-a.o build/bench/workload-b.o: build/bench/workload-%.o: $(BENCH_SRCS)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -DBENCH_SCALE=$(BENCH_SCALE) -Dbench_main=bench_main_$* -Ibench \
	  -c bench/workload.c -o $@

build/bench/workload-smp.elf: build/bench/workload-a.o build/bench/workload-b.o bench/shim-smp.c \
    $(GUEST_RT_SRCS)
	$(GUEST_CC) $(GUEST_CFLAGS) -Ibench -T $(GUEST_LIB)/link.ld $(GUEST_LIB)/crt0.S \
	  $(GUEST_LIB)/runtime.c $(GUEST_COMMON)/guest-common.c bench/shim-smp.c build/bench/workload-a.o build/bench/workload-b.o -o $@

.PHONY: bench-smp
bench-smp: build/tandem build/bench/workload-smp.elf
	bench/run-smp-bench.sh

# ---- x86-64 (issue 6): the same workload bare metal on -M pc (make bench-x86) ----
# bench/shim-pc.c with the x86 guest runtime (tests/guest/x86.mk: crt0, IDT, COM1, isa-debug-exit),
# linked at 1 MiB as ELF64 and converted to ELF32 for the multiboot loader, like the x86 guest
# tests. bench/run-bench.sh with BENCH_ARCH=x86 runs it on qemu-system-x86_64 and Tandem next to
# the native build (the same workload-native). `make bench` runs it after the AArch64 runs.
build/bench/workload-pc.elf64: $(BENCH_SRCS) bench/shim-pc.c $(X86_GUEST_RT_OBJS) \
    $(X86_GUEST_LIB)/link.ld $(X86_GUEST_RT_HDRS)
	@mkdir -p $(dir $@)
	$(X86_GUEST_CC) $(X86_GUEST_BASE_CFLAGS) -mgeneral-regs-only -DBENCH_SCALE=$(BENCH_SCALE) -Ibench \
	  $(X86_GUEST_LDFLAGS) $(X86_GUEST_RT_OBJS) bench/shim-pc.c bench/workload.c -o $@

build/bench/workload-pc.elf: build/bench/workload-pc.elf64
	objcopy -O elf32-i386 $< $@

.PHONY: bench-x86
bench-x86: build/tandem build/bench/workload-pc.elf build/bench/workload-native
	BENCH_ARCH=x86 bench/run-bench.sh
