# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the VM tier's guest-side test scripts (busybox sh).  Scripts
# print TAP: "ok N - what" / "not ok N - what", and "# ..." diagnostics.

. /pvirq/tap.sh

# busybox's insmod retries a failed finit_module() with init_module(),
# running a module's init twice; busybox's shell runs its own applets
# before $PATH, so a function is what replaces it (see insmod.c).
insmod() {
	/bin/pvinsmod "$@"
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

