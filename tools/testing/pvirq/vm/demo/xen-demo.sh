# pvirq-vm: smp=2 host=xen devices=edu kernels=6.1 timeout=120
# SPDX-License-Identifier: GPL-2.0
#
# make demo: a guest on pvirq-host's Xen model.  pvhvm_irq loads, finds
# "Xen", and remaps a legacy INTx device and the virtual device's MSI-X
# vectors to pirqs on event channels; the host raises interrupts and the
# guest shows where they went.  Lines starting with "| " are the demo.
. /pvirq/lib.sh
. /pvirq/xen.sh

say() { echo "| $*"; }
show() { sed 's/^/|   /'; }

say "Linux $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPUs, on QEMU TCG with pvirq-host as the hypervisor."
say
say "1. Loading pvhvm_irq.  What it says:"
kmsg_mark demo
pv_load
kmsg_since demo | sed 's/^\[[^]]*\] //' | grep 'pvhvm_irq:' | show
say
say "2. Binding drivers: edu (legacy INTx) and the virtual device (MSI-X, 4 vectors)."
insmod "$PVIRQ_MODDIR/pvirq_testdev.ko" mode=msix nvec=4
echo "1234 11e8" > /sys/bus/pci/drivers/pvirq_testdev/new_id
kmsg_since demo | sed 's/^\[[^]]*\] //' | grep -E 'remapped' | show
say
say "3. The host raises edu's GSI 10 times and fires each MSI-X vector 25 times;"
say "   vector 2 is moved to CPU 1 first (echo 1 > /proc/irq/N/smp_affinity_list)."
gsi=$(sed -n 's/^gsi \([0-9]*\) irq.*/\1/p' /sys/bus/pci/devices/$EDU/pvhvm_gsi)
i=0
while [ $i -lt 10 ]; do
	hostctl gsi g0 "$gsi" pulse > /dev/null
	i=$((i + 1))
done
irq2=$(awk '$1 == 2 { print $2 }' $TD/$VDEV/irqs)
echo 1 > /proc/irq/$irq2/smp_affinity_list
for v in 0 1 2 3; do
	fire_n $v 25
done
say
say "4. The GSI <-> IRQ <-> pirq <-> port <-> CPU table (/sys/kernel/debug/pvhvm_irq/table):"
show < $PV/table
say
say "5. /proc/interrupts (our chips: pvhvm-pirq-level, pvhvm-msi; the per-vCPU upcalls):"
grep -E 'CPU0|pvhvm' /proc/interrupts | show
say
say "6. What the host saw (model counters):"
hostctl model g0 counts | sed 's/^ok //' | show
say
say "7. rmmod pvhvm_irq: the devices get their own interrupts back (native"
say "   PCI-MSI-X and IO-APIC); each MSI-X vector fired 5 times more:"
pv_unload
for v in 0 1 2 3; do
	fire_n $v 5
done
grep -E 'CPU0|pvirq_testdev' /proc/interrupts | show
hostctl model g0 counts | sed 's/^ok //' | show
tap_ok "the demo ran" true
