# pvirq-vm: smp=2 host=xen timeout=400
# SPDX-License-Identifier: GPL-2.0
#
# MSI and MSI-X through pvhvm_irq on the virtual device: one pirq per
# vector, vector-0 messages the host decodes, every interrupt counted once
# on the right vector; multi-MSI where the host maps pirq blocks, a clean
# fallback to one vector where it does not (Xen); a vector moved to CPU 1
# delivers there; pirq exhaustion gives the driver a clean error; unload
# gives the device native MSI back, working.
. /pvirq/lib.sh
. /pvirq/xen.sh

td_load() { insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" "$@"; }
td_unload() { rmmod pvirq_testdev; }
nvecs() { wc -l < $TD/$VDEV/irqs; }
chip_of() { # irq
	awk -v i="$1:" '$1 == i { for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++); print $k }' /proc/interrupts
}

# fire every vector N times, then check each one's count
fire_all() { # n
	for v in $(awk '{ print $1 }' $TD/$VDEV/irqs); do
		fire_n "$v" "$1" || return 1
	done
}
all_counts_are() { # n
	awk -v n="$1" '$3 != n { bad++ } END { exit bad ? 1 : 0 }' $TD/$VDEV/irqs ||
		{ cat $TD/$VDEV/irqs; return 1; }
}

pv_load
tap_ok "the virtual device is there" test -n "$VDEV"

# MSI-X, 8 vectors
td_load mode=msix nvec=8
tap_is "MSI-X: 8 vectors granted" "$(nvecs)" 8
irq0=$(awk 'NR == 1 { print $2 }' $TD/$VDEV/irqs)
tap_is "MSI-X: the vectors are on our MSI chip" "$(chip_of "$irq0")" "pvhvm-msi"
tap_is "MSI-X: 8 rows in the table, kind msi-x" \
	"$(awk '$6 == "msi-x"' $PV/table | wc -l)" 8
tap_is "MSI-X: 8 distinct pirqs" \
	"$(awk '$6 == "msi-x" { print $2 }' $PV/table | sort -u | wc -l)" 8
fire_all 5
tap_ok "MSI-X: each of the 8 vectors fired 5 times arrives 5 times on its own IRQ" all_counts_are 5
tap_is "MSI-X: the host saw vector-0 messages only (none delivered natively)" \
	"$(mstate msi snooped)" 40

# Per-vector affinity: vector 3 to CPU 1
irq3=$(awk '$1 == 3 { print $2 }' $TD/$VDEV/irqs)
echo 1 > /proc/irq/$irq3/smp_affinity_list
tap_is "affinity: the table shows vector 3's port on CPU 1" "$(row "$irq3" 4)" 1
tap_is "affinity: effective affinity is CPU 1" \
	"$(cat /proc/irq/$irq3/effective_affinity_list)" 1
echo 0 > $TD/$VDEV/irqs
fire_n 3 10
tap_is "affinity: 10 interrupts of vector 3 all on CPU 1" \
	"$(awk '$1 == 3 { print $4 "/" $5 }' $TD/$VDEV/irqs)" "0/10"
echo 0 > /proc/irq/$irq3/smp_affinity_list
fire_n 3 10
tap_is "affinity: moved back, the next 10 on CPU 0" \
	"$(awk '$1 == 3 { print $4 "/" $5 }' $TD/$VDEV/irqs)" "10/10"
td_unload
tap_is "MSI-X: after the driver left, no port in use" "$(mstate ports in_use)" 0

# MSI, 1 vector
td_load mode=msi nvec=1
tap_is "MSI: 1 vector" "$(nvecs)" 1
fire_all 20
tap_ok "MSI: 20 fired, 20 arrived" all_counts_are 20
td_unload

# Multi-MSI on Xen: refused, the driver falls back to one vector.
td_load mode=msi nvec=4 minvec=1
tap_is "multi-MSI on Xen: the driver gets 1 vector" "$(nvecs)" 1
fire_all 3
tap_ok "and it works" all_counts_are 3
td_unload
pv_unload

# Multi-MSI where the host maps pirq blocks (op22 + multimsi extensions)
model reset
model nr_pirqs 128
model op22 on
model multimsi on
pv_load
td_load mode=msi nvec=32
tap_is "multi-MSI: 32 vectors granted" "$(nvecs)" 32
base=$(awk '$6 == "msi" { print $2 }' $PV/table | sort -n | head -1)
tap_ok "multi-MSI: a block of 32 pirqs aligned to 32 (base $base)" \
	sh -c "[ \$(($base % 32)) = 0 ]"
tap_is "multi-MSI: 32 consecutive pirqs" \
	"$(awk '$6 == "msi" { print $2 }' $PV/table | sort -n | awk -v b="$base" '$1 == b + NR - 1' | wc -l)" 32
fire_all 2
tap_ok "multi-MSI: each of the 32 vectors fired twice arrives twice on its own IRQ" all_counts_are 2
irq7=$(awk '$1 == 7 { print $2 }' $TD/$VDEV/irqs)
echo 1 > /proc/irq/$irq7/smp_affinity_list
echo 0 > $TD/$VDEV/irqs
fire_n 7 5
fire_n 8 5
tap_is "multi-MSI: vector 7 moved to CPU 1, vector 8 stays on CPU 0" \
	"$(awk '$1 == 7 || $1 == 8 { printf "%s/%s ", $4, $5 }' $TD/$VDEV/irqs)" "0/5 5/0 "
td_unload
tap_is "multi-MSI: the block is given back" "$(mstate pirqs in_use)" 0
pv_unload
model multimsi off
model op22 off

# pirq exhaustion: a host with few pirqs.  (Xen never frees the MSI pirqs it
# gave an HVM guest: forget the earlier loads' first.)
model reset
model nr_pirqs 28
pv_load
td_load mode=msix nvec=8 2>/dev/null
tap_is "pirq exhaustion: the driver is refused cleanly" \
	"$(test -e /sys/bus/pci/drivers/pvirq_testdev/$VDEV && echo bound || echo refused)" refused
tap_is "and the host holds nothing" "$(mstate ports in_use)" 0
td_unload
pv_unload
model nr_pirqs 56

# Setup and teardown, many times: nothing leaks on either side.  The
# debug kernel runs fewer: there, kmemleak finds a single leaked object.
N=1000
[ "$PVIRQ_KVER" = 6.1-debug ] && N=100
pv_load
td_load mode=msix nvec=4
before=$(mstate pirqs allocated)
i=0
while [ $i -lt $N ]; do
	echo "$VDEV" > /sys/bus/pci/drivers/pvirq_testdev/unbind
	echo "$VDEV" > /sys/bus/pci/drivers/pvirq_testdev/bind
	i=$((i + 1))
done
tap_is "$N bind/unbind cycles: the host allocated no new pirq" \
	"$(mstate pirqs allocated)" "$before"
tap_is "$N bind/unbind cycles: 4 ports in use, as before" "$(mstate ports in_use)" 4
fire_all 1
tap_ok "and the vectors still work" all_counts_are 1

# Unload with the driver bound: the device gets native MSI-X back.
tap_ok "pvhvm_irq unloads with the device bound" pv_unload
tap_ok "the device is bound again" test -e /sys/bus/pci/drivers/pvirq_testdev/$VDEV
irq0=$(awk 'NR == 1 { print $2 }' $TD/$VDEV/irqs)
tap_ok "its vectors are native again (not ours)" sh -c "[ '$(chip_of "$irq0")' != pvhvm-msi ]"
fire_all 3
tap_ok "and work: 3 fired, 3 arrived on each" all_counts_are 3
tap_is "the host holds no port" "$(mstate ports in_use)" 0
td_unload
