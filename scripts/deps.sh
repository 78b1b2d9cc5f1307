#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what pvirq's build and tests need, and fetch (never install) the
# Debian kernel images the VM tier boots plus the Linux 6.12 headers.
#
#   scripts/deps.sh            install/fetch what is missing
#   scripts/deps.sh --check    exit 1 if anything is missing, print what
#   scripts/deps.sh --env      print KEY=VALUE lines describing the cache
#
# Everything fetched lives in $PVIRQ_CACHE (default ~/.cache/pvirq).
set -euo pipefail

CACHE=${PVIRQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvirq}
PKGS="linux-headers-amd64 qemu-system-x86 busybox-static cpio gzip libxen-dev
      sparse pahole gcc make libc6-dev valgrind clang libclang-rt-14-dev
      python3 python3-docutils kmod
      bc bison flex libelf-dev libssl-dev xz-utils"
mode=${1:-install}

missing_pkgs() {
	local p
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

# The 6.1 release the installed linux-headers-amd64 points at.
krel61() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		grep -o 'linux-headers-[^ ,]*-amd64' | head -1 | sed 's/^linux-headers-//'
}

# Newest Debian 12 build of Linux 6.12 (generic amd64 flavour).
krel612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -1
}

print_env() {
	local k61 k612
	k61=$(krel61)
	k612=$(cat "$CACHE/k612/RELEASE" 2>/dev/null || true)
	echo "PVIRQ_CACHE=$CACHE"
	echo "KREL_61=$k61"
	echo "KDIR_61=/usr/src/linux-headers-$k61"
	echo "KIMG_61=$CACHE/k61/vmlinuz-$k61"
	echo "KREL_612=$k612"
	echo "KDIR_612=$CACHE/k612/root/usr/src/linux-headers-$k612"
	echo "KIMG_612=$CACHE/k612/root/boot/vmlinuz-$k612"
	echo "CHECKPATCH=$CACHE/checkpatch/scripts/checkpatch.pl"
}

have_all() {
	local ok=0 k61 k612
	for p in $(missing_pkgs); do echo "missing package: $p"; ok=1; done
	k61=$(krel61)
	[ -n "$k61" ] && [ -f "$CACHE/k61/vmlinuz-$k61" ] || { echo "missing: Linux 6.1 image"; ok=1; }
	k612=$(cat "$CACHE/k612/RELEASE" 2>/dev/null || true)
	[ -n "$k612" ] && [ -f "$CACHE/k612/root/boot/vmlinuz-$k612" ] ||
		{ echo "missing: Linux 6.12 headers and image"; ok=1; }
	[ -f "$CACHE/checkpatch/scripts/checkpatch.pl" ] || { echo "missing: checkpatch.pl"; ok=1; }
	for xv in 4.17 4.20; do
		"$(dirname "$0")/../tools/testing/pvirq/xen/fetch.sh" --xen $xv --check >/dev/null 2>&1 ||
			{ echo "missing: Xen $xv packages for the xen tier"; ok=1; }
	done
	return $ok
}

case $mode in
--env) print_env; exit 0 ;;
--check) have_all; exit $? ;;
esac

if have_all >/dev/null; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "pvirq: missing build/test dependencies:" >&2
	have_all >&2 || true
	echo "pvirq: run as root: sudo $(realpath "$0")" >&2
	exit 1
fi

need=$(missing_pkgs | tr '\n' ' ')
if [ -n "$need" ] || [ -z "$(krel612)" ]; then
	echo "deps: apt-get update"
	apt-get update -q >/dev/null
fi
if [ -n "$need" ]; then
	echo "deps: apt-get install $need"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null
fi

fetch_deb() { # dir pkg=ver...
	local dir=$1
	shift
	(cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
}

k61=$(krel61)
[ -n "$k61" ] || { echo "deps: cannot tell which 6.1 headers are installed" >&2; exit 1; }
if [ ! -f "$CACHE/k61/vmlinuz-$k61" ]; then
	echo "deps: fetching linux-image-$k61-unsigned (not installed)"
	mkdir -p "$CACHE/k61/tmp"
	ver=$(dpkg-query -W -f='${Version}' "linux-headers-$k61")
	rm -f "$CACHE"/k61/tmp/*.deb
	fetch_deb "$CACHE/k61/tmp" "linux-image-$k61-unsigned=$ver"
	dpkg-deb --fsys-tarfile "$CACHE"/k61/tmp/linux-image-*.deb |
		tar -x -C "$CACHE/k61/tmp" "./boot/vmlinuz-$k61"
	mv "$CACHE/k61/tmp/boot/vmlinuz-$k61" "$CACHE/k61/"
	rm -rf "$CACHE/k61/tmp"
fi

k612=$(cat "$CACHE/k612/RELEASE" 2>/dev/null || true)
if [ -z "$k612" ] || [ ! -f "$CACHE/k612/root/boot/vmlinuz-$k612" ]; then
	k612=$(krel612)
	[ -n "$k612" ] || { echo "deps: no linux-headers-6.12.*+deb12-amd64 in apt" >&2; exit 1; }
	v=${k612%-amd64}
	echo "deps: fetching Linux $k612 headers and image (not installed)"
	rm -rf "$CACHE/k612"
	mkdir -p "$CACHE/k612/debs"
	fetch_deb "$CACHE/k612/debs" "linux-headers-$k612" "linux-headers-$v-common" \
		"linux-kbuild-$v" "linux-image-$k612-unsigned"
	for d in "$CACHE"/k612/debs/*.deb; do dpkg-deb -x "$d" "$CACHE/k612/root"; done
	# The flavour Makefile includes -common by absolute path.
	sed -i "s#/usr/src/#$CACHE/k612/root/usr/src/#" \
		"$CACHE/k612/root/usr/src/linux-headers-$k612/Makefile"
	# Its scripts symlink points at /usr/lib/linux-kbuild-*: re-point it.
	for l in $(find "$CACHE/k612/root/usr/src" -maxdepth 2 -type l); do
		t=$(readlink "$l")
		case $t in /usr/*) ln -sfn "$CACHE/k612/root$t" "$l" ;; esac
	done
	find "$CACHE/k612/root/usr/src" -maxdepth 3 -type l -lname '*/usr/lib/*' | while read -r l; do
		t=$(readlink "$l")
		case $t in /usr/*) ln -sfn "$CACHE/k612/root$t" "$l" ;; esac
	done
	rm -rf "$CACHE/k612/debs"
	echo "$k612" > "$CACHE/k612/RELEASE"
fi

if [ ! -f "$CACHE/checkpatch/scripts/checkpatch.pl" ]; then
	echo "deps: extracting checkpatch.pl from linux-source-6.1 (not installed)"
	rm -rf "$CACHE/checkpatch"
	mkdir -p "$CACHE/checkpatch/tmp"
	fetch_deb "$CACHE/checkpatch/tmp" linux-source-6.1
	dpkg-deb --fsys-tarfile "$CACHE"/checkpatch/tmp/linux-source-6.1_*.deb |
		tar -x -C "$CACHE/checkpatch/tmp" --wildcards './usr/src/linux-source-6.1.tar.xz'
	tar -xJf "$CACHE"/checkpatch/tmp/usr/src/linux-source-6.1.tar.xz -C "$CACHE/checkpatch/tmp" \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/Documentation/dev-tools/checkpatch.rst'
	src=$(ls -d "$CACHE"/checkpatch/tmp/linux-source-6.1)
	mkdir -p "$CACHE/checkpatch/scripts" "$CACHE/checkpatch/Documentation/dev-tools"
	cp "$src"/scripts/checkpatch.pl "$src"/scripts/spelling.txt \
		"$src"/scripts/const_structs.checkpatch "$CACHE/checkpatch/scripts/"
	cp "$src"/Documentation/dev-tools/checkpatch.rst "$CACHE/checkpatch/Documentation/dev-tools/"
	rm -rf "$CACHE/checkpatch/tmp"
fi

# Real Xen for the xen tier: Debian's packages, extracted, not installed.
for xv in 4.17 4.20; do
	"$(dirname "$0")/../tools/testing/pvirq/xen/fetch.sh" --xen $xv ||
		{ echo "deps: fetching Xen $xv for the xen tier failed" >&2; exit 1; }
done

have_all >/dev/null || { have_all >&2; exit 1; }
echo "deps: all present"
