# pvirq-vm: smp=2 host=xen guests=3 timeout=420
# SPDX-License-Identifier: GPL-2.0
#
# pvi's Xen backend, guest to guest over interdomain event channels: g0
# (A) sends, g1 (B) receives, g2 (C) is a guest B never allowed.  Without
# the host's PVI directory, or without pvhvm_irq, pvi says why and does not
# load.  Then N PVIs to a kernel handler (pvi_client) and N to an eventfd
# (/dev/pvi) arrive exactly: every send raised B's port and either made it
# pending or merged with a pending event (the host counts both); C's sends
# are refused with EPERM -- Xen lets only A's domain bind B's ports -- and B
# sees nothing; B revoking mid-stream turns A's sends into EPERM; B
# unloading pvi leaves A with ESHUTDOWN ("peer gone"), and after B reloads
# the old handle stays gone and the new allowlist is empty.
. /pvirq/lib.sh
. /pvirq/xen.sh

N=2000
PVI_COUNTS=pvi-counts
. /pvirq/pvi.sh

# Refusals at load, each in one log line.
kmsg_mark nodir
out=$(insmod $PVIRQ_MODDIR/pvi.ko 2>&1)
tap_ok "no PVI directory on this Xen: pvi does not load" \
	sh -c "! grep -q '^pvi ' /proc/modules"
tap_ok "... and says why" \
	has "$(kmsg_since nodir)" 'has no pvirq PVI directory'
model pvi on
kmsg_mark nopvhvm
insmod $PVIRQ_MODDIR/pvi.ko 2>/dev/null
tap_ok "directory, but no pvhvm_irq: pvi does not load" \
	sh -c "! grep -q '^pvi ' /proc/modules"
tap_ok "... and says pvhvm_irq is not loaded" \
	has "$(kmsg_since nopvhvm)" 'pvhvm_irq (which owns the event channels) is not loaded'

tap_ok "pvhvm_irq loads" pv_load
kmsg_mark up
tap_ok "pvi loads on Xen" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "... with the Xen backend" has "$(kmsg_since up)" 'pvi: xen: 64 GSIs'
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
tap_is "this guest's UUID is its Xen domain handle" \
	"$(cat $P/uuid)" "$(hostctl model $me uuid | sed 's/^ok //')"
tap_ok "pvhvm_irq cannot go while pvi uses its event channels" \
	sh -c "! rmmod pvhvm_irq 2>/dev/null"
tap_is "all three guests are up" "$(hostctl wait-guests 3)" ok

if [ $me = g1 ]; then
	pvi_listen $N pvi-clear-counts
	tap_is "the host sees two ports of B published for A's domain" \
		"$(hostctl state g1 | grep -o '"pvi_gsi":[56]' | wc -l)" 2
fi
hostctl barrier ready 3 > /dev/null

if [ $me = g0 ]; then
	pvi_send_both $N
fi
if [ $me = g2 ]; then
	echo send $B 5 200 > $C/ctl
	tap_is "C is not allowed: 200 x EPERM" "$(client sent) $(client EPERM)" "0 200"
	tap_is "C through /dev/pvi: EPERM too" "$(pvictl send $B 6 5)" "sent 0 EPERM 5"
	tap_is "C's domain holds no channel to B" "$(hcount g2 sent)" 0
fi
hostctl barrier sent 3 > /dev/null

if [ $me = g1 ]; then
	pvi_check_received $N
fi
hostctl barrier counted 3 > /dev/null

# Revoke in the middle of a stream.
pvi_revoke_midstream 3 20000
if [ $me = g1 ]; then
	tap_is "the revoked port is gone from the host" \
		"$(hostctl state g1 | grep -o '"pvi_gsi":5' | wc -l)" 0
fi
hostctl barrier revoke-checked 3 > /dev/null

# B shuts pvi down while A streams to it with the handle it resolved.
if [ $me = g0 ]; then
	(echo send $B 6 20000 > $C/ctl) &
	spid=$!
fi
if [ $me = g1 ]; then
	base=$(received 6)
	i=0
	while [ $(($(received 6) - base)) -lt 100 ] && [ $i -lt 300 ]; do
		sleep 0.05; i=$((i + 1))
	done
	tap_ok "B unloads pvi_client and pvi mid-stream" sh -c "rmmod pvi_client && rmmod pvi"
fi
hostctl barrier b-down 3 > /dev/null
if [ $me = g0 ]; then
	wait $spid
	s=$(client sent)
	e=$(client ESHUTDOWN)
	tap_ok "A: accepted before B went ($s), peer gone (ESHUTDOWN) after ($e)" \
		test "$s" -gt 0 -a "$e" -gt 0 -a $((s + e)) = 20000
	# The first send after B's close is either dropped by Xen on A's
	# unbound end or, when it raced the close, delivered and then found
	# unbound by EVTCHNOP_status: both end in ESHUTDOWN.
	tap_diag "sends Xen dropped on A's unbound end: $(hcount g0 dropped)"
	tap_is "resolving B: peer gone (ESHUTDOWN)" "$(pvictl resolve $B)" ESHUTDOWN
	tap_is "pvictl send: refused at resolve" "$(pvictl send $B 6 1)" "sent 0 resolve ESHUTDOWN"
fi
hostctl barrier b-checked 3 > /dev/null
if [ $me = g1 ]; then
	tap_ok "B loads pvi again" insmod $PVIRQ_MODDIR/pvi.ko
fi
hostctl barrier b-up 3 > /dev/null
if [ $me = g0 ]; then
	tap_is "B back: a new handle, but a fresh allowlist: EPERM" \
		"$(pvictl send $B 6 3)" "sent 0 EPERM 3"
fi
hostctl barrier done 3 > /dev/null
rmmod pvi_client 2>/dev/null
tap_ok "pvi unloads" rmmod pvi
tap_ok "pvhvm_irq unloads after pvi" pv_unload
tap_is "nothing of pvi is left on the host: no port in use" "$(mstate ports in_use)" 0
