#!/usr/bin/env bash
# run-cli-tests.sh — bad command lines and bad images given to Tandem. Each case must exit
# with status 1 (never a signal: status < 128), print exactly one line on stderr starting
# "tandem: ", and that line must name the problem (a word or file the user gave).
# Usage: tests/cli/run-cli-tests.sh [path/to/tandem]   (default build/tandem; EMU= also works)
set -u
EMU=${1:-${EMU:-build/tandem}}
if [ ! -x "$EMU" ]; then
    echo "run-cli-tests: $EMU is not built" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0

# expect_error NAME PATTERN ARGS... — PATTERN is an extended regex the message must match.
expect_error() {
    local name=$1 pattern=$2
    shift 2
    local out="$WORK/out" err="$WORK/err" status
    timeout 20 "$EMU" "$@" </dev/null >"$out" 2>"$err"
    status=$?
    local lines
    lines=$(wc -l <"$err")
    local msg
    msg=$(head -n 1 "$err")
    if [ "$status" -ne 1 ]; then
        echo "FAIL $name: exit status $status, expected 1 (stderr: $msg)"
        failed=$((failed + 1))
    elif [ "$lines" -ne 1 ]; then
        echo "FAIL $name: expected one line on stderr, got $lines:"
        sed 's/^/    /' "$err"
        failed=$((failed + 1))
    elif ! grep -Eq -- "^tandem: .*($pattern)" "$err"; then
        echo "FAIL $name: message does not match /$pattern/: $msg"
        failed=$((failed + 1))
    else
        echo "ok   $name: $msg"
        passed=$((passed + 1))
    fi
}

# expect_ok NAME PATTERN ARGS... — informational options exit 0 and print PATTERN on stdout.
expect_ok() {
    local name=$1 pattern=$2
    shift 2
    local out="$WORK/out" status
    timeout 20 "$EMU" "$@" </dev/null >"$out" 2>"$WORK/err"
    status=$?
    if [ "$status" -eq 0 ] && grep -Eq -- "$pattern" "$out"; then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name: status $status, stdout: $(head -c 200 "$out")"
        failed=$((failed + 1))
    fi
}

BASE=(-M virt -cpu cortex-a57 -nographic)

# A tiny but valid AArch64 ELF is not needed: every case fails before the guest would run.
printf 'this is neither an ELF file nor an arm64 Image, just text\n%.0s' {1..4} >"$WORK/notes.txt"
mkdir "$WORK/kernel-dir"
# An AArch64 ELF header cut short: /bin/true's first 100 bytes with e_machine = EM_AARCH64.
head -c 100 /bin/true >"$WORK/truncated.elf"
printf '\xb7\x00' | dd of="$WORK/truncated.elf" bs=1 seek=18 conv=notrunc status=none
# A minimal Linux arm64 Image: text_offset 0x80000, image_size 8 MiB, magic "ARM\x64" at 0x38.
make_image() { # FILE IMAGE_SIZE_HEX_LE
    head -c 4096 /dev/zero >"$1"
    printf '\x00\x00\x08\x00' | dd of="$1" bs=1 seek=8 conv=notrunc status=none
    printf "$2" | dd of="$1" bs=1 seek=16 conv=notrunc status=none
    printf 'ARM\x64' | dd of="$1" bs=1 seek=56 conv=notrunc status=none
}
make_image "$WORK/Image" '\x00\x00\x80\x00'
: >"$WORK/empty"
X86_ELF=/bin/true
[ -f "$X86_ELF" ] || X86_ELF=$(command -v true)

expect_error missing-kernel "missing-kernel.elf" "${BASE[@]}" -kernel "$WORK/missing-kernel.elf"
# Running as root, chmod 000 does not stop open(); a directory fails to load differently.
expect_error unreadable-kernel "kernel-dir.*directory" "${BASE[@]}" -kernel "$WORK/kernel-dir"
expect_error neither-elf-nor-image "notes.txt.*neither an ELF" "${BASE[@]}" -kernel "$WORK/notes.txt"
expect_error empty-kernel "empty.*neither an ELF" "${BASE[@]}" -kernel "$WORK/empty"
expect_error x86-64-elf "x86-64 ELF given to an AArch64 machine" "${BASE[@]}" -kernel "$X86_ELF"
expect_error truncated-elf "truncated" "${BASE[@]}" -kernel "$WORK/truncated.elf"
expect_error unknown-option "'-frobnicate'" "${BASE[@]}" -frobnicate -kernel "$X86_ELF"
expect_error missing-argument "'-kernel' requires an argument" "${BASE[@]}" -kernel
expect_error unknown-machine "unknown machine 'pc-q35'" -M pc-q35 -kernel "$X86_ELF"
expect_error unknown-machine-property "dumpbin" -M virt,dumpbin=x -kernel "$X86_ELF"
expect_error unknown-cpu "unknown CPU model 'cortex-a99'" -M virt -cpu cortex-a99 -kernel "$X86_ELF"
expect_error ram-zero "-m 0" "${BASE[@]}" -m 0 -kernel "$X86_ELF"
expect_error ram-garbage "-m lots" "${BASE[@]}" -m lots -kernel "$X86_ELF"
expect_error ram-beyond-window "-m 1024 GiB.*RAM window" "${BASE[@]}" -m 1T -kernel "$X86_ELF"
expect_error smp-too-many "-smp 9: a GICv2 board holds at most 8 CPUs" "${BASE[@]}" -smp 9 -kernel "$X86_ELF"
expect_error smp-too-many-gicv3 "-smp 513: machine .virt. supports 512 CPUs at most" "${BASE[@]}" -machine gic-version=3 -smp 513 -kernel "$X86_ELF"
expect_error smp-too-many-gic-max "-smp 513: machine .virt. supports 512 CPUs at most" "${BASE[@]}" -machine gic-version=max -smp 513 -kernel "$X86_ELF"
expect_error smp-zero "-smp 0" "${BASE[@]}" -smp 0 -kernel "$X86_ELF"
expect_error unknown-log-item "'bogus'" "${BASE[@]}" -d in_asm,bogus -kernel "$X86_ELF"
expect_error bad-backend "'llvm'" "${BASE[@]}" -accel tcg,backend=llvm -kernel "$X86_ELF"
expect_error bad-accel "'kvm'" "${BASE[@]}" -accel kvm -kernel "$X86_ELF"
expect_error bad-serial "'tcp:1234'|tcp:1234" "${BASE[@]}" -serial tcp:1234 -kernel "$X86_ELF"
expect_error no-kernel "no kernel" "${BASE[@]}"
expect_error missing-initrd "no-initrd.img" "${BASE[@]}" -kernel "$WORK/Image" -initrd "$WORK/no-initrd.img"
expect_error kernel-beyond-ram "Image.*does not fit in guest RAM" "${BASE[@]}" -m 4M -kernel "$WORK/Image"
expect_error bad-dtb "notes.txt.*not a valid device tree" "${BASE[@]}" -kernel "$WORK/Image" -dtb "$WORK/notes.txt"
expect_error stray-argument "'disk.img'" "${BASE[@]}" disk.img
expect_error bios "-bios" "${BASE[@]}" -bios efi.fd

expect_error monitor-stdio-taken "stdio is already used by the serial port" "${BASE[@]}" \
    -monitor stdio -kernel "$WORK/Image"
expect_error monitor-telnet "telnet:4444" "${BASE[@]}" -monitor telnet:4444 -kernel "$WORK/Image"
expect_error monitor-unix-option "'telnet'" "${BASE[@]}" -monitor unix:"$WORK/m.sock",telnet \
    -kernel "$WORK/Image"
expect_error device-unknown "virtio-net" "${BASE[@]}" -device virtio-net -kernel "$WORK/Image"
expect_error device-bad-arg "arg=lots" "${BASE[@]}" -device tandem-testdev,arg=lots -kernel "$WORK/Image"
expect_error device-bad-property "'color'" "${BASE[@]}" -device tandem-testdev,color=red \
    -kernel "$WORK/Image"
# -device isa-debug-exit and -machine smm (QEMU's spellings; pc only, as on QEMU).
expect_ok device-help "isa-debug-exit" -device help
expect_error debug-exit-iosize-0 "iosize=0" -device isa-debug-exit,iosize=0 -kernel "$X86_ELF"
expect_error debug-exit-iosize-9 "iosize=9" -device isa-debug-exit,iosize=9 -kernel "$X86_ELF"
expect_error debug-exit-iobase-big "iobase=0x10000" -device isa-debug-exit,iobase=0x10000 \
    -kernel "$X86_ELF"
expect_error debug-exit-iobase-nan "iobase=port" -device isa-debug-exit,iobase=port -kernel "$X86_ELF"
expect_error debug-exit-past-end "0xffff..0x10000" -device isa-debug-exit,iobase=0xffff,iosize=2 \
    -kernel "$X86_ELF"
expect_error debug-exit-bad-property "'size'" -device isa-debug-exit,size=4 -kernel "$X86_ELF"
expect_error debug-exit-twice "given twice" -device isa-debug-exit -device isa-debug-exit,iobase=0xf4 \
    -kernel "$X86_ELF"
expect_error debug-exit-on-virt "isa-debug-exit.*no ISA bus" "${BASE[@]}" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel "$WORK/Image"
expect_error smm-bad-value "smm needs on or off" -machine smm=maybe -kernel "$X86_ELF"
expect_error smm-on-virt "smm=on.*virt" "${BASE[@]}" -machine smm=on -kernel "$WORK/Image"
if "$EMU" -M help | grep -q '^pc\b'; then
    # Once the pc board exists, the good spellings start it (-M pc is then accepted with both).
    for args in "-device isa-debug-exit,iobase=0xf4,iosize=0x4" "-device isa-debug-exit" \
        "-machine smm=off" "-machine smm=on" "-machine smm=auto"; do
        # shellcheck disable=SC2086
        if "$EMU" -M pc $args -version >/dev/null 2>"$WORK/err"; then
            echo "ok   pc-accepts $args"
            passed=$((passed + 1))
        else
            echo "FAIL pc-accepts $args: $(head -n 1 "$WORK/err")"
            failed=$((failed + 1))
        fi
    done
fi

# -rtc (QEMU's spelling): bad values are one clear error; good ones start the machine (shown by
# dumpdtb, which exits 0 once the board, its PL031 included, is built).
expect_error rtc-bad-month "base=2020-13-01" "${BASE[@]}" -rtc base=2020-13-01 -kernel "$X86_ELF"
expect_error rtc-bad-day "base=2019-02-29" "${BASE[@]}" -rtc base=2019-02-29 -kernel "$X86_ELF"
expect_error rtc-before-1970 "base=1969-12-31" "${BASE[@]}" -rtc base=1969-12-31 -kernel "$X86_ELF"
expect_error rtc-no-seconds "base=2020-01-01T10:00" "${BASE[@]}" -rtc base=2020-01-01T10:00 -kernel "$X86_ELF"
expect_error rtc-bad-clock "clock=guest" "${BASE[@]}" -rtc clock=guest -kernel "$X86_ELF"
expect_error rtc-bad-driftfix "driftfix=fast" "${BASE[@]}" -rtc driftfix=fast -kernel "$X86_ELF"
expect_error rtc-unknown-property "'speed'" "${BASE[@]}" -rtc base=utc,speed=2 -kernel "$X86_ELF"
expect_error rtc-bare-word "'localtime' needs a value" "${BASE[@]}" -rtc localtime -kernel "$X86_ELF"
for rtc in base=utc base=localtime,clock=rt base=2006-06-17T16:01:21,clock=vm \
    base=2006-06-17,clock=host,driftfix=slew driftfix=none; do
    if "$EMU" -M virt,dumpdtb="$WORK/rtc.dtb" -rtc "$rtc" -nographic >/dev/null 2>"$WORK/err" &&
        ! grep -qv '^tandem: info: dtb dumped' "$WORK/err"; then
        echo "ok   rtc-good $rtc"
        passed=$((passed + 1))
    else
        echo "FAIL rtc-good $rtc: $(head -n 1 "$WORK/err")"
        failed=$((failed + 1))
    fi
done

expect_ok machine-help "virt" -M help
expect_ok cpu-help "cortex-a57" -cpu help
expect_ok log-help "in_asm" -d help
expect_ok version "version" -version
expect_error gic-host "gic-version=host|KVM" "${BASE[@]}" -machine gic-version=host -kernel "$X86_ELF"
expect_error gic-4 "gic-version" "${BASE[@]}" -machine gic-version=4 -kernel "$X86_ELF"
# -machine gic-version=3 given apart from -M virt, with dumpdtb: the DTB names a GICv3.
if "$EMU" -M virt -machine gic-version=3,dumpdtb="$WORK/v3.dtb" -nographic >/dev/null 2>&1 &&
    dtc -I dtb -O dts "$WORK/v3.dtb" 2>/dev/null | grep -q 'compatible = "arm,gic-v3"'; then
    echo "ok   gic-version-3-dtb"
    passed=$((passed + 1))
else
    echo "FAIL gic-version-3-dtb: no arm,gic-v3 node in the dumped DTB"
    failed=$((failed + 1))
fi
# More CPUs than the first redistributor window holds (123): a second region at
# 0x40_0000_0000 as QEMU's virt, and cpu@16 has affinity 1.0 (clusters of 16 with GICv3).
if "$EMU" -M virt -machine gic-version=3,dumpdtb="$WORK/v3-200.dtb" -smp 200 -nographic \
        >/dev/null 2>&1 &&
    dtc -I dtb -O dts "$WORK/v3-200.dtb" 2>/dev/null | grep -q '#redistributor-regions = <0x02>' &&
    dtc -I dtb -O dts "$WORK/v3-200.dtb" 2>/dev/null | grep -A3 'cpu@16 {' | grep -q 'reg = <0x100>'; then
    echo "ok   gic-version-3-smp-200-dtb"
    passed=$((passed + 1))
else
    echo "FAIL gic-version-3-smp-200-dtb: no second redistributor region or wrong cpu@16 reg"
    failed=$((failed + 1))
fi
expect_ok help "-kernel" -help

# expect_guest_stop NAME PATTERN ARGS... — a guest that runs into something Tandem cannot
# continue from stops the machine: status 1, first stderr line "tandem: vCPU N: ..." matching
# PATTERN (pc, encoding and disassembly), followed by the register dump.
expect_guest_stop() {
    local name=$1 pattern=$2
    shift 2
    local err="$WORK/err" status
    timeout 20 "$EMU" "$@" </dev/null >/dev/null 2>"$err"
    status=$?
    if [ "$status" -eq 1 ] && head -n 1 "$err" | grep -Eq -- "^tandem: vCPU 0: .*($pattern)" &&
        grep -q '^PC=' "$err"; then
        echo "ok   $name: $(head -n 1 "$err")"
        passed=$((passed + 1))
    else
        echo "FAIL $name: status $status, stderr: $(head -n 2 "$err")"
        failed=$((failed + 1))
    fi
}

# An unallocated encoding (UDF #0) after two real instructions, on both backends: UNDEF goes
# to VBAR_EL1 = 0, where nothing can be fetched, so the guest can never progress; Tandem stops
# naming the first exception (ESR EC 0x00 at the UDF).
if command -v aarch64-linux-gnu-gcc >/dev/null; then
    printf '.globl _start\n_start:\n mov x0, #5\n add x1, x0, #3\n .inst 0x00000000\n' >"$WORK/udf.S"
    if aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--no-warn-rwx-segments \
        -Wl,--section-start=.note.gnu.build-id=0x40070000 "$WORK/udf.S" -o "$WORK/udf.elf" 2>"$WORK/cc.err"; then
        for backend in jit interp; do
            expect_guest_stop "unallocated-insn-$backend" \
                "ESR 0x02000000 .*at pc 0x0*40080008, encoding 0x00000000" \
                "${BASE[@]}" -accel tcg,backend=$backend -kernel "$WORK/udf.elf"
        done
        # A gzip-compressed kernel is decompressed (as QEMU's -kernel does); a truncated one
        # is a clear error.
        gzip -c "$WORK/udf.elf" >"$WORK/udf.elf.gz"
        expect_guest_stop "gzip-kernel" "ESR 0x02000000 .*at pc 0x0*40080008" \
            "${BASE[@]}" -kernel "$WORK/udf.elf.gz"
        head -c 40 "$WORK/udf.elf.gz" >"$WORK/trunc.gz"
        expect_error gzip-truncated "trunc.gz.*gzip data is corrupt" "${BASE[@]}" -kernel "$WORK/trunc.gz"
    else
        echo "FAIL unallocated-insn: cannot build the test program: $(head -n 1 "$WORK/cc.err")"
        failed=$((failed + 1))
    fi
else
    echo "FAIL unallocated-insn: aarch64-linux-gnu-gcc is missing"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
