# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# MSI and MSI-X of the virtual device through the guest's real PCI/MSI core:
# pvirq_testdev allocates vectors with pci_alloc_irq_vectors(), pvirq-host
# fires them ("fire GUEST K" sends the message the guest programmed) and
# the counts must be exact, on the CPU each vector's affinity names.
. /pvirq/lib.sh

dev=""
for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ] && dev=$d
done
tap_ok "the virtual device is there" test -n "$dev"
[ -n "$dev" ] || exit 0
name=${dev##*/}
D=/sys/kernel/debug/pvirq_testdev/$name

hits() { awk -v k="$1" '$1 == k { print $3 }' $D/irqs; }
irq_of() { awk -v k="$1" '$1 == k { print $2 }' $D/irqs; }
# wait_hits K N: until vector K has N hits (3 s at most)
wait_hits() {
	_i=0
	while [ "$(hits "$1")" -lt "$2" ] && [ $_i -lt 30 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}
# fire_n K N: fire vector K N times, each after the last one arrived
fire_n() {
	_base=$(hits "$1")
	_j=1
	while [ $_j -le "$2" ]; do
		hostctl fire self "$1" > /dev/null || return 1
		wait_hits "$1" $((_base + _j))
		_j=$((_j + 1))
	done
}
# the hits column of CPU c for vector K equals all its hits
on_cpu() {
	_irq=$(irq_of "$1")
	_cpu=$(cat /proc/irq/$_irq/effective_affinity_list)
	awk -v k="$1" -v c="$_cpu" '$1 == k { exit !($3 == $(4 + c)) }' $D/irqs
}
load() {
	insmod $PVIRQ_MODDIR/pvirq_testdev.ko "$@" && test -d $D
}

# --- MSI, one vector
tap_ok "testdev binds with mode=msi nvec=1" load mode=msi nvec=1
tap_is "it got one MSI vector" "$(cat $D/info)" "mode msi nvec 1"
tap_is "MSI is enabled in config space" \
	"$(($(od -An -tu2 -j 66 -N 2 $dev/config) & 1))" 1
fire_n 0 3
tap_is "3 fires of MSI vector 0 arrive exactly" "$(hits 0)" 3
tap_ok "on the CPU its affinity names" on_cpu 0
tap_ok "testdev unbinds and unloads" rmmod pvirq_testdev
tap_is "MSI is disabled again" \
	"$(($(od -An -tu2 -j 66 -N 2 $dev/config) & 1))" 0
tap_ok "the host refuses to fire a vector that is not enabled" \
	sh -c '! hostctl fire self 0'

# --- multi-message MSI: x86's own MSI domain grants it only with
# interrupt remapping, which this guest does not have.
kmsg_mark multi
tap_ok "testdev loads with mode=msi nvec=4" \
	insmod $PVIRQ_MODDIR/pvirq_testdev.ko mode=msi nvec=4
tap_ok "4 MSI vectors are refused by the native MSI domain" test ! -d $D
tap_diag "$(kmsg_since multi | grep pvirq_testdev | tail -1)"
rmmod pvirq_testdev
tap_ok "with minvec=1 the driver falls back" \
	load mode=msi nvec=4 minvec=1
tap_is "to a single MSI vector" "$(cat $D/info)" "mode msi nvec 1"
fire_n 0 2
tap_is "which fires exactly" "$(hits 0)" 2
rmmod pvirq_testdev

# --- MSI-X, 8 vectors
tap_ok "testdev binds with mode=msix nvec=8" load mode=msix nvec=8
tap_is "it got 8 MSI-X vectors" "$(cat $D/info)" "mode msix nvec 8"
tap_is "MSI-X is enabled in config space" \
	"$(($(od -An -tu2 -j 98 -N 2 $dev/config) >> 15))" 1
k=0
while [ $k -lt 8 ]; do
	fire_n $k $((k + 1))
	k=$((k + 1))
done
got=""
k=0
while [ $k -lt 8 ]; do
	got="$got $(hits $k)"
	k=$((k + 1))
done
tap_is "vector k fired k+1 times: counts exact" "$got" " 1 2 3 4 5 6 7 8"
bad=""
k=0
while [ $k -lt 8 ]; do
	on_cpu $k || bad="$bad $k"
	k=$((k + 1))
done
tap_is "each vector arrived on its affinity CPU" "$bad" ""
tap_diag "irqs: $(tr '\n' ';' < $D/irqs)"

# Move vector 5 to the other CPU: the core reprograms the MSI-X entry in
# the shared BAR and the host's fires follow it.  Without interrupt
# remapping x86 moves an MSI lazily, when the next one arrives: fire once
# to complete the move, then count.
irq=$(irq_of 5)
cpu=$(cat /proc/irq/$irq/effective_affinity_list)
other=$((1 - cpu))
echo $other > /proc/irq/$irq/smp_affinity_list
fire_n 5 1
tap_is "irq $irq now has cpu $other as its effective affinity" \
	"$(cat /proc/irq/$irq/effective_affinity_list)" $other
echo 0 > $D/irqs
fire_n 5 2
tap_is "after moving irq $irq to cpu $other, vector 5 arrives there" \
	"$(awk '$1 == 5 { print $3, $(4 + '$other') }' $D/irqs)" "2 2"

tap_ok "testdev unbinds and unloads with 8 MSI-X vectors" rmmod pvirq_testdev
tap_is "MSI-X is disabled again" \
	"$(($(od -An -tu2 -j 98 -N 2 $dev/config) >> 15))" 0
tap_ok "and binds again" load mode=msix nvec=8
fire_n 7 1
tap_is "a vector fires after rebinding" "$(hits 7)" 1
tap_ok "testdev unloads" rmmod pvirq_testdev
