# SPDX-License-Identifier: GPL-2.0
#
# Affinity of remapped MSI-X vectors on a 2-vCPU guest: one vector of the
# virtio-rng moved to CPU 1 by /proc/irq/N/smp_affinity_list (pvhvm_irq
# rebinds its port with EVTCHNOP_bind_vcpu) takes its interrupts there and
# only there, and back on CPU 0 when moved back; nvme's managed I/O queue
# of CPU 1 takes its completions on CPU 1.  Per-CPU columns of
# /proc/interrupts are the witness.
. /pvirq/lib.sh

find_devs
if [ "$PVIRQ_WANT_PIRQ" != 1 ]; then
	echo "# affinity: pvhvm_irq does not remap on this guest; nothing of ours to move"
	exit 0
fi
tap_is "the guest has 2 vCPUs" "$NCPU" 2

irq=""
for i in $(dev_irqs "$RNG_X"); do
	irq_line "$i" | grep -q -- '-input$' && irq=$i
done
irq=${irq:-none}
tap_is "virtio-rng-msix: its request queue has an MSI-X vector of ours (IRQ $irq)" \
	"$(irq_chip "$irq")" pvhvm-msi

# move_and_read CPU OTHER: move the vector to CPU, read entropy, and check
# the interrupts arrived on CPU and not on OTHER.
move_and_read() {
	out=$(echo "$1" 2>&1 > /proc/irq/$irq/smp_affinity_list)
	tap_is "affinity of IRQ $irq set to CPU $1" "$out" ""
	tap_is "the table has its port delivering to CPU $1" "$(row "$irq" 4)" "$1"
	tap_is "its effective affinity is CPU $1" \
		"$(cat /proc/irq/$irq/effective_affinity_list 2> /dev/null)" "$1"
	on=$(irq_cpu_count "$irq" "$1")
	off=$(irq_cpu_count "$irq" "$2")
	up=$(upcall_count "$1")
	tap_ok "entropy read from the virtio-rng" rng_read "$RNG_X" 64
	sleep 0.5
	tap_gt "its interrupts arrive on CPU $1 ($on -> $(irq_cpu_count "$irq" "$1"))" \
		"$(irq_cpu_count "$irq" "$1")" "$on"
	tap_is "and none on CPU $2" "$(irq_cpu_count "$irq" "$2")" "$off"
	tap_gt "CPU $1 took them on its own upcall vector ($up -> $(upcall_count "$1"))" \
		"$(upcall_count "$1")" "$up"
	echo "#   $(grep -E "^ *$irq:| pvhvm-upcall$" /proc/interrupts | tr -s ' ' | tr '\n' ';')"
}
move_and_read 1 0
move_and_read 0 1

# nvme spreads its I/O queues over the CPUs with managed affinity: the
# queue of CPU 1 must complete on CPU 1.
q=""
for i in $(dev_irqs "$NVME"); do
	irq_line "$i" | grep -q 'nvme0q[1-9]' &&
		[ "$(cat /proc/irq/$i/effective_affinity_list)" = 1 ] && q=$i
done
for i in $(dev_irqs "$NVME"); do
	echo "#   nvme IRQ $i: $(irq_line "$i") effective CPU $(cat /proc/irq/$i/effective_affinity_list) table CPU $(row "$i" 4)"
done
tap_is "nvme: an I/O queue's vector is ours and delivers to CPU 1 (IRQ ${q:-none})" \
	"$(irq_chip "${q:-none}") $(row "${q:-none}" 4)" "pvhvm-msi 1"
if [ -n "$q" ]; then
	on=$(irq_cpu_count "$q" 1)
	off=$(irq_cpu_count "$q" 0)
	tap_ok "nvme: I/O issued from CPU 1 works" disk_io "$NVME" 1
	tap_gt "nvme: that queue's completions arrive on CPU 1 ($on -> $(irq_cpu_count "$q" 1))" \
		"$(irq_cpu_count "$q" 1)" "$on"
	tap_is "and none on CPU 0" "$(irq_cpu_count "$q" 0)" "$off"
fi
exit 0
