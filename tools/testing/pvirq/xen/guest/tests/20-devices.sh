# SPDX-License-Identifier: GPL-2.0
#
# The emulated PCI devices qemu-xen gives the guest (xl config
# device_model_args_hvm): each binds its Debian driver and its interrupts
# arrive.  pvhvm_irq does not remap them yet, so today they use the
# IO-APIC and native MSI/MSI-X; how each one is delivered is recorded as a
# "# xen-fact:" line.
. /pvirq/lib.sh

# pci_find ID...: the first device matching one ID, VENDOR:DEVICE or
# class=0xCCSSPP (qemu-xen's machine may use older vendor IDs).
pci_find() {
	for d in /sys/bus/pci/devices/*; do
		id=$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")
		class=class=$(cat "$d/class")
		for want in "$@"; do
			[ "$id" = "$want" ] || [ "$class" = "$want" ] &&
				{ echo "$d"; return 0; }
		done
	done
	return 1
}

# The Linux IRQs of a device: its MSI/MSI-X vectors, else its INTx line.
dev_irqs() {
	if [ -d "$1/msi_irqs" ] && [ -n "$(ls "$1/msi_irqs")" ]; then
		ls "$1/msi_irqs"
	else
		cat "$1/irq"
	fi
}

irq_count() { # irq: summed over CPUs
	awk -v irq="$1:" '$1 == irq {
		n = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
		print n
	}' /proc/interrupts
}

irq_chip() { # irq: the chip and name columns
	awk -v irq="$1:" '$1 == irq {
		i = 2
		while (i <= NF && $i ~ /^[0-9]+$/) i++
		s = $i
		for (i++; i <= NF; i++) s = s " " $i
		print s
	}' /proc/interrupts
}

check_dev() { # name driver kick-command vendor:device...
	name=$1 drv=$2 kick=$3
	shift 3
	d=$(pci_find "$@")
	if [ -z "$d" ]; then
		tap_fail "$name: the device is on the PCI bus" "no PCI device $*"
		return
	fi
	bdf=$(basename "$d")
	got=$(basename "$(readlink "$d/driver" 2> /dev/null)" 2> /dev/null)
	tap_is "$name ($bdf): bound to $drv" "$got" "$drv"
	[ -n "$kick" ] && sh -c "$kick" > /dev/null 2>&1
	sleep 1
	total=0
	mode=intx
	for irq in $(dev_irqs "$d"); do
		[ -f "$d/msi_irqs/$irq" ] && mode=$(cat "$d/msi_irqs/$irq")
		c=$(irq_count "$irq")
		total=$((total + ${c:-0}))
		echo "# xen-fact: device $name $bdf irq=$irq mode=$mode count=${c:-0} chip: $(irq_chip "$irq")"
	done
	tap_ok "$name ($bdf): its interrupts arrive ($mode, $total so far)" [ "$total" -gt 0 ]
}

check_dev virtio-rng virtio-pci \
	"dd if=/dev/hwrng of=/dev/null bs=16 count=4" 1af4:1005 1af4:1044
check_dev nvme nvme "" class=0x010802
check_dev ahci ahci "" class=0x010601
check_dev e1000e e1000e \
	"for n in /sys/bus/pci/drivers/e1000e/*/net/*; do ip link set \${n##*/} up; done; sleep 2" 8086:10d3
