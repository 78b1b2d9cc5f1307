# pvirq-vm: smp=2 host=pvi kernels=6.1-debug timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into pvi (debug kernel): the allocations of its
# load fail in turn (fail-nth on the insmod task), and each load
# either succeeds or fails cleanly with an errno, the host seeing no PVI
# page left up; the PVI hypercall failing (fail_function) gives /dev/pvi's
# caller an errno and a retry works; then a plain load works.
. /pvirq/lib.sh
. /pvirq/fault.sh

P=/sys/kernel/debug/pvi
me=$(hostctl model self uuid | sed 's/^ok //')
pvi_clean() {
	_s=$(hostctl state self)
	has "$_s" '"up":false' || { echo "host: $_s"; return 1; }
	! grep -qw pvi /proc/interrupts || { echo "pvi IRQs left"; return 1; }
}

tap_ok "failslab, fail_page_alloc and fail_function are set up" fault_setup
fault_sweep pvi "$PVIRQ_MODDIR/pvi.ko" pvi_clean 150
fault_report pvi
tap_ok "the host is clean after the sweep" pvi_clean

tap_ok "pvi loads" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "fail_function lists the PVI hypercall" ff_arm pvi_kvm_op
ff_fail 1
out=$(pvictl allow "$me" 3 2>&1)
tap_ok "allow whose hypercall fails fails ($out)" test "$out" != OK
tap_ok "fail_function cleared" ff_disarm
tap_ok "allow works again" sh -c "pvictl allow $me 3 | grep -qx OK"
tap_ok "self-send GSI 3 x10" sh -c "pvictl send $me 3 10 | grep -qx 'sent 10'"
tap_ok "pvi unloads" rmmod pvi
tap_ok "the host is clean" pvi_clean

tap_ok "a last plain load works" insmod $PVIRQ_MODDIR/pvi.ko
tap_is "with the host's UUID" "$(cat $P/uuid)" "$me"
tap_ok "and unloads" rmmod pvi
