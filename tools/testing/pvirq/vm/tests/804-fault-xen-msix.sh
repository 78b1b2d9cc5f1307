# pvirq-vm: smp=2 host=xen kernels=6.1-debug timeout=300
# SPDX-License-Identifier: GPL-2.0
#
# fail_function makes a PHYSDEVOP of pvhvm_irq fail while a device sets up
# MSI-X (debug kernel): the device gets no vector through us and no port
# stays bound, a second try gets all 8 vectors and they fire; then a plain
# load works.  The runner checks the kernel log and kmemleak.
. /pvirq/lib.sh
. /pvirq/xen.sh
. /pvirq/fault.sh

ports0=$(mstate ports in_use)
pirqs0=$(mstate pirqs in_use)
td_load() { insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" "$@"; }
nvecs() { cat $TD/$VDEV/irqs 2>/dev/null | wc -l; }

tap_ok "failslab, fail_page_alloc and fail_function are set up" fault_setup
tap_ok "pvhvm_irq loads" pv_load
tap_ok "fail_function lists the PHYSDEVOP wrapper" ff_arm pvhvm_hc_physdev_op
ff_fail 1 3
td_load mode=msix nvec=8
tap_is "MSI-X with the 3rd PHYSDEVOP failing: no vector through us" \
	"$(awk '$6 == "msi-x"' $PV/table | wc -l)" 0
tap_is "and the host has no port bound" "$(mstate ports in_use)" "$ports0"
tap_diag "pirqs the host holds now: $(mstate pirqs in_use), before: $pirqs0"
rmmod pvirq_testdev
tap_ok "fail_function cleared" ff_disarm
td_load mode=msix nvec=8
tap_is "without it: 8 MSI-X vectors" "$(nvecs)" 8
tap_is "8 rows of kind msi-x in the table" \
	"$(awk '$6 == "msi-x"' $PV/table | wc -l)" 8
fire_n "$(awk 'NR == 1 { print $1 }' $TD/$VDEV/irqs)" 3
tap_is "vector 0 fired 3 times, handled 3 times" "$(td_hits "$(awk 'NR == 1 { print $1 }' $TD/$VDEV/irqs)")" 3
rmmod pvirq_testdev
tap_ok "pvhvm_irq unloads" pv_unload
tap_is "the host has no port bound" "$(mstate ports in_use)" "$ports0"

tap_ok "a last plain load works" pv_load
tap_ok "and shows its table" test -r $PV/table
tap_ok "and unloads" pv_unload
