#!/bin/bash
# fetch.sh — prepares the Linux boot test's inputs under build/linux/ (cached: a later run reuses
# them): Debian 12's arm64 cloud kernel (the versioned linux-image-*-cloud-arm64 package that the
# metapackage linux-image-cloud-arm64 depends on) as an uncompressed arm64 `Image`, and an
# initramfs (cpio newc, gzip) whose /init is a busybox sh script (tests/linux/init.sh) running on
# busybox-static:arm64. Needs root the first time: `dpkg --add-architecture arm64`, apt-get update,
# and cpio installed when missing; packages come through apt-get download, nothing else is fetched.
#   tests/linux/fetch.sh     last three lines: "package version vmlinuz=raw|gzip", Image, initrd
set -eu
cd "$(dirname "$0")/../.."
OUT=build/linux
mkdir -p "$OUT"
IMAGE=$OUT/Image INITRD=$OUT/initrd.gz

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -q >/dev/null
fi
if ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
    apt-get update -q >/dev/null
fi
command -v cpio >/dev/null || apt-get install -y -q cpio >/dev/null
# apt-get download as root into a folder _apt cannot read warns; the download is still fine.
apt_download() {
    apt-get download -q "$1" 2>&1 >/dev/null | grep -v 'unsandboxed as root' >&2 || true
}

# ---- kernel: resolve the metapackage to its versioned image package ----
if [ ! -s "$IMAGE" ]; then
    pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 | \
          sed -n 's/^ *Depends: \(linux-image-[0-9].*-cloud-arm64\)\(:arm64\)\{0,1\}$/\1/p' | \
          head -n 1)
    [ -n "$pkg" ] || { echo "fetch.sh: cannot resolve linux-image-cloud-arm64" >&2; exit 1; }
    rm -rf "$OUT/kpkg" && mkdir -p "$OUT/kpkg"
    (cd "$OUT/kpkg" && apt_download "$pkg:arm64")
    deb=$(ls "$OUT"/kpkg/*.deb)
    dpkg-deb -x "$deb" "$OUT/kpkg/root"
    vmlinuz=$(ls "$OUT"/kpkg/root/boot/vmlinuz-*)
    # An arm64 Image has "ARM\x64" at offset 56; Debian 12 ships it gzip-compressed (magic 1f 8b);
    # an EFI zboot image instead starts with "MZ" and has "zimg" at offset 4.
    magic=$(head -c 2 "$vmlinuz" | od -An -tx1 | tr -d ' ')
    case "$magic" in
        1f8b) zcat "$vmlinuz" > "$IMAGE.tmp"; fmt=gzip ;;
        4d5a) if [ "$(dd if="$vmlinuz" bs=1 skip=4 count=4 2>/dev/null)" = zimg ]; then
                  echo "fetch.sh: $vmlinuz is an EFI zboot image (unsupported here)" >&2; exit 1
              fi
              cp "$vmlinuz" "$IMAGE.tmp"; fmt=raw ;;
        *) cp "$vmlinuz" "$IMAGE.tmp"; fmt=raw ;;
    esac
    magic=$(dd if="$IMAGE.tmp" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' ')
    if [ "$magic" != 41524d64 ]; then
        echo "fetch.sh: $vmlinuz did not give an arm64 Image" >&2; exit 1
    fi
    mv "$IMAGE.tmp" "$IMAGE"
    echo "$pkg $(dpkg-deb -f "$deb" Version) vmlinuz=$fmt" > "$OUT/kernel.txt"
    rm -rf "$OUT/kpkg"
fi

# ---- initramfs: busybox-static + /init; rebuilt when init.sh changes ----
if [ ! -s "$INITRD" ] || [ tests/linux/init.sh -nt "$INITRD" ]; then
    if [ ! -x "$OUT/busybox" ]; then
        rm -rf "$OUT/bbpkg" && mkdir -p "$OUT/bbpkg"
        (cd "$OUT/bbpkg" && apt_download busybox-static:arm64)
        dpkg-deb -x "$OUT"/bbpkg/*.deb "$OUT/bbpkg/root"
        cp "$OUT/bbpkg/root/bin/busybox" "$OUT/busybox"
        echo "busybox-static $(dpkg-deb -f "$OUT"/bbpkg/*.deb Version)" > "$OUT/busybox.txt"
        rm -rf "$OUT/bbpkg"
    fi
    root=$OUT/initramfs
    rm -rf "$root" && mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,etc}
    cp "$OUT/busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    install -m 755 tests/linux/init.sh "$root/init"
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | \
        cpio --null -o -H newc --owner 0:0 --quiet) | gzip -9 > "$INITRD.tmp"
    mv "$INITRD.tmp" "$INITRD"
fi
cat "$OUT/kernel.txt"
echo "$IMAGE"
echo "$INITRD"
