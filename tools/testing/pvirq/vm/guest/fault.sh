# SPDX-License-Identifier: GPL-2.0
#
# Fault injection for the VM tier's 8xx tests (the debug kernel only):
# failslab for allocations, fail_function for the functions our modules
# mark with ALLOW_ERROR_INJECTION().  Sourced after /pvirq/lib.sh.
#
# Load sweeps place failures with fail-nth: N written to the insmod task's
# /proc/thread-self/fail-nth makes the N-th fault-injection point it
# passes fail, and nothing else anywhere (see insmod.c); stepping N walks
# the failure through one finit_module().  failslab is limited to the
# kmalloc caches (cache-filter; run.sh boots the debug kernel with
# slub_debug=A,kmalloc-*): our modules allocate from them only, while the
# kernel's own caches would fail in the module loader's core, where some
# callers warn on -ENOMEM (6.1's trace event fields do).
#
# fail_function fails the functions it lists with probability 100, only
# while "times" is above 0 (ff_fail).

DBG=/sys/kernel/debug
FF=$DBG/fail_function

# fault_setup: no fault point fails but by fail-nth; one notice line per
# injected failure, no stack dump.
fault_setup() {
	[ -d $DBG/failslab ] && [ -d $FF ] || {
		echo "this kernel has no failslab or fail_function"
		return 1
	}
	[ "$(cat /sys/kernel/slab/kmalloc-64/failslab)" = 1 ] || {
		echo "the kmalloc caches are not marked for failslab (slub_debug=A,kmalloc-*)"
		return 1
	}
	echo 0 > $DBG/failslab/probability &&
	echo 0 > $DBG/failslab/ignore-gfp-wait &&
	echo 1 > $DBG/failslab/cache-filter &&
	echo 1 > $DBG/failslab/verbose &&
	echo 0 > $DBG/fail_page_alloc/probability &&
	echo 11 > $DBG/fail_page_alloc/min-order &&
	echo > $FF/inject &&
	echo 0 > $FF/times &&
	echo 100 > $FF/probability &&
	echo 1 > $FF/verbose
}

# The counters of the last sweep: FS_POINTS fault-injection points in the
# operation, FS_RUNS runs of it, FS_FAILED of them failed (FS_ERRNOS: the
# distinct messages), FS_BAD did not fail or succeed cleanly (details
# printed as "#").
FS_POINTS=0
FS_RUNS=0
FS_FAILED=0
FS_ERRNOS=""
FS_BAD=0

# fault_sweep_op MAXRUNS DONE CLEAN CMD...: run CMD (pvinsmod, pvrmmod or
# pvwrite: one system call) with its N-th fault point failing, for N from
# 1 to the number of points it passes, stepping so that at most MAXRUNS
# runs.  When CMD succeeds, DONE (a shell function) must succeed: what CMD
# did works, and DONE undoes it.  When CMD fails, it must say why with an
# errno, and CLEAN must succeed: nothing of it is left half done.
fault_sweep_op() {
	_max=$1 _done=$2 _clean=$3
	shift 3
	FS_POINTS=0 FS_RUNS=0 FS_FAILED=0 FS_ERRNOS="" FS_BAD=0
	# A count the call never reaches tells how many points it passes.
	_out=$(PVIRQ_FAIL_NTH=1000000 "$@" 2>&1)
	FS_POINTS=$(echo "$_out" | sed -n 's/^fail-nth: not reached (\([0-9]*\) points)$/\1/p')
	if [ -z "$FS_POINTS" ] || ! _why=$($_done 2>&1); then
		echo "# $* does not work with fail-nth counting: $_out ${_why:-}"
		FS_BAD=1
		return 1
	fi
	_step=$(((FS_POINTS + _max - 1) / _max))
	[ $_step -ge 1 ] || _step=1
	_n=1
	while [ $_n -le "$FS_POINTS" ]; do
		FS_RUNS=$((FS_RUNS + 1))
		_out=$(PVIRQ_FAIL_NTH=$_n "$@" 2>&1)
		if [ $? = 0 ]; then
			if ! _why=$($_done 2>&1); then
				echo "# fail-nth $_n: $* succeeded but: $_why"
				FS_BAD=$((FS_BAD + 1))
				return 1
			fi
		else
			FS_FAILED=$((FS_FAILED + 1))
			_e=$(echo "$_out" | sed -n "s/^pv[a-z]*: can't [a-z]* '[^']*': //p")
			if [ -z "$_e" ]; then
				echo "# fail-nth $_n: $* failed without an errno: $_out"
				FS_BAD=$((FS_BAD + 1))
			fi
			case ",$FS_ERRNOS," in
			*",$_e,"*) ;;
			*) FS_ERRNOS=${FS_ERRNOS:+$FS_ERRNOS,}$_e ;;
			esac
			if ! _why=$($_clean 2>&1); then
				echo "# fail-nth $_n: after a failure ($_e): $_why"
				FS_BAD=$((FS_BAD + 1))
			fi
		fi
		_n=$((_n + _step))
	done
	return 0
}

# fault_sweep NAME KO CLEAN MAXRUNS [PARAM=VALUE...]: fault_sweep_op on
# loading module NAME from KO: a load that succeeds unloads again; after
# a failed load, NAME is not loaded and CLEAN (a shell function) succeeds:
# the host and the guest hold nothing of it.
fault_sweep() {
	_fs_name=$1 _fs_clean=$3
	_ko=$2 _m=$4
	shift 4
	fault_sweep_op "$_m" _fs_unload _fs_not_loaded /bin/pvinsmod "$_ko" "$@"
}
_fs_unload() {
	grep -q "^$_fs_name " /proc/modules || { echo "$_fs_name is not loaded"; return 1; }
	rmmod "$_fs_name" || { echo "$_fs_name does not unload"; return 1; }
}
_fs_not_loaded() {
	if grep -q "^$_fs_name " /proc/modules; then
		echo "$_fs_name is loaded"
		rmmod "$_fs_name"
		return 1
	fi
	$_fs_clean
}

# fault_report WHAT [OP]: TAP lines for the last sweep; OP names one run
# ("load" by default).
fault_report() {
	_op=${2:-load}
	tap_diag "$1: $FS_POINTS fault points in a $_op, $FS_RUNS runs with one failing, $FS_FAILED failed (${FS_ERRNOS:-none})"
	tap_gt "$1: runs with a failure injected ran" "$FS_RUNS" 0
	tap_gt "$1: some of them failed" "$FS_FAILED" 0
	tap_is "$1: every $_op failed cleanly with an errno or worked and was undone" "$FS_BAD" 0
}

# fault_sleeping_allocs 1|0: whether allocations that may sleep are fault
# points (failslab's ignore-gfp-wait; 6.1 cannot unmark a cache): a sweep
# of hypercalls turns them off, leaving the hypercalls and the rare atomic
# allocation.
fault_sleeping_allocs() {
	echo $((1 - $1)) > $DBG/failslab/ignore-gfp-wait
}

# ff_arm FUNC...: list functions in fail_function (none fails yet).  The
# module must be loaded: a function is looked up by name.
ff_arm() {
	for _f in "$@"; do
		echo "$_f" > $FF/inject || return 1
	done
}

# ff_fail K [EVERY]: the next K calls of listed functions fail (their
# default error: -EINVAL for ERRNO) -- or with EVERY, K calls that are
# each the EVERY-th of the calls from here on.
ff_fail() {
	echo "${2:-1}" > $FF/interval && echo "$1" > $FF/times
}

# ff_disarm: no function listed, none fails.
ff_disarm() {
	echo 0 > $FF/times && echo 1 > $FF/interval && echo > $FF/inject
}

