# pvirq-vm: smp=2 host=base guests=1
# SPDX-License-Identifier: GPL-2.0
#
# The virtual PCI bus: the guest's own PCI core enumerates pvirq-host's
# device (1234:5056) through config cycles that are transport requests,
# finds its MSI and MSI-X capabilities, and places its BAR in the window
# at the top of the shared region.
. /pvirq/lib.sh

dev=""
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat $d/vendor)" = 0x1234 ] && [ "$(cat $d/device)" = 0x5056 ]; then
		dev=$d
	fi
done
tap_ok "the PCI core found 1234:5056" test -n "$dev"
[ -n "$dev" ] || exit 0
name=${dev##*/}
tap_diag "device $name"
tap_ok "it sits on a PCI domain of its own (not 0000)" \
	sh -c "case $name in 0000:*) false ;; *:00:00.0) true ;; *) false ;; esac"
tap_is "class: unassigned (0xff0000)" "$(cat $dev/class)" 0xff0000
tap_is "subsystem IDs" "$(cat $dev/subsystem_vendor) $(cat $dev/subsystem_device)" \
	"0x1234 0x5056"
tap_ok "its bus hangs below the ivshmem device" \
	sh -c "readlink -f $dev | grep -q '/0000:00:[0-9a-f.]*/pci[0-9a-f]*:00/'"

# Walk the capability list in the config space sysfs reads through the host.
cfg=$dev/config
byte() { od -An -tu1 -j "$1" -N 1 "$cfg" | tr -d ' '; }
word() { od -An -tu2 -j "$1" -N 2 "$cfg" | tr -d ' '; }
tap_is "config space is 256 bytes" "$(wc -c < $cfg)" 256
tap_is "status says it has a capability list" $(($(word 6) & 0x10)) 16
caps=""
msi=0
msix=0
p=$(byte 52)
n=0
while [ "$p" != 0 ] && [ $n -lt 16 ]; do
	id=$(byte $p)
	caps="$caps $(printf '%02x@%02x' $id $p)"
	[ $id = 5 ] && msi=$p
	[ $id = 17 ] && msix=$p
	p=$(byte $((p + 1)))
	n=$((n + 1))
done
tap_diag "capabilities:$caps"
tap_ok "an MSI capability" test $msi != 0
tap_ok "an MSI-X capability" test $msix != 0
ctl=$(word $((msi + 2)))
tap_is "MSI: 64-bit, per-vector masking, 32 vectors, disabled" \
	"$(((ctl >> 7) & 1)) $(((ctl >> 8) & 1)) $((1 << ((ctl >> 1) & 7))) $((ctl & 1))" \
	"1 1 32 0"
ctl=$(word $((msix + 2)))
tap_is "MSI-X: 32 entries, disabled" "$(((ctl & 0x7ff) + 1)) $((ctl >> 15))" "32 0"

# BAR0 holds the MSI-X table; the PCI core assigned it inside the window.
win=$(sed -n 's/^ *\([0-9a-f]*\)-\([0-9a-f]*\) : pvirq virtual PCI$/\1 \2/p' /proc/iomem)
tap_ok "/proc/iomem shows the window" test -n "$win"
set -- $(head -1 $dev/resource)
bar_start=$(($1))
bar_end=$(($2))
set -- $win
tap_diag "BAR0 $(head -1 $dev/resource | cut -d' ' -f1-2), window $win"
tap_ok "BAR0 is 16 KiB" test $((bar_end - bar_start + 1)) = 16384
tap_ok "BAR0 lies inside the window" \
	test $bar_start -ge $((0x$1)) -a $bar_end -le $((0x$2))
tap_ok "no driver is bound yet" test ! -e $dev/driver
