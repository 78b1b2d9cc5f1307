# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the xen tier's guest-side test scripts (busybox sh).  Scripts
# print TAP: "ok N - what" / "not ok N - what", and "# ..." diagnostics.
#
# /init exports PVIRQ_XEN, PVIRQ_HVM_PIRQ and PVIRQ_WANT_PIRQ (1 when this
# Xen offers HVM pirqs to this guest, so pvhvm_irq must load and remap).

. /pvirq/tap.sh
PV=/sys/kernel/debug/pvhvm_irq

# --- PCI devices -----------------------------------------------------------

# Config space, read as root through sysfs (all 256 bytes).  Offsets decimal.
cfg_u8() { od -An -tu1 -j "$2" -N1 "$1/config" | tr -d ' '; }
cfg_u16() { od -An -tu2 -j "$2" -N2 "$1/config" | tr -d ' '; }
cfg_u32() { od -An -tu4 -j "$2" -N4 "$1/config" | tr -d ' '; }

# pci_cap DEV ID: the offset of capability ID (decimal), or fail.
pci_cap() {
	[ $(($(cfg_u16 "$1" 6) & 0x10)) != 0 ] || return 1
	_off=$(cfg_u8 "$1" 52)
	_n=0
	while [ "${_off:-0}" -ne 0 ] && [ $_n -lt 48 ]; do
		_off=$((_off & 0xfc))
		[ "$(cfg_u8 "$1" $_off)" = "$2" ] && { echo $_off; return 0; }
		_off=$(cfg_u8 "$1" $((_off + 1)))
		_n=$((_n + 1))
	done
	return 1
}
PCI_CAP_MSI=5
PCI_CAP_MSIX=17

# find_devs: the guest's emulated devices (guest.cfg.in), as sysfs paths:
# RNG_X (virtio-rng with MSI-X), RNG_I (virtio-rng with INTx only), NVME,
# AHCI, NIC (e1000e).  Empty when missing.  Shell builtins only: a fork
# costs dearly in a guest under nested TCG.
find_devs() {
	RNG_X=""
	RNG_I=""
	NVME=""
	AHCI=""
	NIC=""
	for d in /sys/bus/pci/devices/*; do
		read -r _v < "$d/vendor"
		read -r _dv < "$d/device"
		read -r _c < "$d/class"
		case $_v:$_dv:$_c in
		0x1af4:0x1005:* | 0x1af4:0x1044:*)
			if pci_cap "$d" $PCI_CAP_MSIX > /dev/null; then
				RNG_X=$d
			else
				RNG_I=$d
			fi
			;;
		*:0x010802) NVME=$d ;;
		*:0x010601) AHCI=$d ;;
		0x8086:0x10d3:*) NIC=$d ;;
		esac
	done
}

bdf() { basename "$1"; }

drv_of() { basename "$(readlink "$1/driver" 2> /dev/null)" 2> /dev/null; }

# The Linux IRQs of a device: its MSI/MSI-X vectors, else its INTx line.
dev_irqs() {
	if [ -d "$1/msi_irqs" ] && [ -n "$(ls "$1/msi_irqs")" ]; then
		ls "$1/msi_irqs" | sort -n
	else
		cat "$1/irq"
	fi
}

# dev_mode DEV: msi, msix or intx, as the PCI core set it up.
dev_mode() {
	for _i in $(dev_irqs "$1"); do
		[ -f "$1/msi_irqs/$_i" ] && { cat "$1/msi_irqs/$_i"; return; }
	done
	echo intx
}

# --- /proc/interrupts ------------------------------------------------------

NCPU=$(grep -c '^processor' /proc/cpuinfo)

irq_count() { # irq: summed over CPUs
	awk -v irq="$1:" '$1 == irq {
		n = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
		print n
	}' /proc/interrupts
}

irq_cpu_count() { # irq cpu: the count in that CPU's column
	awk -v irq="$1:" -v c="$2" '$1 == irq { print $(c + 2) }' /proc/interrupts
}

irq_chip() { # irq: the chip's name
	awk -v irq="$1:" '$1 == irq {
		i = 2
		while (i <= NF && $i ~ /^[0-9]+$/) i++
		print $i
	}' /proc/interrupts
}

irq_line() { # irq: everything after the counts
	awk -v irq="$1:" '$1 == irq {
		i = 2
		while (i <= NF && $i ~ /^[0-9]+$/) i++
		s = $i
		for (i++; i <= NF; i++) s = s " " $i
		print s
	}' /proc/interrupts
}

# dev_count DEV [CHIP]: interrupts of DEV, only those on CHIP if given.
dev_count() {
	_t=0
	for _i in $(dev_irqs "$1"); do
		[ -n "${2:-}" ] && [ "$(irq_chip "$_i")" != "$2" ] && continue
		_c=$(irq_count "$_i")
		_t=$((_t + ${_c:-0}))
	done
	echo $_t
}

# dev_chips DEV: the distinct chips of its IRQs, space separated.
dev_chips() {
	for _i in $(dev_irqs "$1"); do
		irq_chip "$_i"
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

dev_facts() { # name dev: one "# xen-fact:" line per IRQ
	for _i in $(dev_irqs "$2"); do
		echo "# xen-fact: device $1 $(bdf "$2") irq=$_i mode=$(dev_mode "$2") count=$(irq_count "$_i") chip: $(irq_line "$_i")"
	done
}

# upcall_count CPU: pvhvm_irq's upcall interrupts taken on that CPU.
upcall_count() {
	awk -v c="$1" '$NF == "pvhvm-upcall" { n += $(c + 2) } END { print n + 0 }' /proc/interrupts
}

# --- pvhvm_irq's table -----------------------------------------------------

# row IRQ FIELD: a field of IRQ's row in the table (1 irq, 2 pirq, 3 port,
# 4 cpu, 5 gsi, 6 kind, 7 needs_eoi, 8 events, 9 device).
row() {
	awk -v irq="$1" -v f="$2" '$1 == irq { print $f }' "$PV/table" 2> /dev/null
}

# --- device I/O: each returns 0 when the I/O was done and correct ---------

# rng_name DEV: the hwrng name of a virtio-rng PCI device.  virtio-rng
# numbers its devices in probe order, which is virtio bus order.
rng_name() {
	_me=$(basename "$(ls -d "$1"/virtio* 2> /dev/null | head -1)")
	_k=0
	for _v in $(for _p in /sys/bus/virtio/drivers/virtio_rng/virtio[0-9]*; do
			    [ -e "$_p" ] && echo "${_p##*/virtio}"
		    done | sort -n); do
		[ "virtio$_v" = "$_me" ] && { echo "virtio_rng.$_k"; return 0; }
		_k=$((_k + 1))
	done
	return 1
}

# rng_read DEV BYTES: read BYTES of entropy from DEV through /dev/hwrng.
rng_read() {
	_n=$(rng_name "$1") || { echo "no hwrng for $(bdf "$1")"; return 1; }
	echo "$_n" > /sys/class/misc/hw_random/rng_current ||
		{ echo "cannot select $_n"; return 1; }
	_got=$(timeout 30 dd if=/dev/hwrng bs="$2" count=1 iflag=fullblock 2> /dev/null |
	       od -An -tx1 | tr -d ' \n')
	[ ${#_got} = $(($2 * 2)) ] || { echo "$_n: got ${#_got} hex digits of $(($2 * 2))"; return 1; }
	[ -n "$(echo "$_got" | tr -d 0)" ] || { echo "$_n: only zeros"; return 1; }
}

# blk_of DEV: the block device node of a disk controller's first disk.
blk_of() {
	_b=$(find "$1/" -name 'nvme*n1' -o -name 'sd[a-z]' 2> /dev/null | head -1)
	[ -n "$_b" ] && echo "/dev/$(basename "$_b")"
}

# wait_blk DEV: wait up to 30 s for its disk's node.
wait_blk() {
	_i=0
	while [ $_i -lt 60 ]; do
		_b=$(blk_of "$1") && [ -b "$_b" ] && { echo "$_b"; return 0; }
		sleep 0.5
		_i=$((_i + 1))
	done
	return 1
}

# disk_io DEV [TASKSET-CPU]: write 512 KiB of random data to its disk and
# read them back, both with O_DIRECT, and compare.
disk_io() {
	_b=$(wait_blk "$1") || { echo "no disk under $(bdf "$1")"; return 1; }
	_ts=""
	[ -n "${2:-}" ] && _ts="taskset -c $2"
	[ -f /tmp/pattern ] || dd if=/dev/urandom of=/tmp/pattern bs=64k count=8 2> /dev/null
	$_ts timeout 60 dd if=/tmp/pattern of="$_b" bs=64k count=8 oflag=direct conv=fsync 2> /dev/null ||
		{ echo "writing $_b failed"; return 1; }
	_got=$($_ts timeout 60 dd if="$_b" bs=64k count=8 iflag=direct 2> /dev/null | md5sum)
	[ "$_got" = "$(md5sum < /tmp/pattern)" ] || { echo "$_b: read back $_got"; return 1; }
}

# nic_up DEV: bring the NIC up (e1000e requests its IRQs at open) and wait
# for its carrier, which its link interrupt reports.
nic_up() {
	_n=$(ls "$1/net" 2> /dev/null | head -1)
	[ -n "$_n" ] || { echo "no netdev under $(bdf "$1")"; return 1; }
	ip link set "$_n" up || return 1
	ip addr add 192.168.77.1/24 dev "$_n" 2> /dev/null
	_i=0
	while [ "$(cat "/sys/class/net/$_n/carrier" 2> /dev/null)" != 1 ] && [ $_i -lt 50 ]; do
		sleep 0.2
		_i=$((_i + 1))
	done
	[ "$(cat "/sys/class/net/$_n/carrier" 2> /dev/null)" = 1 ] || { echo "$_n: no carrier"; return 1; }
}

# net_io DEV: send an ARP request (no peer answers); the NIC's tx counter
# grows, so the frame went out and its completion was taken.
net_io() {
	nic_up "$1" || return 1
	_tx=$(cat "/sys/class/net/$_n/statistics/tx_packets")
	ping -c 1 -W 1 192.168.77.2 > /dev/null 2>&1
	_tx2=$(cat "/sys/class/net/$_n/statistics/tx_packets")
	[ "$_tx2" -gt "$_tx" ] || { echo "$_n: tx_packets $_tx -> $_tx2"; return 1; }
}

# dev_io NAME DEV: the I/O that proves device NAME works.
dev_io() {
	case $1 in
	virtio-rng*) rng_read "$2" 64 ;;
	nvme | ahci) disk_io "$2" ;;
	e1000e) net_io "$2" ;;
	*) echo "no I/O for $1"; return 1 ;;
	esac
}

# --- MSI messages as the device holds them ---------------------------------

# vec0_pirq ADDR_LO ADDR_HI DATA: the pirq a vector-0 message names (as
# Xen's hvm_inject_msi decodes it), or "native vector V" for an ordinary
# message.
vec0_pirq() {
	if [ $(($3 & 0xff)) != 0 ]; then
		echo "native vector $(($3 & 0xff))"
	elif [ $(($1 & 0xfff00000)) != $((0xfee00000)) ]; then
		echo "address $1 is not an MSI address"
	else
		echo $((($2 & 0xffffff00) | (($1 >> 12) & 0xff)))
	fi
}

# msi_msg_pirq DEV: decode the MSI message in DEV's config space.
msi_msg_pirq() {
	_c=$(pci_cap "$1" $PCI_CAP_MSI) || { echo "no MSI capability"; return; }
	_ctl=$(cfg_u16 "$1" $((_c + 2)))
	_lo=$(cfg_u32 "$1" $((_c + 4)))
	if [ $((_ctl & 0x80)) != 0 ]; then
		_hi=$(cfg_u32 "$1" $((_c + 8)))
		_data=$(cfg_u16 "$1" $((_c + 12)))
	else
		_hi=0
		_data=$(cfg_u16 "$1" $((_c + 8)))
	fi
	echo "msi: $(bdf "$1") ctrl=$(printf 0x%x "$_ctl") addr=$(printf 0x%x:%08x "$_hi" "$_lo") data=$(printf 0x%x "$_data")" >&2
	vec0_pirq "$_lo" "$_hi" "$_data"
}

# msix_msg_pirq DEV ENTRY: decode entry ENTRY of DEV's MSI-X table, read
# from its BAR with devmem.
msix_msg_pirq() {
	_c=$(pci_cap "$1" $PCI_CAP_MSIX) || { echo "no MSI-X capability"; return; }
	_t=$(cfg_u32 "$1" $((_c + 4)))
	_bir=$((_t & 7))
	_bar=$(sed -n "$((_bir + 1))p" "$1/resource" | cut -d' ' -f1)
	_a=$((_bar + (_t & ~7) + 16 * $2))
	_lo=$(devmem $_a 32) && _hi=$(devmem $((_a + 4)) 32) &&
		_data=$(devmem $((_a + 8)) 32) && _vc=$(devmem $((_a + 12)) 32) ||
		{ echo "devmem $(printf 0x%x $_a) failed"; return; }
	echo "msi-x: $(bdf "$1") entry $2 addr=$_hi:$_lo data=$_data vctrl=$_vc" >&2
	vec0_pirq $((_lo)) $((_hi)) $((_data))
}
