#!/bin/sh
# init.sh — /init of the Linux boot test's initramfs (busybox sh, pid 1). Prints marker lines that
# tests/linux/run.sh checks, runs a few busybox commands, then powers off (PSCI SYSTEM_OFF), or
# with tandem.reboot on the command line resets at once (PSCI SYSTEM_RESET); with tandem.idle=N
# it first sits idle for N seconds.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "TANDEM-LINUX-BOOT-OK"
# The reset test (run.sh reboot variants) boots with tandem.reboot: every boot resets at once.
if grep -q tandem.reboot /proc/cmdline; then
    echo "TANDEM-LINUX-REBOOTING"
    reboot -f
fi
uname -a
ls /
head -n 8 /proc/cpuinfo
echo "cpus $(grep -c ^processor /proc/cpuinfo)"
echo "cmdline: $(cat /proc/cmdline)"
# The idle test (run.sh idle4) boots with tandem.idle=N: the system sits idle N seconds while
# run.sh measures the emulator's host CPU time between the two markers.
idle=$(sed -n 's/.*tandem\.idle=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$idle" ]; then
    echo "TANDEM-LINUX-IDLE-START"
    sleep "$idle"
    echo "TANDEM-LINUX-IDLE-END"
fi
dd if=/dev/zero of=/tmp/zero bs=1024 count=1024 2>/dev/null
echo "md5 $(md5sum /tmp/zero | cut -d' ' -f1)"
echo "sum $(seq 1 1000 | awk '{s+=$1} END {print s}')"
echo "TANDEM-LINUX-DONE"
poweroff -f
