#!/bin/bash
# fetch-x86.sh — prepares the x86-64 Linux boot test's inputs under build/linux/x86/ (cached: a
# later run reuses them), the x86 counterpart of fetch.sh: Debian 12's amd64 cloud kernel (the
# versioned linux-image-*-cloud-amd64 package that the metapackage linux-image-cloud-amd64
# depends on) as the bzImage from its /boot/vmlinuz-*, and an initramfs (cpio newc, gzip) whose
# /init is tests/linux/init-x86.sh running on busybox-static (amd64, the host's architecture, so
# no foreign architecture is added). Needs root the first time when cpio is missing or the
# package lists are stale; packages come through apt-get download, nothing else is fetched.
#   tests/linux/fetch-x86.sh   last three lines: "package version", bzImage, initrd
set -eu
cd "$(dirname "$0")/../.."
OUT=build/linux/x86
mkdir -p "$OUT"
KERNEL=$OUT/bzImage INITRD=$OUT/initrd.gz

if ! apt-cache show busybox-static:amd64 >/dev/null 2>&1; then
    apt-get update -q >/dev/null
fi
command -v cpio >/dev/null || apt-get install -y -q cpio >/dev/null
# apt-get download as root into a folder _apt cannot read warns; the download is still fine.
apt_download() {
    apt-get download -q "$1" 2>&1 >/dev/null | grep -v 'unsandboxed as root' >&2 || true
}

# ---- kernel: resolve the metapackage to its versioned image package ----
if [ ! -s "$KERNEL" ]; then
    pkg=$(apt-cache depends linux-image-cloud-amd64:amd64 | \
          sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-amd64\)\(:amd64\)\{0,1\}$/\1/p' | \
          head -n 1)
    [ -n "$pkg" ] || { echo "fetch-x86.sh: cannot resolve linux-image-cloud-amd64" >&2; exit 1; }
    rm -rf "$OUT/kpkg" && mkdir -p "$OUT/kpkg"
    (cd "$OUT/kpkg" && apt_download "$pkg:amd64")
    deb=$(ls "$OUT"/kpkg/*.deb)
    dpkg-deb -x "$deb" "$OUT/kpkg/root"
    vmlinuz=$(ls "$OUT"/kpkg/root/boot/vmlinuz-*)
    # A bzImage has the setup header signature "HdrS" at offset 0x202 (Linux boot protocol,
    # Documentation/arch/x86/boot.rst); -kernel loads it as it is.
    if [ "$(dd if="$vmlinuz" bs=1 skip=514 count=4 2>/dev/null)" != HdrS ]; then
        echo "fetch-x86.sh: $vmlinuz is not a bzImage (no HdrS at 0x202)" >&2; exit 1
    fi
    cp "$vmlinuz" "$KERNEL.tmp"
    mv "$KERNEL.tmp" "$KERNEL"
    echo "$pkg $(dpkg-deb -f "$deb" Version)" > "$OUT/kernel.txt"
    rm -rf "$OUT/kpkg"
fi

# ---- initramfs: busybox-static + /init; rebuilt when init-x86.sh changes ----
if [ ! -s "$INITRD" ] || [ tests/linux/init-x86.sh -nt "$INITRD" ]; then
    if [ ! -x "$OUT/busybox" ]; then
        rm -rf "$OUT/bbpkg" && mkdir -p "$OUT/bbpkg"
        (cd "$OUT/bbpkg" && apt_download busybox-static:amd64)
        dpkg-deb -x "$OUT"/bbpkg/*.deb "$OUT/bbpkg/root"
        cp "$OUT/bbpkg/root/bin/busybox" "$OUT/busybox"
        echo "busybox-static $(dpkg-deb -f "$OUT"/bbpkg/*.deb Version)" > "$OUT/busybox.txt"
        rm -rf "$OUT/bbpkg"
    fi
    root=$OUT/initramfs
    rm -rf "$root" && mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc}
    cp "$OUT/busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    install -m 755 tests/linux/init-x86.sh "$root/init"
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | \
        cpio --null -o -H newc --owner 0:0 --quiet) | gzip -9 > "$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
fi
cat "$OUT/kernel.txt"
echo "$KERNEL"
echo "$INITRD"
