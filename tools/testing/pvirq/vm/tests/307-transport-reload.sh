# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# Unloading the transport under a bound driver: the virtual bus and its
# device go away cleanly (the driver is unbound first, its MSI-X freed),
# the host is told GOODBYE, and a reload attaches again and works.
. /pvirq/lib.sh

T=/sys/kernel/debug/pvirq_transport
vdev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ] &&
			echo $d
	done
}
dev=$(vdev)
D=/sys/kernel/debug/pvirq_testdev/${dev##*/}
hits() { awk -v k="$1" '$1 == k { print $3 }' $D/irqs; }
wait_for() { # TEST...: up to 3 s
	_i=0
	while ! "$@" && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	"$@"
}
fired() { [ "$(hits "$1")" = "$2" ]; }

tap_ok "testdev binds with 4 MSI-X vectors" \
	insmod $PVIRQ_MODDIR/pvirq_testdev.ko mode=msix nvec=4
hostctl fire self 2 > /dev/null
tap_ok "vector 2 fires" wait_for fired 2 1
requests0=$(hostctl stats self | sed -n 's/.*"goodbye":\([0-9]*\).*/\1/p')

kmsg_mark unload
tap_ok "pvirq_transport unloads with testdev bound" rmmod pvirq_transport
tap_is "the virtual device is gone" "$(vdev)" ""
tap_ok "testdev was unbound: its debugfs directory is gone" test ! -d $D
tap_ok "the window left /proc/iomem" sh -c '! grep -q "pvirq virtual PCI" /proc/iomem'
tap_ok "debugfs of the transport is gone" test ! -d $T
tap_ok "its MSI-X interrupts are freed" sh -c '! grep -q "pvirq_t" /proc/interrupts'
tap_diag "$(kmsg_since unload | tr '\n' '|')"

tap_ok "pvirq_transport loads again" insmod $PVIRQ_MODDIR/pvirq_transport.ko
tap_is "the host saw one GOODBYE" \
	"$(hostctl stats self | sed -n 's/.*"goodbye":\([0-9]*\).*/\1/p')" \
	$((requests0 + 1))
dev=$(vdev)
tap_ok "the virtual device is back" test -n "$dev"
tap_ok "testdev bound to it again" wait_for test -d $D
hostctl fire self 3 > /dev/null
tap_ok "and vector 3 fires" wait_for fired 3 1
tap_ok "testdev unloads" rmmod pvirq_testdev
tap_ok "pvirq_transport unloads without a driver bound" rmmod pvirq_transport
tap_ok "and loads a third time" insmod $PVIRQ_MODDIR/pvirq_transport.ko
tap_is "the seam works after all that" \
	"$(echo 'cpuid 0x40000001 0' > $T/selftest && cat $T/selftest)" \
	"0x1 0x0 0x0 0x0"
