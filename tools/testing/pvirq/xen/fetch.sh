#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch (never install) what the xen tier boots: Debian's Xen hypervisor,
# its tools and qemu-xen, and the Debian 6.1 kernel's own modules.
#
#   fetch.sh [--xen 4.17|4.20]     fetch what is missing (default 4.17)
#   fetch.sh [--xen V] --check     exit 1 if anything is missing, say what
#   fetch.sh [--xen V] --env       print KEY=VALUE lines describing the cache
#
# Packages are taken with "apt-get download" and unpacked with dpkg-deb -x
# into $PVIRQ_CACHE/xen417/ (or xen420/), the kernel's modules into
# $PVIRQ_CACHE/xen-kmods-<release>/; nothing touches the host's dpkg
# state.  Xen 4.17 comes from Debian 12's own sources.  Xen 4.20 comes from
# Debian 13 (trixie) through a private apt configuration kept in the cache,
# so the host's sources and package lists stay as they are.  A finished
# fetch leaves a STAMP file naming every package and version; with it
# present the script does nothing.  As root it runs "apt-get update" only
# when a package cannot be found or downloaded.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

CACHE=${PVIRQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pvirq}
XV=4.17
MODE=fetch

while [ $# -gt 0 ]; do
	case $1 in
	--xen) XV=$2; shift 2 ;;
	--check) MODE=check; shift ;;
	--env) MODE=print-env; shift ;;
	*) echo "usage: $0 [--xen 4.17|4.20] [--check|--env]" >&2; exit 2 ;;
	esac
done

# Package names (versions come from apt); libraries the tools need that a
# Debian 12 host may lack are listed too, so the tree does not depend on
# what happens to be installed.
case $XV in
4.17)
	DIR=$CACHE/xen417
	SUITE=""
	PKGS="xen-hypervisor-4.17-amd64 xen-hypervisor-common xen-utils-4.17
	      xen-utils-common qemu-system-xen qemu-system-data seabios ipxe-qemu
	      libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
	      libxenmisc4.17 libxenstore4 libxentoollog1 libxendevicemodel1
	      libxentoolcore1 libxenhypfs1 libyajl2"
	;;
4.20)
	DIR=$CACHE/xen420
	SUITE=trixie
	# Debian 13's userland does not run on Debian 12's libc: the whole
	# shared-library closure of the tools and qemu-xen comes along.
	PKGS="xen-hypervisor-4.20-amd64 xen-hypervisor-common xen-utils-4.20
	      xen-utils-common qemu-system-xen qemu-system-data seabios ipxe-qemu
	      libxencall1 libxenevtchn1 libxenforeignmemory1 libxengnttab1
	      libxenmisc4.20 libxenstore4 libxentoollog1 libxendevicemodel1
	      libxentoolcore1 libxenhypfs1 libyajl2
	      libc6 libgcc-s1 libstdc++6 libatomic1
	      libncurses6 libtinfo6 libuuid1 libzstd1 liblzma5 zlib1g
	      libfdt1 libglib2.0-0t64 libjpeg62-turbo libpixman-1-0
	      libspice-server1 libusb-1.0-0 libssl3t64 libffi8 libgstreamer1.0-0
	      libgstreamer-plugins-base1.0-0 liblz4-1 libopus0 liborc-0.4-0t64
	      libpcre2-8-0 libsasl2-2 libudev1 libcap2 libxxhash0"
	;;
*)
	echo "fetch.sh: unknown Xen version '$XV' (4.17 or 4.20)" >&2
	exit 2
	;;
esac

# The guest and dom0 kernel: the Debian 6.1 release of the installed headers.
KREL=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	grep -o 'linux-headers-[^ ,]*-amd64' | head -1 | sed 's/^linux-headers-//' || true)
KVERSION=$(dpkg-query -W -f='${Version}' "linux-headers-$KREL" 2>/dev/null || true)
KMODS=$CACHE/xen-kmods-$KREL

print_env() {
	echo "XEN_VERSION=$XV"
	echo "XEN_DIR=$DIR"
	echo "XEN_ROOT=$DIR/root"
	echo "XEN_STAMP=$DIR/STAMP"
	echo "XEN_KREL=$KREL"
	echo "XEN_KMODS=$KMODS/lib/modules/$KREL"
}

have_all() {
	local ok=0
	[ -f "$DIR/STAMP" ] || { echo "missing: Xen $XV packages ($DIR)"; ok=1; }
	[ -n "$KREL" ] || { echo "missing: linux-headers-amd64 (make deps)"; ok=1; }
	[ -n "$KREL" ] && [ ! -f "$KMODS/STAMP" ] &&
		{ echo "missing: Debian modules of $KREL ($KMODS)"; ok=1; }
	return $ok
}

case $MODE in
print-env) print_env; exit 0 ;;
check) have_all; exit $? ;;
esac

have_all > /dev/null && exit 0

APT=(apt-get -q)
if [ -n "$SUITE" ]; then
	# A private apt: its own sources, lists and cache, the host's keyring.
	A=$DIR/apt
	mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$A/parts" "$A/prefs"
	cat > "$A/sources.list" <<-EOF
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main
	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security $SUITE-security main
	EOF
	APT+=(-o "Dir::Etc::SourceList=$A/sources.list" -o "Dir::Etc::SourceParts=$A/parts"
	      -o "Dir::Etc::Preferences=$A/prefs/none" -o "Dir::Etc::PreferencesParts=$A/prefs"
	      -o "Dir::State=$A/state" -o "Dir::State::status=$A/state/status"
	      -o "Dir::Cache=$A/cache" -o "APT::Architecture=amd64"
	      -o "APT::Architectures::=amd64")
	touch "$A/state/status"
fi

apt_update() {
	if [ -z "$SUITE" ] && [ "$(id -u)" != 0 ]; then
		echo "fetch.sh: apt lists are stale or lack a package; run as root: apt-get update" >&2
		return 1
	fi
	echo "xen-fetch: apt-get update${SUITE:+ (private, $SUITE)}"
	"${APT[@]}" update > "$DIR/apt-update.log" 2>&1 ||
		{ tail -20 "$DIR/apt-update.log" >&2; return 1; }
}

# download DEST PKG...: apt-get download, updating the lists once if needed.
download() {
	local dest=$1
	shift
	if ! (cd "$dest" && "${APT[@]}" download "$@" > "$DIR/download.log" 2>&1); then
		apt_update || return 1
		(cd "$dest" && "${APT[@]}" download "$@" > "$DIR/download.log" 2>&1) ||
			{ tail -20 "$DIR/download.log" >&2; return 1; }
	fi
}

mkdir -p "$DIR"
if [ -n "$SUITE" ] && ! ls "$A"/state/lists/*_Packages* > /dev/null 2>&1; then
	apt_update
fi

if [ ! -f "$DIR/STAMP" ]; then
	echo "xen-fetch: Xen $XV packages into $DIR (not installed)"
	rm -rf "$DIR/debs" "$DIR/root.new"
	mkdir -p "$DIR/debs" "$DIR/root.new"
	# shellcheck disable=SC2086
	download "$DIR/debs" $PKGS
	for d in "$DIR"/debs/*.deb; do
		dpkg-deb -x "$d" "$DIR/root.new"
		echo "$(dpkg-deb -f "$d" Package)=$(dpkg-deb -f "$d" Version)" >> "$DIR/STAMP.new"
	done
	rm -rf "$DIR/root" "$DIR/debs"
	mv "$DIR/root.new" "$DIR/root"
	sort -o "$DIR/STAMP.new" "$DIR/STAMP.new"
	mv "$DIR/STAMP.new" "$DIR/STAMP"
fi

if [ -n "$KREL" ] && [ ! -f "$KMODS/STAMP" ]; then
	# The deps step keeps only vmlinuz of this .deb; the guest and dom0
	# need Debian's modules (xen-evtchn, virtio, nvme, ahci, e1000e...).
	echo "xen-fetch: modules of linux-image-$KREL-unsigned=$KVERSION into $KMODS"
	rm -rf "$KMODS"
	mkdir -p "$KMODS/deb"
	(
		# Always Debian 12's own sources: the guest runs Debian 12's kernel.
		unset SUITE
		APT=(apt-get -q)
		download "$KMODS/deb" "linux-image-$KREL-unsigned=$KVERSION"
	)
	dpkg-deb --fsys-tarfile "$KMODS"/deb/linux-image-*.deb | tar -x -C "$KMODS" ./lib/modules
	rm -rf "$KMODS/deb"
	# The .deb carries no modules.dep: depmod writes it at install time.
	depmod -b "$KMODS" "$KREL"
	echo "linux-image-$KREL-unsigned=$KVERSION" > "$KMODS/STAMP"
fi

have_all >&2 || exit 1
echo "xen-fetch: Xen $XV and the $KREL modules are present"
