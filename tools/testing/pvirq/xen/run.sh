#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xen tier: Debian's real Xen hypervisor, a PV dom0 running Debian's
# Xen tools, and an HVM guest started by "xl create" with qemu-xen, all
# under QEMU TCG.  The guest boots Debian's 6.1 kernel with xen_nopv, loads
# pvhvm_irq and the probe module and prints TAP on its serial console;
# its console is Xen's HVM debug port, so Xen prints its lines as
# "(d<domid>) ..." on the outer serial port this script reads.
#
#   run.sh [--xen 4.17|4.20|all] [--timeout SECS] [--keep]
#   PVIRQ_PVHVM_KO=path/pvhvm_irq.ko run.sh ...   test that module instead
#
# Output: "ok - xen V: ..." / "not ok - xen V: ..." lines, "# ..."
# diagnostics (the probe's "# xen-fact:" lines among them), and a last line
# "# xen: N passed, N failed".  Exit status 0 only when nothing failed.
#
# Only one such VM runs at a time (a lock in build/xen/ makes a second run
# wait).  A boot that dies before the guest's tests ran (dom0 user space
# segfaults now and then under nested TCG) is retried once, and the retry
# is reported.  Work files and the serial logs stay in build/xen/.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
OUT=$TOP/build/xen
XENS=4.17
TIMEOUT=600
GUEST_TIMEOUT=420
KEEP=0

while [ $# -gt 0 ]; do
	case $1 in
	--xen) XENS=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	*) echo "usage: $0 [--xen 4.17|4.20|all] [--timeout SECS] [--keep]" >&2; exit 2 ;;
	esac
done
[ "$XENS" = all ] && XENS=4.17,4.20

mkdir -p "$OUT"
exec 9> "$OUT/.lock"
if ! flock -n 9; then
	echo "# xen: another xen-tier run holds $OUT/.lock; waiting for it"
	flock 9
fi

PASS=0
FAIL=0
emit() { # ok|not-ok text
	if [ "$1" = ok ]; then
		echo "ok - $2"
		PASS=$((PASS + 1))
	else
		echo "not ok - $2"
		FAIL=$((FAIL + 1))
	fi
}

finish() {
	echo "# xen: $PASS passed, $FAIL failed (${SECONDS}s)"
	[ $FAIL = 0 ] && [ $PASS -gt 0 ]
	exit $?
}

show() { # file [lines] [prefix]
	sed -e 's/\r$//' -e "s/^/#   ${3:-}| /" "$1" | tail -n "${2:-40}"
}

QEMU_PID=""
cleanup() {
	[ -n "$QEMU_PID" ] && kill -KILL "$QEMU_PID" 2> /dev/null
	QEMU_PID=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# Inputs shared by every Xen version: pvhvm_irq and the probe, for 6.1.

eval "$("$TOP/scripts/deps.sh" --env)"
KREL=$KREL_61
KIMG=$KIMG_61
if [ ! -f "$KIMG" ]; then
	emit not-ok "xen: the Debian $KREL kernel image is missing (make deps)"
	finish
fi
# Only the module under test: the tier does not wait on the others.
# PVIRQ_PVHVM_KO names a prebuilt pvhvm_irq.ko to test instead (e.g. a
# deliberately broken one, to see the tier fail).
if [ -n "${PVIRQ_PVHVM_KO:-}" ]; then
	PVHVM_KO=$PVIRQ_PVHVM_KO
	echo "# xen: testing the prebuilt $PVHVM_KO"
	[ -f "$PVHVM_KO" ] || { emit not-ok "xen: PVIRQ_PVHVM_KO=$PVHVM_KO exists"; finish; }
elif ! make -s -C "$TOP" KVER=6.1 PVIRQ_CONFIGS=CONFIG_PVIRQ_XEN_PVHVM_IRQ=m modules \
	> "$OUT/modules.log" 2>&1; then
	emit not-ok "xen: pvirq's modules build for $KREL"
	show "$OUT/modules.log" 30
	finish
else
	PVHVM_KO=$(make -s -C "$TOP" KVER=6.1 print-kbuild-dir)/drivers/xen/pvhvm-irq/pvhvm_irq.ko
fi
PROBE_O=$OUT/probe-$KREL
if ! make -s -C "$HERE/probe" KDIR="$KDIR_61" OBJDIR="$PROBE_O" > "$OUT/probe.log" 2>&1 ||
   grep -q 'warning:' "$OUT/probe.log"; then
	emit not-ok "xen: the probe module builds for $KREL without warnings"
	show "$OUT/probe.log" 30
	finish
fi
PROBE_KO=$(make -s -C "$HERE/probe" KDIR="$KDIR_61" OBJDIR="$PROBE_O" print-ko)

# ---------------------------------------------------------------------------
# Initramfs building blocks.

# pack DIR OUT: a gzip'd newc cpio of DIR, rewritten only when its content
# (names, modes, bytes) changed since the last pack.
pack() {
	local dir=$1 out=$2 sum
	sum=$(cd "$dir" && find . -print0 | LC_ALL=C sort -z |
		xargs -0 stat -c '%n %f %s' | sha256sum | cut -c1-16)
	sum=$sum-$(cd "$dir" && find . -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha256sum | sha256sum | cut -c1-16)
	if [ -f "$out" ] && [ "$(cat "$out.key" 2> /dev/null)" = "$sum" ]; then
		return 0
	fi
	(cd "$dir" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet --reproducible 2> /dev/null | gzip -1) > "$out.tmp" &&
		mv "$out.tmp" "$out" && echo "$sum" > "$out.key"
}

# mod_order KMODDIR NAME...: module names in load order, dependencies
# first (modules.dep lists a module's dependencies last-loaded-first).
mod_order() {
	local dir=$1 name path deps d
	shift
	declare -A seen=()
	for name in "$@"; do
		path=$(grep -E "(^|/)$name\.ko:" "$dir/modules.dep" | head -1 | cut -d: -f1)
		[ -n "$path" ] || { echo "no module $name in $dir" >&2; return 1; }
		deps=$(grep -E "(^|/)$name\.ko:" "$dir/modules.dep" | head -1 | cut -d: -f2)
		for d in $(echo "$deps" | tr ' ' '\n' | tac) "$path"; do
			[ -n "${seen[$d]:-}" ] && continue
			seen[$d]=1
			echo "$d"
		done
	done
}

# copy_mods KMODDIR DEST NAME...: the modules and their dependencies, and
# DEST/order listing their names in load order.
copy_mods() {
	local dir=$1 dest=$2 p list
	shift 2
	list=$(mod_order "$dir" "$@") || return 1
	mkdir -p "$dest"
	: > "$dest/order"
	for p in $list; do
		cp "$dir/$p" "$dest/"
		basename "$p" .ko >> "$dest/order"
	done
}

# lib_closure ROOT USE_HOST FILE...: "soname path" for every shared library
# the files need, found in ROOT first, then (USE_HOST=1) on this host;
# "interp path" for the ELF interpreter.  Fails naming what is missing.
lib_closure() {
	local root=$1 host=$2 f so p d missing=0 interp
	shift 2
	local -a queue=("$@") dirs=("$root/usr/lib/x86_64-linux-gnu" "$root/lib/x86_64-linux-gnu"
				     "$root/usr/lib" "$root/lib")
	[ "$host" = 1 ] && dirs+=(/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu)
	declare -A seen=()
	interp=$(readelf -l "$1" 2> /dev/null | sed -n 's/.*interpreter: \(.*\)]/\1/p')
	if [ -e "$root$interp" ]; then
		echo "interp $root$interp"
	elif [ -e "$root/usr$interp" ]; then
		# merged /usr (Debian 13): /lib64 is a link made at install time
		echo "interp $root/usr$interp"
	elif [ "$host" = 1 ] && [ -e "$interp" ]; then
		echo "interp $interp"
	else
		echo "missing interpreter $interp" >&2
		missing=1
	fi
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for so in $(readelf -d "$f" 2> /dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -n "${seen[$so]:-}" ] && continue
			seen[$so]=1
			p=""
			for d in "${dirs[@]}"; do
				[ -e "$d/$so" ] && { p=$d/$so; break; }
			done
			if [ -z "$p" ]; then
				echo "missing library $so (needed by ${f#"$root"})" >&2
				missing=1
				continue
			fi
			echo "$so $p"
			queue+=("$p")
		done
	done
	return $missing
}

# dom0_base XEN_VERSION: the big, rarely changing dom0 layer (Xen tools,
# qemu-xen, firmware, libraries, busybox, dom0 modules, the guest kernel).
# Echoes its path; rebuilt only when one of its inputs changed.
dom0_base() {
	local xv=$1
	local root=$XEN_ROOT out=$OUT/dom0-base-$xv.cpio.gz st key use_host=0 bins so p
	local xbin=usr/lib/xen-$xv/bin
	[ "$xv" = 4.17 ] && use_host=1
	bins=("$root/$xbin/xl" "$root/$xbin/xenstored" "$root/$xbin/xenconsoled"
	      "$root/$xbin/xen-init-dom0" "$root/$xbin/xenconsole"
	      "$root/$xbin/libxl-save-helper" "$root/usr/libexec/xen-qemu-system-i386")
	lib_closure "$root" $use_host "${bins[@]}" > "$OUT/libs-$xv.txt" 2> "$OUT/libs-$xv.err" ||
		{ cat "$OUT/libs-$xv.err" >&2; return 1; }
	key=$( {
		echo "layout 3"
		cat "$XEN_STAMP" "$XEN_KMODS/../../../STAMP"
		stat -c '%n %s %Y' "$KIMG" /bin/busybox
		awk '{print $2}' "$OUT/libs-$xv.txt" | xargs stat -L -c '%n %s %Y'
	} | sha256sum | cut -c1-32)
	if [ -f "$out" ] && [ "$(cat "$out.key" 2> /dev/null)" = "$key" ]; then
		echo "$out"
		return 0
	fi
	echo "# xen $xv: building the dom0 base initramfs (inputs changed)" >&2
	st=$OUT/stage-dom0-$xv
	rm -rf "$st"
	mkdir -p "$st"/{bin,dev,proc,sys,run,tmp,root,guest,pvirq} "$st/usr/lib64" "$st/var/log/xen"
	(cd "$root" && tar -cf - --exclude=./usr/share/doc --exclude=./usr/share/man \
		--exclude=./usr/share/locale --exclude=./usr/share/lintian \
		--exclude="./usr/lib/xen-$xv/lib/ocaml" --exclude='./boot/*' .) | tar -xf - -C "$st"
	# One merged /usr: library and interpreter paths all lead to usr/lib.
	if [ -d "$st/lib" ] && [ ! -L "$st/lib" ]; then
		cp -a "$st/lib/." "$st/usr/lib/"
		rm -rf "${st:?}/lib"
	fi
	ln -sfn usr/lib "$st/lib"
	ln -sfn usr/lib64 "$st/lib64"
	mkdir -p "$st/usr/lib/x86_64-linux-gnu"
	while read -r so p; do
		case $so in
		interp) cp -L "$p" "$st/usr/lib64/ld-linux-x86-64.so.2" ;;
		*) [ -e "$st/usr/lib/x86_64-linux-gnu/$so" ] || cp -L "$p" "$st/usr/lib/x86_64-linux-gnu/$so" ;;
		esac
	done < "$OUT/libs-$xv.txt"
	cp /bin/busybox "$st/bin/busybox"
	ln -s busybox "$st/bin/sh"
	copy_mods "$XEN_KMODS" "$st/pvirq/dom0-modules" \
		xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs || return 1
	cp "$KIMG" "$st/guest/vmlinuz"
	pack "$st" "$out.new" || return 1
	mv "$out.new" "$out"
	rm -f "$out.new.key"
	echo "$key" > "$out.key"
	rm -rf "$st"
	echo "$out"
}

# guest_initrd XEN_VERSION: the HVM guest's initramfs.
guest_initrd() {
	local xv=$1
	local st=$OUT/stage-guest-$xv out=$OUT/guest-$xv.cpio.gz
	rm -rf "$st"
	mkdir -p "$st"/{bin,dev,proc,sys,tmp,pvirq/modules,pvirq/tests}
	cp /bin/busybox "$st/bin/busybox"
	cp "$HERE/guest/init" "$st/init"
	chmod 755 "$st/init"
	cp "$HERE/guest/lib.sh" "$st/pvirq/lib.sh"
	cp "$HERE/../vm/guest/tap.sh" "$st/pvirq/tap.sh"
	cp "$HERE"/guest/tests/*.sh "$st/pvirq/tests/"
	# shellcheck disable=SC2086
	cp "$PVHVM_KO" $PROBE_KO "$st/pvirq/modules/"
	copy_mods "$XEN_KMODS" "$st/pvirq/debian" crct10dif_generic crc64_rocksoft_generic \
		virtio_pci virtio-rng nvme ahci sd_mod e1000e || return 1
	pack "$st" "$out" || return 1
	echo "$out"
}

# dom0_top XEN_VERSION GUEST...: /init, the xl configs and the guest's
# initramfs, packed on top of the base layer.  GUEST is name:hvm_pirq.
dom0_top() {
	local xv=$1
	local st=$OUT/stage-top-$xv out=$OUT/dom0-top-$xv.cpio.gz g name hp names=""
	shift
	rm -rf "$st"
	mkdir -p "$st/etc/xen" "$st/guest" "$st/pvirq"
	cp "$HERE/dom0/init" "$st/init"
	chmod 755 "$st/init"
	cp "$GUEST_INITRD" "$st/guest/initrd.gz"
	for g in "$@"; do
		name=${g%%:*}
		hp=${g#*:}
		names="$names $name"
		sed -e "s/@NAME@/$name/g" -e "s/@XEN@/$xv/g" -e "s/@HVM_PIRQ@/$hp/g" \
			-e "s/@LOGLEVEL@/${GUEST_LOGLEVEL:-5}/g" \
			-e "s/@EXTRA@/$([ "$hp" = 1 ] && echo 'hvm_pirq = 1')/" \
			"$HERE/guest.cfg.in" > "$st/etc/xen/$name.cfg"
	done
	cat > "$st/pvirq/params" <<-EOF
	XEN_VERSION=$xv
	XENBIN=/usr/lib/xen-$xv/bin
	GUESTS="${names# }"
	GUEST_TIMEOUT=$GUEST_TIMEOUT
	EOF
	pack "$st" "$out" || return 1
	echo "$out"
}

# ---------------------------------------------------------------------------
# One boot of the whole stack.  Sets BOOT (ok|retry:<why>|fail:<why>).

boot() { # xv log initrd
	local xv=$1 log=$2 initrd=$3 start=$SECONDS done_at=0
	[ -f "$initrd" ] || { echo "no initramfs $initrd" > "$log"; BOOT_SECONDS=0; return; }
	rm -f "$log"
	# Commas split Xen's multiboot modules: none in the dom0 command line.
	# One CPU: with two, dom0's user space segfaulted every minute or so
	# (a stale FS base: TLS reads fault), with one it did not.  No XSAVE:
	# Xen's CPUID for the guest then disagrees with itself about XSAVE
	# sizes (PKU, AVX) and the guest kernel warns at boot.
	qemu-system-x86_64 -accel tcg -cpu "${XEN_CPU:-max,-pku,-xsave}" -m 3072 -smp "${XEN_SMP:-1}" -display none \
		-monitor none -serial stdio -no-reboot -nic none \
		-kernel "$OUT/xen-$xv" \
		-append "console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M noreboot smap=0 smep=0" \
		-initrd "$KIMG console=hvc0 earlyprintk=xen loglevel=4,$initrd" \
		< /dev/null > >(perl -MTime::HiRes=time -ne \
			'BEGIN { $| = 1; $t0 = time } printf "%7.2f|%s", time - $t0, $_' > "$log") 2>&1 &
	QEMU_PID=$!
	while kill -0 "$QEMU_PID" 2> /dev/null; do
		sleep 1
		if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
			echo "@@runner: timeout after ${TIMEOUT}s" >> "$log.runner"
			break
		fi
		# Xen halts on a panic (noreboot); dom0 powers off when done but
		# give it a moment.
		if [ $done_at = 0 ] && grep -qE '@@xen-tier: done|Panic on CPU|Kernel panic' "$log" 2> /dev/null; then
			done_at=$SECONDS
		fi
		[ $done_at != 0 ] && [ $((SECONDS - done_at)) -ge 20 ] && break
	done
	kill -KILL "$QEMU_PID" 2> /dev/null
	wait "$QEMU_PID" 2> /dev/null
	QEMU_PID=""
	sleep 0.2
	BOOT_SECONDS=$((SECONDS - start))
	[ -f "$log.runner" ] && cat "$log.runner" >> "$log" && rm -f "$log.runner"
}

# What a boot log says, without timestamps; grep-friendly helpers.
clean_log() { sed -e 's/^ *[0-9.]*|//' -e 's/\r$//' "$1"; }

# guest_lines CLEAN-LOG NAME: what guest NAME printed (Xen's "(dN) " lines).
guest_lines() {
	local id
	id=$(sed -n "s/^@@xen-tier: guest-started $2 domid=\([0-9]*\) .*/\1/p" "$1" | tail -1)
	[ -n "$id" ] || return 0
	sed -n "s/^(d$id) //p" "$1"
}

# Classify a boot: BOOT=ok, retry:<why> (environment, before the tests
# ran) or fail:<why>.
classify() { # clean-log guests...
	local c=$1 g
	shift
	BOOT=ok
	if ! grep -q '@@xen-tier: dom0-ready' "$c"; then
		if grep -q '@@xen-tier: step-failed' "$c"; then
			BOOT="retry:dom0 step failed: $(grep -m1 -o 'step-failed.*' "$c")"
		elif grep -q 'Panic on CPU' "$c"; then
			BOOT="retry:Xen panicked"
		else
			BOOT="retry:dom0 never got ready"
		fi
		return
	fi
	for g in "$@"; do
		if ! grep -q "@@xen-tier: guest-started $g" "$c"; then
			BOOT="retry:xl create $g failed"
			return
		fi
		if ! guest_lines "$c" "$g" | grep -q "^# pvirq-xen: start"; then
			BOOT="retry:guest $g never ran its init"
			return
		fi
	done
	for g in "$@"; do
		if ! guest_lines "$c" "$g" | grep -q "^# pvirq-xen: done"; then
			if grep -qE '@@xen-tier: dom0-segfaults [1-9]' "$c"; then
				BOOT="retry:guest $g did not finish and dom0 saw segfaults"
			else
				BOOT="fail:guest $g did not finish its tests"
			fi
			return
		fi
	done
}

# ---------------------------------------------------------------------------

run_xen() {
	local xv=$1 guests=() g name hp label c log attempt why="" base top
	case $xv in
	4.17) guests=(hvm:default) ;;
	4.20) guests=(pirq:1 nopirq:default) ;;
	*) emit not-ok "xen $xv: unknown version"; return ;;
	esac
	local t0=$SECONDS
	if ! "$HERE/fetch.sh" --xen "$xv" > "$OUT/fetch-$xv.log" 2>&1; then
		emit not-ok "xen $xv: Debian's Xen $xv packages are fetched (tools/testing/pvirq/xen/fetch.sh)"
		show "$OUT/fetch-$xv.log" 20
		return
	fi
	eval "$("$HERE/fetch.sh" --xen "$xv" --env)"
	echo "# xen $xv: $(grep -E '^(xen-hypervisor-[0-9.]*-amd64|qemu-system-xen)=' "$XEN_STAMP" | tr '\n' ' ')"
	zcat "$XEN_ROOT/boot/xen-$xv-amd64.gz" > "$OUT/xen-$xv.new" && mv "$OUT/xen-$xv.new" "$OUT/xen-$xv"
	if ! base=$(dom0_base "$xv" 2> "$OUT/base-$xv.err") ||
	   ! GUEST_INITRD=$(guest_initrd "$xv" 2>> "$OUT/base-$xv.err") ||
	   ! top=$(dom0_top "$xv" "${guests[@]}" 2>> "$OUT/base-$xv.err"); then
		emit not-ok "xen $xv: the dom0 and guest initramfs build"
		show "$OUT/base-$xv.err" 20
		return
	fi
	grep '^#' "$OUT/base-$xv.err"
	cat "$base" "$top" > "$OUT/initrd-$xv"
	echo "# xen $xv: initramfs ready in $((SECONDS - t0))s ($(du -h "$OUT/initrd-$xv" | cut -f1))"

	local names=()
	for g in "${guests[@]}"; do names+=("${g%%:*}"); done
	for attempt in 1 2; do
		log=$OUT/boot-$xv-$attempt.log
		boot "$xv" "$log" "$OUT/initrd-$xv"
		c=$OUT/boot-$xv-$attempt.txt
		clean_log "$log" > "$c"
		classify "$c" "${names[@]}"
		echo "# xen $xv: boot $attempt took ${BOOT_SECONDS}s: ${BOOT}"
		case $BOOT in
		retry:*)
			[ $attempt = 1 ] || break
			why=${BOOT#retry:}
			echo "# xen $xv: retrying the boot once ($why); the log of boot 1:"
			grep -E '@@xen-tier|segfault' "$c" | tail -n 15 | sed 's/^/#   | /'
			;;
		*) break ;;
		esac
	done
	local note=""
	[ -n "$why" ] && note=" (after one retry: $why)"

	if grep -q 'HVM: SVM enabled' "$c" && grep -q 'Hardware Assisted Paging (HAP) detected' "$c"; then
		emit ok "xen $xv: Xen boots under QEMU TCG with SVM and HAP$note"
	else
		emit not-ok "xen $xv: Xen boots under QEMU TCG with SVM and HAP$note"
	fi
	if grep -q '@@xen-tier: dom0-ready' "$c"; then
		emit ok "xen $xv: dom0 runs xenstored, xen-init-dom0, xenconsoled and xl"
	else
		emit not-ok "xen $xv: dom0 runs xenstored, xen-init-dom0, xenconsoled and xl"
	fi
	grep '@@xen-tier: retry' "$c" | sed 's/^@@xen-tier: /# xen '"$xv"': dom0 retried: /'
	grep '^D| \(xen_version\|xen_extra\|virt_caps\)' "$c" | sed "s/^D| /# xen $xv: xl info: /"

	for g in "${guests[@]}"; do
		name=${g%%:*}
		hp=${g#*:}
		label="xen $xv"
		[ "$xv" != 4.17 ] && label="xen $xv hvm_pirq=$hp"
		if grep -q "@@xen-tier: guest-started $name" "$c"; then
			emit ok "$label: xl create starts the HVM guest (qemu-xen, xen_nopv)"
		else
			emit not-ok "$label: xl create starts the HVM guest (qemu-xen, xen_nopv)"
			continue
		fi
		while IFS= read -r line; do
			case $line in
			"ok "*) emit ok "$label: ${line#ok * - }" ;;
			"not ok "*) emit not-ok "$label: ${line#not ok * - }" ;;
			"# pvirq-xen:"*) echo "# $label: ${line#\# pvirq-xen: }" ;;
			"#"*) echo "$line" ;;
			esac
		done < <(guest_lines "$c" "$name" | grep -aE '^(ok |not ok |#)')
		local bad
		bad=$(guest_lines "$c" "$name" |
			grep -E '^# dmesg:|Kernel panic|BUG:|Oops|WARNING:' | head -5)
		if guest_lines "$c" "$name" | grep -q "^# pvirq-xen: done" &&
		   grep -q "@@xen-tier: guest-end $name result=gone" "$c" && [ -z "$bad" ] &&
		   ! grep -qE "d[0-9]+v[0-9]+ Triple fault|domain_crash" "$c"; then
			emit ok "$label: the guest ran every test and powered off, kernel log clean"
		else
			emit not-ok "$label: the guest ran every test and powered off, kernel log clean"
			[ -n "$bad" ] && echo "$bad" | sed 's/^/#   /'
			BOOT="fail:guest $name"
		fi
		grep -o "@@xen-tier: guest-end $name .*" "$c" | sed "s/^@@xen-tier: /# $label: /"
	done
	local segv
	segv=$(sed -n 's/^@@xen-tier: dom0-segfaults \([0-9]*\).*/\1/p' "$c" | tail -1)
	[ "${segv:-0}" != 0 ] && echo "# xen $xv: dom0 logged $segv segfault(s) in the final boot"

	if [ "$BOOT" != ok ]; then
		echo "#   --- Xen (tail) ---"
		grep -E '^\(XEN\)' "$c" | tail -n 40 | sed 's/^/#   | /'
		echo "#   --- dom0 (tail) ---"
		grep -vE '^\((XEN|d[0-9]+)\)' "$c" | tail -n 60 | sed 's/^/#   | /'
		for name in "${names[@]}"; do
			echo "#   --- guest $name (tail) ---"
			guest_lines "$c" "$name" | tail -n 60 | sed 's/^/#   | /'
		done
	fi
	echo "# xen $xv: tier time $((SECONDS - t0))s, log $log"
}

for xv in ${XENS//,/ }; do
	run_xen "$xv"
done
[ $KEEP = 1 ] || rm -rf "$OUT"/stage-*
finish
