# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the VM tier's guest-side test scripts (busybox sh).  Scripts
# print TAP: "ok N - what" / "not ok N - what", and "# ..." diagnostics.

TAP_N=0

# busybox's insmod retries a failed finit_module() with init_module(),
# running a module's init twice; busybox's shell runs its own applets
# before $PATH, so a function is what replaces it (see insmod.c).
insmod() {
	/bin/pvinsmod "$@"
}

# tap_ok "description" CMD [ARGS...]: ok when CMD exits 0.
tap_ok() {
	_d=$1
	shift
	TAP_N=$((TAP_N + 1))
	if _out=$("$@" 2>&1); then
		echo "ok $TAP_N - $_d"
	else
		echo "not ok $TAP_N - $_d"
		[ -n "$_out" ] && echo "$_out" | sed 's/^/#   /'
	fi
	return 0
}

# tap_is "description" GOT WANT
tap_is() {
	TAP_N=$((TAP_N + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $TAP_N - $1"
	else
		echo "not ok $TAP_N - $1"
		echo "#   got:  '$2'"
		echo "#   want: '$3'"
	fi
}

# tap_fail "description" [why]: an unconditional failure, e.g. a setup step.
tap_fail() {
	TAP_N=$((TAP_N + 1))
	echo "not ok $TAP_N - $1"
	[ -n "$2" ] && echo "#   $2"
}

tap_diag() {
	echo "# $*"
}

# hostctl CMD...: run a pvirq-host control command through the transport.
hostctl() {
	_ctl=/sys/kernel/debug/pvirq_transport/ctl
	[ -w $_ctl ] || { echo "err ENODEV no transport"; return 1; }
	echo "$*" > $_ctl || { echo "err EIO write failed"; return 1; }
	_r=$(cat $_ctl)
	echo "$_r"
	case $_r in ok*) return 0 ;; *) return 1 ;; esac
}

# kmsg_since MARK: kernel messages logged after "echo MARK > /dev/kmsg".
kmsg_mark() {
	echo "pvirq-mark $1" > /dev/kmsg
}

kmsg_since() {
	dmesg | sed -n "/pvirq-mark $1\$/,\$p" | sed 1d
}

# has TEXT FIXED-STRING: TEXT contains the string
has() {
	printf '%s\n' "$1" | grep -qF -- "$2"
}
