# SPDX-License-Identifier: GPL-2.0
#
# rmmod pvhvm_irq with every device bound: the module unbinds each device it
# took over, gives it back its own MSI domain and INTx routing (the GSI
# unmapped, so Xen's emulated IO-APIC delivers it again) and rebinds its
# driver.  Each device must come back on native PCI-MSI or the IO-APIC and
# still do real I/O, with its interrupts counted there.
. /pvirq/lib.sh

if [ "$PVIRQ_WANT_PIRQ" != 1 ]; then
	tap_is "pvhvm_irq is not loaded" "$(grep -c '^pvhvm_irq ' /proc/modules)" 0
	exit 0
fi
find_devs
kmsg_mark unload
out=$(rmmod pvhvm_irq 2>&1)
tap_is "rmmod pvhvm_irq with every device bound" "$out" ""
msgs=$(kmsg_since unload | sed 's/^\[[^]]*\] //')
echo "$msgs" | grep -vE '^(ok |not ok |#|pvirq-mark )' | grep -i pvhvm | sed 's/^/#   /'
tap_is "it says it unloaded" "$(echo "$msgs" | grep -c '^pvhvm_irq: unloaded$')" 1
tap_is "and logged no error giving the devices back" \
	"$(echo "$msgs" | grep -vE '^(ok |not ok |#|pvirq-mark )' |
	   grep -iE 'pvhvm|could not|left MSI|fail' | grep -v '^pvhvm_irq: unloaded$' | head -3)" ""
tap_is "no pvhvm chip or upcall is left in /proc/interrupts" \
	"$(grep -cE 'pvhvm-' /proc/interrupts)" 0

# again NAME DEV DRIVER: bound again, on a native chip, and working.
again() {
	if [ -z "$2" ]; then
		tap_fail "$1: the device is on the PCI bus" "not found"
		return
	fi
	b=$(bdf "$2")
	n=0
	while [ "$(drv_of "$2")" != "$3" ] && [ $n -lt 20 ]; do
		sleep 0.5
		n=$((n + 1))
	done
	tap_is "$1 ($b): rebound to $3" "$(drv_of "$2")" "$3"
	[ "$1" = e1000e ] && tap_ok "$1 ($b): the link comes up" nic_up "$2"
	mode=$(dev_mode "$2")
	case $mode in
	intx) chip=IO-APIC ;;
	*) chip=PCI-MSI ;;
	esac
	tap_is "$1 ($b): its $mode IRQ(s) are native again ($chip)" "$(dev_chips "$2")" "$chip"
	before=$(dev_count "$2" "$chip")
	tap_ok "$1 ($b): real I/O works" dev_io "$1" "$2"
	sleep 0.5
	tap_gt "$1 ($b): its interrupts on $chip grew ($before -> $(dev_count "$2" "$chip"))" \
		"$(dev_count "$2" "$chip")" "$before"
	dev_facts "$1" "$2"
}
again virtio-rng-intx "$RNG_I" virtio-pci
again virtio-rng-msix "$RNG_X" virtio-pci
again nvme "$NVME" nvme
again ahci "$AHCI" ahci
again e1000e "$NIC" e1000e
exit 0
