#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug tier's kernel: Linux 6.1 from Debian's linux-source-6.1 (fetched,
# never installed), "make allnoconfig" plus tools/testing/pvirq/debug/
# kernel.config (KASAN, lockdep, kmemleak, UBSAN, KFENCE, fault injection),
# built once and cached in $PVIRQ_CACHE/kdebug/build-<key>, where <key>
# hashes the fragment and the source version: a cached run does nothing,
# a changed fragment builds again.
#
#   scripts/debug-kernel.sh          build unless the cached kernel is current
#   scripts/debug-kernel.sh --check  exit 1 unless the cached kernel is current
#   scripts/debug-kernel.sh --env    print KREL_DEBUG, KDIR_DEBUG, KIMG_DEBUG
#
# The build directory is a kernel build tree: "make KDIR=<it>" (or
# "make KVER=6.1-debug") builds our modules against it.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PVIRQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvirq}
D=$CACHE/kdebug
FRAG=$TOP/tools/testing/pvirq/debug/kernel.config
JOBS=${JOBS:-2}
# Bump when the way the kernel is built changes (not the fragment).
RECIPE=1
mode=${1:-build}

say() { echo "debug-kernel: $*" >&2; }

# Newest linux-source-6.1 already unpacked in the cache, if any.
cached_src() {
	{ ls -d "$D"/src-*/linux-source-6.1 2>/dev/null || true; } | sort -V | tail -1
}

src_version() { # srcdir
	local d=${1%/linux-source-6.1}
	echo "${d##*/src-}"
}

key() { # source version
	{ cat "$FRAG"; echo "source=$1 recipe=$RECIPE"; } | sha256sum | cut -c1-16
}

# Sets SRC, VER, KEY, B (build dir) from the cache; SRC empty if none.
locate() {
	SRC=$(cached_src)
	VER=""
	KEY=""
	B=""
	[ -n "$SRC" ] || return 0
	VER=$(src_version "$SRC")
	KEY=$(key "$VER")
	B=$D/build-$KEY
}

current() {
	[ -n "$B" ] && [ -f "$B/.pvirq-done" ] && [ -f "$B/arch/x86/boot/bzImage" ] &&
		[ -f "$B/Module.symvers" ]
}

print_env() {
	local rel=""
	locate
	current && rel=$(cat "$B/.pvirq-done")
	echo "KREL_DEBUG=$rel"
	echo "KDIR_DEBUG=$B"
	echo "KIMG_DEBUG=${B:+$B/arch/x86/boot/bzImage}"
}

fetch_source() {
	local dl=$D/dl ver deb opt=()
	say "fetching linux-source-6.1 (not installed)"
	rm -rf "$dl"
	mkdir -p "$dl"
	[ "$(id -u)" = 0 ] && opt=(-o APT::Sandbox::User=root)
	if ! (cd "$dl" && apt-get download -q "${opt[@]}" linux-source-6.1 >/dev/null); then
		say "apt-get download linux-source-6.1 failed (apt-get update needed?)"
		exit 1
	fi
	deb=$(ls "$dl"/linux-source-6.1_*.deb)
	ver=$(dpkg-deb -f "$deb" Version)
	say "unpacking linux-source-6.1 $ver"
	rm -rf "$D/src-$ver"
	mkdir -p "$D/src-$ver"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$D/src-$ver"
	rm -rf "$dl"
}

# Every line of the fragment must have reached .config: a symbol that
# Kconfig silently dropped (unmet dependency) is an error, not a surprise.
verify_config() {
	local line sym want got bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=n ;;
		*) continue ;;
		esac
		got=$(grep -E "^$sym=" "$B/.config" | head -1 | cut -d= -f2-)
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			say "config: $sym=$want requested, got $got"
			bad=1
		fi
	done < "$FRAG"
	return $bad
}

build() {
	local start rel
	locate
	[ -n "$SRC" ] || { fetch_source; locate; }
	rm -rf "$B"
	mkdir -p "$B"
	say "configuring Linux $VER in $B"
	if ! { make -s -C "$SRC" O="$B" allnoconfig &&
	       "$SRC/scripts/kconfig/merge_config.sh" -m -O "$B" "$B/.config" "$FRAG" &&
	       make -s -C "$SRC" O="$B" olddefconfig; } > "$B/config.log" 2>&1; then
		cat "$B/config.log" >&2
		say "configuring failed"
		exit 1
	fi
	verify_config || { say "the fragment does not apply to Linux $VER"; exit 1; }
	say "building with -j$JOBS (log: $B/build.log)"
	start=$SECONDS
	if ! make -C "$SRC" O="$B" -j"$JOBS" all > "$B/build.log" 2>&1; then
		tail -40 "$B/build.log" >&2
		say "kernel build failed"
		exit 1
	fi
	rel=$(make -s -C "$SRC" O="$B" kernelrelease)
	[ -f "$B/Module.symvers" ] || { say "no Module.symvers"; exit 1; }
	echo "$rel" > "$B/.pvirq-done"
	say "built $rel in $((SECONDS - start))s"
	# Builds of other fragments or sources are stale now.
	find "$D" -maxdepth 1 -name 'build-*' ! -name "build-$KEY" -exec rm -rf {} +
	find "$D" -maxdepth 1 -name 'src-*' ! -name "src-$VER" -exec rm -rf {} +
}

case $mode in
--env) print_env; exit 0 ;;
--check) locate; current; exit $? ;;
build) ;;
*) echo "usage: $0 [--check|--env]" >&2; exit 2 ;;
esac

mkdir -p "$D"
exec 9> "$D/.lock"
flock 9
locate
if current; then
	exit 0
fi
build
