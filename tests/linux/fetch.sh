#!/bin/bash
# fetch.sh — prepares a Linux boot test's inputs (cached: a later run reuses them) for one guest
# architecture: Debian 12's cloud kernel (the versioned linux-image-*-cloud-ARCH package that the
# metapackage linux-image-cloud-ARCH depends on) and an initramfs (cpio newc, gzip) whose /init is
# a busybox sh script running on busybox-static:ARCH.
#   arm64 (default): build/linux/: an uncompressed arm64 `Image`, /init = tests/linux/init.sh
#   amd64:           build/linux/x86/: the bzImage from /boot/vmlinuz-* as it is,
#                    /init = tests/linux/init-x86.sh
# Needs root the first time: `dpkg --add-architecture ARCH` when ARCH is not the host's, apt-get
# update when the package lists lack busybox-static:ARCH, and cpio installed when missing;
# packages come through apt-get download, nothing else is fetched.
#   tests/linux/fetch.sh [arm64|amd64]   last three lines: "package version[ vmlinuz=raw|gzip]"
#                                        (the vmlinuz= word on arm64 only), kernel, initrd
set -eu
cd "$(dirname "$0")/../.."
ARCH=${1:-arm64}
case "$ARCH" in
    arm64) OUT=build/linux KERNEL=build/linux/Image INIT=tests/linux/init.sh ;;
    amd64) OUT=build/linux/x86 KERNEL=build/linux/x86/bzImage INIT=tests/linux/init-x86.sh ;;
    *) echo "fetch.sh: unknown architecture '$ARCH' (arm64 or amd64)" >&2; exit 1 ;;
esac
mkdir -p "$OUT"
INITRD=$OUT/initrd.gz

if [ "$ARCH" != "$(dpkg --print-architecture)" ] && \
   ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
    dpkg --add-architecture "$ARCH"
    apt-get update -q >/dev/null
fi
if ! apt-cache show "busybox-static:$ARCH" >/dev/null 2>&1; then
    apt-get update -q >/dev/null
fi
command -v cpio >/dev/null || apt-get install -y -q cpio >/dev/null
# apt-get download as root into a folder _apt cannot read warns; the download is still fine.
apt_download() {
    apt-get download -q "$1" 2>&1 >/dev/null | grep -v 'unsandboxed as root' >&2 || true
}

# ---- arm64: $1 = vmlinuz, into $KERNEL.tmp as an uncompressed Image; sets FMT ----
kernel_prepare_arm64() {
    local vmlinuz=$1 magic
    # An arm64 Image has "ARM\x64" at offset 56; Debian 12 ships it gzip-compressed (magic 1f 8b);
    # an EFI zboot image instead starts with "MZ" and has "zimg" at offset 4.
    magic=$(head -c 2 "$vmlinuz" | od -An -tx1 | tr -d ' ')
    case "$magic" in
        1f8b) zcat "$vmlinuz" > "$KERNEL.tmp"; FMT=" vmlinuz=gzip" ;;
        4d5a) if [ "$(dd if="$vmlinuz" bs=1 skip=4 count=4 2>/dev/null)" = zimg ]; then
                  echo "fetch.sh: $vmlinuz is an EFI zboot image (unsupported here)" >&2; exit 1
              fi
              cp "$vmlinuz" "$KERNEL.tmp"; FMT=" vmlinuz=raw" ;;
        *) cp "$vmlinuz" "$KERNEL.tmp"; FMT=" vmlinuz=raw" ;;
    esac
    magic=$(dd if="$KERNEL.tmp" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' ')
    if [ "$magic" != 41524d64 ]; then
        echo "fetch.sh: $vmlinuz did not give an arm64 Image" >&2; exit 1
    fi
}

# ---- amd64: $1 = vmlinuz, into $KERNEL.tmp as it is; sets FMT ----
kernel_prepare_amd64() {
    local vmlinuz=$1
    # A bzImage has the setup header signature "HdrS" at offset 0x202 (Linux boot protocol,
    # Documentation/arch/x86/boot.rst); -kernel loads it as it is.
    if [ "$(dd if="$vmlinuz" bs=1 skip=514 count=4 2>/dev/null)" != HdrS ]; then
        echo "fetch.sh: $vmlinuz is not a bzImage (no HdrS at 0x202)" >&2; exit 1
    fi
    cp "$vmlinuz" "$KERNEL.tmp"
    FMT=""
}

# ---- kernel: resolve the metapackage to its versioned image package ----
if [ ! -s "$KERNEL" ]; then
    pkg=$(apt-cache depends "linux-image-cloud-$ARCH:$ARCH" | \
          sed -n "s/^ *Depends: \(linux-image-[0-9].*-cloud-$ARCH\)\(:$ARCH\)\{0,1\}\$/\1/p" | \
          head -n 1)
    [ -n "$pkg" ] || { echo "fetch.sh: cannot resolve linux-image-cloud-$ARCH" >&2; exit 1; }
    rm -rf "$OUT/kpkg" && mkdir -p "$OUT/kpkg"
    (cd "$OUT/kpkg" && apt_download "$pkg:$ARCH")
    deb=$(ls "$OUT"/kpkg/*.deb)
    dpkg-deb -x "$deb" "$OUT/kpkg/root"
    "kernel_prepare_$ARCH" "$(ls "$OUT"/kpkg/root/boot/vmlinuz-*)"
    mv "$KERNEL.tmp" "$KERNEL"
    echo "$pkg $(dpkg-deb -f "$deb" Version)$FMT" > "$OUT/kernel.txt"
    rm -rf "$OUT/kpkg"
fi

# ---- initramfs: busybox-static + /init; rebuilt when the init script changes ----
if [ ! -s "$INITRD" ] || [ "$INIT" -nt "$INITRD" ]; then
    if [ ! -x "$OUT/busybox" ]; then
        rm -rf "$OUT/bbpkg" && mkdir -p "$OUT/bbpkg"
        (cd "$OUT/bbpkg" && apt_download "busybox-static:$ARCH")
        dpkg-deb -x "$OUT"/bbpkg/*.deb "$OUT/bbpkg/root"
        cp "$OUT/bbpkg/root/bin/busybox" "$OUT/busybox"
        echo "busybox-static $(dpkg-deb -f "$OUT"/bbpkg/*.deb Version)" > "$OUT/busybox.txt"
        rm -rf "$OUT/bbpkg"
    fi
    root=$OUT/initramfs
    rm -rf "$root" && mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc}
    cp "$OUT/busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    install -m 755 "$INIT" "$root/init"
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | \
        cpio --null -o -H newc --owner 0:0 --quiet) | gzip -9 > "$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
fi
cat "$OUT/kernel.txt"
echo "$KERNEL"
echo "$INITRD"
