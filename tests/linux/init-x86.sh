#!/bin/sh
# init-x86.sh — /init of the x86-64 Linux boot test's initramfs (busybox sh, pid 1; the x86
# counterpart of init.sh). Prints the marker lines tests/linux/run.sh --arch x86 checks, runs a
# few busybox commands, then powers off: `poweroff -f` on a PC goes through ACPI (the FADT's
# PM1a control block, SLP_TYP of \_S5 with SLP_EN; ACPI 6.5 section 4.8.3.2.1), which ends
# the emulator with status 0.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "TANDEM-LINUX-BOOT-OK"
uname -a
echo "arch $(uname -m)"
ls /
echo "cpus $(grep -c ^processor /proc/cpuinfo)"
echo "cmdline: $(cat /proc/cmdline)"
dd if=/dev/zero of=/tmp/zero bs=1024 count=1024 2>/dev/null
echo "md5 $(md5sum /tmp/zero | cut -d' ' -f1)"
echo "sum $(seq 1 1000 | awk '{s+=$1} END {print s}')"
echo "TANDEM-LINUX-DONE"
poweroff -f
