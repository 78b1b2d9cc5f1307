# pvirq-vm: smp=2 host=xen kernels=6.1-debug timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into pvhvm_irq's load (debug kernel): its allocations
# fail in turn (fail-nth on the insmod task; the host models inject
# hypercall failures in the 4xx-7xx tests), and each load either succeeds
# or fails cleanly with an errno, the host holding no port or pirq of it;
# then a plain load works.  The runner checks the kernel log and kmemleak.
. /pvirq/lib.sh
. /pvirq/xen.sh
. /pvirq/fault.sh

ports0=$(mstate ports in_use)
pirqs0=$(mstate pirqs in_use)
xen_clean() {
	_p=$(mstate ports in_use) _q=$(mstate pirqs in_use)
	[ "$_p $_q" = "$ports0 $pirqs0" ] ||
		{ echo "host: $_p ports, $_q pirqs in use (before: $ports0, $pirqs0)"; return 1; }
	! grep -q pvhvm /proc/interrupts || { echo "pvhvm IRQs left"; return 1; }
}

tap_ok "failslab, fail_page_alloc and fail_function are set up" fault_setup
fault_sweep pvhvm_irq "$PVIRQ_MODDIR/pvhvm_irq.ko" xen_clean 150
fault_report pvhvm_irq
tap_ok "the host holds nothing after the sweep" xen_clean

tap_ok "a last plain load works" pv_load
tap_ok "and shows its table" test -r $PV/table
tap_ok "and unloads" pv_unload
