# pvirq-vm: smp=2 host=pvi kernels=6.1-debug timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into pvi (debug kernel): the allocations of its
# load fail in turn (fail-nth on the insmod task), and each load
# either succeeds or fails cleanly with an errno, the host seeing no PVI
# page left up; the PVI hypercall failing (fail_function) gives /dev/pvi's
# caller an errno and a retry works; the hypercall, then the allocations,
# failing in turn inside an allow or a listen (pvi_client) fail it cleanly
# or leave it working; then a plain load works.
. /pvirq/lib.sh
. /pvirq/fault.sh

P=/sys/kernel/debug/pvi
C=/sys/kernel/debug/pvi_client
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

# Binding: one fault point failing per run (fail-nth), first the PVI
# hypercall alone, then the allocations alone, in pvi_client's "allow"
# (pvi_allow) and "listen" (pvi_gsi_to_irq and request_irq).
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
irqs() { awk -v g=$1 '$1 == "gsi" && $2 == g { print $4 }' $C/counts; }
# allowed on GSI 7: a self-send goes out; then revoked
allow_done() {
	pvictl send "$me" 7 1 | grep -qx 'sent 1' || { echo "a send to GSI 7 is refused"; return 1; }
	echo "revoke $me 7" > $C/ctl || { echo "revoke fails"; return 1; }
	allow_none
}
allow_none() {
	_r=$(pvictl send "$me" 7 1)
	[ "$_r" = "sent 0 EPERM 1" ] || { echo "a send to GSI 7 after a failed allow: $_r"; return 1; }
}
# listening on GSI 5: a self-send reaches the handler; then unlistened
listen_done() {
	_c=$(irqs 5)
	echo "send $me 5 1" > $C/ctl || { echo "send fails"; return 1; }
	_w=0
	while [ "$(irqs 5)" = "$_c" ] && [ $_w -lt 300 ]; do
		sleep 0.01
		_w=$((_w + 1))
	done
	[ "$(irqs 5)" = $((_c + 1)) ] || { echo "GSI 5: $(irqs 5) irqs, not $((_c + 1))"; return 1; }
	echo "unlisten 5" > $C/ctl || { echo "unlisten fails"; return 1; }
	listen_none
}
listen_none() {
	[ -z "$(irqs 5)" ] || { echo "still listening on GSI 5"; return 1; }
	! grep -q pvi-client /proc/interrupts || { echo "a pvi-client IRQ is left"; return 1; }
}
tap_ok "fail_function lists the PVI hypercall" ff_arm pvi_kvm_op
tap_ok "allocations that may sleep are not fault points for now" fault_sleeping_allocs 0
fault_sweep_op 40 allow_done allow_none /bin/pvwrite $C/ctl "allow $me 7"
fault_report "hypercalls, allow" "write"
tap_ok "B allows itself on GSI 5" sh -c "echo allow $me 5 > $C/ctl"
fault_sweep_op 40 listen_done listen_none /bin/pvwrite $C/ctl "listen 5"
tap_diag "hypercalls, listen: $FS_POINTS fault points, $FS_RUNS runs, $FS_FAILED failed"
tap_is "hypercalls, listen: every listen failed cleanly or worked and was undone" "$FS_BAD" 0
tap_ok "fail_function lists nothing" ff_disarm
tap_ok "allocations are fault points again" fault_sleeping_allocs 1
fault_sweep_op 40 allow_done allow_none /bin/pvwrite $C/ctl "allow $me 7"
tap_diag "allocations, allow: $FS_POINTS fault points, $FS_RUNS runs, $FS_FAILED failed"
tap_is "allocations, allow: every allow failed cleanly or worked and was undone" "$FS_BAD" 0
fault_sweep_op 40 listen_done listen_none /bin/pvwrite $C/ctl "listen 5"
fault_report "allocations, listen" "write"
tap_ok "pvi_client unloads" rmmod pvi_client
tap_ok "pvi unloads" rmmod pvi
tap_ok "the host is clean" pvi_clean

tap_ok "a last plain load works" insmod $PVIRQ_MODDIR/pvi.ko
tap_is "with the host's UUID" "$(cat $P/uuid)" "$me"
tap_ok "and unloads" rmmod pvi
