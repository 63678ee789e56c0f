#!/bin/bash
# run.sh — boots Debian 12's arm64 cloud kernel with the busybox initramfs (tests/linux/fetch.sh)
# on the virt board and checks it: the console must show TANDEM-LINUX-BOOT-OK and
# TANDEM-LINUX-DONE with the right md5sum of 1 MiB of zeros and awk sum of 1..1000 between
# them, and the emulator must exit with status 0 (the guest's `poweroff -f` is a
# PSCI SYSTEM_OFF) within the timeout. Prints one line per run with its wall time, then
# "N passed, N failed"; exits 1 if any run failed. Console output: build/linux/<label>.log.
#   tests/linux/run.sh [VARIANT...]   variants: jit-gic2 jit-gic3 interp (default: these three),
#                                      smp4-gic2, smp4-gic3 (-smp 4: the kernel must report
#                                      4 CPUs), smp16-gic3, smp64-gic3 (-smp 16/64 with a
#                                      GICv3: MPIDR clusters of 16, SGIs across them), reboot
#                                      (-smp 4: PSCI SYSTEM_RESET boots it
#                                      again), reboot-exit (with -no-reboot the reset ends the
#                                      emulator), smp4-max (-cpu max -smp 4: LSE atomics),
#                                      idle4 (-smp 4, the booted system idles 5 s: prints the
#                                      host CPU the emulator used meanwhile; under 5% passes.
#                                      Idle Linux still takes ~40 timer interrupts a second,
#                                      about 2% of a core here and 3% on qemu; a machine
#                                      whose vCPUs all sleep is held to 2% in tests/monitor)
#   tests/linux/run.sh --bench-smp4   -smp 4 with GICv2 and GICv3 on Tandem and qemu: times
#   tests/linux/run.sh --bench        Tandem (jit) and qemu-system-aarch64 on the same boot,
#                                      both times and their ratio
#   tests/linux/run.sh --arch x86 [--bench | VARIANT...]   the same on x86-64: Debian 12's amd64
#                                      cloud kernel and an amd64 busybox initramfs
#                                      (tests/linux/fetch.sh amd64, init-x86.sh) on
#                                      -M pc -m 512 -nographic -kernel bzImage -initrd initrd.gz
#                                      -append "console=ttyS0" (the issue's line; -no-reboot is
#                                      added so a triple fault ends the run); `poweroff -f` is
#                                      an ACPI S5 and must end the emulator with status 0, and
#                                      `uname -m` must say x86_64. Variants: jit, interp (default:
#                                      both), smp2, smp4, smp4-interp (-smp N: N CPUs reported,
#                                      brought up by INIT/SIPI). --bench: Tandem (jit) and
#                                      qemu-system-x86_64 with -smp 1 and -smp 4; when Tandem fails it prints
#                                      "tandem failed: <reason>" instead of the ratio.
#                                      Console output: build/linux/x86-<label>.log.
# Environment: EMU=build/tandem (any other emulator, e.g. qemu-system-aarch64, runs each variant
# without the -accel backend option), QEMU=qemu-system-aarch64 (qemu-system-x86_64 with
# --arch x86), LINUX_TIMEOUT=300 (seconds; 120 with --arch x86: qemu boots it in ~2.5 s).
set -u
cd "$(dirname "$0")/../.." || exit 1
ARCH=arm64
if [ "${1:-}" = "--arch" ]; then
    ARCH=${2:-}
    shift 2 || { echo "run.sh: --arch needs a value (x86)" >&2; exit 1; }
    [ "$ARCH" = x86 ] || [ "$ARCH" = arm64 ] || { echo "run.sh: unknown --arch $ARCH" >&2; exit 1; }
fi
EMU=${EMU:-build/tandem}
if [ "$ARCH" = x86 ]; then
    QEMU=${QEMU:-qemu-system-x86_64}
    TIMEOUT=${LINUX_TIMEOUT:-120}
    FETCH_ARCH=amd64
else
    QEMU=${QEMU:-qemu-system-aarch64}
    TIMEOUT=${LINUX_TIMEOUT:-300}
    FETCH_ARCH=arm64
fi
OUT=build/linux

files=$(tests/linux/fetch.sh "$FETCH_ARCH") || {
    echo "run.sh: tests/linux/fetch.sh $FETCH_ARCH failed"; exit 1
}
IMAGE=$(echo "$files" | tail -n 2 | head -n 1)
INITRD=$(echo "$files" | tail -n 1)
echo "kernel: $(echo "$files" | head -n 1)"

passed=0 failed=0
LAST_TIME=0
# The issue's command line; each run adds -append and its variant's arguments.
BASE_ARGS=(-M virt -cpu cortex-a57 -smp 1 -m 512 -nographic -kernel "$IMAGE" -initrd "$INITRD")
APPEND="console=ttyAMA0 panic=-1"
LOG_PREFIX=""
if [ "$ARCH" = x86 ]; then
    BASE_ARGS=(-M pc -m 512 -nographic -kernel "$IMAGE" -initrd "$INITRD")
    APPEND="console=ttyS0"
    LOG_PREFIX="x86-"
fi

# ---- elapsed seconds since $1 (date +%s.%N) into LAST_TIME ----
stop_clock() {
    LAST_TIME=$(awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}

# ---- one result line: $1 = label, $2 = console log, $3 = failure reason ("" = pass) ----
report() {
    local label=$1 log=$2 status=$3
    if [ -z "$status" ]; then
        passed=$((passed + 1))
        printf 'PASS %-28s %8.2fs\n' "$label" "$LAST_TIME"
    else
        failed=$((failed + 1))
        printf 'FAIL %-28s %8.2fs  %s; last console lines (%s):\n' "$label" "$LAST_TIME" \
            "$status" "$log"
        tr -d '\r' < "$log" | tail -n 8 | sed 's/^/    | /'
    fi
}

# ---- one boot: $1 = label, $2 = emulator, rest = extra arguments; sets LAST_TIME ----
boot_one() {
    local label=$1 emu=$2 log=$OUT/$LOG_PREFIX$1.log status="" rc t0
    shift 2
    t0=$(date +%s.%N)
    if [ -n "${IDLE_SECONDS:-}" ]; then
        timeout -k 5 "$TIMEOUT" "$emu" "${BASE_ARGS[@]}" -no-reboot "$@" \
            -append "console=ttyAMA0 panic=-1 tandem.idle=$IDLE_SECONDS" </dev/null >"$log" 2>&1 &
        idle_measure $! "$log"
        wait $!
    else
        timeout -k 5 "$TIMEOUT" "$emu" "${BASE_ARGS[@]}" -append "$APPEND" \
            -no-reboot "$@" </dev/null >"$log" 2>&1
    fi
    rc=$?
    stop_clock "$t0"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        status="timeout after ${TIMEOUT}s"
    elif [ $rc -ne 0 ]; then
        status="exit status $rc"
    elif ! grep -q '^TANDEM-LINUX-BOOT-OK' "$log"; then
        status="no boot marker"
    elif ! grep -q '^md5 b6d81b360a5672d80c27430f39153e2c' "$log" || \
         ! grep -q '^sum 500500' "$log"; then
        status="wrong md5/sum output"
    elif ! grep -q '^TANDEM-LINUX-DONE' "$log"; then
        status="no done marker"
    elif ! grep -q "^cpus $WANT_CPUS" "$log"; then
        status="the kernel did not report $WANT_CPUS CPUs"
    elif [ "$ARCH" = x86 ] && ! grep -q '^arch x86_64' "$log"; then
        status="uname -m did not say x86_64"
    elif [ -n "${IDLE_SECONDS:-}" ] && ! awk -v u="$IDLE_USE" 'BEGIN { exit !(u ~ /^[0-9.]+$/ && u < 5) }'; then
        status="idle system used ${IDLE_USE:-?}% of a host core (want < 5%)"
    fi
    if [ -n "${IDLE_SECONDS:-}" ]; then
        label="$label (idle: ${IDLE_USE:-?}% of a core)"
    fi
    LAST_STATUS=$status
    if [ -n "$status" ] && [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then
        # the emulator's own last words (e.g. an unsupported machine) say why it stopped
        LAST_STATUS="$status: $(tr -d '\r' < "$log" | grep -v '^[[:space:]]*$' | tail -n 1)"
    fi
    report "$label" "$log" "$status"
}

# ---- idle_measure PID LOG: the host CPU time (percent of one core) the emulator (PID, the
# timeout wrapper's child) used between TANDEM-LINUX-IDLE-START and -END, into IDLE_USE ----
idle_measure() {
    local pid=$1 log=$2 child t0 t1 s0 s1 hz
    IDLE_USE=""
    hz=$(getconf CLK_TCK)
    for _ in $(seq 1 $((TIMEOUT * 10))); do
        grep -q '^TANDEM-LINUX-IDLE-START' "$log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { IDLE_USE="?(ended before idle)"; return; }
        sleep 0.1
    done
    child=$(pgrep -P "$pid" | head -n 1)
    [ -n "$child" ] || { IDLE_USE="?(no emulator process under $pid)"; return; }
    sleep 1 # the end of the boot (deferred work) is not idle time
    s0=$(date +%s.%N)
    t0=$(awk '{ print $14 + $15 }' "/proc/$child/stat")
    # Sample inside the idle time, well before its end: the emulator exits soon after it.
    sleep $((IDLE_SECONDS - 2))
    t1=$(awk '{ print $14 + $15 }' "/proc/$child/stat" 2>/dev/null)
    s1=$(date +%s.%N)
    [ -n "$t0" ] && [ -n "$t1" ] || { IDLE_USE="?(no /proc/$child/stat: '$t0' '$t1')"; return; }
    IDLE_USE=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s0="$s0" -v s1="$s1" \
        'BEGIN { printf "%.1f", (b - a) / hz * 100 / (s1 - s0) }')
}

# ---- PSCI SYSTEM_RESET: $1 = label, $2 = emulator, rest = extra arguments ----
# Without -no-reboot the machine must come back: init (booted with tandem.reboot) resets at
# once, so a second TANDEM-LINUX-REBOOTING proves a full reload and boot after the reset; the
# emulator is then stopped. With -no-reboot the reset must end the emulator with status 0.
reboot_one() {
    local label=$1 emu=$2 log=$OUT/$1.log status="" rc t0 pid n=0 waited=0 no_reboot=0
    shift 2
    case " $* " in *" -no-reboot "*) no_reboot=1 ;; esac
    t0=$(date +%s.%N)
    timeout -k 5 "$TIMEOUT" "$emu" "${BASE_ARGS[@]}" \
        -append "console=ttyAMA0 panic=-1 tandem.reboot" "$@" </dev/null >"$log" 2>&1 &
    pid=$!
    if [ $no_reboot -eq 1 ]; then
        wait $pid
        rc=$?
        n=$(grep -c '^TANDEM-LINUX-REBOOTING' "$log")
        [ $rc -eq 0 ] || status="exit status $rc after the reset"
        [ -n "$status" ] || [ "$n" -eq 1 ] || status="$n resets seen, want 1"
    else
        while kill -0 $pid 2>/dev/null && [ $waited -lt $((TIMEOUT * 5)) ]; do
            n=$(grep -c '^TANDEM-LINUX-REBOOTING' "$log")
            [ "$n" -ge 2 ] && break
            sleep 0.2
            waited=$((waited + 1))
        done
        if kill -0 $pid 2>/dev/null; then
            kill $pid 2>/dev/null
            wait $pid 2>/dev/null
        else
            wait $pid
            rc=$?
            [ "$n" -ge 2 ] || status="emulator ended (status $rc) after $n resets"
        fi
        [ -n "$status" ] || [ "$n" -ge 2 ] || status="only $n boots in ${TIMEOUT}s"
    fi
    stop_clock "$t0"
    report "$label" "$log" "$status"
}

# Arguments of a variant on $EMU.
variant_args() {
    local accel=()
    case "$1" in
        jit-gic2) accel=(-accel tcg,backend=jit); echo "-machine gic-version=2" ;;
        jit-gic3) accel=(-accel tcg,backend=jit); echo "-machine gic-version=3" ;;
        interp) accel=(-accel tcg,backend=interp); echo "-machine gic-version=2" ;;
        smp4-gic2) accel=(-accel tcg,backend=jit); echo "-smp 4 -machine gic-version=2" ;;
        smp4-gic3) accel=(-accel tcg,backend=jit); echo "-smp 4 -machine gic-version=3" ;;
        reboot | reboot-exit | idle4) accel=(-accel tcg,backend=jit); echo "-smp 4" ;;
        smp4-max) accel=(-accel tcg,backend=jit); echo "-smp 4 -cpu max -machine gic-version=3" ;;
        smp16-gic3) accel=(-accel tcg,backend=jit); echo "-smp 16 -machine gic-version=3" ;;
        smp64-gic3) accel=(-accel tcg,backend=jit); echo "-smp 64 -machine gic-version=3" ;;
        *) echo "run.sh: unknown variant $1" >&2; return 1 ;;
    esac
    case "$(basename "$EMU")" in
        tandem*) echo "${accel[@]}" ;;
    esac
}

# Arguments of an x86 variant on $EMU.
variant_args_x86() {
    local accel=()
    case "$1" in
        jit) accel=(-accel tcg,backend=jit) ;;
        interp) accel=(-accel tcg,backend=interp) ;;
        smp2) accel=(-accel tcg,backend=jit); echo "-smp 2" ;;
        smp4) accel=(-accel tcg,backend=jit); echo "-smp 4" ;;
        smp4-interp) accel=(-accel tcg,backend=interp); echo "-smp 4" ;;
        *) echo "run.sh: unknown x86 variant $1" >&2; return 1 ;;
    esac
    case "$(basename "$EMU")" in
        tandem*) echo "${accel[@]}" ;;
    esac
}

if [ "$ARCH" = x86 ] && [ "${1:-}" = "--bench" ]; then
    # -smp 1 and -smp 4, each on Tandem (jit) and qemu one after the other.
    for n in 1 4; do
        smp=(); [ "$n" = 1 ] || smp=(-smp "$n")
        # shellcheck disable=SC2046 # the variant's arguments are words on purpose
        WANT_CPUS=$n boot_one "$(basename "$EMU")-jit-smp$n" "$EMU" $(variant_args_x86 jit) "${smp[@]}"
        t_tandem=$LAST_TIME tandem_status=$LAST_STATUS
        WANT_CPUS=$n boot_one "qemu-smp$n" "$QEMU" "${smp[@]}"
        t_qemu=$LAST_TIME qemu_status=$LAST_STATUS
        if [ -n "$tandem_status" ]; then
            echo "$(basename "$EMU") failed: $tandem_status"
        elif [ -n "$qemu_status" ]; then
            echo "qemu failed: $qemu_status"
        else
            awk -v e="$(basename "$EMU")" -v a="$t_tandem" -v b="$t_qemu" -v n="$n" \
                'BEGIN { printf "x86-64 -smp %d boot to poweroff: %s %.2fs, qemu %.2fs, ratio %.2f\n", n, e, a, b, a / b }'
        fi
    done
elif [ "$ARCH" = x86 ]; then
    variants=("$@")
    [ ${#variants[@]} -gt 0 ] || variants=(jit interp)
    for v in "${variants[@]}"; do
        args=$(variant_args_x86 "$v") || exit 1
        # shellcheck disable=SC2086 # the variant's arguments are words on purpose
        case "$v" in
            smp*) WANT_CPUS=${v#smp} boot_one "linux-$v" "$EMU" $args ;;
            *) WANT_CPUS=1 boot_one "linux-$v" "$EMU" $args ;;
        esac
    done
elif [ "${1:-}" = "--bench" ]; then
    # shellcheck disable=SC2046 # the variant's arguments are words on purpose
    WANT_CPUS=1 boot_one "$(basename "$EMU")-jit" "$EMU" $(variant_args jit-gic2)
    t_tandem=$LAST_TIME
    WANT_CPUS=1 boot_one "qemu" "$QEMU"
    t_qemu=$LAST_TIME
    awk -v e="$(basename "$EMU")" -v a="$t_tandem" -v b="$t_qemu" \
        'BEGIN { printf "boot to poweroff: %s %.2fs, qemu %.2fs, ratio %.2f\n", e, a, b, a / b }'
elif [ "${1:-}" = "--bench-smp4" ]; then
    for gic in 2 3; do
        # shellcheck disable=SC2046 # the variant's arguments are words on purpose
        WANT_CPUS=4 boot_one "$(basename "$EMU")-smp4-gic$gic" "$EMU" $(variant_args smp4-gic$gic)
        t_tandem=$LAST_TIME
        WANT_CPUS=4 boot_one "qemu-smp4-gic$gic" "$QEMU" -smp 4 -machine gic-version=$gic
        t_qemu=$LAST_TIME
        awk -v e="$(basename "$EMU")" -v a="$t_tandem" -v b="$t_qemu" -v g="$gic" \
            'BEGIN { printf "-smp 4, GICv%s, boot to poweroff: %s %.2fs, qemu %.2fs, ratio %.2f\n", g, e, a, b, a / b }'
    done
else
    variants=("$@")
    [ ${#variants[@]} -gt 0 ] || variants=(jit-gic2 jit-gic3 interp)
    for v in "${variants[@]}"; do
        args=$(variant_args "$v") || exit 1
        # shellcheck disable=SC2086 # the variant's arguments are words on purpose
        case "$v" in
            reboot) reboot_one "linux-$v" "$EMU" $args ;;
            reboot-exit) reboot_one "linux-$v" "$EMU" $args -no-reboot ;;
            smp*-*) n=${v#smp}; WANT_CPUS=${n%%-*} boot_one "linux-$v" "$EMU" $args ;;
            idle4) IDLE_SECONDS=5 WANT_CPUS=4 boot_one "linux-$v" "$EMU" $args ;;
            *) WANT_CPUS=1 boot_one "linux-$v" "$EMU" $args ;;
        esac
    done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
