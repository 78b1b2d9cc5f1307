# pvirq-vm: smp=2 host=hyperv guests=1 timeout=240
# SPDX-License-Identifier: GPL-2.0
#
# pvi.ko's Hyper-V backend on the "hyperv" host model, one guest: without
# hv_synic it says so and does not load (pvi.ko has no hard dependency on
# it); it refuses a host without the PVI extension, a TLFS hypercall code,
# a GSI count one SINT cannot carry and a SINT hv_synic does not drive;
# then it loads and unloads in rounds with the host's UUID, keeps hv_synic
# pinned while loaded, and self-sends: allowed GSIs arrive (received +
# merged == sent), others are EPERM, out of range EINVAL, unknown UUIDs
# ENOENT.
. /pvirq/lib.sh

P=/sys/kernel/debug/pvi
field() { # "ok k1 v1 k2 v2 ..." KEY
	echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;q}"
}
host_uuid=$(hostctl model self uuid | sed 's/^ok //')
nopvi() { sh -c "! /bin/pvinsmod $PVIRQ_MODDIR/pvi.ko"; }

kmsg_mark nosynic
tap_ok "without hv_synic pvi does not load" nopvi
tap_ok "... and says to load hv_synic first" sh -c "dmesg | grep -q 'hv_synic is not loaded: load hv_synic first'"
tap_ok "hv_synic loads" insmod $PVIRQ_MODDIR/hv_synic.ko

hostctl model self feature pvi 0 > /dev/null
tap_ok "host without the extension: pvi does not load" nopvi
tap_ok "... and says so" sh -c "dmesg | grep -q 'does not offer the pvirq PVI extension'"
hostctl model self feature pvi 1 > /dev/null
hostctl model self pvi-hc 0x5d > /dev/null
tap_ok "host gives HvSignalEvent's code for the extension: refused" nopvi
hostctl model self pvi-hc 0x8050 > /dev/null
hostctl model self gsis 3000 > /dev/null
tap_ok "3000 GSIs (more than a SINT's 2048 flags): refused" nopvi
hostctl model self gsis 256 > /dev/null
hostctl model self pvi-sint 3 > /dev/null
tap_ok "SINT 3, which hv_synic does not drive: refused" nopvi
tap_ok "... and says why" sh -c "dmesg | grep -q 'SINT 3, which hv_synic does not drive'"
hostctl model self pvi-sint 10 > /dev/null

for round in 1 2 3; do
	tap_ok "round $round: pvi loads" insmod $PVIRQ_MODDIR/pvi.ko
	tap_is "round $round: the guest's UUID is the host's" "$(cat $P/uuid)" "$host_uuid"
	tap_ok "round $round: the host sees it receiving" has "$(hostctl state self)" '"up":true'
	tap_ok "round $round: pvictl info" sh -c "pvictl info | grep -q 'uuid $host_uuid gsis 256 features 0x3 backend hyperv'"
	tap_ok "round $round: hv_synic is pinned" sh -c "! rmmod hv_synic 2>/dev/null"
	tap_ok "round $round: pvi unloads" rmmod pvi
	tap_ok "round $round: the host sees it torn down" has "$(hostctl state self)" '"up":false'
done

insmod $PVIRQ_MODDIR/pvi.ko
me=$host_uuid
tap_ok "allow self on GSI 3" sh -c "pvictl allow $me 3 | grep -qx OK"
tap_ok "self-send GSI 3 x500" sh -c "pvictl send $me 3 500 | grep -qx 'sent 500'"
tap_ok "not allowed on GSI 4: EPERM" sh -c "pvictl send $me 4 5 | grep -qx 'sent 0 EPERM 5'"
tap_ok "GSI 256 is out of range: EINVAL" sh -c "pvictl send $me 256 1 | grep -qx 'sent 0 EINVAL 1'"
got=$(awk '$1 == 3 { print $2 }' $P/gsis)
merged=$(field "$(hostctl model self counts)" rx_merged)
tap_is "received + merged == sent (received $got, merged $merged)" $((got + merged)) 500
tap_is "flags arrived on SINT 10 of hv_synic" "$(field "$(hostctl model self counts)" rx_delivered)" "$got"
tap_ok "unknown UUID: ENOENT" sh -c "pvictl resolve 00000000-0000-0000-0000-000000000001 | grep -qx ENOENT"
tap_ok "revoke with no entry: ENOENT" sh -c "pvictl revoke $me 4 | grep -qx ENOENT"
tap_ok "pvi unloads at the end" rmmod pvi
tap_ok "hv_synic unloads after it" rmmod hv_synic
