# SPDX-License-Identifier: GPL-2.0
#
# The emulated PCI devices qemu-xen gives the guest (xl config
# device_model_args_hvm), each bound by its Debian driver after pvhvm_irq
# loaded: a virtio-rng in INTx mode (its GSI remapped to a level pirq), a
# virtio-rng, nvme and e1000e with MSI-X and an ich9-ahci with MSI (each
# vector a pirq named by a "vector 0" message).  Each device does real I/O
# -- entropy read from /dev/hwrng, 512 KiB written to a disk and read back,
# ARP requests sent -- and its interrupts grow on our chips, dispatched by
# our table.  Where Xen offers this guest no pirqs, the same devices must
# work on the IO-APIC and native PCI-MSI.
. /pvirq/lib.sh

find_devs

# prove NAME DEV DRIVER
prove() {
	name=$1
	d=$2
	if [ -z "$d" ]; then
		tap_fail "$name: the device is on the PCI bus" "not found"
		return
	fi
	b=$(bdf "$d")
	tap_is "$name ($b): bound to $3" "$(drv_of "$d")" "$3"
	[ "$name" = e1000e ] && tap_ok "$name ($b): the link comes up" nic_up "$d"
	mode=$(dev_mode "$d")
	irqs=$(dev_irqs "$d" | tr '\n' ' ' | sed 's/ $//')
	nirq=$(echo "$irqs" | wc -w)
	if [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		case $mode in
		intx) chip=pvhvm-pirq-level kind=gsi-level ;;
		msix) chip=pvhvm-msi kind=msi-x ;;
		*) chip=pvhvm-msi kind=msi ;;
		esac
	else
		case $mode in
		intx) chip=IO-APIC ;;
		*) chip=PCI-MSI ;;
		esac
	fi
	tap_is "$name ($b): its $mode IRQ(s) $irqs are on chip $chip" "$(dev_chips "$d")" "$chip"

	if [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		good=0
		for i in $irqs; do
			[ "$(row "$i" 9)" = "$b" ] && [ "$(row "$i" 6)" = "$kind" ] &&
				[ "$(row "$i" 2)" -gt 0 ] 2> /dev/null &&
				[ "$(row "$i" 3)" -gt 0 ] 2> /dev/null && good=$((good + 1))
		done
		tap_is "$name ($b): the table gives each of its $nirq IRQ(s) a $kind pirq bound to a port" \
			$good "$nirq"
		for i in $irqs; do
			echo "#   table: $(awk -v i="$i" '$1 == i' "$PV/table")"
		done
		pirqs=$(for i in $irqs; do row "$i" 2; done | sort -n | tr '\n' ' ')
		tap_is "$name ($b): $nirq distinct pirqs and ports" \
			"$(for i in $irqs; do row "$i" 2; done | sort -u | wc -l)/$(for i in $irqs; do row "$i" 3; done | sort -u | wc -l)" \
			"$nirq/$nirq"
	fi

	if [ "$mode" = intx ] && [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		attr=$(cat "$d/pvhvm_gsi" 2> /dev/null)
		echo "#   pvhvm_gsi: $attr"
		gsi=$(echo "$attr" | sed -n 's/^gsi \([0-9]*\) irq [0-9]*$/\1/p')
		tap_is "$name ($b): pvhvm_gsi names its GSI and the IRQ its driver got" \
			"$attr" "gsi ${gsi:-?} irq $(cat "$d/irq")"
		tap_is "$name ($b): the table row is that GSI's, and Xen wants an EOI for it" \
			"$(row "$irqs" 5) $(row "$irqs" 7)" "${gsi:-?} 1"
	fi
	if [ "$name" = ahci ] && [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		got=$(msi_msg_pirq "$d" 2> /tmp/msi.txt)
		sed 's/^/#   /' /tmp/msi.txt
		tap_is "$name ($b): its MSI message is the vector-0 message of its pirq" \
			"$got" "$(echo "$pirqs" | tr -d ' ')"
	fi
	if [ "$name" = virtio-rng-msix ] && [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		got=$(k=0; while [ $k -lt "$nirq" ]; do msix_msg_pirq "$d" $k; k=$((k + 1)); done 2> /tmp/msix.txt |
		      sort -n | tr '\n' ' ')
		sed 's/^/#   /' /tmp/msix.txt
		tap_is "$name ($b): its MSI-X table holds the vector-0 messages of its pirqs" "$got" "$pirqs"
	fi

	before=$(dev_count "$d" "$chip")
	ev0=$(for i in $irqs; do row "$i" 8; done | awk '{ n += $1 } END { print n + 0 }')
	tap_ok "$name ($b): real I/O works" dev_io "$name" "$d"
	sleep 0.5
	after=$(dev_count "$d" "$chip")
	tap_gt "$name ($b): its interrupts on $chip grew with the I/O ($before -> $after)" \
		"$after" "$before"
	if [ "$PVIRQ_WANT_PIRQ" = 1 ]; then
		ev1=$(for i in $irqs; do row "$i" 8; done | awk '{ n += $1 } END { print n + 0 }')
		tap_gt "$name ($b): and our table dispatched them from their ports ($ev0 -> $ev1)" \
			"$ev1" "$ev0"
	fi
	dev_facts "$name" "$d"
}

prove virtio-rng-intx "$RNG_I" virtio-pci
prove virtio-rng-msix "$RNG_X" virtio-pci
prove nvme "$NVME" nvme
prove ahci "$AHCI" ahci
prove e1000e "$NIC" e1000e
[ "$PVIRQ_WANT_PIRQ" = 1 ] && sed 's/^/#   stats: /' "$PV/stats"
exit 0
