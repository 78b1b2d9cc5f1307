# pvirq-vm: smp=2 host=xen kernels=6.1-debug timeout=600
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into pvhvm_irq's bind and unbind paths (debug kernel),
# one fault point failing per run (fail-nth): first each of its
# hypercalls in turn (fail_function on pvhvm_hc_physdev_op and
# pvhvm_hc_evtchn_op, allocations not counted), then the allocations
# (failslab).  Driven through pvirq_testdev's load and unload (MSI-X:
# map_pirq, bind_pirq, status query, close, unmap_pirq) and the gsi file
# (map/unmap of a GSI, then a driver requesting it).  A run that fails
# gives an errno and leaves nothing bound; a run that succeeds works:
# vector 0 or the GSI fires and is handled once.  Later plain runs work,
# and at the end the host holds nothing.  The runner checks the kernel log
# and kmemleak.
. /pvirq/lib.sh
. /pvirq/xen.sh
. /pvirq/fault.sh

G=5
NVEC=4
TDKO=$PVIRQ_MODDIR/pvirq_testdev.ko
DEG=/tmp/degraded
ports0=$(mstate ports in_use)
pirqs0=$(mstate pirqs in_use)
msix_rows() { awk '$6 == "msi-x"' $PV/table | wc -l; }
td_loaded() { grep -q "^pvirq_testdev " /proc/modules; }

# the host has no port beyond those at the start, and no testdev IRQ is left
ports_clean() {
	[ "$(mstate ports in_use)" = "$ports0" ] ||
		{ echo "host: $(mstate ports in_use) ports in use, $ports0 before"; return 1; }
	! grep -q pvirq_testdev /proc/interrupts || { echo "testdev IRQs left"; return 1; }
}
# after a failed load: testdev is not loaded, and CMD... succeeds
td_failed() {
	if td_loaded; then
		echo "testdev is loaded"
		rmmod pvirq_testdev
		return 1
	fi
	"$@"
}

# nothing of the device's MSI-X is left: no row, port or IRQ
msix_clean() {
	[ "$(msix_rows)" = 0 ] || { echo "$(msix_rows) msi-x rows left"; return 1; }
	ports_clean
}
msix_failed() { td_failed msix_clean && fresh_pv "$MSIX_FF"; }

# the device got all its vectors through us and vector 0 works -- or its
# probe failed (counted in $DEG) and nothing is left of it
msix_works() {
	if [ -r "$TD/$VDEV/irqs" ]; then
		_n=$(wc -l < "$TD/$VDEV/irqs")
		[ "$_n" = $NVEC ] || { echo "$_n vectors, not $NVEC"; return 1; }
		[ "$(msix_rows)" = $NVEC ] || { echo "$(msix_rows) msi-x rows"; return 1; }
		fire_n 0 1
		[ "$(td_hits 0)" = 1 ] || { echo "vector 0: $(td_hits 0) hits of 1"; return 1; }
	else
		echo probe >> $DEG
		msix_clean || return 1
	fi
}

# A fresh pvhvm_irq: its first MSI-X setup asks Xen for pirqs and maps
# them; a later one reuses the pirqs it keeps (Xen never frees an MSI
# pirq), a path with fewer hypercalls.
FF_FNS="pvhvm_hc_physdev_op pvhvm_hc_evtchn_op"
# pvhvm_irq loads, counted in /tmp/pv_loads
pvload() {
	insmod $PVIRQ_MODDIR/pvhvm_irq.ko "$@" || return 1
	echo $(($(cat /tmp/pv_loads 2>/dev/null || echo 0) + 1)) > /tmp/pv_loads
}
reload_pv() { rmmod pvhvm_irq && pvload "$@"; }
fresh_pv() {
	ff_disarm
	reload_pv ||
		{ echo "pvhvm_irq does not reload"; return 1; }
	[ -z "$1" ] || ff_arm $FF_FNS
}

# MSI-X load of a fresh pvhvm_irq: works (or the probe failed cleanly),
# then unloads cleanly; pvhvm_irq is fresh again for the next run (with
# the wrappers listed in fail_function if $1 says so)
msix_done() {
	td_loaded || { echo "testdev not loaded"; return 1; }
	msix_works || return 1
	rmmod pvirq_testdev || { echo "testdev does not unload"; return 1; }
	msix_clean || return 1
	fresh_pv "$MSIX_FF"
}

# MSI-X unload: gone; then a plain load works again, and the host holds
# only its ports (a port whose EVTCHNOP_close failed stays bound, masked,
# until its pirq is bound again)
unload_done() {
	! td_loaded || { echo "testdev still loaded"; return 1; }
	insmod "$TDKO" mode=msix nvec=$NVEC || { echo "a plain load fails"; return 1; }
	rm -f $DEG
	msix_works || return 1
	[ ! -e $DEG ] || { echo "a plain load's probe fails"; return 1; }
	[ "$(mstate ports in_use)" = $((ports0 + NVEC)) ] ||
		{ echo "host: $(mstate ports in_use) ports in use, not $ports0 + $NVEC"; return 1; }
}
unload_failed() {
	td_loaded || { echo "testdev not loaded"; return 1; }
}

gsi_row() { awk -v g=$G '$5 == g && $6 ~ /^gsi/' $PV/table; }
gsi_irq() { gsi_row | awk '{ print $1 }'; }
gsi_unmapped() {
	[ -z "$(gsi_row)" ] || { echo "GSI $G still in the table: $(gsi_row)"; return 1; }
	[ "$(mstate pirqs in_use)" = "$pirqs1" ] ||
		{ echo "host: $(mstate pirqs in_use) pirqs in use, $pirqs1 before"; return 1; }
}
gsi_mapped() {
	[ -n "$(gsi_irq)" ] || { echo "no row for GSI $G"; return 1; }
	echo "unmap $G" > $PV/gsi || { echo "unmap fails"; return 1; }
	gsi_unmapped
}

# the legacy IRQ's port is closed and no testdev IRQ is left
legacy_clean() {
	[ "$(row "$irq" 3)" = - ] || { echo "IRQ $irq keeps port $(row "$irq" 3)"; return 1; }
	ports_clean
}
legacy_failed() { td_failed legacy_clean; }
legacy_done() {
	_c=$(awk '{ print $3 }' $TD/legacy/irqs)
	hostctl gsi "$PVIRQ_GUEST" $G pulse > /dev/null
	_w=0
	while [ "$(awk '{ print $3 }' $TD/legacy/irqs)" = "$_c" ] && [ $_w -lt 300 ]; do
		sleep 0.01
		_w=$((_w + 1))
	done
	[ "$(awk '{ print $3 }' $TD/legacy/irqs)" = $((_c + 1)) ] ||
		{ echo "a pulse gave $(awk '{ print $3 }' $TD/legacy/irqs) hits, not $((_c + 1))"; return 1; }
	rmmod pvirq_testdev || { echo "testdev does not unload"; return 1; }
	legacy_clean
}

# degraded_report WHAT: the runs whose probe failed are failed runs too
degraded_report() {
	_d=$(wc -l < $DEG 2>/dev/null || echo 0)
	tap_diag "$1: $FS_POINTS fault points, $FS_RUNS runs with one failing, $FS_FAILED failed, $_d with the device's probe failing (${FS_ERRNOS:-no errno})"
	tap_gt "$1: runs with a failure injected ran" "$FS_RUNS" 0
	tap_gt "$1: some of them failed" $((FS_FAILED + _d)) 0
	tap_is "$1: every run failed cleanly or worked and was undone" "$FS_BAD" 0
	rm -f $DEG
}

# Room for the MSI pirqs of every fresh pvhvm_irq.
model nr_pirqs 1024
tap_ok "failslab, fail_page_alloc and fail_function are set up" fault_setup
tap_ok "pvhvm_irq loads" pvload
tap_ok "fail_function lists the PHYSDEVOP and EVTCHNOP wrappers" ff_arm $FF_FNS

# --- hypercalls alone ---
tap_ok "allocations that may sleep are not fault points for now" fault_sleeping_allocs 0
rm -f $DEG
MSIX_FF=1
fault_sweep_op 60 msix_done msix_failed /bin/pvinsmod "$TDKO" mode=msix nvec=$NVEC
degraded_report "hypercalls, MSI-X bind"

tap_ok "testdev loads with $NVEC MSI-X vectors" insmod "$TDKO" mode=msix nvec=$NVEC
fault_sweep_op 60 unload_done unload_failed /bin/pvrmmod pvirq_testdev
tap_diag "hypercalls, MSI-X unbind: $FS_POINTS fault points, $FS_RUNS runs with one failing, $FS_FAILED failed"
tap_gt "hypercalls, MSI-X unbind: runs with a failure injected ran" "$FS_RUNS" 0
tap_is "hypercalls, MSI-X unbind: every unload left nothing bound, and the next load worked" "$FS_BAD" 0
tap_ok "testdev unloads" rmmod pvirq_testdev
tap_ok "nothing of its MSI-X is left" msix_clean

# The GSI path without our MSI-X: the device stays native (msi=0).
# fail_function keeps a name listed when its module goes: clear it first.
tap_ok "fail_function lists nothing" ff_disarm
tap_ok "pvhvm_irq reloads with msi=0" reload_pv msi=0
tap_ok "fail_function lists the wrappers again" ff_arm $FF_FNS
pirqs1=$(mstate pirqs in_use)
fault_sweep_op 60 gsi_mapped gsi_unmapped /bin/pvwrite $PV/gsi "map $G edge"
fault_report "hypercalls, GSI $G map" "write"

tap_ok "GSI $G maps as an edge GSI" sh -c "echo 'map $G edge' > $PV/gsi"
irq=$(gsi_irq)
fault_sweep_op 60 legacy_done legacy_failed /bin/pvinsmod "$TDKO" legacy_irq="$irq"
fault_report "hypercalls, GSI $G bind (a driver requests IRQ $irq)"

# --- allocations alone ---
tap_ok "fail_function lists nothing" ff_disarm
tap_ok "allocations are fault points again" fault_sleeping_allocs 1
fault_sweep_op 60 legacy_done legacy_failed /bin/pvinsmod "$TDKO" legacy_irq="$irq"
fault_report "allocations, GSI $G bind"
tap_ok "GSI $G unmaps" sh -c "echo 'unmap $G' > $PV/gsi"
fault_sweep_op 30 gsi_mapped gsi_unmapped /bin/pvwrite $PV/gsi "map $G level"
fault_report "allocations, GSI $G map" "write"

tap_ok "pvhvm_irq reloads with MSI-X through it" reload_pv
rm -f $DEG
MSIX_FF=
fault_sweep_op 40 msix_done msix_failed /bin/pvinsmod "$TDKO" mode=msix nvec=$NVEC
degraded_report "allocations, MSI-X bind"

tap_ok "a last plain load of testdev works" insmod "$TDKO" mode=msix nvec=$NVEC
fire_n 0 3
tap_is "vector 0 fired 3 times, handled 3 times" "$(td_hits 0)" 3
tap_ok "testdev unloads" rmmod pvirq_testdev
tap_ok "pvhvm_irq unloads" pv_unload
tap_is "the host has no port bound" "$(mstate ports in_use)" "$ports0"
# Xen never frees an MSI pirq from PHYSDEVOP_get_free_pirq: each load of
# pvhvm_irq keeps at most the $NVEC it had in use at once.
loads=$(cat /tmp/pv_loads)
tap_diag "pirqs the host holds: $(mstate pirqs in_use), $pirqs0 before; $loads loads of pvhvm_irq"
tap_ok "no more than $NVEC pirqs per load of pvhvm_irq" \
	test "$(mstate pirqs in_use)" -le $((pirqs0 + loads * NVEC))
