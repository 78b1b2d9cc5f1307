#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM tier: boot Debian's kernels under QEMU TCG with our modules in a
# busybox initramfs, optionally served by pvirq-host, run one guest-side
# test script per boot and turn what the guests print into TAP.
#
#   run.sh [--kernels 6.1,6.12] [--selftest] [TEST.sh...]
#
# Kernels: 6.1 and 6.12 are Debian's (scripts/deps.sh), 6.1-debug is the
# debug tier's KASAN/lockdep/kmemleak build (scripts/debug-kernel.sh), booted
# with more memory and longer timeouts (see kscale below).
#
# Each test script starts with a header line
#   # pvirq-vm: smp=2 mem=512 host=base guests=1 kernels=6.1,6.12 timeout=90
# (all optional; kernels= restricts a script to those kernels: it runs on
# those of them that --kernels names, 6.1,6.12 by default; host=none boots
# a guest with no hypervisor at all; devices=edu,edu adds emulated QEMU
# devices).  With
# guests=N the same script runs in N guests, $PVIRQ_GUEST = g0, g1, ...,
# attached to one host.  A boot fails -- whatever its scripts printed --
# when a guest times out, panics, or logs an oops, BUG, WARNING, KASAN,
# UBSAN, kmemleak or lockdep report; the log is then shown.
#
# Scripts with expect=oops|hang|warn|kasan|lockdep|kmemleak|ubsan|sleep in
# their header (vm/selftest/) must make the boot fail for that reason: they
# prove this runner can fail.  The checker kinds only exist on 6.1-debug;
# their scripts say kernels=6.1-debug.
#
# PVIRQ_VM_DEADLINE (seconds since the epoch; check.sh sets it for make
# check) stops it starting tests after that time; each one left out is
# named in a diagnostic and not counted.
#
# Output: "ok - ..." / "not ok - ..." lines and "# ..." diagnostics.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)
KERNELS_ARG=""
SELFTEST=0
TESTS=()

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) KERNELS_ARG=$2; shift 2 ;;
	--selftest) SELFTEST=1; shift ;;
	*) TESTS+=("$1"); shift ;;
	esac
done
if [ ${#TESTS[@]} = 0 ]; then
	if [ $SELFTEST = 1 ]; then
		TESTS=("$HERE"/selftest/*.sh)
	else
		TESTS=("$HERE"/tests/*.sh)
	fi
fi

eval "$("$TOP/scripts/deps.sh" --env)"
eval "$("$TOP/scripts/debug-kernel.sh" --env)"
HOSTBIN=$TOP/build/host
WORK=$(mktemp -d /tmp/pvirq-vm.XXXXXX)
trap 'cleanup_all' EXIT
trap 'exit 130' INT TERM

HOST_PID=""
QEMU_PIDS=()

cleanup_boot() {
	local p
	for p in "${QEMU_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	QEMU_PIDS=()
	if [ -n "$HOST_PID" ]; then
		kill -TERM "$HOST_PID" 2>/dev/null
		wait "$HOST_PID" 2>/dev/null
		HOST_PID=""
	fi
}

# PVIRQ_VM_LOGS=DIR keeps every console and host log there.
cleanup_all() {
	cleanup_boot
	if [ -n "${PVIRQ_VM_LOGS:-}" ]; then
		mkdir -p "$PVIRQ_VM_LOGS" && cp "$WORK"/*.log "$PVIRQ_VM_LOGS"/ 2>/dev/null
	fi
	rm -rf "$WORK"
}

kimg() {
	case $1 in
	6.1) echo "$KIMG_61" ;;
	6.12) echo "$KIMG_612" ;;
	6.1-debug) echo "$KIMG_DEBUG" ;;
	esac
}

kdir() {
	case $1 in
	6.1) echo "$KDIR_61" ;;
	6.12) echo "$KDIR_612" ;;
	6.1-debug) echo "$KDIR_DEBUG" ;;
	esac
}

# KASAN's shadow, kmemleak's and lockdep's tables need memory, and the
# instrumented kernel runs several times slower under TCG: the debug kernel
# boots with PVIRQ_DEBUG_MEM_SCALE (2) times the memory and
# PVIRQ_DEBUG_TMO_SCALE (4) times the timeout a script's header asks for.
kscale() { # kver mem|tmo
	case $1:$2 in
	6.1-debug:mem) echo "${PVIRQ_DEBUG_MEM_SCALE:-2}" ;;
	6.1-debug:tmo) echo "${PVIRQ_DEBUG_TMO_SCALE:-4}" ;;
	*) echo 1 ;;
	esac
}

# Extra kernel parameters: on the debug kernel, mark the kmalloc caches for
# failslab's cache filter (guest/fault.sh).
kcmdline() {
	case $1 in
	6.1-debug) echo " slub_debug=A,kmalloc-*" ;;
	esac
}

# in_list ITEM A,B,C
in_list() {
	case ",$2," in *",$1,"*) return 0 ;; esac
	return 1
}

# The base initramfs of one kernel: busybox, init, helpers, every module
# built for it (ours and the test-only ones).
base_initrd() {
	local kver=$1 out=$WORK/base-$1.cpio.gz root=$WORK/root-$1 kbuild
	[ -f "$out" ] && { echo "$out"; return 0; }
	kbuild=$(make -s -C "$TOP" KDIR="$(kdir "$kver")" print-kbuild-dir)
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,pvirq/modules}
	cp /bin/busybox "$root/bin/busybox"
	# Its applets linked here, not by "busybox --install" in every boot.
	busybox --list-full | grep / | grep -vx bin/busybox | while read -r a; do
		mkdir -p "$root/${a%/*}" && ln -sf /bin/busybox "$root/$a"
	done
	# Our own insmod: one finit_module(), no retry; rmmod and a one-write
	# echo likewise (see guest/insmod.c).
	gcc -static -O2 -Wall -Werror -o "$root/bin/pvinsmod" "$HERE/guest/insmod.c" || return 1
	ln -s pvinsmod "$root/bin/pvrmmod"
	ln -s pvinsmod "$root/bin/pvwrite"
	make -s -C "$TOP/tools/pvictl" OUT="$root/bin" >&2 || return 1
	cp "$HERE/guest/init" "$root/init"
	cp "$HERE"/guest/*.sh "$root/pvirq/"
	find "$kbuild" -name '*.ko' -exec cp {} "$root/pvirq/modules/" \;
	chmod +x "$root/init"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$out"
	echo "$out"
}

test_initrd() {
	local script=$1 out=$2 root=$WORK/troot
	rm -rf "$root"
	mkdir -p "$root/pvirq"
	cp "$script" "$root/pvirq/test.sh"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$out"
}

hdr() { # script key default
	local v
	v=$(sed -n '1,5s/^# pvirq-vm:.*[[:space:]]'"$2"'=\([^[:space:]]*\).*/\1/p' "$1" | head -1)
	echo "${v:-$3}"
}

# Patterns that fail a boot whatever the scripts said.
BAD_RE='Kernel panic|BUG:|Oops|WARNING:|general protection fault|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|unreferenced object|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked|sleeping function called from invalid context|watchdog: BUG'

show_log() {
	sed -e 's/\r$//' -e 's/^/#   | /' "$1" | tail -n "${2:-60}"
}

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

# run_boot SCRIPT KVER: sets BOOT_RESULT (ok|timeout|panic|oops|warn|nodone|host)
# and BOOT_REASON; guest consoles in $WORK/<name>-<guest>.log
run_boot() {
	local script=$1 kver=$2 name smp mem host guests tmo img base tinit i g devices
	local log pids_done start
	name=$(basename "$script" .sh)
	smp=$(hdr "$script" smp 1)
	mem=$(($(hdr "$script" mem 512) * $(kscale "$kver" mem)))
	host=$(hdr "$script" host none)
	guests=$(hdr "$script" guests 1)
	tmo=$(($(hdr "$script" timeout 90) * $(kscale "$kver" tmo)))
	devices=$(hdr "$script" devices "")
	img=$(kimg "$kver")
	base=$(base_initrd "$kver") || return 1
	tinit=$WORK/t-$name.cpio.gz
	test_initrd "$script" "$tinit"
	cat "$base" "$tinit" > "$WORK/initrd-$kver-$name"
	BOOT_RESULT=ok
	BOOT_REASON=""

	local hdir=$WORK/host-$kver-$name
	rm -rf "$hdir"
	mkdir -p "$hdir"
	if [ "$host" != none ]; then
		if [ ! -x "$HOSTBIN/pvirq-host" ]; then
			BOOT_RESULT=host
			BOOT_REASON="pvirq-host is not built ($HOSTBIN/pvirq-host)"
			return 0
		fi
		local gargs=()
		for ((i = 0; i < guests; i++)); do
			gargs+=(--guest "g$i,model=$host,ram=$hdir/g$i.ram,ramsize=$((mem << 20))")
		done
		"$HOSTBIN/pvirq-host" --dir "$hdir" --guest-control "${gargs[@]}" \
			> "$hdir/host.log" 2>&1 &
		HOST_PID=$!
		for ((i = 0; i < 100; i++)); do
			grep -q 'pvirq-host: ready' "$hdir/host.log" 2>/dev/null && break
			kill -0 "$HOST_PID" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -q 'pvirq-host: ready' "$hdir/host.log"; then
			BOOT_RESULT=host
			BOOT_REASON="pvirq-host did not start"
			show_log "$hdir/host.log" 20
			cleanup_boot
			return 0
		fi
	fi

	QEMU_PIDS=()
	for ((i = 0; i < guests; i++)); do
		g=g$i
		log=$WORK/$kver-$name-$g.log
		local extra=() dev
		for dev in ${devices//,/ }; do
			extra+=(-device "$dev")
		done
		if [ "$host" != none ]; then
			extra+=(-object "memory-backend-file,id=mem,size=${mem}M,mem-path=$hdir/$g.ram,share=on"
			       -machine memory-backend=mem
			       -chardev "socket,path=$hdir/$g.ivshmem,id=ivs"
			       -device ivshmem-doorbell,chardev=ivs,vectors=2)
		fi
		qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp "$smp" -m "$mem" \
			-display none -no-reboot -monitor none -serial stdio -nic none \
			"${extra[@]}" -kernel "$img" -initrd "$WORK/initrd-$kver-$name" \
			-append "console=ttyS0 panic=-1 loglevel=5 pvirq.guest=$g pvirq.host=$host pvirq.kver=$kver$(kcmdline "$kver")" \
			< /dev/null > "$log" 2>&1 &
		QEMU_PIDS+=($!)
	done

	start=$SECONDS
	while :; do
		pids_done=1
		for i in "${QEMU_PIDS[@]}"; do
			kill -0 "$i" 2>/dev/null && pids_done=0
		done
		[ $pids_done = 1 ] && break
		if [ $((SECONDS - start)) -ge "$tmo" ]; then
			BOOT_RESULT=timeout
			BOOT_REASON="no poweroff within ${tmo}s"
			break
		fi
		sleep 0.2
	done
	BOOT_SECONDS=$((SECONDS - start))
	for i in "${QEMU_PIDS[@]}"; do
		kill -KILL "$i" 2>/dev/null
		wait "$i" 2>/dev/null
	done
	QEMU_PIDS=()

	if [ "$host" != none ] && [ -n "$HOST_PID" ]; then
		if ! kill -0 "$HOST_PID" 2>/dev/null; then
			[ $BOOT_RESULT = ok ] && { BOOT_RESULT=host; BOOT_REASON="pvirq-host died during the run"; }
		fi
		cleanup_boot
		cp "$hdir/host.log" "$WORK/$kver-$name-host.log" 2>/dev/null
	fi

	for ((i = 0; i < guests; i++)); do
		log=$WORK/$kver-$name-g$i.log
		if grep -qE 'Kernel panic' "$log"; then
			[ $BOOT_RESULT = ok ] || [ $BOOT_RESULT = timeout ] &&
				{ BOOT_RESULT=panic; BOOT_REASON="g$i: kernel panic"; }
		elif grep -qE 'BUG:|Oops|general protection fault' "$log"; then
			[ $BOOT_RESULT = ok ] || [ $BOOT_RESULT = timeout ] &&
				{ BOOT_RESULT=oops; BOOT_REASON="g$i: $(grep -m1 -oE '(BUG:|Oops|general protection fault).*' "$log" | tr -d '\r')"; }
		elif grep -qE "$BAD_RE" "$log"; then
			[ $BOOT_RESULT = ok ] || [ $BOOT_RESULT = timeout ] &&
				{ BOOT_RESULT=warn; BOOT_REASON="g$i: $(grep -m1 -oE "($BAD_RE).*" "$log" | tr -d '\r')"; }
		elif [ $BOOT_RESULT = ok ] && ! grep -q '^# pvirq-vm: done' "$log"; then
			BOOT_RESULT=nodone
			BOOT_REASON="g$i powered off without finishing its script"
		fi
	done
	return 0
}

# What a self-test's failed boot must show, by expect= kind: the report
# of the checker it provokes.
expect_re() {
	case $1 in
	kasan) echo 'BUG: KASAN: ' ;;
	lockdep) echo 'WARNING: possible circular locking dependency detected' ;;
	kmemleak) echo 'unreferenced object 0x' ;;
	ubsan) echo 'UBSAN: ' ;;
	sleep) echo 'BUG: sleeping function called from invalid context' ;;
	esac
}

for script in "${TESTS[@]}"; do
	name=$(basename "$script" .sh)
	only=$(hdr "$script" kernels "")
	expect=$(hdr "$script" expect "")
	for kver in $(echo "${KERNELS_ARG:-6.1,6.12}" | tr , ' '); do
		if [ -n "$only" ] && ! in_list "$kver" "$only"; then
			echo "# [$kver] $name: not run, the script is for $only only"
			continue
		fi
		if [ -n "${PVIRQ_VM_DEADLINE:-}" ] && [ "$(date +%s)" -ge "$PVIRQ_VM_DEADLINE" ]; then
			echo "# [$kver] $name: not run, past the check's time budget (PVIRQ_CHECK_BUDGET)"
			continue
		fi
		img=$(kimg "$kver")
		if [ -z "$img" ] || [ ! -f "$img" ]; then
			case $kver in
			6.1-debug) emit not-ok "[$kver] $name: no debug kernel (run scripts/debug-kernel.sh)" ;;
			*) emit not-ok "[$kver] $name: no kernel image for Linux $kver (run make deps)" ;;
			esac
			continue
		fi
		run_boot "$script" "$kver"
		guests=$(hdr "$script" guests 1)
		# A guest that died before /init started the script ran none of
		# our code (TCG has been seen to trip in early boot): boot once more.
		if [ "$BOOT_RESULT" != ok ] && ! grep -qh '^# pvirq-vm: start' \
			"$WORK/$kver-$name"-g*.log 2>/dev/null; then
			echo "# [$kver] $name: a guest died before its script started ($BOOT_RESULT: $BOOT_REASON); booting once more"
			run_boot "$script" "$kver"
		fi
		if [ -n "$expect" ]; then
			# A self-test: the boot must fail, for the expected reason.
			re=$(expect_re "$expect")
			case "$expect:$BOOT_RESULT" in
			oops:oops | oops:panic | hang:timeout | warn:warn)
				emit ok "[$kver] $name: the runner fails a guest that hits '$expect' ($BOOT_REASON)" ;;
			kasan:oops | lockdep:warn | kmemleak:warn | ubsan:warn | sleep:oops)
				if grep -q "$re" <<< "$BOOT_REASON"; then
					emit ok "[$kver] $name: the runner fails a guest whose kernel reports '$expect' ($BOOT_REASON)"
				else
					emit not-ok "[$kver] $name: expected a '$re' report to fail the boot, it failed for: $BOOT_REASON"
					show_log "$WORK/$kver-$name-g0.log" 30
				fi ;;
			*)
				emit not-ok "[$kver] $name: expected the runner to fail with '$expect', got '$BOOT_RESULT' $BOOT_REASON"
				show_log "$WORK/$kver-$name-g0.log" 30 ;;
			esac
			continue
		fi
		fail0=$FAIL
		for ((i = 0; i < guests; i++)); do
			log=$WORK/$kver-$name-g$i.log
			# Re-number guest TAP under one plan; keep diagnostics.
			while IFS= read -r line; do
				line=${line%$'\r'}
				case $line in
				"ok "*) emit ok "[$kver g$i] $name: ${line#ok * - }" ;;
				"not ok "*) emit not-ok "[$kver g$i] $name: ${line#not ok * - }" ;;
				"# pvirq-vm:"*) ;;
				"#"*) echo "$line" ;;
				"| "*) echo "$line" ;;
				esac
			done < <(grep -aE '^(ok |not ok |#|\| )' "$log")
		done
		if [ "$BOOT_RESULT" = ok ]; then
			# A script's own failures: what the kernels and the host
			# logged around them.
			if [ "$FAIL" != "$fail0" ]; then
				for ((i = 0; i < guests; i++)); do
					echo "#   --- kernel log of g$i, the script's failures above ---"
					grep -a '^\[' "$WORK/$kver-$name-g$i.log" | show_log /dev/stdin 25
				done
				if [ -f "$WORK/$kver-$name-host.log" ]; then
					echo "#   --- pvirq-host ---"
					show_log "$WORK/$kver-$name-host.log" 30
				fi
			fi
			emit ok "[$kver] $name: guests finished cleanly in ${BOOT_SECONDS}s, kernel log clean"
		else
			emit not-ok "[$kver] $name: $BOOT_RESULT: $BOOT_REASON"
			for ((i = 0; i < guests; i++)); do
				echo "#   --- console of g$i ---"
				show_log "$WORK/$kver-$name-g$i.log" 60
			done
			if [ -f "$WORK/$kver-$name-host.log" ]; then
				echo "#   --- pvirq-host ---"
				show_log "$WORK/$kver-$name-host.log" 30
			fi
		fi
	done
done

echo "# vm: $PASS passed, $FAIL failed"
[ $FAIL = 0 ]
