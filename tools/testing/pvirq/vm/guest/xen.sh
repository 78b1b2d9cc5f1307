# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the guest-side tests of pvhvm_irq against pvirq-host's Xen
# model.  Sourced after /pvirq/lib.sh.

PV=/sys/kernel/debug/pvhvm_irq
TD=/sys/kernel/debug/pvirq_testdev
VDEV=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ] &&
		basename $d; done | head -1)
EDU=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x11e8 ] &&
		basename $d; done | head -1)

# mstate ports in_use: a counter of the Xen model ("model G counts")
mstate() {
	hostctl model "$PVIRQ_GUEST" counts | tr ' ' '\n' |
		sed -n "/^$1_$2\$/{n;p}"
}

model() {
	hostctl model "$PVIRQ_GUEST" "$@" > /dev/null
}

pv_load() {
	insmod "$PVIRQ_MODDIR/pvhvm_irq.ko" "$@"
}

pv_unload() {
	rmmod pvhvm_irq
}

# testdev's total hits and per-vector line: td_hits [VEC]
td_hits() {
	if [ -n "$1" ]; then
		awk -v v="$1" '$1 == v { print $3 }' $TD/$VDEV/irqs
	else
		awk '{ s += $3 } END { print s + 0 }' $TD/*/irqs
	fi
}

# fire vector K of the virtual device N times, each only once the previous
# one was handled: an edge interrupt raised again while still pending merges
# with it (as on real hardware), which would make counts inexact.
fire_n() { # k n
	_k=$1 _n=$2 _i=0
	while [ $_i -lt $_n ]; do
		_c=$(td_hits "$_k")
		hostctl fire "$PVIRQ_GUEST" "$_k" > /dev/null || return 1
		_w=0
		while [ "$(td_hits "$_k")" = "$_c" ] && [ $_w -lt 200 ]; do
			sleep 0.01
			_w=$((_w + 1))
		done
		_i=$((_i + 1))
	done
}

# the pvhvm table row of an IRQ: row IRQ FIELD (1 irq 2 pirq 3 port 4 cpu ...)
row() {
	awk -v irq="$1" -v f="$2" '$1 == irq { print $f }' $PV/table
}
