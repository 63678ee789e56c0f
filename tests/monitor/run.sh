#!/usr/bin/env bash
# run.sh — drives Tandem's monitor (-monitor stdio; the serial port goes to a file) against
# tests/monitor/mon-target.c on 4 vCPUs and checks what it shows and does: info cpus (power
# state, halted, held, instruction counts), 100,000 kicks of an OFF, a WFI and a held vCPU
# that leave their instruction counts unchanged (DESIGN.md rule 1), cpu-halt/-resume/-start/
# -off, system_reset while CPU 0 waits in a device read (the read is dropped and the guest
# boots again), testdev-release, bad commands, quit; and that the idle machine (every vCPU
# asleep) uses under 2% of one host core. Prints "N passed, N failed"; exits 1 on a failure.
# Usage: tests/monitor/run.sh [tandem binary] [guest ELF]   (MON_KICKS=N to change the count)
set -u
EMU=${1:-build/tandem}
ELF=${2:-build/guest/arm/mon-target.elf}
KICKS=${MON_KICKS:-100000}
WORK=$(mktemp -d)
SERIAL="$WORK/serial"
passed=0
failed=0

ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { # NAME CONDITION-STATUS DETAIL
    if [ "$2" -eq 0 ]; then ok "$1"; else bad "$1: $3"; fi
}

coproc MON { exec "$EMU" -M virt -cpu cortex-a57 -smp 4 -semihosting -device tandem-testdev \
    -serial file:"$SERIAL" -display none -monitor stdio -kernel "$ELF" 2>"$WORK/stderr"; }
PID=$MON_PID
exec {TO}>&"${MON[1]}" {FROM}<&"${MON[0]}"
cleanup() { kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

send() { printf '%s\n' "$*" >&"$TO"; }

# Reads monitor output until a line matches PATTERN (ERE); the lines go to $REPLY_LINES.
REPLY_LINES=""
expect_line() {
    local line
    REPLY_LINES=""
    while IFS= read -r -t 20 line <&"$FROM"; do
        REPLY_LINES+="$line"$'\n'
        if [[ "$line" =~ $1 ]]; then
            return 0
        fi
    done
    return 1
}

# Waits until the serial output has a line matching PATTERN.
wait_serial() {
    for _ in $(seq 1 400); do
        grep -Eq -- "$1" "$SERIAL" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# info cpus -> CPU_LINE[0..3]
declare -a CPU_LINE
info_cpus() {
    send "info cpus"
    expect_line "CPU #3:" || return 1
    for c in 0 1 2 3; do
        CPU_LINE[$c]=$(printf '%s' "$REPLY_LINES" | grep -o "CPU #$c:.*")
    done
}
field() { # CPU NAME -> value of NAME=... in that CPU's line
    printf '%s' "${CPU_LINE[$1]}" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"
}

wait_serial "^ready 1" || { bad "guest did not boot: $(cat "$SERIAL" "$WORK/stderr")"; exit 1; }
expect_line "Tandem monitor"
info_cpus
check "info cpus: CPU 1 off, never ran" "$([ "$(field 1 power)" = off ] && [ "$(field 1 insns)" = 0 ]; echo $?)" "${CPU_LINE[1]}"
check "info cpus: CPU 2 halted in WFI" "$([ "$(field 2 halted)" = yes ] && [ "$(field 2 power)" = on ]; echo $?)" "${CPU_LINE[2]}"
insns2=$(field 2 insns)

# Kicks: none of them may run a vCPU.
send "cpu-halt 0"
sleep 0.2
info_cpus
check "cpu-halt 0: held" "$([ "$(field 0 held)" = yes ]; echo $?)" "${CPU_LINE[0]}"
insns0=$(field 0 insns)
send "kick 1 $KICKS"
send "kick 2 $KICKS"
send "kick 0 $KICKS"
send "kick 3 $KICKS"
info_cpus
check "$KICKS kicks: OFF CPU 1 executed nothing" "$([ "$(field 1 insns)" = 0 ] && [ "$(field 1 power)" = off ]; echo $?)" "${CPU_LINE[1]}"
check "$KICKS kicks: CPU 2 still in WFI, no instruction" "$([ "$(field 2 insns)" = "$insns2" ] && [ "$(field 2 halted)" = yes ]; echo $?)" "${CPU_LINE[2]} (was $insns2)"
check "$KICKS kicks: held CPU 0 executed nothing" "$([ "$(field 0 insns)" = "$insns0" ]; echo $?)" "${CPU_LINE[0]} (was $insns0)"
check "$KICKS kicks: OFF CPU 3 executed nothing" "$([ "$(field 3 insns)" = 0 ]; echo $?)" "${CPU_LINE[3]}"
send "cpu-resume 0"

# Idle: CPU 0 waits in a device read, CPU 2 in WFI, CPUs 1 and 3 are off.
if [ -z "${MON_NO_IDLE:-}" ]; then
    sleep 0.3
    ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
    t0=$(ticks)
    sleep 2
    t1=$(ticks)
    hz=$(getconf CLK_TCK)
    used=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / 2 }')
    check "idle 4-vCPU machine uses ${used}% of a host core (< 2%)" "$(awk -v u="$used" 'BEGIN { exit !(u < 2) }'; echo $?)" "too busy"
fi

# cpu-start / cpu-off of CPU 1.
entry=$(sed -n 's/^entry \(0x[0-9a-f]*\) ctx1 \(0x[0-9a-f]*\).*/\1/p' "$SERIAL" | head -n 1)
ctx1=$(sed -n 's/^entry \(0x[0-9a-f]*\) ctx1 \(0x[0-9a-f]*\).*/\2/p' "$SERIAL" | head -n 1)
send "cpu-start 1 $entry $ctx1"
wait_serial "^started ctx=$ctx1"
check "cpu-start 1: CPU 1 runs from the entry with x0 = context" $? "$(tail -n 2 "$SERIAL")"
info_cpus
check "info cpus: CPU 1 on" "$([ "$(field 1 power)" = on ] && [ "$(field 1 insns)" != 0 ]; echo $?)" "${CPU_LINE[1]}"
send "cpu-off 1"
sleep 0.2
info_cpus
check "cpu-off 1" "$([ "$(field 1 power)" = off ]; echo $?)" "${CPU_LINE[1]}"

# Bad commands get an answer, not a crash.
send "kick 9"
expect_line "no such CPU"
check "kick 9: no such CPU" $? "$REPLY_LINES"
send "frobnicate"
expect_line "unknown command"
check "unknown command" $? "$REPLY_LINES"
send "cpu-start 1 0x10"
expect_line "not in RAM"
check "cpu-start outside RAM refused" $? "$REPLY_LINES"

# A release reaches the waiting read; then a reset lands while the next read waits.
send "testdev-release 1"
wait_serial "^released 0x0000000000000001"
check "testdev-release 1 reaches the read" $? "$(tail -n 2 "$SERIAL")"
send "system_reset"
wait_serial "^ready 2"
check "system_reset while a read waits: the guest boots again" $? "$(tail -n 3 "$SERIAL")"
check "the dropped read left no result" "$(! grep -q "released 0xdeadbeef" "$SERIAL"; echo $?)" "$(cat "$SERIAL")"
send "testdev-release 2"
wait_serial "^PASS"
check "testdev-release 2: the guest finishes" $? "$(tail -n 2 "$SERIAL")"
wait "$PID"
status=$?
check "exit status 0" "$status" "status $status: $(cat "$WORK/stderr")"
if grep -q ThreadSanitizer "$WORK/stderr"; then
    bad "ThreadSanitizer report: $(head -n 20 "$WORK/stderr")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
