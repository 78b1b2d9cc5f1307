# pvirq-vm: smp=2 host=pvi guests=1 timeout=120
# SPDX-License-Identifier: GPL-2.0
#
# pvi.ko on the "pvi" host model, alone: it finds PVI in KVM's CPUID range,
# refuses a host that offers a hypercall number of KVM's own (the old
# proposal's 9) or a GSI count the page cannot hold, takes the UUID the
# host assigned, registers a vector on every CPU, and unloads and reloads
# cleanly.  /dev/pvi refuses every malformed ioctl with EINVAL or EFAULT.
. /pvirq/lib.sh

P=/sys/kernel/debug/pvi
field() { # "ok k1 v1 k2 v2 ..." KEY
	echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;q}"
}
host_uuid=$(hostctl model self uuid | sed 's/^ok //')

tap_ok "host says hypercall 9: pvi refuses it" hostctl model self hcnr 9
kmsg_mark hc9
tap_ok "insmod pvi fails" sh -c "! /bin/pvinsmod $PVIRQ_MODDIR/pvi.ko"
tap_ok "... and says why" sh -c "dmesg | grep -q 'hypercall number 9, one of KVM'"
tap_ok "host offers 9000 GSIs" hostctl model self hcnr 0x50560001
hostctl model self gsis 9000 > /dev/null
tap_ok "insmod pvi fails for 9000 GSIs" sh -c "! /bin/pvinsmod $PVIRQ_MODDIR/pvi.ko"
hostctl model self gsis 0 > /dev/null
tap_ok "insmod pvi fails for 0 GSIs" sh -c "! /bin/pvinsmod $PVIRQ_MODDIR/pvi.ko"
hostctl model self gsis 256 > /dev/null

for round in 1 2 3; do
	tap_ok "round $round: pvi loads" insmod $PVIRQ_MODDIR/pvi.ko
	tap_is "round $round: the guest's UUID is the host's" "$(cat $P/uuid)" "$host_uuid"
	st=$(hostctl state self)
	tap_ok "round $round: the host sees the PVI page" has "$st" '"up":true'
	tap_ok "round $round: pvictl info" sh -c "pvictl info | grep -q 'uuid $host_uuid gsis 256 features 0x3 backend kvm'"
	tap_ok "round $round: pvi unloads" rmmod pvi
	tap_ok "round $round: the host sees it torn down" has "$(hostctl state self)" '"up":false'
done

insmod $PVIRQ_MODDIR/pvi.ko
me=$host_uuid
tap_ok "allow self on GSI 3" sh -c "pvictl allow $me 3 | grep -qx OK"
tap_ok "self-send GSI 3 x100" sh -c "pvictl send $me 3 100 | grep -qx 'sent 100'"
tap_ok "not allowed on GSI 4: EPERM" sh -c "pvictl send $me 4 5 | grep -qx 'sent 0 EPERM 5'"
tap_ok "GSI 256 is out of range: EINVAL" sh -c "pvictl send $me 256 1 | grep -qx 'sent 0 EINVAL 1'"
got=$(awk '$1 == 3 { print $2 }' $P/gsis)
merged=$(field "$(hostctl model self counts)" rx_merged)
tap_is "received + merged == sent (received $got, merged $merged)" $((got + merged)) 100
tap_ok "unknown UUID: ENOENT" sh -c "pvictl resolve 00000000-0000-0000-0000-000000000001 | grep -qx ENOENT"

exp="info-null EFAULT
info-readonly EFAULT
resolve-bad-pointer EFAULT
send-bad-pointer EFAULT
send-flags EINVAL
send-gsi-range EINVAL
allow-bad-pointer EFAULT
allow-flags EINVAL
allow-gsi-range EINVAL
revoke-gsi-range EINVAL
bind-bad-pointer EFAULT
bind-gsi-range EINVAL
bind-negative-fd EINVAL
bind-flags EINVAL
bind-reserved EINVAL
bind-not-eventfd EINVAL
unbind-with-fd EINVAL
unknown-ioctl ENOTTY
wrong-size ENOTTY
bind-after OK
unbind-after OK
unbind-again ENOENT"
tap_is "/dev/pvi: every malformed ioctl is EINVAL/EFAULT (ENOTTY for unknown ones), nothing bound" \
	"$(pvictl bad-args)" "$exp"
tap_ok "pvi unloads at the end" rmmod pvi
