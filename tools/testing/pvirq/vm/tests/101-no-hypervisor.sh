# pvirq-vm: host=none smp=1
# SPDX-License-Identifier: GPL-2.0
#
# A guest with no hypervisor ABI at all (QEMU TCG, no host stub): each
# module refuses to load with -ENODEV and says why in one line.
. /pvirq/lib.sh

refuses() { # module what
	kmsg_mark "$1"
	out=$(insmod "$PVIRQ_MODDIR/$1.ko" 2>&1)
	rc=$?
	tap_is "$1: insmod fails" "$([ $rc != 0 ] && echo failed)" failed
	case $out in
	*"No such device"*) tap_ok "$1: the error is ENODEV" true ;;
	*) tap_ok "$1: the error is ENODEV (got: $out)" false ;;
	esac
	msgs=$(kmsg_since "$1" | sed 's/^\[[^]]*\] //' | grep "^$1: " |
		grep -v -e 'taints kernel' -e 'module verification failed')
	tap_is "$1: its only message says no $2" \
		"$(echo "$msgs" | wc -l):$(echo "$msgs" | grep -c "^$1: no $2")" "1:1"
	tap_diag "$msgs"
	tap_is "$1: not left loaded" "$(grep -c "^$1 " /proc/modules)" 0
}

refuses pvhvm_irq "Xen hypervisor found"
refuses hv_synic "Hyper-V hypervisor found"
refuses pvi "KVM hypervisor with PVI found"
