# SPDX-License-Identifier: GPL-2.0
#
# TAP for guest-side test scripts (busybox sh), shared by the VM tier's and
# the xen tier's guests.  Scripts print "ok N - what" / "not ok N - what"
# and "# ..." diagnostics.

TAP_N=0

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

# tap_gt "description" GOT MIN: ok when GOT is a number above MIN.
tap_gt() {
	TAP_N=$((TAP_N + 1))
	case $2 in
	'' | *[!0-9]*) ;;
	*)
		if [ "$2" -gt "$3" ]; then
			echo "ok $TAP_N - $1"
			return 0
		fi
		;;
	esac
	echo "not ok $TAP_N - $1"
	echo "#   got:  '$2', want more than $3"
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

# has TEXT FIXED-STRING: TEXT contains the string
has() {
	printf '%s\n' "$1" | grep -qF -- "$2"
}

# kmsg_since MARK: kernel messages logged after "echo MARK > /dev/kmsg".
kmsg_mark() {
	echo "pvirq-mark $1" > /dev/kmsg
}

kmsg_since() {
	dmesg | sed -n "/pvirq-mark $1\$/,\$p" | sed 1d
}
