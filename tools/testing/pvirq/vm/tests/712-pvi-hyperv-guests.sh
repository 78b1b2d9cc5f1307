# pvirq-vm: smp=2 host=hyperv guests=3 timeout=420
# SPDX-License-Identifier: GPL-2.0
#
# pvi's Hyper-V backend guest to guest, hv_synic and pvi in every guest:
# g0 (A) sends, g1 (B) receives, g2 (C) is a sender B never allowed.
# 2,000 PVIs to a kernel handler (pvi_client) and 2,000 to an eventfd
# (/dev/pvi) arrive exactly: every HvSignalEvent either set B's flag or
# merged with a pending one (the host counts merges).  C is refused with
# EPERM (ACCESS_DENIED) and B sees nothing; revoking mid-stream stops
# delivery; the rate limit answers EBUSY (INSUFFICIENT_BUFFERS) and
# recovers; B unloading pvi leaves A with ESHUTDOWN (INVALID_PORT_ID),
# a stale connection stays refused after B is back.
. /pvirq/lib.sh

N=2000
PVI_COUNTS=counts
. /pvirq/pvi.sh

tap_ok "hv_synic loads" insmod $PVIRQ_MODDIR/hv_synic.ko
tap_ok "pvi loads (Hyper-V backend)" insmod $PVIRQ_MODDIR/pvi.ko
tap_ok "pvi_client loads" insmod $PVIRQ_MODDIR/pvi_client.ko
tap_ok "backend is hyperv" sh -c "pvictl info | grep -q 'backend hyperv'"
tap_is "all guests are up" "$(hostctl wait-guests 3)" ok

if [ $me = g1 ]; then
	pvi_listen $N clear-counts
fi
hostctl barrier ready 3 > /dev/null

if [ $me = g0 ]; then
	pvi_send_both $N
fi
hostctl barrier sent 3 > /dev/null

if [ $me = g1 ]; then
	pvi_check_received $N
fi
hostctl barrier counted 3 > /dev/null

# C, never allowed.
if [ $me = g2 ]; then
	tap_ok "C resolves B too" sh -c "pvictl resolve $B | grep -q ^0x"
	echo send $B 5 200 > $C/ctl
	tap_is "C is not allowed: 200 x EPERM" "$(client sent) $(client EPERM)" "0 200"
	tap_ok "the host logged C's refusals" has "$(hostctl model g2 refused)" "g1:5:EPERM"
fi
hostctl barrier c-sent 3 > /dev/null
if [ $me = g1 ]; then
	before=$(client gsi 5)
	sleep 1
	tap_is "B saw nothing of C" "$(client gsi 5)" "$before"
	tap_is "the host refused C for B: rx_refused" "$(hcount g1 rx_refused)" 200
fi
hostctl barrier c-checked 3 > /dev/null

# Revoke in the middle of a stream.
pvi_revoke_midstream 3 20000
hostctl barrier revoke-checked 3 > /dev/null

# The rate limit.
if [ $me = g0 ]; then
	pvi_rate_limit 500
fi
hostctl barrier rate-done 3 > /dev/null

# B shuts pvi down.
if [ $me = g1 ]; then
	tap_ok "B unloads pvi_client and pvi" sh -c "rmmod pvi_client && rmmod pvi"
fi
hostctl barrier b-down 3 > /dev/null
if [ $me = g0 ]; then
	e0=$(hcount g0 eshutdown)
	echo send $B 6 3 > $C/ctl
	tap_is "resolving B: peer gone (ESHUTDOWN)" "$(pvictl resolve $B)" ESHUTDOWN
	tap_is "pvictl send: refused at resolve" "$(pvictl send $B 6 1)" "sent 0 resolve ESHUTDOWN"
	tap_ok "resolving an unknown guest: ENOENT" sh -c "pvictl resolve 00000000-0000-8000-8000-00000000abcd | grep -qx ENOENT"
fi
hostctl barrier b-checked 3 > /dev/null
if [ $me = g1 ]; then
	tap_ok "B loads pvi again" insmod $PVIRQ_MODDIR/pvi.ko
fi
hostctl barrier b-up 3 > /dev/null
if [ $me = g0 ]; then
	tap_is "B back: a fresh allowlist, EPERM" "$(pvictl send $B 6 3)" "sent 0 EPERM 3"
	tap_ok "pvi_client unloads" rmmod pvi_client
fi
if [ $me = g2 ]; then
	rmmod pvi_client
fi
hostctl barrier done 3 > /dev/null
tap_ok "pvi unloads" rmmod pvi
tap_ok "hv_synic unloads" rmmod hv_synic
